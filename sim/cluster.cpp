// The cluster's part of the event loop: starting the nodes, ticks on each
// node's own clock, delivering messages, a frozen node waking up.
#include "sim/cluster.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace raftsim::sim {

Cluster::Cluster(const scenario::Scenario& scenario, const RunOptions& options, Scheduler& scheduler, Trace& trace,
                 Network& network, Timeline& timeline, SafetyChecker& safety)
    : scenario_(scenario),
      options_(options),
      scheduler_(scheduler),
      trace_(trace),
      network_(network),
      timeline_(timeline),
      safety_(safety),
      disk_random_(make_stream(scenario.seed, Stream::disk)) {
  const int all_nodes = scenario.max_node_id();
  hosts_.resize(static_cast<std::size_t>(all_nodes) + 1);
  observations_.resize(static_cast<std::size_t>(all_nodes));
  for (int id = 1; id <= all_nodes; ++id) {
    Host& host = hosts_[static_cast<std::size_t>(id)];
    host.id = static_cast<raft::NodeId>(id);
    host.timer_random = std::make_unique<Xoshiro256>(make_stream(scenario.seed, Stream::timers, static_cast<std::uint64_t>(id)));
  }
}

void Cluster::start() {
  for (int id = 1; id <= scenario_.cluster.nodes; ++id) {
    committed_membership_.voters.push_back(static_cast<raft::NodeId>(id));
    hosts_[static_cast<std::size_t>(id)].member = true;
    hosts_[static_cast<std::size_t>(id)].listed = true;
    start_host(hosts_[static_cast<std::size_t>(id)]);
  }
}

void Cluster::schedule_tick(Host& host, Micros delay) {
  scheduler_.schedule_after(delay, EventKind::node_tick, host.id, 0, host.tick_generation);
}

void Cluster::on_tick(raft::NodeId node, std::uint64_t generation) {
  Host& host = hosts_[node];
  if (generation != host.tick_generation || !host_live(host)) return;
  host.node->tick();
  drive(host);
  // The next tick follows the node's own clock: a fast clock ticks sooner.
  const Micros period = scenario_.cluster.tick * 1'000'000 / (1'000'000 + host.drift_ppm);
  schedule_tick(host, std::max<Micros>(1, period));
}

void Cluster::deliver(std::uint32_t slot) {
  const raft::Message& message = network_.peek(slot);
  Host& host = hosts_[message.to];
  if (!network_.link_up(message.from, message.to) || !host.up) {
    // Lost on a cut link (also when cut while in flight) or at a crashed node.
    network_.take(slot);
    network_.count_drop();
    return;
  }
  if (host.paused) {
    // A frozen process does not read its socket: the message waits.
    scheduler_.schedule(host.paused_until, EventKind::deliver, slot);
    return;
  }
  raft::Message delivered = network_.take(slot);
  network_.count_delivered(slot, scheduler_.now());
  trace_.mix(static_cast<std::uint64_t>(delivered.type) | (std::uint64_t{delivered.from} << 8) |
             (std::uint64_t{delivered.to} << 16) | (delivered.term << 24));
  trace_.mix(delivered.log_index ^ (delivered.commit << 20) ^ (delivered.entries.size() << 48));
  if (trace_.writing())
    trace_event("deliver", fmt::format("\"type\":\"{}\",\"from\":\"n{}\",\"to\":\"n{}\",\"term\":{},\"index\":{},\"entries\":{},\"commit\":{},\"reject\":{}",
                                       raft::message_type_name(delivered.type), delivered.from, delivered.to,
                                       delivered.term, delivered.log_index, delivered.entries.size(),
                                       delivered.commit, delivered.reject));
  host.node->step(delivered);
  drive(host);
  if (establishing_ && delivered.from == establishing_->leader && delivered.term == establishing_->term &&
      (delivered.type == raft::MessageType::append || delivered.type == raft::MessageType::heartbeat))
    note_leader_contact(delivered.to);
}

void Cluster::on_resume(raft::NodeId node, Micros due) {
  Host& host = hosts_[node];
  if (!host.paused || host.paused_until != due) return;  // paused again for longer since
  host.paused = false;
  observe_host_state(host);
  timeline(fmt::format("n{} resumes", host.id));
  ++host.tick_generation;
  schedule_tick(host, 1);
}

}  // namespace raftsim::sim
