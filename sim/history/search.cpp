// Wing & Gong / Lowe search over one partition (see search.hpp).
#include "sim/history/search.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace raftsim::history::detail {

namespace {
constexpr std::int32_t kNil = -1;
}  // namespace

Search::Search(KeyModel& model, std::span<const SearchOp> ops)
    : model_(model), n_(ops.size()), memo_((ops.size() + 63) / 64) {
  RAFTSIM_ASSERT(n_ < (std::size_t{1} << 29), "too many operations in one partition");
  head_ = static_cast<std::int32_t>(2 * n_);
  // Time order; at equal times calls come first (the ops overlap), then by op.
  // Sorted as (time, tie) pairs, tie = the entry plus 2^31 for returns.
  struct Key {
    std::int64_t time;
    std::uint32_t tie;
    bool operator<(const Key& other) const { return time != other.time ? time < other.time : tie < other.tie; }
  };
  std::vector<Key> keys(2 * n_);
  for (std::size_t i = 0; i < n_; ++i) {
    keys[2 * i] = {ops[i].call, static_cast<std::uint32_t>(2 * i)};
    keys[2 * i + 1] = {ops[i].ret, static_cast<std::uint32_t>(2 * i + 1) | 0x80000000u};
  }
  std::sort(keys.begin(), keys.end());
  order_.resize(2 * n_);
  for (std::size_t k = 0; k < keys.size(); ++k) order_[k] = static_cast<std::int32_t>(keys[k].tie & 0x7FFFFFFFu);
  next_.assign(2 * n_ + 1, kNil);
  prev_.assign(2 * n_ + 1, kNil);
  position_.resize(2 * n_);
  std::int32_t last = head_;
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const std::int32_t e = order_[k];
    position_[static_cast<std::size_t>(e)] = static_cast<std::int32_t>(k);
    next_[static_cast<std::size_t>(last)] = e;
    prev_[static_cast<std::size_t>(e)] = last;
    last = e;
  }
  unknown_.resize(n_);
  twin_before_.assign(n_, -1);
  std::vector<std::uint32_t> unknown_ops;  // in call order
  for (const std::int32_t e : order_) {
    const auto op = static_cast<std::uint32_t>(e >> 1);
    if ((e & 1) != 0 || ops[op].ret != INT64_MAX) continue;
    unknown_[op] = true;
    for (auto it = unknown_ops.rbegin(); it != unknown_ops.rend(); ++it) {
      if (model_.same_effect(*it, op)) {
        twin_before_[op] = static_cast<std::int32_t>(*it);
        break;
      }
    }
    unknown_ops.push_back(op);
  }
  known_total_ = n_ - unknown_ops.size();
  bits_.assign((n_ + 63) / 64, 0);
  zobrist_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) zobrist_[i] = mix64(0x5DEECE66Dull + i * 0x9E3779B97F4A7C15ull);
  stack_.reserve(n_);
  entry_ = next_[static_cast<std::size_t>(head_)];

  pruning_ = model_.has_appends();
  if (pruning_) {
    checked_after_.resize(n_);
    watched_.assign(n_, kNil);
    watch_next_.assign(2 * n_ + 1, kNil);
    watch_prev_.assign(2 * n_ + 1, kNil);
    std::int32_t tail = head_;
    for (const std::int32_t e : order_) {
      const auto op = static_cast<std::uint32_t>(e >> 1);
      const bool resets = model_.may_reset(op);
      checked_after_[op] = resets || model_.appends(op);
      const bool watch = (e & 1) == 0 ? resets : model_.reads(op) && !unknown_[op];
      if (!watch) continue;
      watched_[op] = e;
      watch_next_[static_cast<std::size_t>(tail)] = e;
      watch_prev_[static_cast<std::size_t>(e)] = tail;
      tail = e;
    }
  }
}

// Removes a call and its return from the list; unlift undoes the most recent
// lift (the removed entries keep their links, as in dancing links).
void Search::lift(std::int32_t call) {
  for (const std::int32_t e : {call, call + 1}) {
    const auto i = static_cast<std::size_t>(e);
    next_[static_cast<std::size_t>(prev_[i])] = next_[i];
    if (next_[i] != kNil) prev_[static_cast<std::size_t>(next_[i])] = prev_[i];
  }
}

void Search::unlift(std::int32_t call) {
  for (const std::int32_t e : {call + 1, call}) {
    const auto i = static_cast<std::size_t>(e);
    next_[static_cast<std::size_t>(prev_[i])] = e;
    if (next_[i] != kNil) prev_[static_cast<std::size_t>(next_[i])] = e;
  }
}

// The same on the watch list, where an op has at most one entry.
void Search::unwatch(std::int32_t call) {
  const std::int32_t e = watched_[static_cast<std::size_t>(call >> 1)];
  if (e == kNil) return;
  const auto i = static_cast<std::size_t>(e);
  watch_next_[static_cast<std::size_t>(watch_prev_[i])] = watch_next_[i];
  if (watch_next_[i] != kNil) watch_prev_[static_cast<std::size_t>(watch_next_[i])] = watch_prev_[i];
}

void Search::rewatch(std::int32_t call) {
  const std::int32_t e = watched_[static_cast<std::size_t>(call >> 1)];
  if (e == kNil) return;
  const auto i = static_cast<std::size_t>(e);
  watch_next_[static_cast<std::size_t>(watch_prev_[i])] = e;
  if (watch_next_[i] != kNil) watch_prev_[static_cast<std::size_t>(watch_next_[i])] = e;
}

// Whether linearizing `op` (not yet lifted), giving state `after`, leaves a
// read that no order can satisfy (see search.hpp). If so, the search will
// not go there, but it notes where it would have been stuck first, for
// stuck_op().
bool Search::hopeless(std::uint32_t op, std::uint32_t after) {
  int checked = 0;
  for (std::int32_t e = watch_next_[static_cast<std::size_t>(head_)]; e != kNil && checked < kReadsChecked;
       e = watch_next_[static_cast<std::size_t>(e)]) {
    const auto other = static_cast<std::uint32_t>(e >> 1);
    if (other == op) continue;
    if ((e & 1) == 0) return false;  // a reset may come first
    ++checked;
    if (!model_.could_grow_into(after, other)) {
      stuck_position_ = std::max(stuck_position_, first_return_without(op));
      return true;
    }
  }
  return false;
}

// The first return in the entry list other than `op`'s: where the search
// would have been stuck first had it linearized `op` (as a position).
std::int32_t Search::first_return_without(std::uint32_t op) const {
  for (std::int32_t e = next_[static_cast<std::size_t>(head_)]; e != kNil; e = next_[static_cast<std::size_t>(e)])
    if ((e & 1) != 0 && static_cast<std::uint32_t>(e >> 1) != op) return position_[static_cast<std::size_t>(e)];
  return -1;
}

SearchOutcome Search::resume(const SearchLimits& limits) {
  if (done_) return outcome_;
  return pruning_ ? run<true>(limits) : run<false>(limits);
}

// The search loop, compiled twice so that partitions without appends pay
// nothing for the pruning.
template <bool kPruning>
SearchOutcome Search::run(const SearchLimits& limits) {
  const std::uint64_t stop_at = limits.max_steps > UINT64_MAX - steps_ ? UINT64_MAX : steps_ + limits.max_steps;
  std::int32_t entry = entry_;
  std::uint32_t state = state_;
  auto pause = [&](SearchOutcome outcome) {
    entry_ = entry;
    state_ = state;
    return outcome;
  };
  auto finish = [&](SearchOutcome outcome) {
    done_ = true;
    outcome_ = outcome;
    return outcome;
  };
  const auto head = static_cast<std::size_t>(head_);
  while (known_done_ < known_total_) {
    if ((++steps_ & 0xFFF) == 0 && limits.should_stop && *limits.should_stop && (*limits.should_stop)())
      return pause(SearchOutcome::stopped);
    if (steps_ >= stop_at) return pause(SearchOutcome::paused);

    if ((entry & 1) == 0) {  // a call: try to linearize it here
      const auto op = static_cast<std::uint32_t>(entry >> 1);
      const bool unknown = unknown_[op];
      const std::uint32_t after =
          unknown && twin_before_[op] >= 0 && !has(static_cast<std::uint32_t>(twin_before_[op]))
              ? kNoState
              : model_.step(state, op);
      if (after != kNoState && !(unknown && after == state) &&
          !(kPruning && checked_after_[op] && hopeless(op, after))) {
        bits_[op >> 6] |= std::uint64_t{1} << (op & 63);
        set_hash_ ^= zobrist_[op];
        if (memo_.insert(set_hash_, after, bits_)) {
          stack_.push_back({entry, state});
          if (!unknown) ++known_done_;
          state = after;
          lift(entry);
          if (kPruning) unwatch(entry);
          entry = next_[head];
          continue;
        }
        bits_[op >> 6] &= ~(std::uint64_t{1} << (op & 63));
        set_hash_ ^= zobrist_[op];
      }
      entry = next_[static_cast<std::size_t>(entry)];
    } else {  // a return: its op had to come before all that follows; undo the last choice
      stuck_position_ = std::max(stuck_position_, position_[static_cast<std::size_t>(entry)]);
      if (stack_.empty()) {
        stuck_op_ = static_cast<std::uint32_t>(order_[static_cast<std::size_t>(stuck_position_)] >> 1);
        return finish(SearchOutcome::not_linearizable);
      }
      const Frame top = stack_.back();
      stack_.pop_back();
      const auto op = static_cast<std::uint32_t>(top.call >> 1);
      bits_[op >> 6] &= ~(std::uint64_t{1} << (op & 63));
      set_hash_ ^= zobrist_[op];
      if (!unknown_[op]) --known_done_;
      state = top.state;
      unlift(top.call);
      if (kPruning) rewatch(top.call);
      entry = next_[static_cast<std::size_t>(top.call)];
    }
  }
  return finish(SearchOutcome::linearizable);
}

}  // namespace raftsim::history::detail
