// The workload: closed-loop clients, each attached to a node, issuing one
// operation at a time and recording the history the linearizability checker
// reads. A client that times out records the outcome as unknown and moves
// to the next member.
#include "sim/workload.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/request_shapes.hpp"

namespace raftsim::sim {

namespace {
history::OpKind choose_op(RandomSource& random, const scenario::OpWeights& weights) {
  std::int64_t pick = uniform_int(random, 0, weights.total() - 1);
  if ((pick -= weights.get) < 0) return history::OpKind::get;
  if ((pick -= weights.put) < 0) return history::OpKind::put;
  if ((pick -= weights.del) < 0) return history::OpKind::del;
  if ((pick -= weights.cas) < 0) return history::OpKind::cas;
  return history::OpKind::txn;
}
}  // namespace

Workload::Workload(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Network& network,
                   const std::vector<Host>& hosts, bool keep_history)
    : scenario_(scenario),
      scheduler_(scheduler),
      trace_(trace),
      network_(network),
      hosts_(hosts),
      keep_history_(keep_history),
      durability_(static_cast<std::size_t>(scenario.workload.clients)) {
  const int count = scenario.workload.clients;
  clients_.resize(static_cast<std::size_t>(count) + 1);
  for (int c = 1; c <= count; ++c) {
    Client& client = clients_[static_cast<std::size_t>(c)];
    client.id = static_cast<std::uint32_t>(c);
    client.node = static_cast<raft::NodeId>((c - 1) % scenario.cluster.nodes + 1);  // clients spread over the nodes
    client.random = make_stream(scenario.seed, Stream::workload, static_cast<std::uint64_t>(c));
    client.last_seen.assign(static_cast<std::size_t>(scenario.workload.keys), std::nullopt);
    client.last_seen_mod.assign(static_cast<std::size_t>(scenario.workload.keys), 0);
  }
}

void Workload::start() {
  for (std::size_t c = 1; c < clients_.size(); ++c)
    scheduler_.schedule(0, EventKind::client_wakeup, static_cast<std::uint32_t>(c));
}

history::Operation Workload::next_operation(Client& client) {
  const scenario::WorkloadSpec& workload = scenario_.workload;
  history::Operation op;
  op.client = static_cast<int>(client.id);
  std::size_t key_index = 0;
  if (client.conflict_key) {
    // A controller that lost a compare re-reads the object, then tries again.
    key_index = *client.conflict_key;
    op.kind = client.conflict_reread ? history::OpKind::get : history::OpKind::cas;
  } else {
    op.kind = choose_op(client.random, workload.ops);
    key_index = static_cast<std::size_t>(uniform_int(client.random, 0, workload.keys - 1));
  }
  op.key = fmt::format("k{}", key_index);
  if (op.kind == history::OpKind::txn) {
    client.request = draw_request_shape(client.random, client.seen_revision);
    op.key = "kx";  // its own keys, kx0, kx1, ...
    return op;
  }
  // Values are unique per operation, which keeps the checker's search narrow.
  const std::string value = fmt::format("c{}-{}", client.id, client.sequence);
  if (op.kind == history::OpKind::put) op.value = value;
  if (op.kind == history::OpKind::cas) {
    // Read-modify-write as a controller does: compare with what it last saw.
    op.expect = client.last_seen[key_index];
    client.compare_mod_revision = client.last_seen_mod[key_index];
    op.value = value;
  }
  return op;
}

void Workload::wakeup(std::uint32_t client_id) {
  Client& client = clients_[client_id];
  if (client.waiting) return;
  const scenario::WorkloadSpec& workload = scenario_.workload;
  if (workload.stop && scheduler_.now() >= *workload.stop) return;
  ++client.sequence;
  history::Operation op = next_operation(client);
  op.call_us = scheduler_.now();
  op.outcome = history::Outcome::unknown;  // until a response says otherwise
  client.history_index = history_base_ + history_.size();
  history_.push_back(std::move(op));
  not_executed_.push_back(false);
  client.waiting = true;
  client.called_at = client.node;
  trace_.mix((std::uint64_t{client.id} << 32) ^ client.sequence ^ 0xc11e47ULL);
  scheduler_.schedule_after(network_.draw_latency(), EventKind::client_arrive, client.id, client.node,
                            client.sequence);
  scheduler_.schedule_after(workload.timeout, EventKind::client_timeout, client.id, 0, client.sequence);
}

std::optional<Submission> Workload::arrive(std::uint32_t client_id, raft::NodeId node_id, std::uint64_t sequence) {
  const Client& client = clients_[client_id];
  if (client.sequence != sequence || !client.waiting) return std::nullopt;
  const Host& host = hosts_[node_id];
  if (!host.up) return std::nullopt;  // lost with the node; the client will time out
  if (host.paused) {
    scheduler_.schedule(host.paused_until, EventKind::client_arrive, client_id, node_id, sequence);
    return std::nullopt;
  }
  const history::Operation& op = operation(client.history_index);
  Submission submission;
  submission.id = request_id(client_id, sequence);
  submission.pending = PendingRequest{client_id, sequence};
  if (trace_.writing())
    trace_.write(scheduler_.now(), "request",
                 fmt::format("\"client\":\"c{}\",\"node\":\"n{}\",\"op\":{}", client_id, node_id, submission.id));
  if (op.kind == history::OpKind::txn) {
    submission.read = is_read_request(client.request);
    submission.request = client.request;
    return submission;
  }
  submission.read = op.kind == history::OpKind::get;
  submission.request = submission.read ? make_request(op) : make_request(op, client.compare_mod_revision);
  if (submission.read) clients_[client_id].request = submission.request;
  return submission;
}

void Workload::respond(const PendingRequest& request, ClientOutcome outcome, bool executed) {
  const std::uint32_t slot = responses_.acquire();
  Response& response = responses_[slot];
  response.client = request.client;
  response.sequence = request.sequence;
  response.outcome = std::move(outcome);
  response.executed = executed;
  // Clients sit with their node: the reply crosses no partition.
  scheduler_.schedule_after(network_.draw_latency(), EventKind::client_response, slot);
}

void Workload::response(std::uint32_t slot) {
  Response response = responses_.release(slot);
  Client& client = clients_[response.client];
  if (client.sequence != response.sequence || !client.waiting) return;  // it gave up already
  finish(client, std::move(response.outcome), response.executed);
}

void Workload::timeout(std::uint32_t client_id, std::uint64_t sequence) {
  Client& client = clients_[client_id];
  if (client.sequence != sequence || !client.waiting) return;
  // The outcome is unknown: the write may still apply, at any later time.
  client.node = next_member(hosts_, client.node);
  finish(client, bare_outcome(history::Outcome::unknown));
}

const kv::Request* Workload::waiting_read(const PendingRequest& request) const {
  const Client& client = clients_[request.client];
  if (client.sequence != request.sequence || !client.waiting) return nullptr;  // the client gave up
  return &client.request;
}

void Workload::finish(Client& client, ClientOutcome result, bool executed) {
  history::Operation& op = operation(client.history_index);
  const history::Outcome outcome = result.outcome;
  not_executed_[client.history_index - history_base_] = !executed;
  const bool read = op.kind == history::OpKind::get || (op.kind == history::OpKind::txn && is_read_request(client.request));
  if (outcome == history::Outcome::ok && !read) durability_.acknowledged(client.id, client.sequence);
  if (result.revision > 0) client.seen_revision = std::max(client.seen_revision, result.revision);
  // Refused for want of a leader: like etcd's client, try another endpoint.
  if (!executed) client.node = next_member(hosts_, client.node);
  op.outcome = outcome;
  note_progress(op, client.called_at, outcome != history::Outcome::unknown && executed);
  if (outcome != history::Outcome::unknown) {
    op.return_us = scheduler_.now();
    if (result.revision > 0) op.revision = result.revision;
  }
  if (op.kind == history::OpKind::txn) {  // judged by replica agreement, the watch check and liveness
    finish_operation(client, outcome);
    return;
  }
  const auto key_index = static_cast<std::size_t>(std::stoi(op.key.substr(1)));
  if (outcome == history::Outcome::ok) {
    switch (op.kind) {
      case history::OpKind::get:
        op.value = result.value;
        if (result.value) op.mod_revision = result.mod_revision;
        client.last_seen[key_index] = std::move(result.value);
        client.last_seen_mod[key_index] = result.mod_revision;
        break;
      case history::OpKind::put:
      case history::OpKind::cas:
        client.last_seen[key_index] = op.value;
        client.last_seen_mod[key_index] = result.mod_revision;
        break;
      case history::OpKind::del:
        client.last_seen[key_index] = std::nullopt;
        client.last_seen_mod[key_index] = 0;
        break;
      case history::OpKind::append:
      case history::OpKind::txn: break;
    }
  }
  if (scenario_.workload.retry_conflicts) {
    if (op.kind == history::OpKind::cas && outcome == history::Outcome::fail && executed) {
      client.conflict_key = key_index;  // lost the compare: re-read, then retry
      client.conflict_reread = true;
    } else if (client.conflict_key == key_index && op.kind == history::OpKind::get && outcome == history::Outcome::ok) {
      client.conflict_reread = false;
    } else if (client.conflict_key == key_index && op.kind == history::OpKind::cas) {
      client.conflict_key.reset();  // applied, or unknown: a controller moves on and sees it at its next read
    }
  }
  finish_operation(client, outcome);
}

void Workload::finish_operation(Client& client, history::Outcome outcome) {
  trace_.mix((std::uint64_t{client.id} << 32) ^ (static_cast<std::uint64_t>(outcome) << 24) ^ client.sequence);
  if (trace_.writing())
    trace_.write(scheduler_.now(), "response", fmt::format("\"client\":\"c{}\",\"seq\":{},\"outcome\":\"{}\"", client.id,
                                        client.sequence,
                                        outcome == history::Outcome::ok     ? "ok"
                                        : outcome == history::Outcome::fail ? "fail"
                                                                            : "unknown"));
  client.waiting = false;
  retire();
  const scenario::WorkloadSpec& workload = scenario_.workload;
  scheduler_.schedule_after(uniform_int(client.random, workload.think.min, workload.think.max),
                            EventKind::client_wakeup, client.id);
}

Workload::OperationClass Workload::class_of(history::OpKind kind) const {
  switch (kind) {
    case history::OpKind::get:
      return scenario_.cluster.read_mode == raft::ReadMode::serializable ? OperationClass::serializable_read
                                                                         : OperationClass::linearizable_read;
    case history::OpKind::cas: return OperationClass::compare_and_swap;
    case history::OpKind::txn: return OperationClass::other;
    case history::OpKind::put:
    case history::OpKind::del:
    case history::OpKind::append: break;
  }
  return OperationClass::write;
}

void Workload::note_progress(const history::Operation& op, raft::NodeId node, bool completed) {
  const OperationClass kind = class_of(op.kind);
  if (completed) last_completed_[static_cast<std::size_t>(kind)] = scheduler_.now();
  if (!progress_since_ || op.call_us < *progress_since_) return;
  judged_.push_back({op.call_us, static_cast<std::uint32_t>(op.client), node, kind, completed});
}

std::optional<std::string> Workload::stalled_operations(Micros from) const {
  static constexpr const char* kNames[] = {"write (put/delete)", "linearizable read", "serializable read",
                                           "compare-and-swap txn", "request of another shape"};
  static constexpr const char* kPlural[] = {"writes", "linearizable reads", "serializable reads",
                                            "compare-and-swap txns", "requests of other shapes (ranges, txns)"};
  if (!progress_since_) return std::nullopt;
  std::string stalled;
  for (std::size_t k = 0; k < last_completed_.size(); ++k) {
    std::size_t issued = 0;
    const JudgedOperation* first = nullptr;
    bool completed = false;
    for (const JudgedOperation& op : judged_) {
      if (static_cast<std::size_t>(op.kind) != k || op.call < from) continue;
      ++issued;
      completed |= op.completed;
      if (first == nullptr || op.call < first->call) first = &op;
    }
    if (issued == 0 || completed) continue;
    const Micros last = last_completed_[k];
    const std::string since = last < 0 ? "no " + std::string(kNames[k]) + " ever completed"
                                       : fmt::format("the last completed at {:.3f}s", static_cast<double>(last) / 1e6);
    stalled += fmt::format("{}{}: none of the {} called from {:.3f}s on completed ({}); the first, c{} at n{} "
                           "(called at {:.3f}s), got no answer",
                           stalled.empty() ? "" : "; ", kPlural[k], issued, static_cast<double>(from) / 1e6, since,
                           first->client, first->node, static_cast<double>(first->call) / 1e6);
  }
  if (stalled.empty()) return std::nullopt;
  return stalled;
}

void Workload::retire() {
  if (keep_history_) return;
  while (!history_.empty()) {
    const history::Operation& front = history_.front();
    const Client& owner = clients_[static_cast<std::size_t>(front.client)];
    if (owner.waiting && owner.history_index == history_base_) return;  // still in flight
    tally(front, retired_);
    history_.pop_front();
    not_executed_.pop_front();
    ++history_base_;
  }
}

void Workload::tally(const history::Operation& op, OperationTally& into) const {
  if (op.outcome == history::Outcome::ok) ++into.ok;
  else if (op.outcome == history::Outcome::fail) ++into.failed;
  else ++into.unknown;
  into.available.resize(scenario_.expect.size());
  for (std::size_t i = 0; i < scenario_.expect.size(); ++i) {
    const scenario::Expectation& e = scenario_.expect[i];
    if (e.kind != scenario::Expectation::Kind::available || op.call_us < e.during.min || op.call_us > e.during.max)
      continue;
    ++into.available[i].first;
    if (op.outcome == history::Outcome::ok) ++into.available[i].second;
  }
}

OperationTally Workload::tally_all() const {
  OperationTally all = retired_;
  for (const history::Operation& op : history_) tally(op, all);
  all.available.resize(scenario_.expect.size());
  return all;
}


history::History Workload::executed_history() const {
  history::History executed;
  executed.reserve(history_.size());
  std::vector<std::uint64_t> sequence(clients_.size(), 0);
  for (std::size_t i = 0; i < history_.size(); ++i) {
    const history::Operation& op = history_[i];
    const std::uint64_t id = request_id(static_cast<std::uint32_t>(op.client), ++sequence[static_cast<std::size_t>(op.client)]);
    if (not_executed_[i]) continue;
    // Serializable reads may be stale by design: not part of the linearizability check.
    if (op.kind == history::OpKind::get && scenario_.cluster.read_mode == raft::ReadMode::serializable) continue;
    if (op.kind == history::OpKind::txn) continue;  // other shapes, on keys of their own
    // An unknown write that no node ever applied never took effect: leaving it
    // out is exact, and spares the checker a search over where it might fit.
    if (op.outcome == history::Outcome::unknown && op.kind != history::OpKind::get && !applied_requests_.count(id))
      continue;
    executed.push_back(op);
  }
  return executed;
}

}  // namespace raftsim::sim
