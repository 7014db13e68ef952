#pragma once
// The simulation's state and event loop. One class, its methods spread over
// files by concern: simulation.cpp (the loop and events), hosts.cpp (driving
// Raft nodes, disks and the KV store), clients.cpp (the workload),
// faults.cpp (applying the scenario's faults), observe.cpp (expectations and
// the summary). Internal to sim/: users call run_scenario().
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/store.hpp"
#include "core/raft/node.hpp"
#include "sim/checks/safety.hpp"
#include "sim/disk.hpp"
#include "sim/history/history.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/state_machine.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

// A client request waiting at a node for its entry to apply or its read to be served.
struct PendingRequest {
  std::uint32_t client = 0;
  std::uint64_t sequence = 0;
};

struct Host {
  raft::NodeId id = 0;
  bool member = false;  // started and not removed (n1..nN from the start; added nodes once added)
  bool started = false;         // has run at some point (shown in the summary)
  bool removal_pending = false; // applied its own removal: shuts down at the end of drive()
  bool up = false;      // running: a member that has not crashed
  bool paused = false;
  Micros paused_until = 0;
  std::unique_ptr<Xoshiro256> timer_random;  // outlives `node`, which holds a reference
  std::unique_ptr<raft::Node> node;
  raft::Ready ready;  // reused, so steady state allocates no Ready buffers
  StateMachine machine;  // the KV store and the session table
  Disk disk;
  std::map<std::uint64_t, PendingRequest> pending_writes;  // by request id
  std::map<std::uint64_t, PendingRequest> pending_reads;   // by request id
  std::vector<std::pair<raft::LogIndex, std::uint64_t>> reads_waiting_apply;  // (read index, request id)
  std::uint64_t tick_generation = 0;  // a tick event of another generation is stale
  std::int64_t drift_ppm = 0;         // the local clock runs (1 + drift) times as fast
  // What the host last saw of its node, to notice changes.
  raft::Role seen_role = raft::Role::follower;
  raft::Term seen_term = 0;
  raft::LogIndex seen_commit = 0;
  bool seen_established = false;  // leader that has committed an entry of its own term
  raft::LogIndex leader_last_written = 0;  // leader_append_only: last index written in this term
};

struct ClientState {
  std::uint32_t id = 0;        // 1-based: c1 is 1
  raft::NodeId node = 1;       // the node it talks to now
  std::uint64_t sequence = 0;  // of the current operation
  bool waiting = false;        // an operation is outstanding
  std::size_t history_index = 0;
  Xoshiro256 random{0};
  std::vector<std::optional<std::string>> last_seen;  // per key: the last value it saw, for CAS
};

struct ClientResponse {
  std::uint32_t client = 0;
  std::uint64_t sequence = 0;
  history::Outcome outcome = history::Outcome::ok;
  std::optional<std::string> value;
  std::int64_t revision = 0;
  bool executed = true;  // false: refused before it could take effect
};

class Simulation {
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
  void explain_sides();
  void trace_event(const char* name, std::string_view fields);

  // hosts.cpp
  void start_host(Host& host);
  void drive(Host& host);
  void on_synced(Host& host, std::uint64_t incarnation);
  void start_fsync(Host& host);
  void apply_committed(Host& host);
  void maybe_snapshot(Host& host);
  void serve_reads(Host& host);
  void notice_changes(Host& host);
  void observe_host_state(const Host& host);  // records up/down/paused when RunOptions::observe
  void crash_host(Host& host, bool lose_unsynced);
  void restart_host(Host& host);
  void remove_host(Host& host);
  bool membership_fault(const scenario::Fault& fault, std::string& outcome);
  raft::NodeId next_member(raft::NodeId after) const;
  raft::Config node_config(raft::NodeId id) const;
  bool host_live(const Host& host) const { return host.up && !host.paused; }

  // clients.cpp
  void client_wakeup(ClientState& client);
  void client_arrive(std::uint32_t client, raft::NodeId node, std::uint64_t sequence);
  void client_respond(const PendingRequest& request, history::Outcome outcome, std::optional<std::string> value,
                      std::int64_t revision, bool executed = true);
  void client_response(std::uint32_t slot);
  void client_timeout(ClientState& client, std::uint64_t sequence);
  void finish_operation(ClientState& client, history::Outcome outcome, std::optional<std::string> value,
                        std::int64_t revision, bool executed = true);
  // The history as the checker and --history see it: refused operations left out.
  history::History executed_history() const;

  // faults.cpp
  void apply_fault(const scenario::Fault& fault);
  std::vector<raft::NodeId> resolve(const scenario::NodeSelector& selector);
  std::vector<raft::NodeId> resolve(const scenario::NodeList& list);
  std::string describe(const std::vector<raft::NodeId>& nodes) const;

  // recording.cpp: what the HTML report draws (when RunOptions::observe)
  void record_fault(std::uint32_t fault, std::size_t timeline_before);

  // observe.cpp
  void schedule_observations();
  void observe(std::uint32_t index);
  bool leader_serving() const;
  Micros convergence_allowance() const;
  raft::LogIndex durable_majority_index() const;
  std::vector<raft::NodeId> reachable_from(raft::NodeId node) const;
  // How many of `node`'s voters (in its own view) are on its side of the network.
  std::size_t voters_on_side(const Host& host) const;
  void finish_checks(RunResult& result, const history::History& executed);
  void evaluate_expectations(RunResult& result, const history::History& history);
  void summarise(RunResult& result);

  const scenario::Scenario& scenario_;
  RunOptions options_;
  Scheduler scheduler_;
  Trace trace_;
  Network network_;
  std::vector<Host> hosts_;  // index 0 unused: hosts_[id]
  std::vector<ClientState> clients_;  // index 0 unused
  Xoshiro256 disk_random_;
  Xoshiro256 fault_random_;
  SafetyChecker safety_;
  history::History history_;
  // not_executed_[i]: operation i was refused before it could take effect
  // (no leader, proposal dropped). Like Knossos, the checker leaves such
  // operations out: a refused CAS says nothing about the value it compared.
  std::vector<bool> not_executed_;
  // Request ids of writes that some node applied. A write whose outcome is
  // unknown to its client but that no node ever applied cannot have affected
  // any read (reads are served from applied state): it never took effect.
  std::set<std::uint64_t> applied_requests_;
  std::vector<ClientResponse> responses_;
  std::vector<std::uint32_t> free_responses_;
  std::vector<TimelineEntry> timeline_;
  std::vector<LeaderRecord> leaders_;
  std::vector<NodeObservations> observations_;
  std::vector<FaultRecord> fault_records_;
  std::vector<NetworkChangeRecord> network_changes_;
  RunMetrics metrics_;

  // Expectation bookkeeping: observation events evaluate conditions at times.
  struct Observation {
    std::size_t expectation;  // index into scenario_.expect, or SIZE_MAX for liveness
    int phase;                // meaning depends on the expectation kind
  };
  std::vector<Observation> observations_due_;
  struct ExpectationState {
    bool ok = false;
    bool decided = false;
    std::string detail;
    std::vector<raft::NodeId> nodes;               // no_commit, resolved at the window's start
    raft::LogIndex target = 0;                     // converged; no_commit: highest commit at the start
  };
  std::vector<ExpectationState> expectation_states_;
  Micros last_fault_us_ = 0;
  std::vector<int> fault_retries_;
  raft::LogIndex newest_config_applied_ = 0;  // index of the newest configuration applied anywhere
  // The newest committed membership. Convergence and liveness judge its
  // members: a node whose addition never committed is not in the cluster.
  raft::Membership committed_membership_;  // membership faults wait for a leader and a caught-up learner
  Micros liveness_bound_us_ = 0;
  std::optional<raft::LogIndex> liveness_target_;
  std::string liveness_detail_;
};

}  // namespace raftsim::sim
