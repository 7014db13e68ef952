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

#include "sim/history/flat_map.hpp"
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

  // For the search's pruning of states that no order can complete (see
  // search.hpp): whether the partition has appends; whether `op` reads or
  // appends; whether it may set the value other than by appending (put,
  // delete, a cas that may write).
  bool has_appends() const { return !read_prefix_offset_.empty(); }
  bool reads(std::uint32_t op) const { return ops_[op].action == Action::read; }
  bool appends(std::uint32_t op) const { return ops_[op].action == Action::append; }
  bool may_reset(std::uint32_t op) const {
    const Action a = ops_[op].action;
    return a == Action::write || a == Action::cas_ok || a == Action::cas_maybe;
  }
  // False when appends alone cannot turn the value of `state` into the value
  // that the read `read` returned (the value is not a prefix of it). Compares
  // polynomial hashes: a collision can only answer true, which prunes less.
  bool could_grow_into(std::uint32_t state, std::uint32_t read) const {
    const std::uint32_t value = etcd_ ? states_[state].value : state;
    const std::uint32_t target = ops_[read].value;
    if (value == target || value == 0) return true;  // absent: appends make any text
    if (target == 0) return false;                   // present stays present without a delete
    const Node& node = nodes_[value];
    if (node.length > values_[target].size()) return false;
    return read_prefix_hashes_[read_prefix_offset_[target] + node.length] == node.hash;
  }

  // Whether two operations change any state in the same way (used to break
  // the symmetry between interchangeable unknown operations).
  bool same_effect(std::uint32_t a, std::uint32_t b) const {
    const Compiled& x = ops_[a];
    const Compiled& y = ops_[b];
    return x.action == y.action && x.known == y.known && x.value == y.value && x.expect == y.expect &&
           x.revision == y.revision && x.mod_revision == y.mod_revision && x.appended == y.appended;
  }

 private:
  enum class Action : std::uint8_t { read, write, cas_ok, cas_fail, cas_maybe, append };
  struct Compiled {
    Action action = Action::read;
    bool known = true;         // outcome known (ok or fail)
    std::uint32_t value = 0;   // value id read or written
    std::uint32_t expect = 0;  // cas: value id compared against
    std::int64_t revision = -1;
    std::int64_t mod_revision = -1;
    std::string_view appended;    // append: the text added
    std::uint64_t appended_hash = 0;   // append: polynomial hash of `appended`
    std::uint64_t appended_power = 1;  // append: kBase^appended.size()
  };
  struct EtcdState {
    std::uint32_t value;
    std::int64_t mod_revision;  // -1: not known
  };
  // A value is a node: ids below values_.size() are the texts that operations
  // mention (0 = absent); larger ids are strings built by appends, kept as
  // (parent, append op) so that no string is built during the search. A built
  // string equal to a mentioned text is that text's id, so comparing values
  // is comparing ids.
  struct Node {
    std::uint32_t parent = UINT32_MAX;  // UINT32_MAX: a mentioned text
    std::uint32_t op = 0;               // the append that built it
    std::uint64_t length = 0;
    std::uint64_t hash = 0;
  };

  std::uint32_t intern_value(std::string_view text);
  std::uint32_t intern_state(std::uint32_t value, std::int64_t mod_revision);
  std::uint32_t append(std::uint32_t value, std::uint32_t op);
  std::uint32_t step_etcd(std::uint32_t state, std::uint32_t op);
  bool node_equals(std::uint32_t node, std::string_view text) const;

  bool etcd_ = false;
  std::vector<Compiled> ops_;
  std::vector<std::string> values_;                           // mentioned texts; 0 is "absent"
  std::unordered_map<std::string, std::uint32_t> value_ids_;  // only looked up, never iterated
  std::vector<Node> nodes_;                                   // value id -> node
  std::unordered_multimap<std::uint64_t, std::uint32_t> texts_by_hash_;  // looked up only
  FlatMap appends_;                                           // (value, op) -> value
  // Only with appends: for each value id that a read returns, an offset into
  // read_prefix_hashes_, which holds the hash of each of its prefixes
  // (length 0 to its length); UINT32_MAX for other ids.
  std::vector<std::uint32_t> read_prefix_offset_;
  std::vector<std::uint64_t> read_prefix_hashes_;
  std::vector<EtcdState> states_;                             // etcd: state id -> state
  std::map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t> state_ids_;  // etcd
  FlatMap etcd_steps_;                                        // etcd: (state, op) -> state
};

}  // namespace raftsim::history::detail
