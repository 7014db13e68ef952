#pragma once
// One simulated machine: a Raft node (behind the node interface), its disk,
// its state machine (the KV store and the session table) and the client
// requests waiting at it. The cluster of hosts is indexed by node id.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/raft/ready.hpp"
#include "sim/disk.hpp"
#include "sim/node/raft_node.hpp"
#include "sim/random.hpp"
#include "sim/scheduler.hpp"
#include "sim/state_machine.hpp"

namespace raftsim::sim {

// A client request waiting at a node for its entry to apply or its read to be served.
struct PendingRequest {
  std::uint32_t client = 0;
  std::uint64_t sequence = 0;
};

struct Host {
  raft::NodeId id = 0;
  bool member = false;  // started and not removed (n1..nN from the start; added nodes once added)
  // In the member list clients and reflectors see (etcd's MemberList): the
  // first members, and an added one once a configuration holding it commits.
  // An added node whose addition was lost (its leader cut off, then
  // overwritten) runs but is no endpoint: it never hears from a leader.
  bool listed = false;
  bool started = false;         // has run at some point (shown in the summary)
  bool removal_pending = false; // applied its own removal: shuts down at the end of drive()
  bool stop_scheduled = false;  // etcd: removed, stops when its member_stop event comes
  bool up = false;      // running: a member that has not crashed
  bool paused = false;
  Micros paused_until = 0;
  std::unique_ptr<Xoshiro256> timer_random;  // outlives `node`, which holds a reference
  std::unique_ptr<RaftNode> node;  // driven only through the node interface
  raft::Ready ready;  // reused, so steady state allocates no Ready buffers
  StateMachine machine;  // the KV store and the session table
  Disk disk;
  std::map<std::uint64_t, PendingRequest> pending_writes;  // by request id
  std::map<std::uint64_t, PendingRequest> pending_reads;   // by request id
  std::vector<std::pair<raft::LogIndex, std::uint64_t>> reads_waiting_apply;  // (read index, request id)
  std::uint64_t tick_generation = 0;  // a tick event of another generation is stale
  std::uint64_t crashes = 0;          // a restart due after one crash does not undo a later one
  std::int64_t drift_ppm = 0;         // the local clock runs (1 + drift) times as fast
  // What the host last saw of its node, to notice changes.
  raft::Role seen_role = raft::Role::follower;
  raft::Term seen_term = 0;
  raft::LogIndex seen_commit = 0;
  bool seen_established = false;  // leader that has committed an entry of its own term
  raft::LogIndex leader_last_written = 0;  // leader_append_only: last index written in this term
};

// The member after `after` in id order, wrapping around (clients and
// reflectors retry there, as a client with every endpoint would); `after`
// itself when no other member exists. hosts[0] is unused.
raft::NodeId next_member(const std::vector<Host>& hosts, raft::NodeId after);

// "{n1,n3}".
std::string describe(const std::vector<raft::NodeId>& nodes);

}  // namespace raftsim::sim
