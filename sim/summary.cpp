// The summary of a run (the text and JSON reports read it): metrics, the
// leaders, the timeline, each node's final state, and for the HTML report
// each node's committed log as fingerprints.
#include <fmt/format.h>

#include "sim/simulation.hpp"

namespace raftsim::sim {

namespace {
std::uint64_t fingerprint(const raft::Entry& entry) {
  std::uint64_t hash = entry.term * 0x9e3779b97f4a7c15ULL ^ entry.index;
  if (entry.data)
    for (unsigned char ch : *entry.data) hash = (hash ^ ch) * 0x100000001b3ULL;
  return hash;
}
}  // namespace

void Simulation::summarise(RunResult& result) {
  RunMetrics& metrics = cluster_.metrics();
  const std::vector<Host>& hosts = cluster_.hosts();
  std::vector<NodeObservations>& observations = cluster_.observations();
  const OperationTally operations = workload_.tally_all();
  metrics.ops_ok = operations.ok;
  metrics.ops_failed = operations.failed;
  metrics.ops_unknown = operations.unknown;
  metrics.messages_sent = network_.metrics().sent;
  metrics.messages_dropped = network_.metrics().dropped;
  metrics.messages_duplicated = network_.metrics().duplicated;
  metrics.commit_index = safety_.max_commit();
  reflectors_.add_metrics(metrics);
  result.metrics = metrics;
  result.leaders = cluster_.leaders();
  result.campaigns = std::move(cluster_.campaigns());
  result.timeline = timeline_.entries();
  for (std::size_t id = 1; id < hosts.size(); ++id) {
    const Host& host = hosts[id];
    if (!host.started) continue;
    NodeSummary node;
    node.name = fmt::format("n{}", host.id);
    node.up = host.up;
    if (host.up) {
      node.role = raft::role_name(host.node->role());
      node.term = host.node->term();
      node.commit_index = host.node->commit_index();
      node.applied_index = host.node->applied_index();
    } else {
      node.role = host.member ? "crashed" : "removed";
      node.term = host.disk.durable().hard_state.term;
      node.commit_index = host.disk.durable().hard_state.commit;
    }
    result.nodes.push_back(node);
    if (options_.observe && host.up) {
      const raft::RaftLog& log = host.node->log();
      auto& committed = observations[id - 1].committed_log;
      for (raft::LogIndex i = 1; i <= host.node->commit_index(); ++i) {
        const raft::Entry* entry = i >= log.first_index() ? &log.at(i) : safety_.committed_at(i);
        committed.push_back(entry != nullptr ? fingerprint(*entry) : 0);
      }
    }
  }
  result.observations = std::move(observations);
}

}  // namespace raftsim::sim
