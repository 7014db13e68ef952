#include "sim/fuzz/bursts.hpp"

#include <algorithm>
#include <vector>

namespace raftsim::fuzz {

namespace {

using scenario::Fault;
using scenario::Micros;
using scenario::NodeSelector;
using Trigger = scenario::Trigger;

Fault at_time(Micros at, Fault::Kind kind) {
  Fault f;
  f.at = at;
  f.kind = kind;
  return f;
}

Fault restart_crashed(Micros at) {
  Fault f = at_time(at, Fault::Kind::restart);
  f.nodes = {role(NodeSelector::Kind::crashed)};
  return f;
}

// Crashes timed into elections: the leader dies, and as the others campaign
// one of them dies too, losing what it had not fsynced (its vote, perhaps),
// then comes straight back. Slow disks widen the window.
void crashes_into_elections(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  if (draw.coin(700)) {
    s.disk.fsync = {100 * kMs, 200 * kMs};
    // As etcd advises, an election timeout well above the disk's latency:
    // with fsyncs near the timeout, candidates' (durable) vote requests
    // collide election after election, a livelock of the configuration
    // rather than of Raft (fuzzing found it with 300-600ms and 100-200ms).
    if (c.election_timeout.min < 5 * s.disk.fsync.max) {
      c.election_timeout = {1 * kSecond, 2 * kSecond};
      c.heartbeat = 100 * kMs;
    }
  }
  if (draw.coin(500)) c.prevote = false;  // candidates then campaign straight away, terms collide more
  Micros t = start;
  for (int r = 0; r < rounds && t < active - kSecond; ++r) {
    Fault crash_leader = at_time(t, Fault::Kind::crash);
    crash_leader.nodes = {role(NodeSelector::Kind::leader)};
    Fault crash_voter = crash_leader;
    crash_voter.at = t + c.election_timeout.min + draw.between(0, c.election_timeout.min / 5);
    crash_voter.nodes = {role(NodeSelector::Kind::any)};
    crash_voter.lose_unsynced = true;
    const Fault restart_all = restart_crashed(crash_voter.at + draw.between(30, 120) * kMs);
    if (restart_all.at >= active - kSecond) break;  // nothing of a burst reaches the quiet period
    s.faults.insert(s.faults.end(), {crash_leader, crash_voter, restart_all});
    t = restart_all.at + c.election_timeout.max + draw.between(0, 300) * kMs;
  }
}

// Leader churn with one entry per append and one in flight, lossy links and
// no CheckQuorum: leaders come and go mid-replication, so entries of old
// terms reach majorities before their new leader's own entry does.
void leader_churn(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  c.check_quorum = false;
  c.max_append_entries = 1;
  c.max_inflight = 1;
  // ...and snapshots, or a follower far behind never catches up.
  if (c.snapshot_every == 0 || c.snapshot_every > 50) c.snapshot_every = 50;
  Micros t = start;
  for (int r = 0; r < rounds && t < active - kSecond; ++r) {
    Fault cut = at_time(t, Fault::Kind::isolate);
    if (draw.coin(500)) {
      cut.kind = Fault::Kind::crash;
      cut.nodes = {role(NodeSelector::Kind::leader)};
      cut.lose_unsynced = draw.coin(500);
    } else {
      cut.node = role(NodeSelector::Kind::leader);
    }
    Fault lossy = at_time(t, Fault::Kind::network);
    lossy.network.drop = Probability::from_double(static_cast<double>(draw.between(50, 300)) / 1000.0);
    // One draw a statement: the order of draws is fixed, whatever the compiler.
    const Micros away = draw.between(c.election_timeout.min / kMs, 3 * c.election_timeout.max / kMs) * kMs;
    const bool restart = draw.coin(500);
    Fault back = at_time(std::min(t + away, active - kSecond), restart ? Fault::Kind::restart : Fault::Kind::heal);
    if (restart) back.nodes = {role(NodeSelector::Kind::crashed)};
    s.faults.insert(s.faults.end(), {cut, lossy, back});
    t = back.at + draw.between(50, 2 * c.election_timeout.max / kMs) * kMs;
  }
}

// Two candidates of one term, and voters that crash as their grant leaves
// and come back a moment later. A vote made durable before it was sent
// survives the crash; one that was not is forgotten, and the voter grants
// the second candidate too: two leaders of one term.
void dueling_candidates(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  c.prevote = false;  // a pre-vote round would stagger the two campaigns
  // With CheckQuorum a voter that heard from the leader within an election
  // timeout ignores vote requests (etcd's leader lease): the campaigns right
  // after the leader's brief absence would go unanswered.
  c.check_quorum = false;
  // The second candidate comes from a clock jump (its election timer fires
  // at once); under lease reads that is the documented clock hazard.
  if (c.read_mode == raft::ReadMode::lease) c.read_mode = raft::ReadMode::read_index;
  const Micros gap = c.election_timeout.max + 500 * kMs;
  Micros t = start;
  for (int r = 0; r < rounds && t + gap < active - kSecond; ++r) {
    // The leader steps out briefly and returns as a voter...
    Fault crash_leader = at_time(t, Fault::Kind::crash);
    crash_leader.nodes = {role(NodeSelector::Kind::leader)};
    crash_leader.lose_unsynced = draw.coin(500);
    crash_leader.down_for = draw.between(5, 40) * kMs;
    s.faults.push_back(crash_leader);
    // ...as two nodes' election timers fire at the same instant (it may be
    // one of them: all are followers by then)...
    const Micros campaign = t + crash_leader.down_for + draw.between(5, 30) * kMs;
    const int first = static_cast<int>(draw.between(1, c.nodes));
    std::vector<int> candidates = {first};
    if (c.nodes > 1) candidates.push_back(1 + (first - 1 + static_cast<int>(draw.between(1, c.nodes - 1))) % c.nodes);
    for (int candidate : candidates) {
      Fault jump = at_time(campaign, Fault::Kind::clock_skew);
      jump.node = named(candidate);
      jump.skew = c.election_timeout.max;
      s.faults.push_back(jump);
    }
    // ...and each of the next few grants crashes its voter as the vote
    // leaves (every armed fault matching an event fires on it: `nth` spreads
    // them over successive grants).
    for (int k = 0; k + 2 < c.nodes; ++k) {
      Fault crash_voter = at_time(campaign, Fault::Kind::crash);
      crash_voter.nodes = {role(NodeSelector::Kind::subject)};
      crash_voter.trigger = Trigger::vote;
      crash_voter.nth = k + 1;
      crash_voter.within = c.election_timeout.max / 2;
      crash_voter.lose_unsynced = true;
      // Back at once: the other candidate's request is a few milliseconds
      // behind, and a node that is down when it arrives never sees it.
      crash_voter.down_for = 1 * kMs;
      s.faults.push_back(crash_voter);
    }
    t += gap + draw.between(0, c.election_timeout.max / kMs) * kMs;
  }
}

// The Raft paper's Figure 8. The leader is cut off and keeps taking writes
// only it holds; the others elect a leader of a newer term, cut off the
// instant it wins (its first entry reaches nobody), which lets the old
// leader back in. Term inflation (CheckQuorum on, PreVote off) tends to
// elect the old leader with its long tail; one entry per append sends that
// tail of old-term entries to a majority before its own term's entry. It
// dies soon after, and the cut-off leader returns with a later last term
// than the old tail: a leader that had committed the old entries by
// counting replicas loses them.
void figure_eight(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  c.check_quorum = true;
  c.prevote = false;
  c.max_append_entries = 1;
  c.max_inflight = 1;
  if (c.snapshot_every == 0 || c.snapshot_every > 50) c.snapshot_every = 50;
  // Short elections, so that several rounds fit, still 5x the slowest fsync.
  if (c.election_timeout.max > 1 * kSecond) {
    c.election_timeout = {500 * kMs, 1 * kSecond};
    c.heartbeat = 50 * kMs;
  }
  // Writers, so that the cut-off leader gathers a tail of entries (each
  // client has one request outstanding: two clients a node, two entries).
  s.workload.clients = std::max(s.workload.clients, 2 * c.nodes);
  const Micros election = c.election_timeout.max;
  Micros t = start;
  for (int r = 0; r < rounds; ++r) {
    // Soon: a round trip or a few, while the old tail travels.
    const Micros round_trips = draw.pick(std::vector<Micros>{10, 20, 30, 50, 80, 120, 200}) * kMs;
    const Micros dies_after = round_trips * draw.between(7, 13) / 10;
    const Micros end = t + 4 * election + dies_after + draw.between(200, 1000) * kMs;
    if (end >= active - kSecond) break;
    Fault cut_leader = at_time(t, Fault::Kind::isolate);
    cut_leader.node = role(NodeSelector::Kind::leader);
    // The first election after the cut: its winner is cut off at once.
    Fault cut_winner = at_time(t, Fault::Kind::isolate);
    cut_winner.node = role(NodeSelector::Kind::subject);
    cut_winner.trigger = Trigger::elected;
    cut_winner.within = 2 * election;
    // The second: its winner (the old leader, with luck) dies a little
    // after, and the cut-off one returns.
    Fault crash_winner = at_time(t, Fault::Kind::crash);
    crash_winner.nodes = {role(NodeSelector::Kind::subject)};
    crash_winner.trigger = Trigger::elected;
    crash_winner.nth = 2;
    crash_winner.within = 4 * election;
    crash_winner.delay = dies_after;
    crash_winner.lose_unsynced = draw.coin(500);
    Fault heal = at_time(t, Fault::Kind::heal);
    heal.trigger = Trigger::elected;
    heal.nth = 2;
    heal.within = 4 * election;
    heal.delay = dies_after + 1 * kMs;
    Fault heal_all = at_time(end, Fault::Kind::heal);
    s.faults.insert(s.faults.end(), {cut_leader, cut_winner, crash_winner, heal, restart_crashed(end), heal_all});
    t = end + draw.between(100, 1000) * kMs;
  }
}

// Two membership changes of different terms while the cluster is split, the
// shape of Ongaro's 2015 single-server change bug. N voters (N even) and
// two learners, A and B; a leader made known by a transfer (n1) promotes A,
// which only the two of them hear; the other side elects a leader of the
// next term (a clock jump makes n2 the candidate), which promotes B as soon
// as the change is accepted, while half of the voters on its side are cut
// off from it the instant it wins and join n1's side. With N even, the two
// configurations' majorities (N/2 + 1 of N + 1 each) fit on the two sides.
// A change may only follow one the leader knows committed, and an entry of
// its own term: then the majorities always meet. An odd N cannot take the
// shape: the burst adds nothing there.
void changes_across_terms(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  const int voters = c.nodes;
  if (voters < 4 || voters % 2 != 0) return;
  c.prevote = false;       // the clock jump's campaign goes straight to a vote
  c.check_quorum = false;  // voters that just heard from n1 still grant n2
  if (c.read_mode == raft::ReadMode::lease) c.read_mode = raft::ReadMode::read_index;
  // Alone: other faults would name nodes this burst's learners take.
  std::erase_if(s.faults, [&](const Fault& f) { return f.at < active; });
  const auto node = [](int id) { return named(id); };
  const int learner_a = voters + 1, learner_b = voters + 2;
  const Micros election = c.election_timeout.max;
  Fault add_a = at_time(start, Fault::Kind::add_node);
  add_a.node = node(learner_a);
  Fault add_b = at_time(start + 200 * kMs, Fault::Kind::add_node);
  add_b.node = node(learner_b);
  s.faults.insert(s.faults.end(), {add_a, add_b});
  // Sides: n1 with A; then n2..n(N/2+1) with B, the other voters over to n1.
  scenario::NodeList first = {node(1), node(learner_a)}, second, moved = {node(1), node(learner_a)}, kept;
  for (int id = 2; id <= voters; ++id) {
    second.push_back(node(id));
    (id <= voters / 2 + 1 ? kept : moved).push_back(node(id));
  }
  second.push_back(node(learner_b));
  kept.push_back(node(learner_b));
  Micros t = start + 2 * kSecond;
  for (int r = 0; r < rounds; ++r) {
    const Micros end = t + kSecond + 6 * election + draw.between(0, 2 * election / kMs) * kMs;
    if (end >= active - kSecond) break;
    Fault to_n1 = at_time(t, Fault::Kind::transfer);
    to_n1.node = node(1);
    const Micros split_at = t + kSecond;
    Fault split = at_time(split_at, Fault::Kind::partition_groups);
    split.groups = {first, second};
    Fault promote_a = at_time(split_at + draw.between(1, 3) * kMs, Fault::Kind::promote);
    promote_a.node = node(learner_a);
    Fault jump = at_time(split_at + draw.between(5, 20) * kMs, Fault::Kind::clock_skew);
    jump.node = node(2);
    jump.skew = election;
    // When n2 wins: B's promotion, and the other voters over to n1's side.
    Fault promote_b = at_time(split_at, Fault::Kind::promote);
    promote_b.node = node(learner_b);
    promote_b.trigger = Trigger::elected;
    promote_b.within = 2 * election;
    Fault resplit = at_time(split_at, Fault::Kind::partition_groups);
    resplit.groups = {moved, kept};
    resplit.trigger = Trigger::elected;
    resplit.within = 2 * election;
    Fault heal = at_time(end, Fault::Kind::heal);
    s.faults.insert(s.faults.end(), {to_n1, split, promote_a, jump, promote_b, resplit, heal});
    t = end + draw.between(500, 1500) * kMs;
  }
}

// A follower restarts while messages sent before its crash are still on the
// way (slow, reordered links; frequent snapshots, so its snapshot may
// already cover what an old message's previous entry is), then the leader
// dies with a lagging member back: what a restarted node does with old
// messages about entries inside its snapshot decides who can lead next.
void restart_into_backlog(scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  auto& c = s.cluster;
  // A snapshot every 10 entries: an old message's previous entry is soon
  // inside it. Reordering links, and a slow tail rare enough that the
  // cluster keeps committing (a third of messages slow starves it).
  c.snapshot_every = 10;
  s.workload.clients = std::max(s.workload.clients, 2 * c.nodes);
  Fault slow = at_time(start, Fault::Kind::network);
  slow.network.fifo = false;
  slow.network.tail_probability = Probability::from_double(static_cast<double>(draw.between(50, 150)) / 1000.0);
  slow.network.tail_latency = scenario::TimeRange{50 * kMs, draw.between(200, 500) * kMs};
  s.faults.push_back(slow);
  Micros t = start + 500 * kMs;
  for (int r = 0; r < rounds && c.nodes >= 3; ++r) {
    // Two members by name, neither meant to be the leader (with luck): one
    // falls behind, the other restarts.
    const int lagging = static_cast<int>(draw.between(1, c.nodes));
    const int restarting = 1 + (lagging - 1 + static_cast<int>(draw.between(1, c.nodes - 1))) % c.nodes;
    Fault lag = at_time(t, Fault::Kind::isolate);
    lag.node = named(lagging);
    Fault crash = at_time(t + draw.between(300, 1500) * kMs, Fault::Kind::crash);
    crash.nodes = {named(restarting)};
    crash.down_for = draw.between(5, 40) * kMs;
    crash.lose_unsynced = draw.coin(500);
    // The leader dies while it is down: what reaches it after its restart is
    // only what was already on the way.
    Fault crash_leader = at_time(crash.at + draw.between(0, crash.down_for / kMs - 1) * kMs, Fault::Kind::crash);
    crash_leader.nodes = {role(NodeSelector::Kind::leader)};
    crash_leader.lose_unsynced = draw.coin(500);
    Fault back = at_time(crash_leader.at, Fault::Kind::heal);  // the lagging member returns
    const Fault restart = restart_crashed(crash_leader.at + draw.between(300, 1500) * kMs);
    if (restart.at >= active - kSecond) break;
    s.faults.insert(s.faults.end(), {lag, crash, crash_leader, back, restart});
    t = restart.at + c.election_timeout.max + draw.between(0, 500) * kMs;
  }
}

}  // namespace

void add_burst(Burst kind, scenario::Scenario& s, Draw& draw, Micros start, Micros active, int rounds) {
  switch (kind) {
    case Burst::crashes_into_elections: crashes_into_elections(s, draw, start, active, rounds); break;
    case Burst::leader_churn: leader_churn(s, draw, start, active, rounds); break;
    case Burst::dueling_candidates: dueling_candidates(s, draw, start, active, rounds); break;
    case Burst::figure_eight: figure_eight(s, draw, start, active, rounds); break;
    case Burst::changes_across_terms: changes_across_terms(s, draw, start, active, rounds); break;
    case Burst::restart_into_backlog: restart_into_backlog(s, draw, start, active, rounds); break;
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });
}

void add_election_burst(scenario::Scenario& s, Draw& draw, Micros active) {
  const Micros start = draw.between(kSecond, active / 2);
  const int rounds = static_cast<int>(draw.between(3, 10));
  add_burst(static_cast<Burst>(draw.between(0, kBurstKinds - 1)), s, draw, start, active, rounds);
}

}  // namespace raftsim::fuzz
