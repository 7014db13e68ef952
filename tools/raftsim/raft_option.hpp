#pragma once
// `--raft raftsim|etcd` (run, fuzz, shrink, quorum --simulate): which Raft
// implementation runs the nodes, over the scenario's `cluster.raft`.
#include <string>

#include <CLI/CLI.hpp>

#include "sim/scenario/implementation.hpp"

namespace raftsim::cli {

inline CLI::Option* add_raft_option(CLI::App& command, std::string& raft) {
  return command
      .add_option("--raft", raft,
                  "Which Raft runs the nodes: raftsim (its own core) or etcd (etcd's raft library v3.4.23); "
                  "default: the scenario's cluster.raft")
      ->check(CLI::IsMember({"raftsim", "etcd"}));
}

// Applies --raft (when given) to a loaded scenario, after --bug: exit 2 when
// the scenario asks the chosen implementation for what it cannot do.
inline void apply_raft_option(scenario::Scenario& scenario, const std::string& raft) {
  if (!raft.empty()) scenario::use_implementation(scenario, scenario::parse_implementation(raft));
  else scenario::check_implementation(scenario);
}

}  // namespace raftsim::cli
