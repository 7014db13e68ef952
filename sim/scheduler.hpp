#pragma once
// The single-threaded event queue and virtual clock. Events are small values
// ordered by (time in µs, insertion sequence): ties never depend on pointers
// or on the heap's internal layout, so a seed replays event for event.
#include <cstdint>
#include <vector>

#include "core/assert.hpp"

namespace raftsim::sim {

using Micros = std::int64_t;

enum class EventKind : std::uint8_t {
  node_tick,        // a = node
  deliver,          // a = message slot in the network's pool
  disk_synced,      // a = node, payload = the disk's incarnation
  client_wakeup,    // a = client
  client_arrive,    // a = client, b = node, payload = op sequence number
  client_response,  // a = response slot
  client_timeout,   // a = client, payload = op sequence number
  fault,            // a = fault index in the scenario; b = the subject of a triggered fault that fired (0: arm it)
  node_resume,      // a = node (end of a pause)
  observe,          // a = observation index (expectations evaluated at a time)
  watcher_arrive,   // a = watcher, payload = its attempt's generation (a list or watch request reaches a node)
  watcher_receive,  // a = watch response slot
  watcher_check,    // a = watcher (is its node still up, and does it know a leader?)
  compactor_tick,   // the periodic compaction
  node_restart,     // a = node, b = the crash's fault index, payload = its crash count then (the end of `crash ... for`)
  trigger_lapse,    // a = fault index: the end of a triggered fault's `within` window
  member_stop,      // a = node: etcd's server stops a removed member (a second after its removal)
};

const char* event_kind_name(EventKind kind);

struct Event {
  Micros time = 0;
  std::uint64_t sequence = 0;
  EventKind kind = EventKind::node_tick;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint64_t payload = 0;
};

class Scheduler {
 public:
  explicit Scheduler(std::size_t reserve = 1024) { heap_.reserve(reserve); }

  Micros now() const { return now_; }
  std::uint64_t events_processed() const { return processed_; }
  bool empty() const { return heap_.empty(); }
  std::size_t pending() const { return heap_.size(); }

  void schedule(Micros at, EventKind kind, std::uint32_t a = 0, std::uint32_t b = 0, std::uint64_t payload = 0) {
    RAFTSIM_ASSERT(at >= now_, "event scheduled in the past: {} < {}", at, now_);
    heap_.push_back(Event{at, next_sequence_++, kind, a, b, payload});
    sift_up(heap_.size() - 1);
  }
  void schedule_after(Micros delay, EventKind kind, std::uint32_t a = 0, std::uint32_t b = 0,
                      std::uint64_t payload = 0) {
    schedule(now_ + delay, kind, a, b, payload);
  }

  Micros next_time() const { return heap_.front().time; }

  // Removes the earliest event and advances the clock to it.
  Event pop() {
    RAFTSIM_ASSERT(!heap_.empty(), "pop from an empty scheduler");
    Event top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    RAFTSIM_ASSERT(top.time >= now_, "virtual time going back");
    now_ = top.time;
    ++processed_;
    return top;
  }

 private:
  static bool earlier(const Event& x, const Event& y) {
    return x.time != y.time ? x.time < y.time : x.sequence < y.sequence;
  }
  void sift_up(std::size_t i) {
    Event moving = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!earlier(moving, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = moving;
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    Event moving = heap_[i];
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
      if (!earlier(heap_[child], moving)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = moving;
  }

  std::vector<Event> heap_;
  Micros now_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t processed_ = 0;
};

}  // namespace raftsim::sim
