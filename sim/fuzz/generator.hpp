#pragma once
// One seed, one whole scenario (issue 7): cluster, timeouts, network, disk,
// workload and a fault schedule. Swarm testing (Groce et al.): each seed
// turns a random subset of fault kinds on, so that rare combinations get
// intense runs instead of everything being diluted in every run. Every
// scenario ends with a quiet period (all links healed, crashed nodes back,
// network normal) long enough for the liveness check to judge recovery.
#include <cstdint>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace raftsim::fuzz {

struct GeneratorOptions {
  std::vector<int> nodes = {1, 2, 3, 4, 5, 6, 7};  // cluster sizes to draw from
  // Which Raft runs the nodes. For etcd's raft the same draws are made, then
  // set to what etcd can be configured to do (scenario/implementation.hpp).
  scenario::RaftImplementation raft = scenario::RaftImplementation::raftsim;
};

scenario::Scenario generate_scenario(std::uint64_t seed, const GeneratorOptions& options);

}  // namespace raftsim::fuzz
