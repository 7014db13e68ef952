// Wing & Gong / Lowe search over one partition (see search.hpp).
#include "sim/history/search.hpp"

#include <algorithm>
#include <numeric>

#include "core/assert.hpp"

namespace raftsim::history::detail {
namespace {

constexpr std::int32_t kNil = -1;

std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

// The set of (linearized set, state) pairs already explored. The linearized
// set is stored compactly: operations are numbered in call order and are
// linearized roughly in that order, so a set is mostly all-ones words, then
// a short window, then all-zero words; only the window is kept.
class Memo {
 public:
  explicit Memo(std::size_t words) : words_(words) { slots_.resize(1024); }

  // Inserts; false if it was already there.
  bool insert(std::uint64_t set_hash, std::uint32_t state, const std::vector<std::uint64_t>& bits) {
    std::uint32_t lo = 0;
    while (lo < words_ && bits[lo] == ~0ull) ++lo;
    std::uint32_t hi = static_cast<std::uint32_t>(words_);
    while (hi > lo && bits[hi - 1] == 0) --hi;
    const std::uint64_t hash = mix64(set_hash ^ (std::uint64_t{state} * 0x9E3779B97F4A7C15ull)) | 1;

    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.hash == 0) break;
      if (slot.hash == hash && slot.state == state && slot.lo == lo && slot.hi == hi &&
          std::equal(bits.begin() + lo, bits.begin() + hi, arena_.begin() + static_cast<std::ptrdiff_t>(slot.offset)))
        return false;
    }
    if (2 * (count_ + 1) > slots_.size()) grow();
    mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = Slot{hash, arena_.size(), state, lo, hi};
    arena_.insert(arena_.end(), bits.begin() + lo, bits.begin() + hi);
    ++count_;
    return true;
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty
    std::size_t offset = 0;
    std::uint32_t state = 0;
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
  };

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.hash == 0) continue;
      std::size_t i = slot.hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::size_t words_;
  std::size_t count_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> arena_;
};

}  // namespace

SearchResult search(KeyModel& model, std::span<const SearchOp> ops, const SearchLimits& limits) {
  const std::size_t n = ops.size();
  SearchResult result;
  if (n == 0) return result;
  RAFTSIM_ASSERT(n < (std::size_t{1} << 30), "too many operations in one partition");

  // Entries: 2i is the call of op i, 2i+1 its return; `head` is a sentinel.
  // Time order; at equal times calls come first (the ops overlap), then by op.
  const auto entry_count = static_cast<std::int32_t>(2 * n);
  std::vector<std::int32_t> order(2 * n);
  std::iota(order.begin(), order.end(), 0);
  auto time_of = [&](std::int32_t e) { return (e & 1) ? ops[static_cast<std::size_t>(e >> 1)].ret
                                                      : ops[static_cast<std::size_t>(e >> 1)].call; };
  std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    const std::int64_t ta = time_of(a), tb = time_of(b);
    if (ta != tb) return ta < tb;
    if ((a & 1) != (b & 1)) return (a & 1) == 0;
    return a < b;
  });
  const std::int32_t head = entry_count;
  std::vector<std::int32_t> next(2 * n + 1), prev(2 * n + 1), position(2 * n);
  std::int32_t last = head;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::int32_t e = order[k];
    position[static_cast<std::size_t>(e)] = static_cast<std::int32_t>(k);
    next[static_cast<std::size_t>(last)] = e;
    prev[static_cast<std::size_t>(e)] = last;
    last = e;
  }
  next[static_cast<std::size_t>(last)] = kNil;
  prev[static_cast<std::size_t>(head)] = kNil;
  auto at = [](std::vector<std::int32_t>& v, std::int32_t i) -> std::int32_t& { return v[static_cast<std::size_t>(i)]; };

  // Removes a call and its return from the list; `unlift` undoes it (the
  // removed entries keep their links, as in dancing links).
  auto lift = [&](std::int32_t call) {
    for (const std::int32_t e : {call, call + 1}) {
      at(next, at(prev, e)) = at(next, e);
      if (at(next, e) != kNil) at(prev, at(next, e)) = at(prev, e);
    }
  };
  auto unlift = [&](std::int32_t call) {
    for (const std::int32_t e : {call + 1, call}) {
      at(next, at(prev, e)) = e;
      if (at(next, e) != kNil) at(prev, at(next, e)) = e;
    }
  };

  const std::size_t words = (n + 63) / 64;
  std::vector<std::uint64_t> bits(words, 0);
  std::vector<std::uint64_t> zobrist(n);
  for (std::size_t i = 0; i < n; ++i) zobrist[i] = mix64(0x5DEECE66Dull + i * 0x9E3779B97F4A7C15ull);
  std::uint64_t set_hash = 0;
  Memo memo(words);

  struct Frame {
    std::int32_t call;
    std::uint32_t state;
  };
  std::vector<Frame> stack;
  stack.reserve(n);

  std::uint32_t state = KeyModel::initial_state();
  std::int32_t entry = next[static_cast<std::size_t>(head)];
  std::int32_t stuck_position = -1;
  std::uint64_t steps = 0;
  while (next[static_cast<std::size_t>(head)] != kNil) {
    if ((++steps & 0xFFF) == 0) {
      if (steps >= limits.max_steps || (limits.should_stop && *limits.should_stop && (*limits.should_stop)())) {
        result.outcome = SearchOutcome::gave_up;
        result.steps = steps;
        return result;
      }
    }
    if ((entry & 1) == 0) {  // a call: try to linearize it now
      const auto op = static_cast<std::uint32_t>(entry >> 1);
      const std::uint32_t after = model.step(state, op);
      if (after != kNoState) {
        bits[op >> 6] |= std::uint64_t{1} << (op & 63);
        set_hash ^= zobrist[op];
        if (memo.insert(set_hash, after, bits)) {
          stack.push_back({entry, state});
          state = after;
          lift(entry);
          entry = next[static_cast<std::size_t>(head)];
          continue;
        }
        bits[op >> 6] &= ~(std::uint64_t{1} << (op & 63));
        set_hash ^= zobrist[op];
      }
      entry = next[static_cast<std::size_t>(entry)];
    } else {  // a return: its op must come before anything later; undo the last choice
      stuck_position = std::max(stuck_position, position[static_cast<std::size_t>(entry)]);
      if (stack.empty()) {
        result.outcome = SearchOutcome::not_linearizable;
        result.steps = steps;
        result.stuck_op = static_cast<std::uint32_t>(order[static_cast<std::size_t>(stuck_position)] >> 1);
        return result;
      }
      const Frame top = stack.back();
      stack.pop_back();
      const auto op = static_cast<std::uint32_t>(top.call >> 1);
      bits[op >> 6] &= ~(std::uint64_t{1} << (op & 63));
      set_hash ^= zobrist[op];
      state = top.state;
      unlift(top.call);
      entry = next[static_cast<std::size_t>(top.call)];
    }
  }
  result.steps = steps;
  return result;
}

}  // namespace raftsim::history::detail

