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
#include "sim/checks/watch_checker.hpp"
#include "sim/request_payload.hpp"
#include "sim/scheduler.hpp"
#include "sim/state_machine.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

// A client request waiting at a node for its entry to apply or its read to be served.
struct PendingRequest {
  std::uint32_t client = 0;
  std::uint64_t sequence = 0;
};

// A watch a node serves to a reflector (etcd's server-side watcher): fed by
// every entry the node applies, and by its store's jump on a snapshot.
struct ServedWatch {
  std::uint32_t watcher = 0;
  std::uint64_t generation = 0;  // the reflector's attempt it answers
  kv::Watcher watch{kv::WatchRequest{}};
  bool skip_next_event = false;  // planted watch-gap: a resumed watch drops its first event
  Micros last_sent = 0;          // one gRPC stream: responses leave in order
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
  std::unique_ptr<RaftNode> node;  // driven only through the node interface
  raft::Ready ready;  // reused, so steady state allocates no Ready buffers
  StateMachine machine;  // the KV store and the session table
  Disk disk;
  std::map<std::uint64_t, PendingRequest> pending_writes;  // by request id
  std::map<std::uint64_t, PendingRequest> pending_reads;   // by request id
  std::vector<std::pair<raft::LogIndex, std::uint64_t>> reads_waiting_apply;  // (read index, request id)
  std::vector<ServedWatch> watches;  // lost with the process on a crash
  std::uint64_t tick_generation = 0;  // a tick event of another generation is stale
  std::uint64_t crashes = 0;          // a restart due after one crash does not undo a later one
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
  std::vector<std::int64_t> last_seen_mod;            // per key: that value's mod revision (0: absent)
  std::int64_t compare_mod_revision = 0;              // of the cas in flight
  // A controller retrying a cas that lost its compare (workload.retry_conflicts):
  // it re-reads the key, then tries again.
  std::optional<std::size_t> conflict_key;
  bool conflict_reread = false;
};

// A reflector (Kubernetes' list-then-watch client): lists the keys, watches
// from the list's revision, resumes on another node when its watch breaks,
// and lists again when its watch is cancelled by compaction.
struct WatcherState {
  std::uint32_t id = 0;          // 1-based: w1 is 1
  raft::NodeId node = 1;         // the node it talks to now
  Xoshiro256 random{0};
  std::uint64_t generation = 0;  // of the current attempt; answers to older ones are dropped
  bool must_list = true;         // (re)list before watching
  bool listed_once = false;
  std::int64_t next_revision = 0;  // the first revision it has not received
  int leaderless_checks = 0;       // consecutive checks that found its node frozen or without a leader
};

struct WatchResponseInFlight {
  std::uint32_t watcher = 0;
  std::uint64_t generation = 0;
  WatchDelivery delivery;
};

struct ClientResponse {
  std::uint32_t client = 0;
  std::uint64_t sequence = 0;
  ClientOutcome outcome;
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
  void send(Host& host, raft::Message&& message);
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
  void client_respond(const PendingRequest& request, ClientOutcome outcome, bool executed = true);
  void client_response(std::uint32_t slot);
  void client_timeout(ClientState& client, std::uint64_t sequence);
  void finish_operation(ClientState& client, ClientOutcome outcome, bool executed = true);
  history::Operation next_operation(ClientState& client);
  // The history as the checker and --history see it: refused operations left out.
  history::History executed_history() const;
  history::Operation& operation(std::size_t index) { return history_[index - history_base_]; }
  // Folds finished operations at the front of the history into tallies, when
  // nothing needs the whole history (keep_history_ false).
  void retire_operations();
  struct OperationTally {
    std::uint64_t ok = 0, failed = 0, unknown = 0;
    std::vector<std::pair<std::size_t, std::size_t>> available;  // per expectation: (called in its window, ok)
  };
  void tally(const history::Operation& op, OperationTally& into) const;
  OperationTally tally_all() const;  // retired and kept operations

  // watchers.cpp: reflectors and the watches nodes serve them
  void start_watchers();
  void watcher_arrive(std::uint32_t watcher, std::uint64_t generation);
  void watcher_receive(std::uint32_t slot);
  void watcher_check(std::uint32_t watcher);
  void watcher_move(WatcherState& watcher, const char* why);
  void send_watch_response(ServedWatch& served, kv::WatchResponse response);
  void feed_watches(Host& host);           // after each entry the host applies
  void resync_watches(Host& host);         // after the host's store was replaced by a snapshot
  void record_committed_events(const kv::Store& store);
  CheckVerdict watch_verdict() const;
  // compactor.cpp: periodic compaction, as the Kubernetes API server runs it
  void compactor_tick();

  // faults.cpp
  void apply_fault(const scenario::Fault& fault);
  std::vector<raft::NodeId> resolve(const scenario::NodeSelector& selector);
  std::vector<raft::NodeId> resolve(const scenario::NodeList& list);
  std::string describe(const std::vector<raft::NodeId>& nodes) const;

  // triggers.cpp: faults that fire on a Raft event (`on:`)
  void arm_fault(std::uint32_t fault);
  void fire_triggers(scenario::Trigger trigger, raft::NodeId subject);
  void lapse_trigger(std::uint32_t fault);
  void report_armed_at_end();
  void end_crash(Host& host, std::uint64_t crashes);

  // recording.cpp: what the HTML report draws (when RunOptions::observe)
  void record_fault(std::uint32_t fault, std::size_t timeline_before);

  // observe.cpp
  void schedule_observations();
  void observe(std::uint32_t index);
  bool leader_serving() const;
  Micros convergence_allowance() const;
  raft::LogIndex durable_majority_index() const;
  const std::vector<raft::NodeId>& reachable_from(raft::NodeId node) const;
  // How many of `node`'s voters (in its own view) are on its side of the network.
  std::size_t voters_on_side(const Host& host) const;
  void finish_checks(RunResult& result, const history::History& executed);
  void forget_settled_entries();
  void evaluate_expectations(RunResult& result, const OperationTally& operations);
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
  DurabilityCheck durability_;
  // The client history: operation i is history_[i - history_base_]. Kept
  // whole when linearizability, --history or the report needs it; otherwise
  // finished operations leave it from the front, folded into retired_, so
  // that memory stays flat however long the run.
  bool keep_history_ = true;
  std::deque<history::Operation> history_;
  std::size_t history_base_ = 0;
  OperationTally retired_;
  // not_executed_[i - history_base_]: operation i was refused before it could
  // take effect (no leader, proposal dropped). Like Knossos, the checker
  // leaves such operations out: a refused CAS says nothing about the value it compared.
  std::deque<bool> not_executed_;
  bool watch_checked_ = false;  // the watch check is on: keep what reflectors receive
  // Request ids of writes that some node applied. A write whose outcome is
  // unknown to its client but that no node ever applied cannot have affected
  // any read (reads are served from applied state): it never took effect.
  std::set<std::uint64_t> applied_requests_;
  std::vector<WatcherState> watchers_;  // index 0 unused
  std::vector<WatchStream> watch_streams_;  // what each reflector received, for the watch check
  std::vector<WatchResponseInFlight> watch_responses_;
  std::vector<std::uint32_t> free_watch_responses_;
  // Every event of every revision, recorded when the revision first applied
  // anywhere: the truth the watch check judges the streams against.
  std::vector<kv::Event> committed_events_;
  std::int64_t committed_events_revision_ = 1;
  raft::NodeId compactor_node_ = 1;
  std::uint64_t compactor_sequence_ = 0;
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
  // Triggered faults waiting for their event, in the order they were armed.
  struct ArmedFault {
    std::uint32_t fault;
    Micros until;  // lapses after this; INT64_MAX: waits to the end
    int remaining;  // matching events still to come before it fires (`nth`)
  };
  std::vector<ArmedFault> armed_faults_;
  raft::NodeId fault_subject_ = raft::kNoNode;  // while a triggered fault applies: its event's node
  std::vector<int> fault_retries_;
  raft::LogIndex newest_config_applied_ = 0;  // index of the newest configuration applied anywhere
  // The newest committed membership. Convergence and liveness judge its
  // members: a node whose addition never committed is not in the cluster.
  raft::Membership committed_membership_;  // membership faults wait for a leader and a caught-up learner
  Micros liveness_bound_us_ = 0;
  int liveness_last_phase_ = 0;    // the last leader sample, at one bound after the last fault
  bool liveness_decided_ = false;  // a sample found a leader, or found a fault still in force
  Micros liveness_leader_at_ = 0;
  std::optional<raft::LogIndex> liveness_target_;
  std::string liveness_detail_;
};

}  // namespace raftsim::sim
