#pragma once
// The simulated network between nodes: per-message latency (with an
// occasional slow tail), loss, duplication, per-link FIFO order as over TCP
// (or reordering), and link cuts for partitions. Messages in flight live in a
// pool; events carry only the slot number, so delivering a message copies
// nothing but the event.
#include <cstdint>
#include <vector>

#include "core/raft/message.hpp"
#include "sim/random.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"

namespace raftsim::sim {

struct NetworkMetrics {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;     // lost at random, or on a cut link
  std::uint64_t duplicated = 0;
};

class Network {
 public:
  Network(const scenario::NetworkSpec& spec, int nodes, std::uint64_t seed);

  // Sends a message: it is lost, or scheduled for delivery (perhaps twice).
  void send(raft::Message&& message, Scheduler& scheduler);

  // The message in `slot`, moved out; the slot is free again.
  raft::Message take(std::uint32_t slot);
  const raft::Message& peek(std::uint32_t slot) const { return pool_[slot]; }

  // Link state. A cut link loses what is sent on it and what is in flight on it.
  bool link_up(raft::NodeId from, raft::NodeId to) const { return !cut_[index(from, to)]; }
  void cut(raft::NodeId from, raft::NodeId to) {
    cut_[index(from, to)] = 1;
    sides_dirty_ = true;
  }
  void heal_all();
  bool any_cut() const;

  // Connectivity: the side of `node` is every node it reaches over links that
  // work both ways, directly or through others, itself included, in id
  // order. Derived once after the links change, not per question: the
  // checks ask on every commit, and a scan per question made a 63-node run
  // spend most of its time here.
  const std::vector<raft::NodeId>& side_of(raft::NodeId node) const {
    if (sides_dirty_) derive_sides();
    return sides_[side_index_[node]];
  }
  bool same_side(raft::NodeId a, raft::NodeId b) const {
    if (sides_dirty_) derive_sides();
    return side_index_[a] == side_index_[b];
  }

  void change(const scenario::NetworkChange& change);
  const scenario::NetworkSpec& spec() const { return spec_; }

  // A latency drawn from the current distribution (also used for client links).
  Micros draw_latency();

  void count_drop() { ++metrics_.dropped; }
  // `slot` was just taken for delivery at `now`.
  void count_delivered(std::uint32_t slot, Micros now) {
    ++metrics_.delivered;
    if (record_cap_ != 0) record_delivery(slot, now);
  }
  const NetworkMetrics& metrics() const { return metrics_; }
  int nodes() const { return nodes_; }

  // The cut links, (from, to) in order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cut_links() const;

  // For the report: keep the first `cap` messages' send and delivery times
  // (0: record nothing). Recording draws no randomness and changes nothing.
  void record_messages(std::size_t cap) { record_cap_ = cap; }
  std::vector<MessageRecord> take_records() { return std::move(records_); }
  bool records_truncated() const { return records_truncated_; }

 private:
  void record_send(const raft::Message& message, Micros now, std::uint32_t slot);
  void record_delivery(std::uint32_t slot, Micros now);
  std::size_t index(raft::NodeId from, raft::NodeId to) const {
    return static_cast<std::size_t>(from) * static_cast<std::size_t>(nodes_ + 1) + to;
  }
  void schedule_delivery(std::uint32_t slot, raft::NodeId from, raft::NodeId to, Scheduler& scheduler);
  std::uint32_t allocate(raft::Message&& message);
  void derive_sides() const;

  scenario::NetworkSpec spec_;
  int nodes_;
  Xoshiro256 random_;
  std::vector<std::uint8_t> cut_;           // [from][to]
  std::vector<Micros> last_delivery_;       // [from][to], for FIFO
  // Derived from cut_ when asked after a change (side_of).
  mutable bool sides_dirty_ = true;
  mutable std::vector<std::uint32_t> side_index_;          // [node]: index into sides_
  mutable std::vector<std::vector<raft::NodeId>> sides_;
  std::vector<raft::Message> pool_;
  std::vector<std::uint32_t> free_slots_;
  NetworkMetrics metrics_;
  std::size_t record_cap_ = 0;
  std::vector<MessageRecord> records_;
  std::vector<std::uint32_t> slot_record_;  // [slot]: 1 + index into records_, 0: not recorded
  bool records_truncated_ = false;
};

}  // namespace raftsim::sim
