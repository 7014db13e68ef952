#pragma once
// One Raft member as a pure state machine, in the manner of etcd's raft:
// the host feeds it ticks, messages and client requests, and drains a Ready
// of things to persist, send and apply. No clock, no I/O, no threads; the
// only randomness comes from the RandomSource handed in.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/raft/config.hpp"
#include "core/raft/log.hpp"
#include "core/raft/membership.hpp"
#include "core/raft/snapshot.hpp"
#include "core/raft/message.hpp"
#include "core/raft/progress.hpp"
#include "core/raft/ready.hpp"

namespace raftsim::raft {

// What a node restarts from: its durable hard state and log.
struct RestoreState {
  HardState hard_state;
  LogIndex snapshot_index = 0;
  Term snapshot_term = 0;
  std::vector<Entry> entries;  // after the snapshot
  std::shared_ptr<const std::string> snapshot_data;  // the state machine at snapshot_index
  std::optional<Membership> snapshot_membership;     // the membership at snapshot_index
};

class Node {
 public:
  Node(Config config, RestoreState restored, RandomSource& random);

  // One tick of this node's own clock.
  void tick();
  // Every message from another node.
  void step(const Message& message);
  // A client command arriving at this node. Returns false when it is dropped
  // at once (no known leader); a forwarded proposal may still be lost later.
  bool propose(std::shared_ptr<const std::string> data);
  // A linearizable read arriving at this node (ReadIndex, §6.4). The answer
  // comes back as a ReadState, or the id in dropped_reads.
  void read_index(std::uint64_t request_id);
  // Log compaction (§7): the host took a snapshot of its state machine at
  // `index` (<= applied); entries up to it are dropped, and followers that
  // need them get the snapshot instead.
  void compact(LogIndex index, std::shared_ptr<const std::string> data);
  // A membership change, one server at a time (dissertation §4.1, with the
  // 2015 fix: only after the leader has committed an entry of its term, and
  // only when no other change is pending). False when refused.
  bool propose_membership(const MembershipChange& change);
  // Hands leadership to `to` once its log is current (thesis §3.10).
  void transfer_leadership(NodeId to);
  // The host says: everything up to (index, term) is durable.
  void persisted(LogIndex index, Term term);

  bool has_ready() const;
  // Moves what the host must do into `ready` (cleared first; buffers are swapped, not copied).
  void take_ready(Ready& ready);

  NodeId id() const { return config_.id; }
  Role role() const { return role_; }
  Term term() const { return current_term_; }
  NodeId leader() const { return leader_; }
  NodeId voted_for() const { return voted_for_; }
  LogIndex commit_index() const { return commit_; }
  LogIndex applied_index() const { return applied_; }
  const RaftLog& log() const { return log_; }
  const Config& config() const { return config_; }
  const Membership& membership() const { return members_; }
  // Voters that granted this node's last election (for explanations).
  const Membership& election_membership() const { return election_members_; }
  std::vector<NodeId> granted_votes() const {
    std::vector<NodeId> granted;
    for (NodeId voter : election_members_.voters)
      if (votes_[voter] > 0) granted.push_back(voter);
    return granted;
  }
  const Snapshot& snapshot() const { return snapshot_; }
  // The membership in force at `index` (for a snapshot taken there).
  Membership membership_at(LogIndex index) const;
  std::size_t quorum() const;
  std::size_t quorum_of(const Membership& membership) const;

  // Checks the node's own invariants (LogCabin's checkBasic); RAFTSIM_ASSERT on failure.
  void check_invariants() const;

 private:
  // Role transitions.
  void become_follower(Term term, NodeId leader);
  void become_pre_candidate();
  void become_candidate();
  void become_leader();
  void campaign(bool pre, std::uint64_t context = 0);
  void reset_election_timer();
  void reset_for_term(Term term);

  // Handlers.
  void handle_vote_request(const Message& message);
  void handle_vote_response(const Message& message);
  void handle_append(const Message& message, bool stale_term);
  void handle_heartbeat(const Message& message);
  void handle_append_response(const Message& message);
  void handle_heartbeat_response(const Message& message);
  void handle_proposal(const Message& message);
  void handle_read_index_request(const Message& message);
  void handle_read_index_response(const Message& message);
  void handle_snapshot(const Message& message);
  void send_snapshot(NodeId to);

  // Leader replication.
  void append_entry(EntryType type, std::shared_ptr<const std::string> data);
  void send_append(NodeId to, bool send_if_empty);
  void broadcast_append();
  void broadcast_heartbeat();
  bool maybe_commit();
  void commit_to(LogIndex index);
  bool quorum_active();
  bool committed_in_current_term() const;

  // Reads.
  void leader_read(NodeId from, std::uint64_t request_id);
  void answer_read(NodeId from, std::uint64_t request_id, LogIndex index);
  void release_confirmed_reads();
  bool lease_valid() const;
  void send_timeout_now(NodeId to);
  void drop_pending_reads();

  Message& new_message_in(std::vector<Message>& buffer, MessageType type, NodeId to);
  Message& new_message(MessageType type, NodeId to);
  Message& new_message_after_persist(MessageType type, NodeId to);
  bool is_voter(NodeId node) const { return members_.is_voter(node); }
  bool may_campaign() const;
  void refresh_membership();  // members_ from the latest config entry in the log
  bool config_pending() const;  // a membership change is appended but not committed
  template <typename F>
  void for_each_peer(F&& f) const {
    for (NodeId node : members_.voters)
      if (node != config_.id) f(node);
    for (NodeId node : members_.learners)
      if (node != config_.id) f(node);
  }
  bool invariants_enforced() const { return !config_.bugs.any(); }

  Config config_;
  RandomSource& random_;

  // Persistent state (Figure 2) and the log.
  Term current_term_ = 0;
  NodeId voted_for_ = kNoNode;
  RaftLog log_;
  Snapshot snapshot_;  // the latest snapshot: what a lagging follower is sent
  Membership members_;            // in force: from the latest config entry in the log
  // The voters of the election in progress: members_, or, for a node whose own
  // removal is appended but not committed (may_campaign), the committed
  // configuration it is still a voter of. Any majority of it meets any
  // majority of members_ (one server changes at a time), so two leaders of
  // one term stay impossible.
  Membership election_members_;
  LogIndex config_index_ = 0;     // index of that entry (0: from the snapshot or bootstrap)
  std::optional<Snapshot> pending_snapshot_;  // received, not yet handed to the host

  // Volatile state.
  Role role_ = Role::follower;
  NodeId leader_ = kNoNode;
  LogIndex commit_ = 0;
  // The commit index learned since this node (re)started; the planted bug
  // snapshot-truncates-committed guards appends with it, as openraft kept its
  // committed index in memory only (databendlabs/openraft#511).
  LogIndex commit_this_run_ = 0;
  LogIndex applied_ = 0;          // committed entries handed to the host
  LogIndex unstable_from_ = 1;    // first index not yet handed to the host to persist
  LogIndex persisted_index_ = 0;  // durable up to here (the leader's own match)
  HardState last_hard_state_;     // as last handed to the host
  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_election_ticks_ = 0;

  // Candidate: votes[node] is +1 granted, -1 rejected, 0 unknown.
  std::vector<std::int8_t> votes_;
  // Leader: progress[node] for every node id.
  std::vector<Progress> progress_;

  struct PendingRead {
    NodeId from;
    std::uint64_t request_id;
    LogIndex index;
    std::uint64_t round;
  };
  std::vector<PendingRead> pending_reads_;      // waiting for a heartbeat round to confirm leadership
  std::vector<PendingRead> reads_before_commit_;  // waiting for the first commit of this term
  std::uint64_t read_round_ = 0;  // number of the last heartbeat round sent
  std::int64_t leader_ticks_ = 0;  // ticks since this node last became leader
  std::array<std::int64_t, 64> round_sent_tick_{};  // leader_ticks_ when recent rounds left
  NodeId transfer_target_ = kNoNode;
  int transfer_elapsed_ = 0;
  bool lease_forfeited_ = false;  // sent TimeoutNow this term: no lease reads until the next term

  // Output buffers, swapped into a Ready.
  std::vector<Message> messages_;
  std::vector<Message> messages_after_persist_;
  std::vector<ReadState> read_states_;
  std::vector<std::uint64_t> dropped_reads_;
};

}  // namespace raftsim::raft
