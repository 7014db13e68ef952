#include "sim/network.hpp"

#include <algorithm>

namespace raftsim::sim {

namespace {
constexpr std::uint32_t kNoSlot = 0xffffffffU;
}  // namespace

Network::Network(const scenario::NetworkSpec& spec, int nodes, std::uint64_t seed)
    : spec_(spec),
      nodes_(nodes),
      random_(make_stream(seed, Stream::network)),
      cut_(static_cast<std::size_t>(nodes + 1) * static_cast<std::size_t>(nodes + 1), 0),
      last_delivery_(cut_.size(), 0) {
  pool_.reserve(256);
}

Micros Network::draw_latency() {
  if (chance(random_, spec_.tail_probability))
    return uniform_int(random_, spec_.tail_latency.min, spec_.tail_latency.max);
  return uniform_int(random_, spec_.latency.min, spec_.latency.max);
}

std::uint32_t Network::allocate(raft::Message&& message) {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = std::move(message);
    return slot;
  }
  pool_.push_back(std::move(message));
  return static_cast<std::uint32_t>(pool_.size() - 1);
}

void Network::schedule_delivery(std::uint32_t slot, raft::NodeId from, raft::NodeId to, Scheduler& scheduler) {
  Micros at = scheduler.now() + draw_latency();
  if (spec_.fifo) {
    // TCP keeps order per link: never deliver before an earlier message on
    // the same link (equal times keep send order through the event sequence).
    Micros& last = last_delivery_[index(from, to)];
    at = std::max(at, last);
    last = at;
  }
  scheduler.schedule(at, EventKind::deliver, slot);
}

void Network::send(raft::Message&& message, Scheduler& scheduler) {
  ++metrics_.sent;
  const raft::NodeId from = message.from, to = message.to;
  if (!link_up(from, to) || chance(random_, spec_.drop)) {
    ++metrics_.dropped;
    if (record_cap_ != 0) record_send(message, scheduler.now(), kNoSlot);
    return;
  }
  const bool duplicate = chance(random_, spec_.duplicate);
  if (duplicate) {
    ++metrics_.duplicated;
    raft::Message copy = message;
    const std::uint32_t slot = allocate(std::move(copy));
    if (record_cap_ != 0) record_send(pool_[slot], scheduler.now(), slot);
    schedule_delivery(slot, from, to, scheduler);
  }
  const std::uint32_t slot = allocate(std::move(message));
  if (record_cap_ != 0) record_send(pool_[slot], scheduler.now(), slot);
  schedule_delivery(slot, from, to, scheduler);
}

void Network::record_send(const raft::Message& message, Micros now, std::uint32_t slot) {
  if (slot != kNoSlot) {
    if (slot_record_.size() <= slot) slot_record_.resize(static_cast<std::size_t>(slot) + 1, 0);
    slot_record_[slot] = 0;
  }
  if (records_.size() >= record_cap_) {
    records_truncated_ = true;
    return;
  }
  records_.push_back({now, -1, message.from, message.to, static_cast<std::uint32_t>(message.entries.size()),
                      static_cast<std::uint8_t>(message.type)});
  if (slot != kNoSlot) slot_record_[slot] = static_cast<std::uint32_t>(records_.size());
}

void Network::record_delivery(std::uint32_t slot, Micros now) {
  if (slot < slot_record_.size() && slot_record_[slot] != 0) records_[slot_record_[slot] - 1].delivered_us = now;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> Network::cut_links() const {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  for (int from = 1; from <= nodes_; ++from)
    for (int to = 1; to <= nodes_; ++to)
      if (cut_[index(static_cast<raft::NodeId>(from), static_cast<raft::NodeId>(to))])
        links.emplace_back(static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to));
  return links;
}

raft::Message Network::take(std::uint32_t slot) {
  raft::Message message = std::move(pool_[slot]);
  pool_[slot].entries.clear();
  free_slots_.push_back(slot);
  return message;
}

void Network::heal_all() {
  std::fill(cut_.begin(), cut_.end(), 0);
  sides_dirty_ = true;
}

void Network::derive_sides() const {
  // Components of the graph of links up in both directions, each in id order
  // (a breadth-first search from its lowest node, then sorted).
  constexpr std::uint32_t unassigned = UINT32_MAX;
  side_index_.assign(static_cast<std::size_t>(nodes_) + 1, unassigned);
  sides_.clear();
  sides_.emplace_back();  // index 0: node 0, which does not exist
  side_index_[0] = 0;
  for (int start = 1; start <= nodes_; ++start) {
    if (side_index_[static_cast<std::size_t>(start)] != unassigned) continue;
    const auto side = static_cast<std::uint32_t>(sides_.size());
    std::vector<raft::NodeId> members{static_cast<raft::NodeId>(start)};
    side_index_[static_cast<std::size_t>(start)] = side;
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (int other = 1; other <= nodes_; ++other) {
        const auto id = static_cast<raft::NodeId>(other);
        if (side_index_[static_cast<std::size_t>(other)] != unassigned) continue;
        if (link_up(members[i], id) && link_up(id, members[i])) {
          side_index_[static_cast<std::size_t>(other)] = side;
          members.push_back(id);
        }
      }
    }
    std::sort(members.begin(), members.end());
    sides_.push_back(std::move(members));
  }
  sides_dirty_ = false;
}

bool Network::any_cut() const { return std::any_of(cut_.begin(), cut_.end(), [](std::uint8_t c) { return c != 0; }); }

void Network::change(const scenario::NetworkChange& change) { spec_ = scenario::apply_change(spec_, change); }

}  // namespace raftsim::sim
