// Node: elections. Timers, roles, campaigns (with PreVote, §9.6), votes
// (§5.2, §5.4.1), CheckQuorum (§6.2) and leadership transfer (§3.10).
#include "core/raft/node.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace raftsim::raft {

// ---------------------------------------------------------------- timers

void Node::reset_election_timer() {
  election_elapsed_ = 0;
  randomized_election_ticks_ =
      static_cast<int>(uniform_int(random_, config_.election_ticks_min, config_.election_ticks_max));
}

void Node::tick() {
  if (role_ == Role::leader) {
    ++leader_ticks_;
    ++heartbeat_elapsed_;
    ++election_elapsed_;
    if (transfer_target_ != kNoNode && ++transfer_elapsed_ >= config_.election_ticks_min)
      transfer_target_ = kNoNode;  // etcd aborts a transfer that takes longer than an election timeout
    if (election_elapsed_ >= config_.election_ticks_min) {
      election_elapsed_ = 0;
      // §6.2 / etcd CheckQuorum: a leader that has not heard from a majority
      // in an election timeout steps down, so a partitioned leader stops
      // serving and its lease (read_mode lease) is bounded.
      if (config_.check_quorum && !quorum_active()) {
        become_follower(current_term_, kNoNode);
        return;
      }
    }
    if (heartbeat_elapsed_ >= config_.heartbeat_ticks) {
      heartbeat_elapsed_ = 0;
      broadcast_heartbeat();
    }
    return;
  }
  ++election_elapsed_;
  if (election_elapsed_ >= randomized_election_ticks_ && may_campaign()) {
    reset_election_timer();
    campaign(config_.prevote);
  }
}

bool Node::quorum_active() {
  std::size_t active = 0;
  for (NodeId voter : members_.voters) {
    if (voter == config_.id || progress_[voter].recent_active) ++active;
    progress_[voter].recent_active = false;
  }
  return active >= quorum();
}

// ---------------------------------------------------------------- roles

void Node::reset_for_term(Term term) {
  RAFTSIM_ASSERT(term >= current_term_, "term going back from {} to {}", current_term_, term);
  // One vote per term: the vote is cleared only when the term changes. The
  // planted bug (etcd-io/etcd#2461, before the fix) clears it on every reset,
  // so a leader stepping down or a candidate that lost votes again in its term.
  if (term > current_term_ || config_.bugs.vote_reset_same_term) voted_for_ = kNoNode;
  current_term_ = term;
  leader_ = kNoNode;
  heartbeat_elapsed_ = 0;
  reset_election_timer();
  std::fill(votes_.begin(), votes_.end(), 0);
}

void Node::become_follower(Term term, NodeId leader) {
  if (role_ == Role::leader) drop_pending_reads();
  transfer_target_ = kNoNode;
  reset_for_term(term);
  role_ = Role::follower;
  leader_ = leader;
}

void Node::become_pre_candidate() {
  // Thesis §9.6: ask first whether we could win, without bumping the term,
  // so that a node that was cut off cannot disrupt a healthy leader on return.
  std::fill(votes_.begin(), votes_.end(), 0);
  role_ = Role::pre_candidate;
  // Our election timer ran out: we no longer believe in a leader, so our own
  // CheckQuorum lease ends too (etcd-io/etcd#8334). The planted bug keeps the
  // old leader recorded, and with it the lease that refuses others' pre-votes.
  if (!config_.bugs.prevote_stale_lead) leader_ = kNoNode;
}

void Node::become_candidate() {
  RAFTSIM_ASSERT(role_ != Role::leader, "a leader cannot become a candidate");
  reset_for_term(current_term_ + 1);
  voted_for_ = config_.id;  // a candidate votes for itself (§5.2)
  role_ = Role::candidate;
}

void Node::become_leader() {
  RAFTSIM_ASSERT(role_ == Role::candidate, "only a candidate becomes leader");
  role_ = Role::leader;
  leader_ = config_.id;
  heartbeat_elapsed_ = 0;
  election_elapsed_ = 0;
  read_round_ = 0;
  leader_ticks_ = 0;
  lease_forfeited_ = false;
  for (NodeId node = 1; node < progress_.size(); ++node) {
    Progress& progress = progress_[node];
    progress.match = 0;
    progress.next = log_.last_index() + 1;
    progress.become_probe();
    progress.recent_active = true;  // give every follower a full round before CheckQuorum judges
    progress.acked_read_round = 0;
    progress.sent_commit = 0;
  }
  // §8: a new leader appends a no-op so that it commits an entry of its own
  // term, which also commits everything before it.
  append_entry(EntryType::noop, nullptr);
  broadcast_append();
}

void Node::campaign(bool pre, std::uint64_t context) {
  if (pre) {
    become_pre_candidate();
  } else {
    become_candidate();
  }
  election_members_ = members_.is_voter(config_.id) ? members_ : membership_at(commit_);
  RAFTSIM_ASSERT(election_members_.is_voter(config_.id), "n{} campaigns without being a voter", config_.id);
  votes_[config_.id] = 1;
  if (!pre && config_.early_vote_requests) {
    // The requests leave now; our own vote counts once it is durable, as
    // anyone's (a crash before then could lose the term and the self-vote).
    votes_[config_.id] = 0;
    Message& vote = new_message_after_persist(MessageType::vote_response, config_.id);
    vote.term = current_term_;
  }
  if (1 >= quorum_of(election_members_)) {
    if (pre) {
      campaign(false, context);  // a lone voter's pre-vote is its own
      return;
    }
    // A lone voter is elected by its own vote, which, like any vote, counts
    // only once it is durable: it leads only after its new term is on disk.
    // (Leading at once, a crash could lose the term and the node lead the
    // same term again with other entries, which a learner may already hold.)
    if (!config_.early_vote_requests) {
      votes_[config_.id] = 0;
      Message& vote = new_message_after_persist(MessageType::vote_response, config_.id);
      vote.term = current_term_;
    }
    return;
  }
  for (NodeId voter : election_members_.voters) {
    if (voter == config_.id) continue;
    // A real vote request depends on our new term and self-vote being durable
    // (sent with the write under early_vote_requests: it is then durable
    // before our own vote counts).
    const MessageType type = pre ? MessageType::prevote_request : MessageType::vote_request;
    Message& request = pre || config_.early_vote_requests ? new_message(type, voter)
                                                          : new_message_after_persist(type, voter);
    request.term = pre ? current_term_ + 1 : current_term_;
    request.log_index = log_.last_index();
    request.log_term = log_.last_term();
    request.context = context;
  }
}

void Node::send_timeout_now(NodeId to) {
  // The target campaigns at once and its voters grant it inside their
  // CheckQuorum lease (etcd's campaignTransfer): from now on a newer leader
  // may exist before this one's lease runs out, whenever the message lands,
  // even after the transfer is abandoned. Thesis §6.4.1: the lease is over;
  // reads for the rest of this term confirm leadership with a round.
  lease_forfeited_ = true;
  new_message(MessageType::timeout_now, to);
}

void Node::transfer_leadership(NodeId to) {
  if (role_ != Role::leader || to == config_.id || !is_voter(to)) return;
  transfer_target_ = to;
  transfer_elapsed_ = 0;
  if (progress_[to].match == log_.last_index()) {
    send_timeout_now(to);
  } else {
    send_append(to, true);
  }
}

// ---------------------------------------------------------------- votes

void Node::handle_vote_request(const Message& message) {
  const bool pre = message.type == MessageType::prevote_request;
  // §5.2: one vote per term, first come first served; a pre-vote is granted
  // to anyone with a higher term while we know of no leader.
  const bool can_vote = voted_for_ == message.from || (voted_for_ == kNoNode && leader_ == kNoNode) ||
                        (pre && message.term > current_term_);
  // §5.4.1: only for a candidate whose log is at least as up-to-date as ours.
  const bool log_ok =
      config_.bugs.no_log_check_vote || log_.is_up_to_date(message.log_index, message.log_term);
  const bool grant = can_vote && log_ok;
  const MessageType response_type = pre ? MessageType::prevote_response : MessageType::vote_response;
  if (grant && !pre) {
    voted_for_ = message.from;
    election_elapsed_ = 0;
  }
  // A granted vote must not leave before the vote is durable (§5.2, Figure 2),
  // unless the planted bug says otherwise.
  const bool after_persist = grant && !pre && !config_.bugs.vote_not_persisted;
  Message& response = after_persist ? new_message_after_persist(response_type, message.from)
                                    : new_message(response_type, message.from);
  response.reject = !grant;
  // A granted pre-vote answers in the candidate's future term; a refusal in ours.
  response.term = (grant && pre) ? message.term : current_term_;
}

void Node::handle_vote_response(const Message& message) {
  const bool pre = message.type == MessageType::prevote_response;
  if (pre ? role_ != Role::pre_candidate : role_ != Role::candidate) return;
  if (message.from >= votes_.size() || !election_members_.is_voter(message.from)) return;
  votes_[message.from] = message.reject ? -1 : 1;
  std::size_t granted = 0, rejected = 0;
  for (NodeId voter : election_members_.voters) {
    if (votes_[voter] > 0) ++granted;
    if (votes_[voter] < 0) ++rejected;
  }
  const std::size_t quorum = quorum_of(election_members_);
  if (granted >= quorum) {
    if (pre) {
      campaign(false);  // a real election now
    } else {
      become_leader();
    }
  } else if (rejected >= quorum || rejected + quorum > election_members_.voters.size()) {
    const int elapsed = election_elapsed_;
    const int timeout = randomized_election_ticks_;
    become_follower(current_term_, kNoNode);
    if (!pre && !config_.lost_election_restarts_timer) {
      election_elapsed_ = elapsed;  // the next election comes when this one's timeout runs out
      randomized_election_ticks_ = timeout;
    }
  }
}

}  // namespace raftsim::raft
