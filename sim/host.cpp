#include "sim/host.hpp"

#include <fmt/format.h>

namespace raftsim::sim {

raft::NodeId next_member(const std::vector<Host>& hosts, raft::NodeId after) {
  const auto count = static_cast<raft::NodeId>(hosts.size() - 1);
  for (raft::NodeId step = 1; step <= count; ++step) {
    const raft::NodeId candidate = (after + step - 1) % count + 1;
    if (hosts[candidate].member && hosts[candidate].listed) return candidate;
  }
  return after;
}

std::string describe(const std::vector<raft::NodeId>& nodes) {
  std::string text = "{";
  for (std::size_t i = 0; i < nodes.size(); ++i) text += fmt::format("{}n{}", i ? "," : "", nodes[i]);
  return text + "}";
}

}  // namespace raftsim::sim
