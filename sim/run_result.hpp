#pragma once
// What one simulated run produced (CONTRACT §8): verdicts, metrics, leaders,
// the final state of every node and a timeline of what happened.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace raftsim::sim {

struct TimelineEntry {
  std::int64_t time_us = 0;
  std::string text;
  bool explanation = false;  // a sentence of --explain, about the entry before it
};

struct LeaderRecord {
  std::uint64_t term = 0;
  std::string node;
  std::int64_t elected_us = 0;
  // When its first heartbeat or append had reached every other live node it
  // can reach (the Raft paper's end of downtime, §9.3); -1 when never, or
  // when not measured (RunOptions::measure).
  std::int64_t established_us = -1;
};

// A node became a candidate (an election, not a pre-vote), when measuring (RunOptions::measure).
struct CampaignRecord {
  std::int64_t time_us = 0;
  std::uint32_t node = 0;
  std::uint64_t term = 0;
};

struct CheckVerdict {
  std::string name;
  bool ok = true;
  std::string detail;                // what broke, when, where; or why the check had nothing to judge
  std::optional<std::size_t> ops;    // operations judged (linearizability)
  bool judged = true;                // false when the run gave the check nothing to look at
  std::vector<std::size_t> witness;  // linearizability: the smallest failing set, indexes into the executed history
};

struct ExpectationResult {
  std::string text;
  bool ok = true;
  std::string detail;
};

struct NodeSummary {
  std::string name;
  std::string role;
  std::uint64_t term = 0;
  std::uint64_t commit_index = 0;
  std::uint64_t applied_index = 0;
  bool up = true;
};

struct RunMetrics {
  std::uint64_t ops_ok = 0;
  std::uint64_t ops_failed = 0;
  std::uint64_t ops_unknown = 0;
  std::uint64_t elections = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_dropped = 0;
  std::uint64_t messages_duplicated = 0;
  std::uint64_t commit_index = 0;
  std::uint64_t fsyncs = 0;
  std::uint64_t watch_events = 0;   // events the reflectors received
  std::uint64_t watch_resumes = 0;  // watches resumed on another node (node down or without a leader)
  std::uint64_t watch_relists = 0;  // lists again after a watch was cancelled by compaction
  std::uint64_t compactions = 0;    // compactions proposed by the workload
};

// Fine-grained observations for tests, filled when RunOptions::observe is set.
enum class HostState { up, down, paused };

struct RoleObservation {
  std::int64_t time_us = 0;
  std::string role;  // raft::role_name: follower, pre-candidate, candidate, leader
  std::uint64_t term = 0;
};

struct NodeObservations {
  std::vector<std::pair<std::int64_t, std::uint64_t>> commits;  // (time, commit index) at every change
  std::vector<RoleObservation> roles;                            // every change of role or term, in time order
  std::vector<std::pair<std::int64_t, HostState>> states;        // up / down (crashed or not started) / paused
  std::vector<std::uint64_t> committed_log;  // a fingerprint (term, payload) of each committed entry, at the end
};

// For the HTML report, filled when RunOptions::observe is set: each fault as
// it fired, and the cut links after every change of the network's cut matrix.
struct FaultRecord {
  std::int64_t time_us = 0;
  std::size_t fault = 0;  // index into the scenario's faults
  std::string text;       // its timeline line, selectors resolved ("crash leader -> {n3} ...")
};

struct NetworkChangeRecord {
  std::int64_t time_us = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cut;  // (from, to): links that lose messages from here on
};

// A message between nodes, recorded when RunOptions::record_messages is set.
struct MessageRecord {
  std::int64_t sent_us = 0;
  std::int64_t delivered_us = -1;  // -1: lost (dropped, cut, or at a crashed node)
  std::uint32_t from = 0, to = 0;
  std::uint32_t entries = 0;
  std::uint8_t type = 0;  // raft::MessageType
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::int64_t simulated_us = 0;
  std::uint64_t events = 0;
  bool pass = true;
  std::string raft = "raftsim";  // which Raft ran the nodes: raftsim or etcd
  std::vector<std::string> bugs;
  std::vector<CheckVerdict> checks;
  std::vector<ExpectationResult> expectations;
  RunMetrics metrics;
  std::vector<LeaderRecord> leaders;
  std::vector<NodeSummary> nodes;
  std::vector<TimelineEntry> timeline;
  std::vector<NodeObservations> observations;  // index 0 is n1
  std::vector<CampaignRecord> campaigns;             // when measuring (RunOptions::measure)
  std::vector<FaultRecord> faults;                   // when observing or measuring
  std::vector<NetworkChangeRecord> network_changes;  // when observing
  std::vector<MessageRecord> messages;               // when recording messages, the first ones up to the cap
  bool messages_truncated = false;                   // the cap was reached
  std::string trace_hash_hex() const;
};

}  // namespace raftsim::sim
