// Periodic compaction, as the Kubernetes API server runs it (every five
// minutes by default): compact to `keep` revisions below the current one.
// The compaction is a write like any other: proposed at a node, committed
// through Raft, applied by every replica at the same point of its log.
#include <fmt/format.h>

#include "sim/cluster.hpp"

namespace raftsim::sim {

namespace {
constexpr std::uint32_t kCompactorClient = 0;  // request ids of clients start at c1
}  // namespace

void Cluster::compactor_tick() {
  const scenario::WorkloadSpec& workload = scenario_.workload;
  scheduler_.schedule_after(workload.compact.every, EventKind::compactor_tick);
  if (workload.stop && scheduler_.now() >= *workload.stop) return;
  Host& host = hosts_[compactor_node_];
  if (!host.member || !host_live(host) || host.node->leader() == raft::kNoNode) {
    compactor_node_ = next_member(compactor_node_);  // try elsewhere next time
    return;
  }
  const kv::Store& store = host.machine.store;
  const std::int64_t target = store.revision() - workload.compact.keep;
  if (target <= store.compact_revision() || target < 1) return;
  kv::CompactionRequest compact;
  compact.revision = target;
  const std::uint64_t id = request_id(kCompactorClient, ++compactor_sequence_);
  if (!host.node->propose(encode_payload(id, kv::Request{compact}))) {
    compactor_node_ = next_member(compactor_node_);
    return;
  }
  ++metrics_.compactions;
  trace_.mix(0xc0ac0000ULL ^ static_cast<std::uint64_t>(target));
  timeline(fmt::format("compact to revision {} (proposed at n{})", target, host.id));
  drive(host);
}

}  // namespace raftsim::sim
