#pragma once
// Static configuration of one Raft node. Times are in ticks of the node's own
// clock; the host decides how long a tick is.
#include <cstddef>
#include <vector>

#include "core/raft/bugs.hpp"
#include "core/raft/types.hpp"

namespace raftsim::raft {

enum class ReadMode : std::uint8_t {
  read_index,    // §6.4: confirm leadership with a heartbeat round, then read at the commit index
  lease,         // leader reads without a round while its lease holds (relies on bounded clock drift)
  serializable,  // the host reads local state; may be stale; the core is not involved
};

struct Config {
  NodeId id = kNoNode;
  std::vector<NodeId> voters;            // the cluster's voting members, including `id` if it votes
  int election_ticks_min = 100;          // randomised in [min, max] at each reset of the election timer
  int election_ticks_max = 200;
  int heartbeat_ticks = 10;
  bool prevote = true;                   // thesis §9.6
  bool check_quorum = true;              // leader steps down without a live quorum; leader lease
  // A candidate sends its vote requests while its new term and self-vote are
  // being written, and counts its own vote only once durable (as a leader
  // replicates while writing its log, thesis §10.2.1). Off: the requests
  // wait for the write, as etcd's server and LogCabin do.
  bool early_vote_requests = false;
  // A candidate that learns it lost (a majority refused it) becomes a
  // follower and restarts its election timer, as etcd's raft does. Off: it
  // keeps the timer it set when it became a candidate (the Raft paper's
  // Figure 2 and LogCabin: a candidate waits out its election timeout).
  bool lost_election_restarts_timer = true;
  ReadMode read_mode = ReadMode::read_index;
  std::size_t max_entries_per_append = 64;
  std::size_t max_inflight_appends = 32; // per follower, in replicate state
  Bugs bugs;
};

}  // namespace raftsim::raft
