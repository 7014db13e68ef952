#pragma once
// The observer judges the run: it samples the expectations at their times
// and liveness after the last fault, and at the end decides the checks that
// need the whole run (durability, linearizability, watch, liveness) and the
// expectations. It owns what it judges with (each expectation's state, the
// samples it scheduled, liveness's bound, samples and target) and reads the
// hosts, the network's sides and the other components' records; it changes
// nothing in the run, except that resolving an expectation's node selectors
// draws from the fault stream, as a fault's selectors do.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/membership.hpp"
#include "sim/checks/safety.hpp"
#include "sim/fault_injector.hpp"
#include "sim/history/history.hpp"
#include "sim/host.hpp"
#include "sim/network.hpp"
#include "sim/reflectors.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/workload.hpp"

namespace raftsim::sim {

class Observer {
 public:
  Observer(const scenario::Scenario& scenario, Scheduler& scheduler, const std::vector<Host>& hosts,
           const Network& network, SafetyChecker& safety, FaultInjector& faults, Workload& workload,
           const Reflectors& reflectors, const raft::Membership& committed_membership,
           const Micros& last_leader_change)
      : scenario_(scenario),
        scheduler_(scheduler),
        hosts_(hosts),
        network_(network),
        safety_(safety),
        faults_(faults),
        workload_(workload),
        reflectors_(reflectors),
        committed_membership_(committed_membership),
        last_leader_change_(last_leader_change) {}

  // Schedules every sample the expectations and liveness need.
  void schedule();
  void observe(std::uint32_t index);  // EventKind::observe

  // At the end: the checks' verdicts, then the expectations (and the result).
  void judge_checks(RunResult& result, const history::History& executed);
  void judge_expectations(RunResult& result, const OperationTally& operations);

 private:
  bool live(const Host& host) const { return host.up && !host.paused; }
  bool leader_serving() const;
  Micros convergence_allowance() const;
  raft::LogIndex durable_majority_index() const;
  // How many of `host`'s voters (in its own view) are on its side of the network.
  std::size_t voters_on_side(const Host& host) const;

  const scenario::Scenario& scenario_;
  Scheduler& scheduler_;
  const std::vector<Host>& hosts_;
  const Network& network_;
  SafetyChecker& safety_;
  FaultInjector& faults_;
  Workload& workload_;
  const Reflectors& reflectors_;
  const raft::Membership& committed_membership_;
  const Micros& last_leader_change_;  // the cluster's: a node became leader or stepped down

  // Samples: observation events evaluate conditions at times.
  struct Observation {
    std::size_t expectation;  // index into scenario_.expect, or SIZE_MAX for liveness
    int phase;                // meaning depends on the expectation kind
  };
  std::vector<Observation> due_;
  struct ExpectationState {
    bool ok = false;
    bool decided = false;
    std::string detail;
    std::vector<raft::NodeId> nodes;  // no_commit, resolved at the window's start
    raft::LogIndex target = 0;        // converged; no_commit: highest commit at the start
  };
  std::vector<ExpectationState> expectations_;
  Micros liveness_bound_us_ = 0;
  int liveness_last_phase_ = 0;    // the last leader sample, at one bound after the last fault
  bool liveness_decided_ = false;  // a sample found a leader, or found a fault still in force
  Micros liveness_leader_at_ = 0;
  std::optional<raft::LogIndex> liveness_target_;
  std::int64_t liveness_watch_target_ = 0;  // the newest watched revision at the convergence sample
  std::string liveness_detail_;
};

}  // namespace raftsim::sim
