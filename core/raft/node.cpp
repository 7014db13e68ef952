#include "core/raft/node.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/assert.hpp"

namespace raftsim::raft {

Node::Node(Config config, RestoreState restored, RandomSource& random)
    : config_(std::move(config)),
      random_(random),
      current_term_(restored.hard_state.term),
      voted_for_(restored.hard_state.voted_for),
      log_(restored.snapshot_index, restored.snapshot_term, std::move(restored.entries), !config_.bugs.any()) {
  RAFTSIM_ASSERT(config_.id != kNoNode, "node id 0 is reserved");
  RAFTSIM_ASSERT(config_.election_ticks_min > config_.heartbeat_ticks,
                 "election timeout ({} ticks) must exceed the heartbeat ({} ticks)", config_.election_ticks_min,
                 config_.heartbeat_ticks);
  RAFTSIM_ASSERT(config_.election_ticks_min <= config_.election_ticks_max, "election timeout range");
  RAFTSIM_ASSERT(config_.max_entries_per_append > 0 && config_.max_inflight_appends > 0, "append limits");
  RAFTSIM_ASSERT(config_.id <= kMaxNodes, "node id {} beyond the limit of {}", config_.id, kMaxNodes);
  for (NodeId voter : config_.voters)
    RAFTSIM_ASSERT(voter != kNoNode && voter <= kMaxNodes, "voter id {} beyond the limit of {}", voter, kMaxNodes);
  // Indexed by node id; membership changes may add any id up to the limit.
  votes_.assign(kMaxNodes + 1, 0);
  progress_.resize(kMaxNodes + 1);
  for (auto& progress : progress_) progress.inflights.reset(config_.max_inflight_appends);

  // A restarted node starts from what its disk holds; applying resumes at the snapshot.
  commit_ = std::max(restored.hard_state.commit, log_.snapshot_index());
  RAFTSIM_ASSERT(commit_ <= log_.last_index(), "restored commit {} beyond the durable log {}", commit_,
                 log_.last_index());
  applied_ = log_.snapshot_index();
  // Membership: the bootstrap voters, or the snapshot's, then any config entries in the log.
  Membership bootstrap;
  bootstrap.voters = config_.voters;
  std::sort(bootstrap.voters.begin(), bootstrap.voters.end());
  snapshot_ = {log_.snapshot_index(), log_.snapshot_term(), std::move(restored.snapshot_data),
               restored.snapshot_membership.value_or(bootstrap)};
  refresh_membership();
  unstable_from_ = log_.last_index() + 1;
  persisted_index_ = log_.last_index();
  last_hard_state_ = {current_term_, voted_for_, commit_};
  become_follower(current_term_, kNoNode);
}

std::size_t Node::quorum() const { return quorum_of(members_); }

std::size_t Node::quorum_of(const Membership& membership) const {
  const std::size_t voters = membership.voters.size();
  // The planted bug takes N/2 as a majority: 2 of 4, 2 of 5.
  if (config_.bugs.quorum_off_by_one) return std::max<std::size_t>(1, voters / 2);
  return voters / 2 + 1;
}

Message& Node::new_message_in(std::vector<Message>& buffer, MessageType type, NodeId to) {
  Message& message = buffer.emplace_back();
  message.type = type;
  message.from = config_.id;
  message.to = to;
  message.term = current_term_;
  return message;
}

Message& Node::new_message(MessageType type, NodeId to) { return new_message_in(messages_, type, to); }

Message& Node::new_message_after_persist(MessageType type, NodeId to) {
  return new_message_in(messages_after_persist_, type, to);
}

// ---------------------------------------------------------------- step

void Node::step(const Message& message) {
  RAFTSIM_ASSERT(message.to == config_.id, "message for n{} delivered to n{}", message.to, config_.id);
  const bool is_vote_request =
      message.type == MessageType::vote_request || message.type == MessageType::prevote_request;
  bool stale_term = false;

  if (message.term > current_term_) {
    if (is_vote_request) {
      // etcd's leader lease: with CheckQuorum, a node that heard from a live
      // leader within the minimum election timeout ignores vote requests, so a
      // node rejoining after a partition cannot depose a healthy leader.
      // A transfer's vote request (context kForceVote) is exempt.
      const bool in_lease = config_.check_quorum && leader_ != kNoNode &&
                            election_elapsed_ < config_.election_ticks_min && message.context != kForceVote;
      if (in_lease) return;
    }
    if (message.type == MessageType::prevote_request) {
      // A pre-vote never changes our term.
    } else if (message.type == MessageType::prevote_response && !message.reject) {
      // Granted pre-votes carry the term we would campaign in; not a newer leader.
    } else {
      const bool from_leader = message.type == MessageType::append || message.type == MessageType::heartbeat;
      // Figure 2: a follower's election timer restarts on hearing from the
      // leader or granting a vote, not on seeing a newer term. (etcd resets it
      // here; then a candidate whose log is too old to win keeps the one
      // node that could win from ever timing out, election after election.)
      const bool keep_timer = message.type == MessageType::vote_request && role_ != Role::leader;
      const int elapsed = election_elapsed_;
      const int timeout = randomized_election_ticks_;
      become_follower(message.term, from_leader ? message.from : kNoNode);
      if (keep_timer) {
        election_elapsed_ = elapsed;
        randomized_election_ticks_ = timeout;
      }
    }
  } else if (message.term < current_term_) {
    const bool from_old_leader = message.type == MessageType::append || message.type == MessageType::heartbeat;
    if (from_old_leader && config_.bugs.stale_term_accept && role_ != Role::leader) {
      stale_term = true;  // the planted bug: fall through and accept the stale leader's entries
    } else {
      if (from_old_leader && (config_.check_quorum || config_.prevote)) {
        // Tell the stale leader about our term so it steps down (etcd does the
        // same; without it a partitioned leader never learns, with PreVote).
        new_message(MessageType::append_response, message.from);
      } else if (message.type == MessageType::prevote_request) {
        Message& response = new_message(MessageType::prevote_response, message.from);
        response.reject = true;
      }
      return;
    }
  }

  switch (message.type) {
    case MessageType::prevote_request:
    case MessageType::vote_request: handle_vote_request(message); break;
    case MessageType::prevote_response:
    case MessageType::vote_response: handle_vote_response(message); break;
    case MessageType::append: handle_append(message, stale_term); break;
    case MessageType::heartbeat:
      if (stale_term) break;
      handle_heartbeat(message);
      break;
    case MessageType::append_response: handle_append_response(message); break;
    case MessageType::heartbeat_response: handle_heartbeat_response(message); break;
    case MessageType::proposal: handle_proposal(message); break;
    case MessageType::read_index_request: handle_read_index_request(message); break;
    case MessageType::read_index_response: handle_read_index_response(message); break;
    case MessageType::snapshot:
      if (!stale_term) handle_snapshot(message);
      break;
    case MessageType::timeout_now:
      // Leadership transfer: start a real election at once, skipping the pre-vote.
      if (may_campaign() && role_ != Role::leader) campaign(false, kForceVote);
      break;
    case MessageType::transfer_leader:
      break;  // raftsim's core never sends it (transfers start at the leader)
  }
}

void Node::handle_append(const Message& message, bool stale_term) {
  if (!stale_term) {
    if (role_ != Role::follower) become_follower(current_term_, message.from);
    leader_ = message.from;
    election_elapsed_ = 0;
  }
  auto respond = [&]() -> Message& {
    Message& response = config_.bugs.ack_before_fsync
                            ? new_message(MessageType::append_response, message.from)
                            : new_message_after_persist(MessageType::append_response, message.from);
    response.commit = commit_;  // lets the leader see whether we know its commit index
    return response;
  };
  // With the planted bug snapshot-truncates-committed the guard is the commit
  // index learned since the restart, which may lie below our snapshot.
  const LogIndex known_committed = config_.bugs.snapshot_truncates_committed ? commit_this_run_ : commit_;
  if (message.log_index < known_committed) {
    // Everything up to our commit index already matches the leader.
    respond().log_index = commit_;
    return;
  }
  if (config_.bugs.snapshot_truncates_committed && message.log_index < log_.snapshot_index()) {
    // openraft#511: the previous entry is purged, so it is not found; taken
    // for a conflict, every entry after it is deleted, committed ones too.
    if (log_.last_index() > log_.snapshot_index()) {
      log_.truncate_from(log_.snapshot_index() + 1);
      unstable_from_ = std::min(unstable_from_, log_.snapshot_index() + 1);
      persisted_index_ = std::min(persisted_index_, log_.snapshot_index());
      // What was applied stays applied; the rest of what was committed is gone.
      commit_ = std::max(applied_, std::min(commit_, log_.last_index()));
      refresh_membership();
    }
    Message& response = respond();
    response.reject = true;
    response.log_index = message.log_index;
    response.reject_hint = log_.snapshot_index();
    response.hint_term = log_.snapshot_term();
    return;
  }
  if (!log_.matches(message.log_index, message.log_term)) {
    // §5.3 with fast backtracking: point the leader at the last index whose
    // term could match, so it skips a whole term per round trip.
    Message& response = respond();
    response.reject = true;
    response.log_index = message.log_index;
    const LogIndex hint = log_.find_conflict_by_term(std::min(message.log_index, log_.last_index()),
                                                     message.log_term);
    response.reject_hint = hint;
    response.hint_term = log_.term_at(hint).value_or(0);
    return;
  }
  const LogIndex last_new = message.log_index + message.entries.size();
  const LogIndex conflict = log_.find_conflict(message.entries);
  if (conflict != 0) {
    bool membership_touched = false;
    if (conflict <= log_.last_index()) {
      membership_touched = conflict <= config_index_;
      if (invariants_enforced()) {
        RAFTSIM_ASSERT(conflict > commit_, "n{}: conflict at {} within the committed prefix (commit {})",
                       config_.id, conflict, commit_);
      }
      if (!config_.bugs.no_truncate) {
        // §5.3: delete the conflicting entry and all that follow it.
        log_.truncate_from(conflict);
        unstable_from_ = std::min(unstable_from_, conflict);
        persisted_index_ = std::min(persisted_index_, conflict - 1);
      }
    }
    for (const Entry& entry : message.entries) {
      if (entry.index > log_.last_index()) {
        log_.append(entry, invariants_enforced());
        membership_touched |= entry.type == EntryType::config;
      }
    }
    if (membership_touched) refresh_membership();
  }
  // §5.3: commit only what is verified to match the leader, up to the last
  // new entry. The planted bug (atomix/copycat#265) bounds it by our last
  // index, which may be a stale entry beyond the ones this append checked.
  commit_to(std::min(message.commit, config_.bugs.commit_past_match ? log_.last_index() : last_new));
  respond().log_index = last_new;
}

void Node::handle_heartbeat(const Message& message) {
  if (role_ != Role::follower) become_follower(current_term_, message.from);
  leader_ = message.from;
  election_elapsed_ = 0;
  // The leader sends min(match, commit), which our log is known to hold.
  commit_to(std::min(message.commit, log_.last_index()));
  Message& response = new_message(MessageType::heartbeat_response, message.from);
  response.context = message.context;
}

void Node::handle_append_response(const Message& message) {
  if (role_ != Role::leader || message.from >= progress_.size()) return;
  Progress& progress = progress_[message.from];
  progress.recent_active = true;
  if (message.log_index > log_.last_index()) {
    // A follower acknowledges only what this leader sent it, and a leader's
    // log only grows: this can only come from a planted bug's mess.
    RAFTSIM_ASSERT(!invariants_enforced(), "n{}: n{} acknowledged index {} beyond our last index {}", config_.id,
                   message.from, message.log_index, log_.last_index());
    return;
  }
  if (message.reject) {
    if (message.log_index <= progress.match) return;  // stale rejection
    LogIndex probe = message.reject_hint;
    if (message.hint_term > 0) probe = log_.find_conflict_by_term(message.reject_hint, message.hint_term);
    progress.next = std::max(std::min(message.log_index, probe + 1), progress.match + 1);
    progress.become_probe();
    send_append(message.from, true);
    return;
  }
  if (message.log_index > progress.match) {
    progress.match = message.log_index;
    progress.next = std::max(progress.next, progress.match + 1);
    if (progress.state == Progress::State::probe) progress.become_replicate();
    progress.inflights.free_up_to(message.log_index);
    if (message.from == transfer_target_ && progress.match == log_.last_index()) send_timeout_now(message.from);
    if (maybe_commit()) {
      broadcast_append();
      return;
    }
  } else if (progress.state == Progress::State::probe) {
    progress.probe_sent = false;
  }
  // Send even an empty append when the follower may not know our commit
  // index yet and we have not sent it (etcd's CanBumpCommit): it was skipped
  // by the commit broadcast while its probe was outstanding. Once per commit
  // index, or duplicated responses would feed a storm of empty appends.
  send_append(message.from, message.commit < commit_ && progress.sent_commit < commit_);
}

void Node::handle_heartbeat_response(const Message& message) {
  if (role_ != Role::leader || message.from >= progress_.size()) return;
  Progress& progress = progress_[message.from];
  progress.recent_active = true;
  progress.probe_sent = false;
  progress.acked_read_round = std::max(progress.acked_read_round, message.context);
  // Appends lost on the way (a partition) would keep the window full forever:
  // free one slot so a fresh append goes out, as etcd does.
  if (progress.state == Progress::State::replicate && progress.inflights.full()) progress.inflights.free_first();
  if (progress.match < log_.last_index()) send_append(message.from, true);
  release_confirmed_reads();
}

void Node::handle_proposal(const Message& message) {
  // Not a leader, or handing leadership over (the target must stay up to
  // date): drop it; the client will time out and retry.
  if (role_ != Role::leader || transfer_target_ != kNoNode) return;
  for (const Entry& entry : message.entries) append_entry(EntryType::normal, entry.data);
  broadcast_append();
}

// ---------------------------------------------------------------- replication

void Node::append_entry(EntryType type, std::shared_ptr<const std::string> data) {
  Entry entry;
  entry.term = current_term_;
  entry.index = log_.last_index() + 1;
  entry.type = type;
  entry.data = std::move(data);
  log_.append(std::move(entry));
  if (entry.type == EntryType::config) refresh_membership();
  if (members_.voters.size() == 1 || quorum() <= 1) maybe_commit();
}

bool Node::propose(std::shared_ptr<const std::string> data) {
  if (role_ == Role::leader) {
    if (transfer_target_ != kNoNode) return false;  // etcd refuses proposals while handing over
    append_entry(EntryType::normal, std::move(data));
    broadcast_append();
    return true;
  }
  if (leader_ == kNoNode) return false;
  Message& forward = new_message(MessageType::proposal, leader_);
  Entry entry;
  entry.data = std::move(data);
  forward.entries.push_back(std::move(entry));
  return true;
}

void Node::send_append(NodeId to, bool send_if_empty) {
  Progress& progress = progress_[to];
  if (progress.state == Progress::State::probe && progress.probe_sent) return;
  if (progress.state == Progress::State::replicate && progress.inflights.full()) return;
  const LogIndex last = log_.last_index();
  if (progress.next > last + 1) {
    RAFTSIM_ASSERT(!invariants_enforced(), "n{}: next index {} for n{} beyond our log ({})", config_.id, progress.next,
                   to, last);
    progress.next = last + 1;
  }
  if (progress.next > last && !send_if_empty) return;
  const LogIndex previous = progress.next - 1;
  const auto previous_term = log_.term_at(previous);
  if (!previous_term) {
    // The follower needs entries we compacted away: send the snapshot (§7).
    send_snapshot(to);
    return;
  }
  Message& append = new_message(MessageType::append, to);
  append.log_index = previous;
  append.log_term = *previous_term;
  append.commit = commit_;
  progress.sent_commit = std::max(progress.sent_commit, commit_);
  log_.copy_range(progress.next, last, config_.max_entries_per_append, append.entries);
  if (progress.state == Progress::State::replicate) {
    if (!append.entries.empty()) {
      progress.next = append.entries.back().index + 1;
      progress.inflights.add(append.entries.back().index);
    }
  } else {
    progress.probe_sent = true;
  }
}

void Node::broadcast_append() {
  for_each_peer([&](NodeId peer) { send_append(peer, true); });
}

void Node::broadcast_heartbeat() {
  // Every round gets a new number; followers echo it. Reads registered before
  // this round are confirmed by its acknowledgement, and the tick it left at
  // starts the leader's lease.
  ++read_round_;
  round_sent_tick_[read_round_ % round_sent_tick_.size()] = leader_ticks_;
  for_each_peer([&](NodeId peer) {
    Message& heartbeat = new_message(MessageType::heartbeat, peer);
    // A heartbeat carries no log position to check: the commit it tells is
    // bounded by what the follower verified (its match), as etcd does. The
    // planted bug commit-past-match sends the leader's own commit, as
    // copycat's empty AppendRequest did, and the follower bounds it by its
    // last index only (atomix/copycat#265).
    heartbeat.commit = config_.bugs.commit_past_match ? commit_ : std::min(progress_[peer].match, commit_);
    progress_[peer].sent_commit = std::max(progress_[peer].sent_commit, heartbeat.commit);
    heartbeat.context = read_round_;
  });
}

bool Node::maybe_commit() {
  std::array<LogIndex, kMaxNodes> matches{};
  std::size_t count = 0;
  for (NodeId voter : members_.voters)
    matches[count++] = voter == config_.id ? persisted_index_ : progress_[voter].match;
  std::sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(count), std::greater<>());
  const std::size_t needed = quorum();
  if (needed == 0 || needed > count) return false;
  const LogIndex candidate = matches[needed - 1];
  if (candidate <= commit_) return false;
  // §5.4.2: only an entry of the leader's current term is committed by
  // counting replicas; earlier ones commit with it (Figure 8).
  if (!config_.bugs.commit_old_term && log_.term_at(candidate) != current_term_) return false;
  commit_to(candidate);
  if (role_ == Role::leader && !members_.is_voter(config_.id) && config_index_ <= commit_) {
    // §4.2.2: a leader removed from the cluster steps down once the change is
    // committed (the others learn of the commit from the next leader).
    become_follower(current_term_, kNoNode);
    return false;
  }
  if (role_ == Role::leader && !reads_before_commit_.empty() && committed_in_current_term()) {
    auto waiting = std::move(reads_before_commit_);
    reads_before_commit_.clear();
    for (const PendingRead& read : waiting) leader_read(read.from, read.request_id);
  }
  return true;
}

void Node::commit_to(LogIndex index) {
  commit_this_run_ = std::max(commit_this_run_, index);
  if (index <= commit_) return;  // the commit index never goes back
  RAFTSIM_ASSERT(index <= log_.last_index(), "n{}: commit {} beyond the last index {}", config_.id, index,
                 log_.last_index());
  commit_ = index;
}

bool Node::committed_in_current_term() const { return log_.term_at(commit_) == current_term_; }

void Node::persisted(LogIndex index, Term term) {
  // Ignore acknowledgements of entries that were since overwritten.
  if (!log_.matches(index, term)) return;
  if (index <= persisted_index_) return;
  persisted_index_ = index;
  if (role_ == Role::leader && maybe_commit()) broadcast_append();
}

// ---------------------------------------------------------------- ready

bool Node::has_ready() const {
  const HardState now{current_term_, voted_for_, commit_};
  return pending_snapshot_.has_value() || !(now == last_hard_state_) || unstable_from_ <= log_.last_index() || !messages_.empty() ||
         !messages_after_persist_.empty() || applied_ < commit_ || !read_states_.empty() ||
         !dropped_reads_.empty();
}

void Node::take_ready(Ready& ready) {
  ready.clear();
  if (pending_snapshot_) {
    ready.snapshot = std::move(pending_snapshot_);
    pending_snapshot_.reset();
  }
  const HardState now{current_term_, voted_for_, commit_};
  if (!(now == last_hard_state_)) {
    ready.hard_state = now;
    last_hard_state_ = now;
  }
  if (unstable_from_ <= log_.last_index()) {
    log_.copy_range(unstable_from_, log_.last_index(), SIZE_MAX, ready.entries);
    unstable_from_ = log_.last_index() + 1;
  }
  std::swap(ready.messages, messages_);
  std::swap(ready.messages_after_persist, messages_after_persist_);
  if (applied_ < commit_) {
    log_.copy_range(applied_ + 1, commit_, SIZE_MAX, ready.committed);
    applied_ = commit_;
    if (config_.bugs.config_on_apply) refresh_membership();  // the planted bug: configurations in force once applied
  }
  std::swap(ready.read_states, read_states_);
  std::swap(ready.dropped_reads, dropped_reads_);
}

void Node::check_invariants() const {
  RAFTSIM_ASSERT(commit_ <= log_.last_index() || !invariants_enforced(), "n{}: commit {} > last index {}", config_.id,
                 commit_, log_.last_index());
  RAFTSIM_ASSERT(applied_ <= commit_, "n{}: applied {} > commit {}", config_.id, applied_, commit_);
  RAFTSIM_ASSERT(log_.last_term() <= current_term_ || !invariants_enforced(),
                 "n{}: last log term {} > current term {}", config_.id, log_.last_term(), current_term_);
  RAFTSIM_ASSERT(role_ != Role::leader || leader_ == config_.id, "n{}: leader that does not know it",
                 config_.id);
  RAFTSIM_ASSERT(role_ != Role::candidate || voted_for_ == config_.id, "n{}: candidate that did not vote for itself",
                 config_.id);
}

}  // namespace raftsim::raft
