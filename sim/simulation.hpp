#pragma once
// The simulation: components that own their state (network, cluster,
// workload, reflectors, fault injector, observer, timeline, safety checker),
// and the event loop that dispatches between them.
#include <cstdint>

#include "sim/checks/safety.hpp"
#include "sim/cluster.hpp"
#include "sim/fault_injector.hpp"
#include "sim/history/history.hpp"
#include "sim/network.hpp"
#include "sim/observer.hpp"
#include "sim/reflectors.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/timeline.hpp"
#include "sim/trace.hpp"
#include "sim/workload.hpp"

namespace raftsim::sim {

// The run: the components, built in the order they read each other, and
// the event loop, which only dispatches each event to the component that
// owns it. Internal to sim/: users call run_scenario().
class Simulation {
 public:
  Simulation(const scenario::Scenario& scenario, const RunOptions& options);
  RunResult run(history::History* history_out);

 private:
  void handle(const Event& event);
  // Every member's snapshot covers these entries: the safety checker forgets them.
  void forget_settled_entries();
  // summary.cpp
  void summarise(RunResult& result);

  const scenario::Scenario& scenario_;
  RunOptions options_;
  Scheduler scheduler_;
  Trace trace_;
  Network network_;      // links, cuts, messages in flight
  Timeline timeline_;
  SafetyChecker safety_;  // Raft's safety properties, as the run goes
  Cluster cluster_;       // the hosts and what drives them
  Workload workload_;     // clients and their history
  Reflectors reflectors_;  // list-then-watch clients and the watches nodes serve
  FaultInjector faults_;  // the scenario's faults
  Observer observer_;     // expectations, liveness, the checks decided at the end
};

}  // namespace raftsim::sim
