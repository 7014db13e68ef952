#pragma once
// The cluster: the hosts (each a Raft node behind the node interface, its
// disk, its state machine, the requests waiting at it) and everything that
// drives them: ticks on each node's own clock, message delivery, the Ready
// (persist, send, apply), snapshots, crashes and restarts, membership as it
// commits, the compactor, and what faults do to nodes (FaultTarget). It owns
// the hosts and what it records about them (leaders, for the report each
// node's roles, states and commits, its metrics); the other components read
// the hosts through hosts(). It tells the workload of answers, the
// reflectors of applied entries, the fault injector of Raft events, and the
// safety checker of leaders, writes, applies and commits.
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "core/raft/membership.hpp"
#include "sim/checks/safety.hpp"
#include "sim/fault_injector.hpp"
#include "sim/host.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/reflectors.hpp"
#include "sim/run.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/timeline.hpp"
#include "sim/trace.hpp"
#include "sim/workload.hpp"

namespace raftsim::sim {

class Cluster final : public FaultTarget {
 public:
  Cluster(const scenario::Scenario& scenario, const RunOptions& options, Scheduler& scheduler, Trace& trace,
          Network& network, Timeline& timeline, SafetyChecker& safety);
  // The components it tells of what happens at the hosts (they are built
  // after the cluster, since they read its hosts).
  void connect(Workload& workload, Reflectors& reflectors, FaultInjector& faults) {
    workload_ = &workload;
    reflectors_ = &reflectors;
    faults_ = &faults;
  }

  const std::vector<Host>& hosts() const { return hosts_; }  // [id]; index 0 unused
  // The newest committed membership: convergence and liveness judge its members.
  const raft::Membership& committed_membership() const { return committed_membership_; }
  // When a node last became leader or stepped down (liveness judges clients from then on).
  const Micros& last_leader_change() const { return last_leader_change_; }

  // Starts n1..nN and, when the workload compacts, the compactor.
  void start();
  // Events.
  void on_tick(raft::NodeId node, std::uint64_t generation);
  void deliver(std::uint32_t slot);
  void on_synced(raft::NodeId node, std::uint64_t incarnation);
  void on_resume(raft::NodeId node, Micros due);
  // etcd: a removed member stops, a second after the cluster applied its removal.
  void on_member_stop(raft::NodeId node);
  static constexpr Micros kEtcdStopDelay = 1'000'000;
  // A client's request reaches a node (the workload decides whether it arrives at all).
  void client_arrive(std::uint32_t client, raft::NodeId node, std::uint64_t sequence);
  void compactor_tick();  // periodic compaction, as the Kubernetes API server runs it

  // Compares every live node's log with every other's (log matching).
  void check_logs();

  // What it recorded, for the summary and the report.
  RunMetrics& metrics() { return metrics_; }
  const std::vector<LeaderRecord>& leaders() const { return leaders_; }
  std::vector<CampaignRecord>& campaigns() { return campaigns_; }
  std::vector<NodeObservations>& observations() { return observations_; }

  // What faults do to nodes (FaultTarget).
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
  void after_fault() override { check_logs(); }

 private:
  // etcd's raft is told of unreachable peers and snapshot outcomes on send, as etcd's transport tells it.
  bool reports_sends() const { return scenario_.cluster.raft == scenario::RaftImplementation::etcd; }
  void schedule_tick(Host& host, Micros delay);
  void timeline(std::string text) { timeline_.say(std::move(text)); }
  // --explain: a plain sentence about what just happened and why it matters.
  void explain(std::string text) { timeline_.explain(std::move(text)); }
  void trace_event(const char* name, std::string_view fields) { trace_.write(scheduler_.now(), name, fields); }
  void start_host(Host& host);
  void drive(Host& host);
  void start_fsync(Host& host);
  void apply_committed(Host& host);
  void maybe_snapshot(Host& host);
  void send(Host& host, raft::Message&& message);
  // In drive(), between taking a Ready and applying its committed entries.
  void send_before_apply(Host& host, raft::Message&& message);
  void serve_reads(Host& host);
  void notice_changes(Host& host);
  void observe_host_state(const Host& host);  // records up/down/paused when RunOptions::observe
  // RunOptions::measure: a heartbeat or append of the newest leader reached
  // `to`; it is established once every live node it can reach has one.
  void note_leader_contact(raft::NodeId to);
  void check_established();
  void crash_host(Host& host, bool lose_unsynced);
  void restart_host(Host& host);
  void remove_host(Host& host);
  raft::Config node_config(raft::NodeId id) const;
  bool host_live(const Host& host) const { return host.up && !host.paused; }
  raft::NodeId next_member(raft::NodeId after) const { return sim::next_member(hosts_, after); }

  const scenario::Scenario& scenario_;
  const RunOptions& options_;
  Micros last_leader_change_ = 0;  // a node became leader or stepped down
  Scheduler& scheduler_;
  Trace& trace_;
  Network& network_;
  Timeline& timeline_;
  SafetyChecker& safety_;
  Workload* workload_ = nullptr;
  Reflectors* reflectors_ = nullptr;
  FaultInjector* faults_ = nullptr;

  std::vector<Host> hosts_;  // index 0 unused: hosts_[id]
  std::vector<raft::Message> snapshots_after_apply_;  // etcd: snapshots held in drive() until the store is applied
  Xoshiro256 disk_random_;
  raft::NodeId compactor_node_ = 1;
  std::uint64_t compactor_sequence_ = 0;
  std::vector<LeaderRecord> leaders_;
  std::vector<CampaignRecord> campaigns_;  // RunOptions::measure
  // The newest leader, until established (RunOptions::measure): its record
  // in leaders_ and the nodes its heartbeats or appends have reached.
  struct Establishing {
    raft::NodeId leader = raft::kNoNode;
    raft::Term term = 0;
    std::size_t record = 0;
    std::vector<bool> reached;  // [id]
  };
  std::optional<Establishing> establishing_;
  std::vector<NodeObservations> observations_;  // [id - 1], for the report
  RunMetrics metrics_;
  raft::LogIndex newest_config_applied_ = 0;  // index of the newest configuration applied anywhere
  // The newest committed membership. Convergence and liveness judge its
  // members: a node whose addition never committed is not in the cluster.
  raft::Membership committed_membership_;
  raft::Membership previous_committed_membership_;  // the one before it (etcd commits under it until it applies the newer)
};

}  // namespace raftsim::sim
