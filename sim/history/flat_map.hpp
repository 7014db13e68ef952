#pragma once
// A small open-addressing hash map from 64-bit keys to 32-bit values, for the
// search's hot paths (memoised model transitions). Only looked up, never
// iterated, so its layout cannot change results.
#include <cstdint>
#include <vector>

namespace raftsim::history::detail {

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

class FlatMap {
 public:
  static constexpr std::uint32_t kMissing = UINT32_MAX;

  std::uint32_t find(std::uint64_t key) const {
    if (slots_.empty()) return kMissing;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.value == kMissing) return kMissing;
      if (slot.key == key) return slot.value;
    }
  }
  // `key` must not be present yet.
  void insert(std::uint64_t key, std::uint32_t value) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    place(key, value);
    ++count_;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kMissing;  // kMissing: empty
  };
  void place(std::uint64_t key, std::uint32_t value) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = mix64(key) & mask;
    while (slots_[i].value != kMissing) i = (i + 1) & mask;
    slots_[i] = Slot{key, value};
  }
  void grow() {
    std::vector<Slot> old(slots_.empty() ? 64 : slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old)
      if (slot.value != kMissing) place(slot.key, slot.value);
  }

  std::size_t count_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace raftsim::history::detail
