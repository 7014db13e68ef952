#pragma once
// The search's memo: the set of (linearized set, model state) pairs already
// explored (Lowe's optimisation of Wing & Gong). A linearized set is stored
// compactly: operations are numbered in call order and are linearized
// roughly in that order, so a set is mostly all-ones words, then a short
// window, then all-zero words; only the window is kept, in one flat arena.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/history/flat_map.hpp"

namespace raftsim::history::detail {

class Memo {
 public:
  explicit Memo(std::size_t words) : words_(words) { slots_.resize(256); }

  // Inserts (set, state); false if it was already there. `set_hash` is a
  // hash of `bits` kept up to date by the caller (Zobrist hashing).
  bool insert(std::uint64_t set_hash, std::uint32_t state, const std::vector<std::uint64_t>& bits) {
    std::uint32_t lo = 0;
    while (lo < words_ && bits[lo] == ~0ull) ++lo;
    auto hi = static_cast<std::uint32_t>(words_);
    while (hi > lo && bits[hi - 1] == 0) --hi;
    const auto hash =
        static_cast<std::uint32_t>(mix64(set_hash ^ (std::uint64_t{state} * 0x9E3779B97F4A7C15ull)) >> 32) | 1;

    std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.hash == 0) break;
      if (slot.hash == hash && slot.state == state && slot.lo == lo && slot.hi == hi && same_window(slot, bits))
        return false;
    }
    if (2 * (count_ + 1) > slots_.size()) {
      grow();
      mask = slots_.size() - 1;
      i = hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
    }
    // A window of one word is kept in the slot itself; longer ones in the arena.
    std::uint64_t payload = 0;
    if (hi - lo == 1) {
      payload = bits[lo];
    } else if (hi - lo > 1) {
      payload = arena_.size();
      arena_.insert(arena_.end(), bits.begin() + lo, bits.begin() + hi);
    }
    slots_[i] = Slot{hash, state, lo, hi, payload};
    ++count_;
    return true;
  }

  std::size_t size() const { return count_; }

 private:
  struct Slot {
    std::uint32_t hash = 0;  // 0: empty
    std::uint32_t state = 0;
    std::uint32_t lo = 0;  // words below lo are all ones
    std::uint32_t hi = 0;  // words from hi are all zeros
    std::uint64_t payload = 0;  // the window's one word, or its offset in arena_
  };

  bool same_window(const Slot& slot, const std::vector<std::uint64_t>& bits) const {
    if (slot.hi - slot.lo == 0) return true;
    if (slot.hi - slot.lo == 1) return bits[slot.lo] == slot.payload;
    return std::equal(bits.begin() + slot.lo, bits.begin() + slot.hi,
                      arena_.begin() + static_cast<std::ptrdiff_t>(slot.payload));
  }

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

}  // namespace raftsim::history::detail
