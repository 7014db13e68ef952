// Node: linearizable reads, ReadIndex and leader leases (dissertation §6.4).
#include "core/raft/node.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/assert.hpp"

namespace raftsim::raft {

namespace {
constexpr std::size_t kMaxQueuedReads = 4096;  // bound on reads waiting for a leader's first commit
}

// ---------------------------------------------------------------- reads

void Node::read_index(std::uint64_t request_id) {
  if (role_ == Role::leader) {
    leader_read(config_.id, request_id);
  } else if (leader_ != kNoNode) {
    new_message(MessageType::read_index_request, leader_).context = request_id;
  } else {
    dropped_reads_.push_back(request_id);
  }
}

void Node::leader_read(NodeId from, std::uint64_t request_id) {
  // §6.4: a leader must have committed an entry of its term before it knows
  // the commit index is the latest.
  // The planted bug (etcd-io/etcd#7331) serves the read at once, at a commit
  // index that may lag what the previous leader committed.
  if (!committed_in_current_term() && !config_.bugs.read_before_own_commit) {
    if (reads_before_commit_.size() < kMaxQueuedReads) {
      reads_before_commit_.push_back({from, request_id, 0, 0});
    } else {
      answer_read(from, request_id, 0);
    }
    return;
  }
  const bool lease = config_.read_mode == ReadMode::lease && config_.check_quorum && lease_valid();
  if (members_.voters.size() == 1 || lease || config_.bugs.local_read) {
    answer_read(from, request_id, commit_);
    return;
  }
  // Confirm leadership with a heartbeat round tagged with this read's round.
  pending_reads_.push_back({from, request_id, commit_, read_round_ + 1});
  broadcast_heartbeat();
}

bool Node::lease_valid() const {
  // Thesis §6.4.1: followers that acknowledged a round ignore other
  // candidates for a minimum election timeout after they heard it (the
  // CheckQuorum lease), so no other leader can exist until then, measured
  // from when the round left. One tick less, since the nodes' ticks are not
  // aligned. The hazard: this assumes clocks run at the same rate.
  // A leadership transfer was started this term (the planted bug,
  // tikv/tikv#4680, keeps the lease).
  if (lease_forfeited_ && !config_.bugs.lease_after_transfer) return false;
  std::array<std::uint64_t, kMaxNodes> acked{};
  std::size_t count = 0;
  for (NodeId voter : members_.voters) acked[count++] = voter == config_.id ? read_round_ : progress_[voter].acked_read_round;
  std::sort(acked.begin(), acked.begin() + static_cast<std::ptrdiff_t>(count), std::greater<>());
  const std::size_t needed = quorum();
  if (needed == 0 || needed > count) return false;
  const std::uint64_t round = acked[needed - 1];
  if (round == 0 || read_round_ - round >= round_sent_tick_.size()) return false;
  const std::int64_t sent = round_sent_tick_[round % round_sent_tick_.size()];
  return leader_ticks_ + 1 < sent + config_.election_ticks_min;
}

void Node::answer_read(NodeId from, std::uint64_t request_id, LogIndex index) {
  // index 0 means "cannot serve".
  if (from == config_.id) {
    if (index == 0) {
      dropped_reads_.push_back(request_id);
    } else {
      read_states_.push_back({request_id, index});
    }
    return;
  }
  Message& response = new_message(MessageType::read_index_response, from);
  response.context = request_id;
  response.log_index = index;
  response.reject = index == 0;
}

void Node::release_confirmed_reads() {
  std::size_t released = 0;
  for (; released < pending_reads_.size(); ++released) {
    const PendingRead& read = pending_reads_[released];
    std::size_t acks = 0;
    for (NodeId voter : members_.voters)
      if (voter == config_.id || progress_[voter].acked_read_round >= read.round) ++acks;
    if (acks < quorum()) break;
    answer_read(read.from, read.request_id, read.index);
  }
  pending_reads_.erase(pending_reads_.begin(), pending_reads_.begin() + static_cast<std::ptrdiff_t>(released));
}

void Node::drop_pending_reads() {
  for (const PendingRead& read : pending_reads_) answer_read(read.from, read.request_id, 0);
  for (const PendingRead& read : reads_before_commit_) answer_read(read.from, read.request_id, 0);
  pending_reads_.clear();
  reads_before_commit_.clear();
}

void Node::handle_read_index_request(const Message& message) {
  if (role_ != Role::leader) {
    answer_read(message.from, message.context, 0);
    return;
  }
  leader_read(message.from, message.context);
}

void Node::handle_read_index_response(const Message& message) {
  if (message.reject) {
    dropped_reads_.push_back(message.context);
  } else {
    read_states_.push_back({message.context, message.log_index});
  }
}

}  // namespace raftsim::raft
