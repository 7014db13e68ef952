#include "sim/host.hpp"

namespace raftsim::sim {

raft::NodeId next_member(const std::vector<Host>& hosts, raft::NodeId after) {
  const auto count = static_cast<raft::NodeId>(hosts.size() - 1);
  for (raft::NodeId step = 1; step <= count; ++step) {
    const raft::NodeId candidate = (after + step - 1) % count + 1;
    if (hosts[candidate].member) return candidate;
  }
  return after;
}

}  // namespace raftsim::sim
