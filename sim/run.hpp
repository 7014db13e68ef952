#pragma once
// The simulator's front door: run one scenario to completion.
#include <functional>
#include <memory>
#include <string>

#include "sim/history/history.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::sim {

class RaftNode;  // sim/node/raft_node.hpp

struct RunOptions {
  std::string trace_path;    // --trace: every event as JSON lines
  std::string history_path;  // --history: the client history in jsonl (CONTRACT §5)
  bool observe = false;      // fill RunResult::observations
  bool explain = false;      // narrate the timeline in plain sentences (--explain)
  std::size_t record_messages = 0;  // keep up to this many messages in RunResult::messages (0: none)
  // For `raftsim experiment`: keep the client history and fill RunResult::campaigns, each leader's
  // established_us and RunResult::faults. Changes nothing in the run.
  bool measure = false;
  // Wraps every Raft node the simulator starts (tests plant a node that, say,
  // drops every read, to show that the checks catch it). Empty: none.
  std::function<std::unique_ptr<RaftNode>(std::unique_ptr<RaftNode>)> wrap_node;
};

// Runs `scenario` deterministically: the same scenario and seed give the same
// result and trace hash. Throws AssertionFailure on a broken internal
// invariant (the CLI adds seed and scenario, exit 3).
RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options = {});

// The same, also handing back the client history (for tests and tools).
RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, history::History* history);

}  // namespace raftsim::sim
