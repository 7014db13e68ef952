#pragma once
// The linearizability search for one partition: Wing & Gong's algorithm with
// Lowe's memoisation, as in Porcupine. Calls and returns form a doubly linked
// list in time order; the search linearizes a pending call whose step the
// model accepts, "lifts" it (with its return) out of the list and starts over
// from the head; reaching a return entry means every op that could come first
// was tried, so it backtracks. A memo of (linearized set, model state) pairs
// already explored cuts repeated work. Unknown outcomes return at +infinity.
//
// All storage is flat arrays reused across steps: no allocation per step
// except the memo table's amortised growth.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "sim/history/key_model.hpp"

namespace raftsim::history::detail {

struct SearchOp {
  std::int64_t call = 0;
  std::int64_t ret = 0;  // INT64_MAX: unknown outcome
};

struct SearchLimits {
  std::uint64_t max_steps = UINT64_MAX;            // give up after this many steps
  const std::function<bool()>* should_stop = nullptr;  // polled every few thousand steps
};

enum class SearchOutcome { linearizable, not_linearizable, gave_up };

struct SearchResult {
  SearchOutcome outcome = SearchOutcome::linearizable;
  std::uint64_t steps = 0;
  // Not linearizable: the latest (in time order) return event the search
  // ever got stuck at, as an index into `ops`; every op called before that
  // return is in the part of the history that could not be linearized.
  std::uint32_t stuck_op = 0;
};

// `ops[i]` is the model's operation i.
SearchResult search(KeyModel& model, std::span<const SearchOp> ops, const SearchLimits& limits);

}  // namespace raftsim::history::detail
