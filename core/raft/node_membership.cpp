// Node: membership changes, one server at a time (dissertation §4).
#include "core/raft/node.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/assert.hpp"

namespace raftsim::raft {

void Node::refresh_membership() {
  // The latest configuration in the log is in force, committed or not (§4.1).
  // The planted bug config-on-apply takes the latest one applied instead.
  const LogIndex newest = config_.bugs.config_on_apply ? std::min(applied_, log_.last_index()) : log_.last_index();
  for (LogIndex index = newest; index > log_.snapshot_index(); --index) {
    const Entry& entry = log_.at(index);
    if (entry.type == EntryType::config) {
      members_ = decode_membership(*entry.data);
      config_index_ = index;
      return;
    }
  }
  members_ = snapshot_.membership;
  config_index_ = 0;
}

bool Node::config_pending() const {
  if (!config_.bugs.config_on_apply) return config_index_ > commit_;
  // In force only once applied: look for a change appended above the commit.
  for (LogIndex index = log_.last_index(); index > commit_ && index > log_.snapshot_index(); --index)
    if (log_.at(index).type == EntryType::config) return true;
  return false;
}

bool Node::may_campaign() const {
  // A voter of its latest configuration, or of the latest committed one: a
  // node whose own removal is appended but not committed must still be able
  // to lead the cluster to commit it. Otherwise, with the leader cut off
  // after appending its removal, the others (whose logs lack the entry) can
  // never win its vote, and it never runs: the cluster is stuck for good.
  return members_.is_voter(config_.id) || membership_at(commit_).is_voter(config_.id);
}

Membership Node::membership_at(LogIndex index) const {
  for (LogIndex i = std::min(index, log_.last_index()); i > log_.snapshot_index(); --i) {
    const Entry& entry = log_.at(i);
    if (entry.type == EntryType::config) return decode_membership(*entry.data);
  }
  return snapshot_.membership;
}

bool Node::propose_membership(const MembershipChange& change) {
  if (role_ != Role::leader || transfer_target_ != kNoNode) return false;
  // Ongaro's 2015 fix for single-server changes: a leader must commit an
  // entry of its own term first, and at most one change may be pending.
  // The planted bug (the 2015 bug itself) skips the first rule: a new
  // leader's change may then follow one the old leader had appended on other
  // nodes only, and the two configurations differ by two servers.
  if (!committed_in_current_term() && !config_.bugs.config_before_own_commit) return false;
  if (config_pending()) return false;
  const auto next = apply_change(members_, change);
  if (!next) return false;
  if (change.type == MembershipChangeType::add_learner) {
    Progress& progress = progress_[change.node];
    progress.match = 0;
    progress.next = log_.last_index() + 1;
    progress.become_probe();
    progress.recent_active = true;
    progress.acked_read_round = 0;
  }
  append_entry(EntryType::config, std::make_shared<const std::string>(encode_membership(*next)));
  broadcast_append();
  return true;
}

}  // namespace raftsim::raft
