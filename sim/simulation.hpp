#pragma once
// The simulation's state and event loop. One class, its methods spread over
// files by concern: simulation.cpp (the loop and events), hosts.cpp (driving
// Raft nodes, disks and the KV store), clients.cpp (the workload),
// faults.cpp (applying the scenario's faults), observe.cpp (expectations and
// the summary). Internal to sim/: users call run_scenario().
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/store.hpp"
#include "core/raft/node.hpp"
#include "sim/node/raft_node.hpp"
#include "sim/checks/durability.hpp"
#include "sim/checks/safety.hpp"
#include "sim/disk.hpp"
#include "sim/history/history.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/fault_injector.hpp"
#include "sim/host.hpp"
#include "sim/observer.hpp"
#include "sim/reflectors.hpp"
#include "sim/timeline.hpp"
#include "sim/workload.hpp"
#include "sim/request_payload.hpp"
#include "sim/scheduler.hpp"
#include "sim/state_machine.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

class Simulation : private FaultTarget {
 public:
  Simulation(const scenario::Scenario& scenario, const RunOptions& options);
  RunResult run(history::History* history_out);

 private:
  // simulation.cpp
  void handle(const Event& event);
  void deliver(std::uint32_t slot);
  void schedule_tick(Host& host, Micros delay);
  void on_tick(Host& host, std::uint64_t generation);
  void timeline(std::string text);
  // --explain: a plain sentence about what just happened and why it matters.
  void explain(std::string text);
  void trace_event(const char* name, std::string_view fields);

  // hosts.cpp
  void start_host(Host& host);
  void drive(Host& host);
  void on_synced(Host& host, std::uint64_t incarnation);
  void start_fsync(Host& host);
  void apply_committed(Host& host);
  void maybe_snapshot(Host& host);
  void send(Host& host, raft::Message&& message);
  void serve_reads(Host& host);
  void notice_changes(Host& host);
  void observe_host_state(const Host& host);  // records up/down/paused when RunOptions::observe
  void crash_host(Host& host, bool lose_unsynced);
  void restart_host(Host& host);
  void remove_host(Host& host);
  // What faults do to nodes (FaultTarget), carried out here where the hosts live.
  void crash(raft::NodeId node, bool lose_unsynced) override { crash_host(hosts_[node], lose_unsynced); }
  void restart(raft::NodeId node) override { restart_host(hosts_[node]); }
  void pause(raft::NodeId node, Micros duration) override;
  void skew_clock(raft::NodeId node, Micros skew) override;
  void drift_clock(raft::NodeId node, std::int64_t ppm) override { hosts_[node].drift_ppm = ppm; }
  void transfer_leadership(raft::NodeId leader, raft::NodeId to) override;
  bool propose_membership(raft::NodeId leader, const raft::MembershipChange& change) override {
    return hosts_[leader].node->propose_membership(change);
  }
  void start_member(raft::NodeId node) override;
  void drive(raft::NodeId node) override { drive(hosts_[node]); }
  void after_fault() override;
  raft::Config node_config(raft::NodeId id) const;
  bool host_live(const Host& host) const { return host.up && !host.paused; }

  // A client's request reaches a node: the node serves it (the workload
  // decides whether it arrives at all).
  void client_arrive(std::uint32_t client, raft::NodeId node, std::uint64_t sequence);
  raft::NodeId next_member(raft::NodeId after) const { return sim::next_member(hosts_, after); }
  // compactor.cpp: periodic compaction, as the Kubernetes API server runs it
  void compactor_tick();

  // Every member's snapshot covers these entries: the safety checker forgets them.
  void forget_settled_entries();
  // summary.cpp
  void summarise(RunResult& result);

  const scenario::Scenario& scenario_;
  RunOptions options_;
  Scheduler scheduler_;
  Trace trace_;
  Network network_;
  std::vector<Host> hosts_;  // index 0 unused: hosts_[id]
  Timeline timeline_;
  Workload workload_;
  Reflectors reflectors_;
  FaultInjector faults_;
  Xoshiro256 disk_random_;
  SafetyChecker safety_;
  raft::NodeId compactor_node_ = 1;
  std::uint64_t compactor_sequence_ = 0;
  std::vector<LeaderRecord> leaders_;
  std::vector<NodeObservations> observations_;
  RunMetrics metrics_;

  raft::LogIndex newest_config_applied_ = 0;  // index of the newest configuration applied anywhere
  // The newest committed membership. Convergence and liveness judge its
  // members: a node whose addition never committed is not in the cluster.
  raft::Membership committed_membership_;  // membership faults wait for a leader and a caught-up learner
  Observer observer_;  // last: it reads all of the above
};

}  // namespace raftsim::sim
