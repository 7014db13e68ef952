// Node: log compaction and InstallSnapshot (Raft paper §7).
#include "core/raft/node.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/assert.hpp"

namespace raftsim::raft {

// ---------------------------------------------------------------- snapshots

void Node::compact(LogIndex index, std::shared_ptr<const std::string> data) {
  RAFTSIM_ASSERT(index <= applied_, "n{}: compacting to {} beyond the applied index {}", config_.id, index, applied_);
  if (index <= log_.snapshot_index()) return;
  const auto term = log_.term_at(index);
  RAFTSIM_ASSERT(term.has_value(), "n{}: compacting to {} which the log does not hold", config_.id, index);
  Membership membership = membership_at(index);
  log_.compact_to(index, *term);
  snapshot_ = {index, *term, std::move(data), std::move(membership)};
  unstable_from_ = std::max(unstable_from_, index + 1);
}

void Node::send_snapshot(NodeId to) {
  Progress& progress = progress_[to];
  RAFTSIM_ASSERT(snapshot_.data != nullptr, "n{}: n{} needs compacted entries but there is no snapshot", config_.id,
                 to);
  Message& message = new_message(MessageType::snapshot, to);
  message.log_index = snapshot_.index;
  message.log_term = snapshot_.term;
  message.commit = commit_;
  message.snapshot = snapshot_.data;
  message.snapshot_membership = encode_membership(snapshot_.membership);
  // Wait for its answer (or a heartbeat) before sending more.
  progress.become_probe();
  progress.next = snapshot_.index + 1;
  progress.probe_sent = true;
}

void Node::handle_snapshot(const Message& message) {
  if (role_ != Role::follower) become_follower(current_term_, message.from);
  leader_ = message.from;
  election_elapsed_ = 0;
  Message& response = new_message_after_persist(MessageType::append_response, message.from);
  if (message.log_index <= commit_) {
    response.commit = commit_;
    response.log_index = commit_;  // we already have all of it
    return;
  }
  if (log_.matches(message.log_index, message.log_term)) {
    // Our log already holds the snapshot's last entry: just commit up to it.
    commit_to(message.log_index);
    response.log_index = message.log_index;
    response.commit = commit_;
    return;
  }
  // Replace the whole log and state machine with the snapshot.
  log_.reset_to_snapshot(message.log_index, message.log_term);
  snapshot_ = {message.log_index, message.log_term, message.snapshot, decode_membership(message.snapshot_membership)};
  pending_snapshot_ = snapshot_;
  refresh_membership();
  commit_ = message.log_index;
  commit_this_run_ = std::max(commit_this_run_, commit_);
  applied_ = message.log_index;
  unstable_from_ = message.log_index + 1;
  persisted_index_ = std::min(persisted_index_, message.log_index);
  response.log_index = message.log_index;
  response.commit = commit_;
}

}  // namespace raftsim::raft
