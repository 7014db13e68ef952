// Compiling one partition's operations into KeyModel steps.
#include "sim/history/key_model.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace raftsim::history::detail {

namespace {

constexpr std::uint64_t kBase = 0x100000001B3ull;  // odd: a polynomial hash mod 2^64

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t hash = 0;
  for (const char c : text) hash = hash * kBase + static_cast<unsigned char>(c) + 1;
  return hash;
}
std::uint64_t power(std::size_t exponent) {
  std::uint64_t result = 1;
  for (std::size_t i = 0; i < exponent; ++i) result *= kBase;
  return result;
}
std::uint64_t length_hash_key(std::uint64_t hash, std::uint64_t length) {
  return hash ^ mix64(length + 0x9E3779B97F4A7C15ull);
}

}  // namespace

KeyModel::KeyModel(const History& history, Model model, std::span<const std::size_t> ops)
    : etcd_(model == Model::etcd) {
  values_.emplace_back();  // id 0: absent (appending to it appends to "")
  nodes_.emplace_back();
  ops_.reserve(ops.size());
  for (const std::size_t index : ops) {
    const Operation& op = history[index];
    Compiled c;
    c.known = op.outcome != Outcome::unknown;
    c.revision = op.revision.value_or(-1);
    c.mod_revision = op.mod_revision.value_or(-1);
    auto id_of = [&](const std::optional<std::string>& text) {
      return text ? intern_value(*text) : std::uint32_t{0};
    };
    switch (op.kind) {
      case OpKind::get:
        RAFTSIM_ASSERT(op.outcome == Outcome::ok, "only gets with outcome ok constrain the state");
        c.action = Action::read;
        c.value = id_of(op.value);
        break;
      case OpKind::put:
        c.action = Action::write;
        c.value = id_of(op.value);
        break;
      case OpKind::del:
        c.action = Action::write;
        c.value = 0;
        break;
      case OpKind::cas:
        c.action = op.outcome == Outcome::ok     ? Action::cas_ok
                   : op.outcome == Outcome::fail ? Action::cas_fail
                                                 : Action::cas_maybe;
        c.expect = id_of(op.expect);
        c.value = id_of(op.value);
        break;
      case OpKind::txn:
        RAFTSIM_ASSERT(false, "a txn operation is not part of a checked history");
        break;
      case OpKind::append:
        c.action = Action::append;
        c.appended = op.value ? std::string_view(*op.value) : std::string_view();
        c.appended_hash = hash_text(c.appended);
        c.appended_power = power(c.appended.size());
        break;
    }
    ops_.push_back(c);
  }
  if (std::any_of(ops_.begin(), ops_.end(), [](const Compiled& c) { return c.action == Action::append; })) {
    read_prefix_offset_.assign(values_.size(), UINT32_MAX);
    for (const Compiled& c : ops_) {
      if (c.action != Action::read || c.value == 0 || read_prefix_offset_[c.value] != UINT32_MAX) continue;
      RAFTSIM_ASSERT(read_prefix_hashes_.size() < UINT32_MAX - values_[c.value].size(), "values too long");
      read_prefix_offset_[c.value] = static_cast<std::uint32_t>(read_prefix_hashes_.size());
      std::uint64_t hash = 0;
      read_prefix_hashes_.push_back(hash);
      for (const char ch : values_[c.value]) {
        hash = hash * kBase + static_cast<unsigned char>(ch) + 1;  // as hash_text
        read_prefix_hashes_.push_back(hash);
      }
    }
  }
  if (etcd_) {
    states_.push_back({0, 0});  // the initial state: absent, never modified
    state_ids_.emplace(std::pair<std::uint32_t, std::int64_t>{0, 0}, 0);
  }
}

std::uint32_t KeyModel::intern_value(std::string_view text) {
  const auto [it, inserted] =
      value_ids_.try_emplace(std::string(text), static_cast<std::uint32_t>(values_.size()));
  if (inserted) {
    values_.emplace_back(text);
    Node node;
    node.length = text.size();
    node.hash = hash_text(text);
    nodes_.push_back(node);
    texts_by_hash_.emplace(length_hash_key(node.hash, node.length), it->second);
  }
  return it->second;
}

bool KeyModel::node_equals(std::uint32_t node, std::string_view text) const {
  for (;;) {
    const Node& n = nodes_[node];
    if (n.length != text.size()) return false;
    if (n.parent == UINT32_MAX) return node == 0 ? text.empty() : values_[node] == text;
    const std::string_view appended = ops_[n.op].appended;
    if (text.substr(text.size() - appended.size()) != appended) return false;
    text.remove_suffix(appended.size());
    node = n.parent;
  }
}

// Appending builds a node (parent, op) unless the string it makes is one
// that operations mention, which keeps equal values equal ids.
std::uint32_t KeyModel::append(std::uint32_t value, std::uint32_t op) {
  const std::uint64_t key = (std::uint64_t{value} << 32) | op;
  const std::uint32_t found = appends_.find(key);
  if (found != FlatMap::kMissing) return found;
  const Compiled& c = ops_[op];
  Node node;
  node.parent = value;
  node.op = op;
  node.length = nodes_[value].length + c.appended.size();
  node.hash = nodes_[value].hash * c.appended_power + c.appended_hash;
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(node);
  std::uint32_t next = id;
  const auto [first, last] = texts_by_hash_.equal_range(length_hash_key(node.hash, node.length));
  for (auto it = first; it != last; ++it) {
    if (node_equals(id, values_[it->second])) {
      next = it->second;
      nodes_.pop_back();
      break;
    }
  }
  RAFTSIM_ASSERT(nodes_.size() < UINT32_MAX - 1, "too many distinct values");
  appends_.insert(key, next);
  return next;
}

std::uint32_t KeyModel::intern_state(std::uint32_t value, std::int64_t mod_revision) {
  const auto [it, inserted] =
      state_ids_.try_emplace({value, mod_revision}, static_cast<std::uint32_t>(states_.size()));
  if (inserted) states_.push_back({value, mod_revision});
  return it->second;
}

// The etcd model: kv semantics on the value, plus revisions. A write that
// returned ok with a header revision R created revision R, so the key's
// previous mod revision is below R and its new one is R; any response with
// header revision R was served at R or later, so the key's mod revision is at
// most R; a get's mod_revision is the key's mod revision.
std::uint32_t KeyModel::step_etcd(std::uint32_t state, std::uint32_t op) {
  const std::uint64_t key = (std::uint64_t{state} << 32) | op;
  // Impossible steps are cached too, as kImpossible (the map's empty marker is kNoState).
  constexpr std::uint32_t kImpossible = UINT32_MAX - 1;
  const std::uint32_t found = etcd_steps_.find(key);
  if (found != FlatMap::kMissing) return found == kImpossible ? kNoState : found;

  const Compiled& c = ops_[op];
  const EtcdState current = states_[state];
  const bool revision_known = current.mod_revision >= 0;
  std::uint32_t next = kNoState;
  auto write = [&](std::uint32_t value) {
    if (!c.known || c.revision < 0) return intern_state(value, -1);
    if (revision_known && current.mod_revision >= c.revision) return kNoState;
    return intern_state(value, c.revision);
  };
  auto unchanged = [&] {
    if (c.known && c.revision >= 0 && revision_known && current.mod_revision > c.revision) return kNoState;
    return state;
  };
  switch (c.action) {
    case Action::read:
      if (current.value != c.value) break;
      if (c.mod_revision >= 0 && c.value != 0 && revision_known && current.mod_revision != c.mod_revision)
        break;
      next = unchanged();
      break;
    case Action::write:
      // Deleting an absent key changes nothing and creates no revision.
      next = c.value == 0 && current.value == 0 ? unchanged() : write(c.value);
      break;
    case Action::cas_ok:
      if (current.value == c.expect) next = write(c.value);
      break;
    case Action::cas_fail:
      if (current.value != c.expect) next = unchanged();
      break;
    case Action::cas_maybe:
      next = current.value == c.expect ? write(c.value) : state;
      break;
    case Action::append:
      next = write(append(current.value, op));
      break;
  }
  etcd_steps_.insert(key, next == kNoState ? kImpossible : next);
  return next;
}

}  // namespace raftsim::history::detail
