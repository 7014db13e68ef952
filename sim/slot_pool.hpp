#pragma once
// Values waiting for their event (a response on its way back), kept in slots
// that events name by number, so an event carries no payload and steady
// state allocates nothing: a freed slot is reused (last freed, first reused)
// before the pool grows.
#include <cstdint>
#include <utility>
#include <vector>

namespace raftsim::sim {

template <class T>
class SlotPool {
 public:
  // A slot to fill: a reused one holds what release() left in it.
  std::uint32_t acquire() {
    if (!free_.empty()) {
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    items_.emplace_back();
    return static_cast<std::uint32_t>(items_.size() - 1);
  }
  T& operator[](std::uint32_t slot) { return items_[slot]; }
  // Moves the value out of `slot` and frees the slot.
  T release(std::uint32_t slot) {
    T item = std::move(items_[slot]);
    free_.push_back(slot);
    return item;
  }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
};

}  // namespace raftsim::sim
