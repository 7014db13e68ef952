#pragma once
// The leader's view of one follower (etcd's tracker.Progress): how much of
// the log it has, and how many appends may be in flight to it.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/raft/types.hpp"

namespace raftsim::raft {

// A bounded ring of the last index carried by each append in flight.
class Inflights {
 public:
  void reset(std::size_t capacity) {
    slots_.assign(capacity, 0);
    start_ = count_ = 0;
  }
  bool full() const { return count_ == slots_.size(); }
  std::size_t count() const { return count_; }
  void add(LogIndex last) {
    slots_[(start_ + count_) % slots_.size()] = last;
    ++count_;
  }
  // Frees every append whose last index is <= acked.
  void free_up_to(LogIndex acked) {
    while (count_ > 0 && slots_[start_] <= acked) {
      start_ = (start_ + 1) % slots_.size();
      --count_;
    }
  }
  void free_first() {
    if (count_ == 0) return;
    start_ = (start_ + 1) % slots_.size();
    --count_;
  }
  void clear() { start_ = count_ = 0; }

 private:
  std::vector<LogIndex> slots_;
  std::size_t start_ = 0;
  std::size_t count_ = 0;
};

struct Progress {
  enum class State : std::uint8_t { probe, replicate };
  LogIndex match = 0;  // highest index known to be replicated on the follower
  LogIndex next = 1;   // index of the next entry to send
  State state = State::probe;
  bool probe_sent = false;        // probe state: one append is out; wait for its answer or a heartbeat
  bool recent_active = false;     // heard from it since the last check-quorum round
  std::uint64_t acked_read_round = 0;  // highest heartbeat read round it answered
  LogIndex sent_commit = 0;            // highest commit index sent to it (etcd's sentCommit)
  Inflights inflights;

  void become_probe() {
    state = State::probe;
    probe_sent = false;
    next = std::max(next, match + 1);
    inflights.clear();
  }
  void become_replicate() {
    state = State::replicate;
    probe_sent = false;
    next = match + 1;
    inflights.clear();
  }
};

}  // namespace raftsim::raft
