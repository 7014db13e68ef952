#pragma once
// A scenario, as loaded from YAML (CONTRACT §3) and validated. Every field
// has its default here except `duration_us`, which the loader requires.
// Times are virtual microseconds.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/raft/bugs.hpp"
#include "core/raft/config.hpp"

namespace raftsim::scenario {

using Micros = std::int64_t;

struct TimeRange {
  Micros min = 0;
  Micros max = 0;
};

// Where a scenario element came from, for messages about it.
struct SourceMark {
  int line = 0;    // 1-based; 0 when built in code
  int column = 0;
};

// Which Raft runs the nodes: raftsim's own core, or etcd's raft library.
enum class RaftImplementation : std::uint8_t { raftsim, etcd };
const char* implementation_name(RaftImplementation implementation);

struct ClusterSpec {
  RaftImplementation raft = RaftImplementation::raftsim;
  int nodes = 5;
  TimeRange election_timeout{1'000'000, 2'000'000};
  Micros heartbeat = 100'000;
  Micros tick = 10'000;  // the length of one Raft tick on a node's clock
  bool prevote = true;
  bool check_quorum = true;
  bool early_vote_requests = false;  // see raft::Config::early_vote_requests
  bool lost_election_restarts_timer = true;  // see raft::Config::lost_election_restarts_timer
  raft::ReadMode read_mode = raft::ReadMode::read_index;
  std::int64_t snapshot_every = 10'000;
  int max_append_entries = 64;  // entries per AppendEntries message (etcd's MaxSizePerMsg, in entries)
  int max_inflight = 32;        // AppendEntries in flight per follower (etcd's MaxInflightMsgs)
  // Where the file sets what the two implementations configure differently,
  // so that a refusal for etcd's raft (perhaps chosen on the command line)
  // points at the line. A zero line: not in the file.
  SourceMark election_timeout_mark;
  SourceMark max_append_entries_mark;
  SourceMark early_vote_requests_mark;
  SourceMark lost_election_restarts_timer_mark;
};

struct NetworkSpec {
  TimeRange latency{1'000, 5'000};
  Probability tail_probability = Probability::from_double(0.01);
  TimeRange tail_latency{50'000, 500'000};
  Probability drop;
  Probability duplicate;
  bool fifo = true;
};

struct DiskSpec {
  TimeRange fsync{1'000, 10'000};
};

struct OpWeights {
  int get = 40;
  int put = 40;
  int del = 5;
  int cas = 15;
  // Requests of every other shape `raftsim kv` accepts, on keys of their own
  // (sim/request_shapes.hpp); not part of the linearizability check.
  int txn = 0;
  int total() const { return get + put + del + cas + txn; }
};

struct WorkloadSpec {
  int clients = 5;
  TimeRange think{0, 20'000};
  int keys = 8;
  OpWeights ops;
  Micros timeout = 1'000'000;
  int watchers = 2;             // reflectors: list, then watch the key prefix from the list's revision
  bool retry_conflicts = false;  // a cas that lost its compare is retried as a controller does: get, then cas
  // Periodic compaction, as the Kubernetes API server runs it: every `every`,
  // compact to `keep` revisions below the current one. Off when every is 0.
  struct Compaction {
    Micros every = 0;
    std::int64_t keep = 1000;
  } compact;
  std::optional<Micros> stop;  // no new operations from then on (a quiet end, for convergence)
};

// A node selector (CONTRACT §3): a name or a role resolved when the fault fires.
struct NodeSelector {
  // subject: the node whose event fired a triggered fault (`on:`): the new
  // leader, the voter, the candidate.
  enum class Kind : std::uint8_t { node, leader, follower, any, crashed, majority, minority, subject };
  Kind kind = Kind::node;
  int node = 0;  // for Kind::node: 1-based
  std::string text() const;
};

// A list of nodes: explicit selectors (each may expand to several nodes).
using NodeList = std::vector<NodeSelector>;

enum class NamedPartition : std::uint8_t { random_halves, majority_ring, bridge, isolate_leader };

struct NetworkChange {
  std::optional<TimeRange> latency;
  std::optional<Probability> drop;
  std::optional<Probability> duplicate;
  std::optional<bool> fifo;
  std::optional<Probability> tail_probability;
  std::optional<TimeRange> tail_latency;
};

// The liveness check's bound unless a scenario sets `liveness_bound`: four
// election rounds (each a maximum election timeout and a durable vote), two
// heartbeats and a second.
Micros default_liveness_bound(const ClusterSpec& cluster, const DiskSpec& disk);

// The network after `change`: fields it names replace the spec's, others stay.
NetworkSpec apply_change(NetworkSpec spec, const NetworkChange& change);

// What a triggered fault waits for (`on:`), once armed at its `at`: the first
// such event anywhere in the cluster fires it, with the node it happened at
// as `subject`. Faults timed to Raft's own moments ("cut the new leader off
// the instant it wins", "crash a voter as its vote leaves") reach windows a
// few milliseconds wide that no wall-clock schedule hits by chance.
enum class Trigger : std::uint8_t {
  none,
  elected,   // a node becomes leader
  vote,      // a node grants its vote to another (an election's vote, not a pre-vote), as the grant leaves
  campaign,  // a node becomes a candidate (starts an election)
};
const char* trigger_name(Trigger trigger);

struct Fault {
  enum class Kind : std::uint8_t {
    partition_groups,   // groups: nodes not listed keep their links
    partition_one_way,  // from -> to links cut
    partition_named,
    heal,
    crash,
    restart,
    isolate,
    pause,
    clock_skew,
    clock_drift,
    network,
    transfer,
    add_node,     // a new node joins as a learner (it receives the log, does not vote)
    promote,      // a learner becomes a voter, once it has caught up
    remove_node,  // a voter or learner leaves; it shuts down when it learns of it
  };
  Kind kind = Kind::heal;
  Micros at = 0;
  // `at: [from, to]`: the fault fires at a time drawn uniformly in
  // [at, at + at_spread] from its own stream (one per fault, so removing a
  // fault never moves another); 0 for a plain `at`.
  Micros at_spread = 0;
  SourceMark mark;
  std::vector<NodeList> groups;  // partition_groups
  NodeList from, to;             // partition_one_way
  NamedPartition named = NamedPartition::random_halves;
  NodeSelector node;             // isolate, pause, clock, transfer target, add_node, promote, remove_node
  NodeList nodes;                // crash, restart: one selector or a list (`crash: [n1, n2]`, `crash: majority`)
  bool lose_unsynced = true;     // crash
  Micros down_for = 0;           // crash `for`: restart the crashed nodes this long after; 0 = stay down
  Trigger trigger = Trigger::none;  // `on`: armed at `at`, fired by the first such event
  Micros within = 0;             // `within`: a trigger not seen this long after `at` lapses; 0 = until the end
  Micros delay = 0;              // `delay`: applied this long after its trigger
  Micros delay_spread = 0;       // `delay: [a, b]`: a + a uniform draw in [0, b - a], from the fault's own stream
  int nth = 1;                   // `nth`: fired by the nth such event after `at`, not the first
  Micros pause_for = 0;          // pause
  Micros skew = 0;               // clock_skew (may be negative)
  std::int64_t drift_ppm = 0;    // clock_drift, parts per million
  NetworkChange network;         // network
  std::string text;              // as written, for the timeline
};

// The latest time `fault` can still act in a run of `duration`: its `at`;
// for a triggered fault the end of its window (the run's end without
// `within`) plus its `delay`; plus how long a crash (`for`) or pause lasts.
Micros latest_effect(const Fault& fault, Micros duration);

struct Expectation {
  enum class Kind : std::uint8_t { no_commit, leader, converged, available, violation };
  Kind kind = Kind::converged;
  SourceMark mark;
  NodeList nodes;          // no_commit
  TimeRange during;        // no_commit, available
  Micros within = 0;       // leader
  Micros after = 0;        // leader
  Micros by = 0;           // converged
  std::optional<double> min, max;  // available
  std::string check;       // violation
  std::string text() const;
};

// The checker names of CONTRACT §6.
const std::vector<std::string>& all_check_names();

struct Scenario {
  std::string name = "unnamed";
  std::string description;
  std::uint64_t seed = 1;
  Micros duration = 0;
  ClusterSpec cluster;
  NetworkSpec network;
  DiskSpec disk;
  WorkloadSpec workload;
  std::vector<Fault> faults;        // sorted by `at`, stable
  std::vector<std::string> checks;  // enabled checkers, in all_check_names() order
  // The liveness check's bound: after the last fault, a leader must serve and
  // every live node converge within it. Unset: default_liveness_bound().
  std::optional<Micros> liveness_bound;
  std::vector<Expectation> expect;
  // Planted bugs: the file's `bugs:` list (a bug demonstration names what it
  // shows), then the command line's --bug; `run --no-bugs` drops the file's.
  raft::Bugs bugs;
  std::string source_name;          // file name, or "built-in quickstart"
  std::string source_text;          // the YAML as given

  // Nodes n1..n(cluster.nodes) start as voters; add_node may name more.
  int max_node_id() const {
    int highest = cluster.nodes;
    for (const auto& fault : faults)
      if (fault.kind == Fault::Kind::add_node) highest = std::max(highest, fault.node.node);
    return highest;
  }
};

}  // namespace raftsim::scenario
