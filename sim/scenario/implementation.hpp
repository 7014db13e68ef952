#pragma once
// Which Raft implementation runs a scenario (cluster.raft, or --raft), and
// what each can be configured to do. Where etcd's raft cannot be set up the
// way the scenario says, the scenario is refused (exit 2) at the line that
// says it, never approximated.
#include <string>

#include "sim/scenario/scenario.hpp"

namespace raftsim::scenario {

// "raftsim" or "etcd" (for --raft); throws InputError naming both otherwise.
RaftImplementation parse_implementation(const std::string& name);

// Runs `scenario` on `implementation`, or throws InputError saying why not.
void use_implementation(Scenario& scenario, RaftImplementation implementation);

// Throws InputError when the scenario asks etcd's raft for what it cannot do.
void check_implementation(const Scenario& scenario);

}  // namespace raftsim::scenario
