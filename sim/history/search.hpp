#pragma once
// The linearizability search for one partition: Wing & Gong's algorithm with
// Lowe's memoisation, as in Porcupine. Calls and returns form a doubly linked
// list in time order; the search linearizes a pending call whose step the
// model accepts, "lifts" it (with its return) out of the list and starts over
// from the head; reaching a return entry means every op that could come first
// was tried, so it backtracks. A memo of (linearized set, model state) pairs
// already explored cuts repeated work. Unknown outcomes return at +infinity.
//
// Two reductions keep unknown outcomes (which stay pending to the end) from
// multiplying the states: an unknown op is never linearized where it would
// change nothing (leaving it pending, or out altogether, does everything that
// could), and of several unknown ops with the same effect the earlier-called
// ones are linearized first (any linearization can swap them so). The search
// succeeds when every op with a known outcome is linearized: the unknown ops
// left may never have taken effect.
//
// With appends, the orders of concurrent appends make distinct strings, and
// the memo rarely meets a state twice. So, in partitions with appends, a step
// that changes the value is also refused when no order can complete it: a
// read not yet linearized whose return comes before every possible reset of
// the value (the call of a put, delete or cas not yet linearized) sees the
// value grown by appends only, so the value must be a prefix of what it read.
// The reads returning first are checked (at most kReadsChecked of them).
//
// All storage is flat arrays reused across steps: no allocation per step
// except the amortised growth of the memo and the model's transition caches.
// A search can be paused (step budget) and resumed, so that the checker can
// work on all partitions in turn and stop at the first one that fails.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "sim/history/key_model.hpp"
#include "sim/history/memo.hpp"

namespace raftsim::history::detail {

struct SearchOp {
  std::int64_t call = 0;
  std::int64_t ret = 0;  // INT64_MAX: unknown outcome
};

struct SearchLimits {
  std::uint64_t max_steps = UINT64_MAX;                // pause after this many more steps
  const std::function<bool()>* should_stop = nullptr;  // polled every few thousand steps
};

enum class SearchOutcome { linearizable, not_linearizable, paused, stopped };

class Search {
 public:
  // `model` must outlive the search; `ops[i]` is the model's operation i.
  Search(KeyModel& model, std::span<const SearchOp> ops);

  SearchOutcome resume(const SearchLimits& limits);

  std::uint64_t steps() const { return steps_; }
  // After not_linearizable: the latest (in time order) return the search was
  // ever stuck at, as an op index; the ops called before that return are a
  // part of the history that cannot be linearized.
  std::uint32_t stuck_op() const { return stuck_op_; }

 private:
  struct Frame {
    std::int32_t call;
    std::uint32_t state;
  };
  static constexpr int kReadsChecked = 32;

  template <bool kPruning>
  SearchOutcome run(const SearchLimits& limits);
  bool has(std::uint32_t op) const { return (bits_[op >> 6] >> (op & 63)) & 1; }
  void lift(std::int32_t call);
  void unlift(std::int32_t call);
  void unwatch(std::int32_t call);
  void rewatch(std::int32_t call);
  bool hopeless(std::uint32_t op, std::uint32_t after);
  std::int32_t first_return_without(std::uint32_t op) const;

  KeyModel& model_;
  std::size_t n_;
  std::int32_t head_;
  std::vector<std::int32_t> next_, prev_;  // the entry list: 2i call of op i, 2i+1 its return
  std::vector<std::int32_t> order_;        // entries in time order
  std::vector<std::int32_t> position_;     // entry -> index in order_
  std::vector<std::int32_t> twin_before_;  // unknown op -> earlier unknown op with the same effect, or -1
  std::vector<bool> unknown_;              // op -> outcome unknown
  // Pruning (partitions with appends only): the ops whose steps are checked,
  // and a second list like the entry list, of the entries that the check
  // looks at: returns of reads and calls of ops that may reset the value.
  bool pruning_ = false;
  std::vector<bool> checked_after_;        // op -> changes the value (append or reset)
  std::vector<std::int32_t> watched_;      // op -> its entry in the watch list, or -1
  std::vector<std::int32_t> watch_next_, watch_prev_;
  std::size_t known_total_ = 0;            // ops with a known outcome
  std::size_t known_done_ = 0;             // ... of which linearized
  std::vector<std::uint64_t> bits_;        // the linearized set
  std::vector<std::uint64_t> zobrist_;     // per op, for the set's hash
  std::uint64_t set_hash_ = 0;
  Memo memo_;
  std::vector<Frame> stack_;
  std::uint32_t state_ = KeyModel::initial_state();
  std::int32_t entry_;
  std::int32_t stuck_position_ = -1;
  std::uint32_t stuck_op_ = 0;
  std::uint64_t steps_ = 0;
  bool done_ = false;
  SearchOutcome outcome_ = SearchOutcome::paused;
};

}  // namespace raftsim::history::detail
