#pragma once
// The workload: closed-loop clients, each attached to a node, issuing one
// operation at a time, and the history they record. This component owns the
// clients, the responses on their way back, the history (whole when the
// linearizability check, --history or the report reads it; otherwise only
// the operations not yet finished, the rest folded into counts) and the
// durability check's record of acknowledged writes. It reads the hosts (is
// the node up? frozen until when?) but changes none of them: what a request
// does at a node is the cluster's business (Simulation::client_arrive), and
// nodes answer through respond().
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/kv/request.hpp"
#include "sim/checks/durability.hpp"
#include "sim/history/history.hpp"
#include "sim/host.hpp"
#include "sim/network.hpp"
#include "sim/random.hpp"
#include "sim/request_payload.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/slot_pool.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

// A client's request as it reaches a live node.
struct Submission {
  PendingRequest pending;
  std::uint64_t id = 0;  // request_id(client, sequence)
  bool read = false;     // a get: served by ReadIndex (or locally when serializable)
  kv::Request request;   // the etcd request: a range for a read, else what to propose
};

// Operations by outcome, and for each `available` expectation of the
// scenario the operations called in its window and how many succeeded.
struct OperationTally {
  std::uint64_t ok = 0, failed = 0, unknown = 0;
  std::vector<std::pair<std::size_t, std::size_t>> available;  // [expectation]: (called in its window, ok)
};

class Workload {
 public:
  Workload(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Network& network,
           const std::vector<Host>& hosts, bool keep_history);

  // The whole history is wanted (a caller asked run() for it).
  void keep_history() { keep_history_ = true; }
  bool keeps_history() const { return keep_history_; }

  void start();  // every client wakes at time 0
  // Events.
  void wakeup(std::uint32_t client);
  // A request reaches `node`: what to do with it there, or nothing (stale,
  // the node is down, or frozen: then it arrives again when the node wakes).
  std::optional<Submission> arrive(std::uint32_t client, raft::NodeId node, std::uint64_t sequence);
  void response(std::uint32_t slot);
  void timeout(std::uint32_t client, std::uint64_t sequence);

  // A node answers a request; the reply reaches the client one latency later.
  // `executed` false: refused before it could take effect.
  void respond(const PendingRequest& request, ClientOutcome outcome, bool executed = true);
  // A node applied the write with this request id.
  void applied(std::uint64_t request_id) {
    if (keep_history_) applied_requests_.insert(request_id);
  }
  // The range a read waits to run, or nullptr when its client gave up on it.
  const kv::Request* waiting_read(const PendingRequest& request) const;

  DurabilityCheck& durability() { return durability_; }
  // The history as the checker and --history see it: refused operations left out.
  history::History executed_history() const;
  OperationTally tally_all() const;  // retired and kept operations
  // With the whole history kept: every operation in call order, with each
  // client's sequence number (the n-th operation of a client is its n-th).
  const std::deque<history::Operation>& kept() const { return history_; }

  // Liveness of what clients see: from `since` on (a leader serving after the
  // last fault), every kind of operation the clients issue must complete
  // (answered by the cluster: ok, or a compare that failed) at least once.
  // Records the operations called from `since` on as they finish.
  void judge_progress_from(Micros since) { progress_since_ = since; }
  // What stalled among the operations called from `from` (>= since) on, since
  // when and at which node; nullopt when every kind issued completed (or
  // nothing was judged).
  std::optional<std::string> stalled_operations(Micros from) const;
  bool whole_history() const { return history_base_ == 0; }
  std::size_t clients() const { return clients_.size() - 1; }

 private:
  // The kinds of operation liveness judges apart (a read is linearizable or
  // serializable as the cluster's read mode says).
  enum class OperationClass : std::uint8_t { write, linearizable_read, serializable_read, compare_and_swap, other, count };
  // An operation called from progress_since_ on that finished before the end.
  struct JudgedOperation {
    Micros call = 0;
    std::uint32_t client = 0;
    raft::NodeId node = 0;  // where it was sent
    OperationClass kind = OperationClass::write;
    bool completed = false;  // answered by the cluster
  };
  OperationClass class_of(history::OpKind kind) const;
  void note_progress(const history::Operation& op, raft::NodeId node, bool completed);

  struct Client {
    std::uint32_t id = 0;        // 1-based: c1 is 1
    raft::NodeId node = 1;       // the node it talks to now
    raft::NodeId called_at = 1;  // the node its current operation went to
    std::uint64_t sequence = 0;  // of the current operation
    bool waiting = false;        // an operation is outstanding
    std::size_t history_index = 0;
    Xoshiro256 random{0};
    std::vector<std::optional<std::string>> last_seen;  // per key: the last value it saw, for CAS
    std::vector<std::int64_t> last_seen_mod;            // per key: that value's mod revision (0: absent)
    std::int64_t compare_mod_revision = 0;              // of the cas in flight
    kv::Request request;                                // a read in flight (what it runs), or a txn operation's
    std::int64_t seen_revision = 0;                     // the newest store revision it was told of
    // A controller retrying a cas that lost its compare (workload.retry_conflicts):
    // it re-reads the key, then tries again.
    std::optional<std::size_t> conflict_key;
    bool conflict_reread = false;
  };
  struct Response {
    std::uint32_t client = 0;
    std::uint64_t sequence = 0;
    ClientOutcome outcome;
    bool executed = true;
  };

  history::Operation next_operation(Client& client);
  void finish(Client& client, ClientOutcome outcome, bool executed = true);
  void finish_operation(Client& client, history::Outcome outcome);  // the trace, then the next wakeup
  history::Operation& operation(std::size_t index) { return history_[index - history_base_]; }
  const history::Operation& operation(std::size_t index) const { return history_[index - history_base_]; }
  void retire();
  void tally(const history::Operation& op, OperationTally& into) const;

  const scenario::Scenario& scenario_;
  Scheduler& scheduler_;
  Trace& trace_;
  Network& network_;  // latency draws for client links
  const std::vector<Host>& hosts_;
  bool keep_history_;

  std::vector<Client> clients_;  // index 0 unused
  SlotPool<Response> responses_;
  // Operation i is history_[i - history_base_]; not_executed_ alike: refused
  // before it could take effect (no leader, proposal dropped). Like Knossos,
  // the checker leaves such operations out: a refused CAS says nothing about
  // the value it compared.
  std::deque<history::Operation> history_;
  std::deque<bool> not_executed_;
  std::size_t history_base_ = 0;
  OperationTally retired_;
  // Request ids of writes that some node applied (kept with the whole
  // history): an unknown write no node applied never took effect.
  std::set<std::uint64_t> applied_requests_;
  DurabilityCheck durability_;
  std::optional<Micros> progress_since_;
  std::vector<JudgedOperation> judged_;
  // When each kind last got an answer, at any time of the run (-1: never).
  std::array<Micros, static_cast<std::size_t>(OperationClass::count)> last_completed_{-1, -1, -1, -1, -1};
};

}  // namespace raftsim::sim
