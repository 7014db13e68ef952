#pragma once
// Bursts: composite nemeses aimed at Raft's elections, added to some seeds'
// fault schedules on top of the swarm's faults. Each is a few rounds of a
// shape that a known class of bug needs and that independent random faults
// almost never line up: crashes timed into elections, leader churn with
// one-entry appends, two candidates of one term with a voter that crashes as
// its vote leaves (a double vote, if the vote was not durable), and the Raft
// paper's Figure 8 (a leader of a newer term cut off the instant it wins,
// then the old leader back), membership changes of two terms across a split,
// and a follower restarting into a backlog of old messages. Several use
// triggered faults (`on:`), which fire at the Raft event itself rather than
// at a guessed time.
#include "sim/fuzz/draw.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::fuzz {

enum class Burst {
  crashes_into_elections,
  leader_churn,
  dueling_candidates,
  figure_eight,
  changes_across_terms,  // two membership changes of different terms across a split
  restart_into_backlog,  // a follower restarts into old messages, then the leader dies
};
inline constexpr int kBurstKinds = 6;

// Adds one burst of `kind` (a few rounds, starting at `start`) to `s`, all of
// it before `active` - 1 s. May change the cluster's settings the burst
// needs (PreVote off, one entry per append, ...). Faults are left sorted by `at`.
void add_burst(Burst kind, scenario::Scenario& s, Draw& draw, scenario::Micros start, scenario::Micros active, int rounds);

// Adds one burst of a kind, start and length drawn from `draw`.
void add_election_burst(scenario::Scenario& s, Draw& draw, scenario::Micros active);

}  // namespace raftsim::fuzz
