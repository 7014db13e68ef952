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
    const std::uint64_t hash = mix64(set_hash ^ (std::uint64_t{state} * 0x9E3779B97F4A7C15ull)) | 1;

    std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.hash == 0) break;
      if (slot.hash == hash && slot.state == state && slot.lo == lo && slot.hi == hi &&
          std::equal(bits.begin() + lo, bits.begin() + hi,
                     arena_.begin() + static_cast<std::ptrdiff_t>(slot.offset)))
        return false;
    }
    if (2 * (count_ + 1) > slots_.size()) {
      grow();
      mask = slots_.size() - 1;
      i = hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
    }
    slots_[i] = Slot{hash, arena_.size(), state, lo, hi};
    arena_.insert(arena_.end(), bits.begin() + lo, bits.begin() + hi);
    ++count_;
    return true;
  }

  std::size_t size() const { return count_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty
    std::size_t offset = 0;  // into arena_
    std::uint32_t state = 0;
    std::uint32_t lo = 0;  // words below lo are all ones
    std::uint32_t hi = 0;  // words from hi are all zeros
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

}  // namespace raftsim::history::detail
