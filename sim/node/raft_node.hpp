#pragma once
// The one interface through which the simulator drives a Raft node: its
// inputs (ticks, messages, proposals, reads, compaction, membership changes,
// leadership transfer, what is durable) and its output (the Ready), plus the
// status the hosts, the checkers, the explainer and the report read.
// raftsim's own core is one implementation (raftsim_node.cpp); another Raft
// (etcd's raft library) can stand behind the same interface. What an
// implementation cannot tell (the votes of its last election, its own
// invariants) degrades an explanation or a check of its internals, never the run.
//
// Messages cross the simulated network as raft::Message values; the network,
// the faults, the trace and the report read only their header (from, to,
// term, type, size).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/raft/config.hpp"
#include "core/raft/log.hpp"
#include "core/raft/membership.hpp"
#include "core/raft/message.hpp"
#include "core/raft/node.hpp"
#include "core/raft/ready.hpp"
#include "core/raft/snapshot.hpp"

namespace raftsim::sim {

// Who elected a leader: for --explain.
struct ElectionTally {
  std::vector<raft::NodeId> granted;  // voters that granted the vote
  std::size_t voters = 0;             // voters of the election
  std::size_t needed = 0;             // votes it needed
};

class RaftNode {
 public:
  virtual ~RaftNode() = default;

  // Inputs.
  virtual void tick() = 0;
  virtual void step(const raft::Message& message) = 0;
  // False when dropped at once (no known leader).
  virtual bool propose(std::shared_ptr<const std::string> data) = 0;
  // A linearizable read; answered through the Ready's read states or dropped reads.
  virtual void read_index(std::uint64_t request_id) = 0;
  // The host took a snapshot of its state machine at `index` (<= applied).
  virtual void compact(raft::LogIndex index, std::shared_ptr<const std::string> data) = 0;
  // False when refused (no leader here, a change pending, ...).
  virtual bool propose_membership(const raft::MembershipChange& change) = 0;
  virtual void transfer_leadership(raft::NodeId to) = 0;
  // Everything up to (index, term) is durable.
  virtual void persisted(raft::LogIndex index, raft::Term term) = 0;
  // The durable part (hard state, entries, snapshot) of the oldest Ready that
  // had one is on disk: etcd's raft advances only then.
  virtual void ready_persisted() {}
  // What a real transport learns when it sends (etcd's server reports them):
  // `to` cannot be reached now; a snapshot sent to `to` got there or not.
  virtual void report_unreachable(raft::NodeId /*to*/) {}
  virtual void report_snapshot(raft::NodeId /*to*/, bool /*delivered*/) {}
  virtual bool has_ready() const = 0;
  virtual void take_ready(raft::Ready& ready) = 0;

  // Status.
  virtual raft::NodeId id() const = 0;
  virtual raft::Role role() const = 0;
  virtual raft::Term term() const = 0;
  virtual raft::NodeId leader() const = 0;
  virtual raft::NodeId voted_for() const = 0;
  virtual raft::LogIndex commit_index() const = 0;
  virtual raft::LogIndex applied_index() const = 0;
  // The configuration in force at this node.
  virtual const raft::Membership& membership() const = 0;
  // The log as the node holds it (entries after its snapshot), which the
  // safety checks compare across nodes.
  virtual const raft::RaftLog& log() const = 0;
  // The latest snapshot, which the host makes durable after compact().
  virtual const raft::Snapshot& snapshot() const = 0;
  // The configuration a committed config entry of the last Ready leads to.
  // raftsim's entries hold it; etcd's hold a change (ConfChange), whose
  // result the node knows once it has applied it.
  virtual raft::Membership config_after(const raft::Entry& entry) const { return raft::decode_membership(*entry.data); }
  // The node's last election as leader, when it can tell.
  virtual std::optional<ElectionTally> last_election() const { return std::nullopt; }
  // Asserts the implementation's own invariants, where it has a way to.
  virtual void check_invariants() const {}
};

// raftsim's own core (core/raft), planted bugs included.
std::unique_ptr<RaftNode> make_raftsim_node(const raft::Config& config, raft::RestoreState restored,
                                            RandomSource& random);

// What etcd's raft is configured with beyond raft::Config, whose
// election_ticks_min is its ElectionTick (it draws in [ElectionTick,
// 2*ElectionTick)) and max_inflight_appends its MaxInflightMsgs.
struct EtcdOptions {
  std::uint64_t max_size_per_msg = 1024 * 1024;  // bytes per append; 0: one entry (etcd's server: 1 MiB)
  // The cluster's first configuration, n1..nN, for every node, an added one
  // too: etcd's raft replays every conf change of the log on top of it (in
  // etcd they are the log's first entries; here the simulator's log starts
  // empty, after them).
  std::vector<raft::NodeId> bootstrap_voters;
};

// etcd's raft library (go.etcd.io/etcd/raft v3.4.23) through its bridge
// (sim/node/etcd/). Throws InputError when this build has no bridge.
std::unique_ptr<RaftNode> make_etcd_node(const raft::Config& config, const EtcdOptions& options,
                                         raft::RestoreState restored, RandomSource& random);
// Throws InputError, saying how to get it, when this build has no etcd raft bridge.
void require_etcd_raft();
bool etcd_raft_built();
// Runs body (a simulation of etcd nodes) on this thread from inside the
// bridge, where each call into etcd's raft is cheap (bridge.go says why).
// Exceptions pass through. Without the bridge it just runs body.
void run_hosted_by_etcd_bridge(const std::function<void()>& body);

}  // namespace raftsim::sim
