#pragma once
// The fault injector: the scenario's faults, applied when their time (or
// their Raft event, `on:`) comes. It owns everything about faults: the
// fault stream's randomness and the node selectors resolved with it, the
// triggered faults still armed, membership changes' retries, the time the
// last fault took effect, and (for the report) each fault as it fired and
// the network's cut links after each change. It cuts and heals links
// itself; what a fault does to a node it asks of the cluster (FaultTarget),
// which owns the hosts. A change to one fault kind touches this component.
#include <cstdint>
#include <string>
#include <vector>

#include "core/raft/membership.hpp"
#include "sim/host.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/timeline.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

// What faults do to nodes, carried out by the cluster that owns them.
class FaultTarget {
 public:
  virtual ~FaultTarget() = default;
  virtual void crash(raft::NodeId node, bool lose_unsynced) = 0;
  virtual void restart(raft::NodeId node) = 0;
  virtual void pause(raft::NodeId node, Micros until) = 0;
  // The node's clock jumps by `skew` (ahead: the ticks skipped fire at once).
  virtual void skew_clock(raft::NodeId node, Micros skew) = 0;
  virtual void drift_clock(raft::NodeId node, std::int64_t ppm) = 0;
  virtual void transfer_leadership(raft::NodeId leader, raft::NodeId to) = 0;
  // The leader proposes a membership change; false when it refuses.
  virtual bool propose_membership(raft::NodeId leader, const raft::MembershipChange& change) = 0;
  // A new, empty node starts as a member (a learner, once the leader adds it).
  virtual void start_member(raft::NodeId node) = 0;
  // Drives a node after a proposal made through it.
  virtual void drive(raft::NodeId node) = 0;
  // After a fault: a good moment for the full log comparison.
  virtual void after_fault() = 0;
};

class FaultInjector {
 public:
  FaultInjector(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Timeline& timeline,
                Network& network, const std::vector<Host>& hosts, FaultTarget& target, bool record);

  void start();  // each fault at its `at`
  // Events.
  void on_fault(std::uint32_t fault, raft::NodeId subject);  // due (or fired by its trigger, for `subject`)
  void on_restart_due(raft::NodeId node, std::uint32_t fault, std::uint64_t crashes);  // a crash's `for` ended
  void on_lapse(std::uint32_t fault);                         // a trigger's window closed
  // A Raft event at `subject`: armed faults waiting for it fire.
  void on_raft_event(scenario::Trigger trigger, raft::NodeId subject);
  // Any triggered fault waiting for its event (a hot-path shortcut).
  bool armed() const { return !armed_.empty(); }
  // At the end: says which armed faults never fired.
  void finish();

  // Selectors resolved now, with the fault stream (also for expectations' nodes).
  std::vector<raft::NodeId> resolve(const scenario::NodeSelector& selector);
  std::vector<raft::NodeId> resolve(const scenario::NodeList& list);
  // When the last fault took effect (liveness counts from there).
  Micros last_fault() const { return last_fault_us_; }
  std::vector<FaultRecord> take_records() { return std::move(records_); }
  std::vector<NetworkChangeRecord> take_network_changes() { return std::move(network_changes_); }

 private:
  void apply(const scenario::Fault& fault);
  bool membership(const scenario::Fault& fault, std::string& outcome);
  void arm(std::uint32_t fault);
  void record(std::uint32_t fault, std::size_t timeline_before);
  void explain_sides();

  const scenario::Scenario& scenario_;
  Scheduler& scheduler_;
  Trace& trace_;
  Timeline& timeline_;
  Network& network_;
  const std::vector<Host>& hosts_;
  FaultTarget& target_;
  const bool record_;

  Xoshiro256 random_;
  // Triggered faults waiting for their event, in the order they were armed.
  struct ArmedFault {
    std::uint32_t fault;
    Micros until;   // lapses after this; INT64_MAX: waits to the end
    int remaining;  // matching events still to come before it fires (`nth`)
  };
  std::vector<ArmedFault> armed_;
  raft::NodeId subject_ = raft::kNoNode;  // while a triggered fault applies: its event's node
  std::vector<int> retries_;              // [fault]: membership changes retried
  Micros last_fault_us_ = 0;
  std::vector<FaultRecord> records_;
  std::vector<NetworkChangeRecord> network_changes_;
};

}  // namespace raftsim::sim
