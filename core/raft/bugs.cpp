#include "core/raft/bugs.hpp"

namespace raftsim::raft {

const std::vector<BugInfo>& all_bugs() {
  static const std::vector<BugInfo> bugs = {
      {"commit-old-term", "leader commits an entry of an earlier term by counting replicas (Raft paper, Figure 8)",
       "state_machine_safety / linearizability", &Bugs::commit_old_term},
      {"quorum-off-by-one", "a majority is taken as N/2 instead of N/2+1", "election_safety / minority_no_commit",
       &Bugs::quorum_off_by_one},
      {"vote-not-persisted", "votedFor/currentTerm not made durable before the vote is sent",
       "election_safety (after a crash)", &Bugs::vote_not_persisted},
      {"no-truncate", "follower keeps conflicting entries instead of cutting its log", "log_matching",
       &Bugs::no_truncate},
      {"stale-term-accept", "follower accepts AppendEntries from a lower term",
       "log_matching / state_machine_safety", &Bugs::stale_term_accept},
      {"no-log-check-vote", "vote granted without the up-to-date-log check", "leader_completeness",
       &Bugs::no_log_check_vote},
      {"local-read", "leader answers linearizable reads from its own state, no ReadIndex",
       "linearizability (after a partition)", &Bugs::local_read},
      {"ack-before-fsync", "a follower acknowledges entries before they are durable",
       "durability (acknowledged write lost after crashes)", &Bugs::ack_before_fsync},
      {"watch-gap", "a resumed watch skips the first event after its start revision", "watch", &Bugs::watch_gap},
      // Real-world bugs, planted as they happened upstream.
      {"config-before-own-commit",
       "a leader appends a membership change before committing an entry of its own term (Ongaro 2015)",
       "election_safety / state_machine_safety", &Bugs::config_before_own_commit},
      {"vote-reset-same-term", "a same-term step-down clears votedFor: two votes in one term (etcd-io/etcd#2461)",
       "election_safety", &Bugs::vote_reset_same_term},
      {"read-before-own-commit", "a new leader serves ReadIndex before committing in its term (etcd-io/etcd#7331)",
       "linearizability", &Bugs::read_before_own_commit},
      {"lease-after-transfer", "a leader keeps its read lease after sending TimeoutNow (tikv/tikv#4680)",
       "linearizability", &Bugs::lease_after_transfer},
      {"commit-past-match",
       "a follower's commit index is not bounded by its last verified entry (atomix/copycat#265)",
       "state_machine_safety", &Bugs::commit_past_match},
      {"config-on-apply", "a configuration takes effect when applied, not when appended (etcd-io/etcd#11284)",
       "election_safety", &Bugs::config_on_apply},
      {"snapshot-truncates-committed",
       "a restarted follower truncates committed entries when the previous entry lies in its snapshot "
       "(databendlabs/openraft#511)",
       "durability / state_machine_safety", &Bugs::snapshot_truncates_committed},
      {"prevote-stale-lead",
       "followers keep a stepped-down leader as leader and reject pre-votes (etcd-io/etcd#8334)", "liveness",
       &Bugs::prevote_stale_lead},
  };
  return bugs;
}

bool enable_bug(Bugs& bugs, std::string_view name) {
  for (const auto& info : all_bugs()) {
    if (name == info.name) {
      bugs.*(info.flag) = true;
      return true;
    }
  }
  return false;
}

std::vector<std::string> enabled_bug_names(const Bugs& bugs) {
  std::vector<std::string> names;
  for (const auto& info : all_bugs())
    if (bugs.*(info.flag)) names.emplace_back(info.name);
  return names;
}

}  // namespace raftsim::raft
