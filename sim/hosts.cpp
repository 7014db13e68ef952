// The cluster driving its hosts: Ready handling, the disk, applying
// committed entries to each node's KV store, crashes and restarts, what a
// request does at a node, and what faults do to nodes.
#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/kv/codec.hpp"
#include "sim/request_payload.hpp"
#include "sim/cluster.hpp"

namespace raftsim::sim {

raft::Config Cluster::node_config(raft::NodeId id) const {
  const scenario::ClusterSpec& cluster = scenario_.cluster;
  raft::Config config;
  config.id = id;
  // The initial members bootstrap with n1..nN as voters; a node added later
  // starts empty and learns its membership from the leader's log.
  if (static_cast<int>(id) <= cluster.nodes)
    for (int n = 1; n <= cluster.nodes; ++n) config.voters.push_back(static_cast<raft::NodeId>(n));
  config.election_ticks_min = static_cast<int>(cluster.election_timeout.min / cluster.tick);
  config.election_ticks_max = static_cast<int>(cluster.election_timeout.max / cluster.tick);
  config.heartbeat_ticks = static_cast<int>(cluster.heartbeat / cluster.tick);
  config.prevote = cluster.prevote;
  config.early_vote_requests = cluster.early_vote_requests;
  config.lost_election_restarts_timer = cluster.lost_election_restarts_timer;
  config.check_quorum = cluster.check_quorum;
  config.read_mode = cluster.read_mode;
  config.max_entries_per_append = static_cast<std::size_t>(cluster.max_append_entries);
  config.max_inflight_appends = static_cast<std::size_t>(cluster.max_inflight);
  config.bugs = scenario_.bugs;
  return config;
}

void Cluster::start_host(Host& host) {
  if (scenario_.cluster.raft == scenario::RaftImplementation::etcd) {
    EtcdOptions options;
    options.max_size_per_msg = scenario_.cluster.max_append_entries == 1 ? 0 : EtcdOptions{}.max_size_per_msg;
    for (int n = 1; n <= scenario_.cluster.nodes; ++n) options.bootstrap_voters.push_back(static_cast<raft::NodeId>(n));
    host.node = make_etcd_node(node_config(host.id), options, host.disk.restore_state(), *host.timer_random);
  } else {
    host.node = make_raftsim_node(node_config(host.id), host.disk.restore_state(), *host.timer_random);
  }
  if (options_.wrap_node) host.node = options_.wrap_node(std::move(host.node));
  host.up = true;
  host.started = true;
  host.paused = false;
  host.seen_role = host.node->role();
  host.seen_term = host.node->term();
  host.seen_commit = host.node->commit_index();
  host.seen_established = false;
  observe_host_state(host);
  ++host.tick_generation;
  // Nodes do not tick in lockstep: each starts at its own phase.
  schedule_tick(host, uniform_int(*host.timer_random, 1, scenario_.cluster.tick));
  drive(host);
}

void Cluster::crash_host(Host& host, bool lose_unsynced) {
  host.up = false;
  ++host.crashes;
  host.paused = false;
  observe_host_state(host);
  host.disk.crash(lose_unsynced);
  host.node.reset();
  host.machine = StateMachine();
  host.pending_writes.clear();
  host.pending_reads.clear();
  host.reads_waiting_apply.clear();
  reflectors_->on_crash(host.id);
  ++host.tick_generation;
  host.seen_role = raft::Role::follower;
  host.seen_established = false;
}

void Cluster::restart_host(Host& host) {
  if (host.disk.durable().snapshot_data) host.machine = StateMachine::restore(*host.disk.durable().snapshot_data);
  start_host(host);
}

void Cluster::on_member_stop(raft::NodeId node) {
  Host& host = hosts_[node];
  host.stop_scheduled = false;
  if (!host.member) return;
  if (host.up) {
    remove_host(host);
    return;
  }
  host.member = false;  // removed while down: it never starts again
  timeline(fmt::format("n{} leaves the cluster (its removal is applied)", host.id));
}

void Cluster::remove_host(Host& host) {
  // A removed member shuts down, as an etcd member does once it applies its removal.
  crash_host(host, false);
  host.member = false;
  host.removal_pending = false;
  timeline(fmt::format("n{} leaves the cluster (its removal is applied)", host.id));
}

void Cluster::observe_host_state(const Host& host) {
  if (!options_.observe) return;
  const HostState state = !host.up ? HostState::down : host.paused ? HostState::paused : HostState::up;
  auto& states = observations_[host.id - 1].states;
  if (states.empty() || states.back().second != state) states.emplace_back(scheduler_.now(), state);
}

void Cluster::note_leader_contact(raft::NodeId to) {
  establishing_->reached[to] = true;
  check_established();
}

void Cluster::check_established() {
  const Establishing& pending = *establishing_;
  const Host& leader = hosts_[pending.leader];
  if (!leader.up || leader.node->role() != raft::Role::leader || leader.node->term() != pending.term) {
    establishing_.reset();  // it lost leadership (or crashed) first: never established
    return;
  }
  for (raft::NodeId id = 1; id < hosts_.size(); ++id) {
    if (id == pending.leader || pending.reached[id]) continue;
    if (host_live(hosts_[id]) && hosts_[id].member && network_.link_up(pending.leader, id)) return;
  }
  leaders_[pending.record].established_us = scheduler_.now();
  establishing_.reset();
}

void Cluster::notice_changes(Host& host) {
  const RaftNode& node = *host.node;
  const Micros now = scheduler_.now();
  if (node.term() != host.seen_term || node.role() != host.seen_role) {
    trace_.mix(0x7e7e0000ULL | (std::uint64_t{host.id} << 32) | static_cast<std::uint64_t>(node.role()));
    trace_.mix(node.term());
    if (options_.observe)
      observations_[host.id - 1].roles.push_back({now, std::string(raft::role_name(node.role())), node.term()});
    if (trace_.writing())
      trace_event("role", fmt::format("\"node\":\"n{}\",\"role\":\"{}\",\"term\":{}", host.id,
                                      raft::role_name(node.role()), node.term()));
    if (node.role() == raft::Role::leader && (host.seen_role != raft::Role::leader || node.term() != host.seen_term)) {
      safety_.on_leader(now, host.id, node.term(), node.log());
      leaders_.push_back({node.term(), fmt::format("n{}", host.id), now});
      if (options_.measure) {
        establishing_ = Establishing{host.id, node.term(), leaders_.size() - 1, std::vector<bool>(hosts_.size(), false)};
        check_established();  // a lone voter has no one to reach
      }
      ++metrics_.elections;
      last_leader_change_ = now;
      timeline(fmt::format("n{} elected leader of term {}", host.id, node.term()));
      faults_->on_raft_event(scenario::Trigger::elected, host.id);
      if (timeline_.explaining()) {
        if (const auto election = node.last_election())
          explain(fmt::format("n{} wins term {} with votes from {} ({} of {} voters; it needed {})", host.id,
                              node.term(), describe(election->granted), election->granted.size(), election->voters,
                              election->needed));
        else
          explain(fmt::format("n{} wins term {} (its implementation does not say with whose votes)", host.id, node.term()));
      }
      host.seen_established = false;
    } else if (node.role() == raft::Role::candidate) {
      if (options_.measure) campaigns_.push_back({now, host.id, node.term()});
      faults_->on_raft_event(scenario::Trigger::campaign, host.id);
    } else if (host.seen_role == raft::Role::leader && node.role() != raft::Role::leader) {
      last_leader_change_ = now;
      timeline(fmt::format("n{} steps down (term {})", host.id, node.term()));
      explain(node.term() > host.seen_term
                  ? fmt::format("n{} saw term {}, newer than its own: a leader of an old term always yields", host.id,
                                node.term())
                  : fmt::format("n{} heard from no majority for an election timeout (CheckQuorum), so it stops leading",
                                host.id));
    }
    host.seen_term = node.term();
    host.seen_role = node.role();
  }
  if (node.commit_index() != host.seen_commit) {
    RAFTSIM_ASSERT(node.commit_index() > host.seen_commit, "n{}: commit index went back from {} to {}", host.id,
                   host.seen_commit, node.commit_index());
    host.seen_commit = node.commit_index();
    trace_.mix(0xc0c00000ULL ^ (std::uint64_t{host.id} << 40) ^ node.commit_index());
    if (trace_.writing())
      trace_event("commit", fmt::format("\"node\":\"n{}\",\"commit\":{}", host.id, node.commit_index()));
    // A commit is legitimate under a configuration when the node's side holds
    // a majority of its voters, or the entry is durable on a majority of them
    // (committed elsewhere, learned late). Configurations take effect when
    // appended, so the leader may already count under a newer one than this
    // node has seen: judge under every configuration a live node holds, and
    // the newest committed one.
    const raft::LogIndex index = node.commit_index();
    const raft::Term term = node.log().term_at(index).value_or(0);
    const auto justified = [&](const raft::Membership& membership) {
      std::size_t on_side = 0;
      std::size_t durable = 0;
      for (raft::NodeId id : membership.voters) {
        if (id >= hosts_.size()) continue;
        if (network_.same_side(host.id, id)) ++on_side;
        const DurableState& disk = hosts_[id].disk.durable();
        // Inside a snapshot is durable too (a snapshot holds only committed entries).
        if (index <= disk.snapshot_index ||
            (index <= disk.last_index() && disk.entries[index - disk.snapshot_index - 1].term == term))
          ++durable;
      }
      return std::pair(on_side >= membership.majority(), durable >= membership.majority());
    };
    auto [majority_side, majority_durable] = justified(node.membership());
    if (!majority_side && !majority_durable) {
      // A learner that has not yet received any configuration judges by none:
      // the newest committed configuration speaks for it.
      std::tie(majority_side, majority_durable) = justified(committed_membership_);
    }
    if (!majority_side && !majority_durable && reports_sends()) {
      // etcd's raft changes configuration when a change is applied, not
      // appended: until its leader applies the newest committed change, it
      // commits under the one before (etcd-io/etcd#7625), which a node that
      // has applied the newer one, or that is down, no longer holds.
      std::tie(majority_side, majority_durable) = justified(previous_committed_membership_);
    }
    for (std::size_t id = 1; id < hosts_.size() && !majority_side && !majority_durable; ++id) {
      if (!hosts_[id].up || &hosts_[id] == &host) continue;
      const auto [side_ok, durable_ok] = justified(hosts_[id].node->membership());
      majority_side = side_ok;
      majority_durable = durable_ok;
    }
    // The side is described only for a violation's message: not a string per commit.
    safety_.on_commit(now, host.id, node.term(), index, majority_side, majority_side || majority_durable,
                      majority_side || majority_durable ? std::string() : describe(network_.side_of(host.id)));
    if (options_.observe) observations_[host.id - 1].commits.emplace_back(now, node.commit_index());
  }
}

void Cluster::drive(Host& host) {
  RaftNode& node = *host.node;
  while (node.has_ready()) {
    const raft::Role role_before = host.seen_role;
    const raft::Term term_before = host.seen_term;
    node.take_ready(host.ready);
    raft::Ready& ready = host.ready;
    notice_changes(host);
    if (node.role() == raft::Role::leader && !ready.entries.empty()) {
      const bool new_leadership = role_before != raft::Role::leader || term_before != node.term();
      if (!new_leadership)
        safety_.on_leader_write(scheduler_.now(), host.id, node.term(), ready.entries.front().index,
                                host.leader_last_written);
      host.leader_last_written = ready.entries.back().index;
    }
    if (ready.snapshot) {
      // The leader sent its state: it replaces ours (and is persisted below).
      host.machine = StateMachine::restore(*ready.snapshot->data);
      host.reads_waiting_apply.clear();
      reflectors_->on_snapshot(host);
      trace_.mix(0x5a5a0000ULL ^ ready.snapshot->index);
      timeline(fmt::format("n{} installs a snapshot at index {} from its leader", host.id, ready.snapshot->index));
    }
    const bool durable_work = ready.snapshot.has_value() || ready.hard_state.has_value() || !ready.entries.empty();
    if (!durable_work && host.disk.idle()) {
      // Nothing waits for the disk: the messages may leave now.
      for (auto& message : ready.messages_after_persist) send_before_apply(host, std::move(message));
    } else if (durable_work || !ready.messages_after_persist.empty()) {
      WriteBatch batch;
      batch.snapshot = ready.snapshot;
      batch.hard_state = ready.hard_state;
      batch.entries = std::move(ready.entries);
      batch.messages_after_persist = std::move(ready.messages_after_persist);
      if (host.disk.write(std::move(batch))) start_fsync(host);
    }
    for (auto& message : ready.messages) send_before_apply(host, std::move(message));
    apply_committed(host);
    // Now the store is at the node's applied index: a fresh snapshot of it may leave.
    for (auto& message : snapshots_after_apply_) send(host, std::move(message));
    snapshots_after_apply_.clear();
    for (const raft::ReadState& read : ready.read_states) host.reads_waiting_apply.emplace_back(read.index, read.request_id);
    for (std::uint64_t id : ready.dropped_reads) {
      const auto it = host.pending_reads.find(id);
      if (it == host.pending_reads.end()) continue;
      const PendingRequest request = it->second;
      host.pending_reads.erase(it);
      workload_->respond(request, bare_outcome(history::Outcome::fail), false);
    }
    serve_reads(host);
    maybe_snapshot(host);
  }
  // A step-down by CheckQuorum changes the role without anything to do.
  notice_changes(host);
  node.check_invariants();
  if (host.removal_pending) remove_host(host);
}

void Cluster::send_before_apply(Host& host, raft::Message&& message) {
  // etcd's snapshots are made fresh from the store when they leave (send),
  // so one may leave only once this Ready's committed entries are applied.
  if (reports_sends() && message.type == raft::MessageType::snapshot) {
    snapshots_after_apply_.push_back(std::move(message));
    return;
  }
  send(host, std::move(message));
}

void Cluster::send(Host& host, raft::Message&& message) {
  // A node's message to itself (a lone voter's own vote, once durable) never
  // touches the network: the node steps it now; drive() takes what follows.
  if (message.to == host.id) {
    host.node->step(message);
    return;
  }
  if (message.type == raft::MessageType::vote_response && !message.reject && faults_->armed())
    faults_->on_raft_event(scenario::Trigger::vote, host.id);
  if (reports_sends()) {
    if (message.type == raft::MessageType::snapshot) {
      // etcd's server never sends the snapshot raft keeps: it sends a fresh
      // one, its store at the applied index with the configuration in force
      // there (createMergedSnapshotMessage, etcdserver/snapshot_merge.go).
      // raft's own may predate the follower's membership, which etcd's raft
      // refuses to restore ("not in the ConfState"): an added learner would
      // never catch up.
      const RaftNode& node = *host.node;
      const raft::LogIndex applied = node.applied_index();
      message.log_index = applied;
      message.log_term = applied == node.snapshot().index ? node.snapshot().term : node.log().term_at(applied).value_or(0);
      message.snapshot = std::make_shared<const std::string>(host.machine.snapshot());
      message.snapshot_membership = raft::encode_membership(node.membership());
    }
    // What etcd's transport tells its node on a send: the peer is cut off
    // (the connection is down), and whether a snapshot got through.
    const bool reachable =
        network_.link_up(host.id, message.to) && message.to < hosts_.size() && hosts_[message.to].up;
    const raft::NodeId to = message.to;
    const bool snapshot = message.type == raft::MessageType::snapshot;
    network_.send(std::move(message), scheduler_);
    if (!reachable) host.node->report_unreachable(to);
    if (snapshot) host.node->report_snapshot(to, reachable);
    return;
  }
  network_.send(std::move(message), scheduler_);
}

void Cluster::maybe_snapshot(Host& host) {
  // Log compaction (§7), as etcd does every snapshot-count entries: the KV
  // state at the applied index replaces the log up to it, on disk and in Raft.
  const std::int64_t every = scenario_.cluster.snapshot_every;
  RaftNode& node = *host.node;
  if (every <= 0 || node.applied_index() < node.log().snapshot_index() + static_cast<raft::LogIndex>(every)) return;
  const raft::LogIndex index = node.applied_index();
  node.compact(index, std::make_shared<const std::string>(host.machine.snapshot()));
  host.disk.install_snapshot(node.snapshot());
  trace_.mix(0x5a5b0000ULL ^ index);
}

void Cluster::start_fsync(Host& host) {
  host.disk.start_sync();
  ++metrics_.fsyncs;
  const Micros latency = uniform_int(disk_random_, scenario_.disk.fsync.min, scenario_.disk.fsync.max);
  scheduler_.schedule_after(latency, EventKind::disk_synced, host.id, 0, host.disk.incarnation());
}

void Cluster::on_synced(raft::NodeId node, std::uint64_t incarnation) {
  Host& host = hosts_[node];
  if (!host.up || incarnation != host.disk.incarnation()) return;  // the crash came first
  if (host.paused) {
    // A frozen process learns of the completed fsync only when it resumes.
    scheduler_.schedule(host.paused_until, EventKind::disk_synced, host.id, 0, incarnation);
    return;
  }
  std::vector<WriteBatch> durable;
  const bool more = host.disk.complete_sync(durable);
  if (more) start_fsync(host);
  for (auto& batch : durable) {
    for (auto& message : batch.messages_after_persist) send(host, std::move(message));
    if (!batch.entries.empty()) host.node->persisted(batch.entries.back().index, batch.entries.back().term);
    if (batch.snapshot || batch.hard_state || !batch.entries.empty()) host.node->ready_persisted();
  }
  drive(host);
}

void Cluster::apply_committed(Host& host) {
  for (const raft::Entry& entry : host.ready.committed) {
    safety_.on_apply(scheduler_.now(), host.id, entry);
    if (entry.type == raft::EntryType::config && entry.index > newest_config_applied_) {
      // The first time the cluster applies a new configuration: members it
      // leaves out shut down (an etcd member removed while cut off learns it
      // from its peers' "member removed" answer; here the operator stops it).
      newest_config_applied_ = entry.index;
      const raft::Membership membership = host.node->config_after(entry);
      previous_committed_membership_ = committed_membership_;
      committed_membership_ = membership;
      timeline(fmt::format("membership {} committed", raft::describe(membership)));
      for (std::size_t id = 1; id < hosts_.size(); ++id)
        if (membership.is_member(hosts_[id].id)) hosts_[id].listed = true;
      for (std::size_t id = 1; id < hosts_.size(); ++id) {
        Host& other = hosts_[id];
        if (!other.member || membership.is_member(other.id)) continue;
        if (reports_sends()) {
          // etcd's server stops a removed member a second later
          // (stopWithDelay, 10 heartbeats of 100ms), so that a removed leader
          // still tells the others the commit of its own removal: without
          // it, a follower that missed that commit keeps the old
          // configuration and may never again reach a majority of it.
          if (!other.stop_scheduled) {
            other.stop_scheduled = true;
            scheduler_.schedule_after(kEtcdStopDelay, EventKind::member_stop, other.id);
          }
          continue;
        }
        if (&other == &host) {
          host.removal_pending = true;  // after this drive() is done with the node
        } else {
          remove_host(other);
        }
      }
      continue;
    }
    if (entry.type == raft::EntryType::config) continue;
    if (entry.type != raft::EntryType::normal || !entry.data) continue;
    const RequestPayload payload = decode_payload(*entry.data);
    // A request committed twice (a duplicated proposal) takes effect once.
    if (!host.machine.admit(static_cast<std::uint32_t>(payload.request_id >> 32), payload.request_id & 0xffffffffULL))
      continue;
    const kv::Response response = host.machine.store.apply(payload.request);
    workload_->applied(payload.request_id);
    reflectors_->on_apply(host);
    const auto it = host.pending_writes.find(payload.request_id);
    if (it == host.pending_writes.end()) continue;
    const PendingRequest request = it->second;
    host.pending_writes.erase(it);
    workload_->respond(request, outcome_of(response));
  }
}

void Cluster::serve_reads(Host& host) {
  if (host.reads_waiting_apply.empty()) return;
  const raft::LogIndex applied = host.node->applied_index();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < host.reads_waiting_apply.size(); ++i) {
    const auto [index, id] = host.reads_waiting_apply[i];
    if (index > applied) {
      host.reads_waiting_apply[kept++] = host.reads_waiting_apply[i];
      continue;
    }
    const auto it = host.pending_reads.find(id);
    if (it == host.pending_reads.end()) continue;
    const PendingRequest request = it->second;
    host.pending_reads.erase(it);
    const kv::Request* read = workload_->waiting_read(request);
    if (read == nullptr) continue;  // the client gave up
    workload_->respond(request, outcome_of(host.machine.store.apply(*read)));
  }
  host.reads_waiting_apply.resize(kept);
}

void Cluster::client_arrive(std::uint32_t client, raft::NodeId node, std::uint64_t sequence) {
  const std::optional<Submission> submission = workload_->arrive(client, node, sequence);
  if (!submission) return;
  Host& host = hosts_[node];
  if (submission->read) {
    if (scenario_.cluster.read_mode == raft::ReadMode::serializable) {
      // Serializable reads are served from local state, perhaps stale.
      workload_->respond(submission->pending, outcome_of(host.machine.store.apply(submission->request)));
      return;
    }
    host.pending_reads[submission->id] = submission->pending;
    host.node->read_index(submission->id);
    drive(host);
    return;
  }
  if (!host.node->propose(encode_payload(submission->id, submission->request))) {
    // Not proposed at all (no known leader): it definitely did not happen.
    workload_->respond(submission->pending, bare_outcome(history::Outcome::fail), false);
    return;
  }
  host.pending_writes[submission->id] = submission->pending;
  drive(host);
}

// What faults do to nodes (the fault injector decides which and when).

void Cluster::pause(raft::NodeId node, Micros duration) {
  Host& host = hosts_[node];
  host.paused = true;
  host.paused_until = std::max(host.paused_until, scheduler_.now() + duration);
  observe_host_state(host);
  ++host.tick_generation;  // its timers stop with it
  scheduler_.schedule(host.paused_until, EventKind::node_resume, node);
}

void Cluster::skew_clock(raft::NodeId node, Micros skew) {
  Host& host = hosts_[node];
  if (skew >= 0) {
    // The clock jumps ahead: the ticks it skipped over fire at once.
    for (Micros t = 0; t + scenario_.cluster.tick <= skew && host.up; t += scenario_.cluster.tick) {
      host.node->tick();
      drive(host);
    }
  } else {
    // The clock jumps back: nothing fires until it has caught up again.
    ++host.tick_generation;
    schedule_tick(host, -skew);
  }
}

void Cluster::transfer_leadership(raft::NodeId leader, raft::NodeId to) {
  hosts_[leader].node->transfer_leadership(to);
  drive(hosts_[leader]);
}

void Cluster::start_member(raft::NodeId node) {
  Host& added = hosts_[node];
  added.member = true;
  added.disk = Disk();
  added.machine = StateMachine();
  start_host(added);
}

void Cluster::check_logs() {
  std::vector<std::pair<raft::NodeId, const raft::RaftLog*>> logs;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].up) logs.emplace_back(hosts_[id].id, &hosts_[id].node->log());
  safety_.check_log_matching(scheduler_.now(), logs);
}

}  // namespace raftsim::sim
