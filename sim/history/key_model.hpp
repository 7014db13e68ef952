#pragma once
// The sequential specification of one partition (one key, or the whole
// register), compiled for the search: values are interned per partition so
// that a model state is a small integer and a step is a few comparisons.
//
// Semantics of each operation (absent key = value id 0):
//   get ok          reads the current value
//   put, append     write (append adds to the key's string; absent counts as "")
//   delete          makes the key absent
//   cas ok          compare true, then write;   cas fail: compare false, no change
//   cas unknown     if the compare holds it writes, otherwise nothing happens
// Unknown puts, appends and deletes may apply or not: the search places them
// anywhere after their call, or after everything else (which is "never").
// The etcd model adds the key's mod revision to the state (-1 = not known)
// and checks the revisions that responses carry.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/history/history.hpp"

namespace raftsim::history::detail {

inline constexpr std::uint32_t kNoState = UINT32_MAX;

class KeyModel {
 public:
  // `ops` are indexes into `history`; the model's operation i is history[ops[i]].
  KeyModel(const History& history, Model model, std::span<const std::size_t> ops);

  static constexpr std::uint32_t initial_state() { return 0; }
  // The state after operation `op` in `state`, or kNoState when `op` cannot
  // take effect (with its recorded outcome) in that state.
  std::uint32_t step(std::uint32_t state, std::uint32_t op) {
    const Compiled& c = ops_[op];
    if (!etcd_) {
      switch (c.action) {
        case Action::read: return state == c.value ? state : kNoState;
        case Action::write: return c.value;
        case Action::cas_ok: return state == c.expect ? c.value : kNoState;
        case Action::cas_fail: return state != c.expect ? state : kNoState;
        case Action::cas_maybe: return state == c.expect ? c.value : state;
        case Action::append: return append(state, op);
      }
      return kNoState;
    }
    return step_etcd(state, op);
  }

  std::string describe_state(std::uint32_t state) const;

 private:
  enum class Action : std::uint8_t { read, write, cas_ok, cas_fail, cas_maybe, append };
  struct Compiled {
    Action action = Action::read;
    bool known = true;      // outcome known (ok or fail)
    std::uint32_t value = 0;   // value id read or written
    std::uint32_t expect = 0;  // cas: value id compared against
    std::int64_t revision = -1;
    std::int64_t mod_revision = -1;
    std::string_view appended;  // append: the text added
  };
  struct EtcdState {
    std::uint32_t value;
    std::int64_t mod_revision;  // -1: not known
  };

  std::uint32_t intern_value(std::string_view text);
  std::uint32_t intern_state(std::uint32_t value, std::int64_t mod_revision);
  std::uint32_t append(std::uint32_t value, std::uint32_t op);
  std::uint32_t step_etcd(std::uint32_t state, std::uint32_t op);

  bool etcd_ = false;
  std::vector<Compiled> ops_;
  std::vector<std::string> values_;  // id -> text; id 0 is "absent"
  std::unordered_map<std::string, std::uint32_t> value_ids_;  // only looked up, never iterated
  std::unordered_map<std::uint64_t, std::uint32_t> appends_;  // (value id, op) -> value id
  std::vector<EtcdState> states_;                               // etcd: state id -> state
  std::map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t> state_ids_;  // etcd: (value, mod revision) -> id
  std::unordered_map<std::uint64_t, std::uint32_t> etcd_steps_; // etcd: (state, op) -> state
};

}  // namespace raftsim::history::detail
