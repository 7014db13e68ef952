#pragma once
// Planted bugs (CONTRACT §4): each switch makes the core make exactly one
// known mistake, so that the checkers and the fuzzer can be shown to find it.
// All off by default.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raftsim::raft {

struct Bugs {
  bool commit_old_term = false;     // commit an earlier term's entry by counting replicas (Figure 8)
  bool quorum_off_by_one = false;   // majority taken as N/2 instead of N/2+1
  bool vote_not_persisted = false;  // vote sent before term and vote are durable
  bool no_truncate = false;         // follower keeps conflicting entries
  bool stale_term_accept = false;   // follower accepts AppendEntries from a lower term
  bool no_log_check_vote = false;   // vote granted without the up-to-date-log check
  bool local_read = false;          // leader serves linearizable reads from local state
  bool ack_before_fsync = false;    // follower acknowledges entries before they are durable
  bool watch_gap = false;           // (KV layer) a resumed watch skips its first event
  // Real-world bugs, planted as they happened upstream (README, "Planted bugs").
  bool config_before_own_commit = false;      // membership change before an entry of the leader's term commits
  bool vote_reset_same_term = false;          // a same-term step-down clears votedFor
  bool read_before_own_commit = false;        // ReadIndex served before the leader commits in its term
  bool lease_after_transfer = false;          // lease reads go on after TimeoutNow was sent
  bool commit_past_match = false;             // follower commit not bounded by the last verified entry
  bool config_on_apply = false;               // a configuration takes effect when applied, not appended
  bool snapshot_truncates_committed = false;  // restarted follower: a purged previous entry read as a conflict
  bool prevote_stale_lead = false;            // a pre-candidate keeps its leader, so followers reject pre-votes

  bool any() const {
    return commit_old_term || quorum_off_by_one || vote_not_persisted || no_truncate || stale_term_accept ||
           no_log_check_vote || local_read || ack_before_fsync || watch_gap || config_before_own_commit ||
           vote_reset_same_term || read_before_own_commit || lease_after_transfer || commit_past_match ||
           config_on_apply || snapshot_truncates_committed || prevote_stale_lead;
  }
};

struct BugInfo {
  const char* name;
  const char* mistake;
  const char* caught_by;
  bool Bugs::*flag;
};

// Every planted bug, in CONTRACT §4 order.
const std::vector<BugInfo>& all_bugs();

// Turns on the bug called `name`; false when there is no such bug.
bool enable_bug(Bugs& bugs, std::string_view name);

// Names of the bugs that are on, in all_bugs() order.
std::vector<std::string> enabled_bug_names(const Bugs& bugs);

}  // namespace raftsim::raft
