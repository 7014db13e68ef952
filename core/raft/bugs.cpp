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
