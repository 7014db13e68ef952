#include "sim/fuzz/generator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/fuzz/bursts.hpp"
#include "sim/fuzz/draw.hpp"

namespace raftsim::fuzz {

namespace {

using scenario::Fault;
using scenario::Micros;
using scenario::NodeSelector;

// The fault kinds a seed may switch on.
enum Kind { k_partition, k_named_partition, k_one_way, k_isolate, k_crash, k_pause, k_clock, k_network, k_transfer,
            k_membership, k_count };

// Now and then a fault waits for a Raft event instead of firing at its time:
// the next election won, vote granted or campaign started, and often strikes
// the node it happened at. It stays armed at most until the quiet period.
void add_trigger(Fault& f, Draw& draw, Micros active) {
  using FK = Fault::Kind;
  const bool names_one = f.kind == FK::isolate || f.kind == FK::pause || f.kind == FK::clock_skew ||
                         f.kind == FK::clock_drift || f.kind == FK::crash;
  if (!names_one && f.kind != FK::partition_one_way && f.kind != FK::partition_named && f.kind != FK::network) return;
  const Micros window = active - kSecond - f.at;
  if (window <= 300 * kMs) return;  // room for a delay of up to 200ms and a window after it
  f.trigger = draw.pick(std::vector<scenario::Trigger>{scenario::Trigger::elected, scenario::Trigger::vote,
                                                        scenario::Trigger::campaign});
  f.within = window;
  if (names_one && draw.coin(600)) {
    if (f.kind == FK::crash) f.nodes = {role(NodeSelector::Kind::subject)};
    else f.node = role(NodeSelector::Kind::subject);
  }
  if (f.kind == FK::crash && draw.coin(500)) f.down_for = draw.between(1, 500) * kMs;
  if (draw.coin(300)) {
    f.delay = draw.between(0, 200) * kMs;
    f.within -= f.delay;
  }
}

}  // namespace

scenario::Scenario generate_scenario(std::uint64_t seed, const GeneratorOptions& options) {
  Draw draw{sim::make_stream(seed, sim::Stream::generator)};
  scenario::Scenario s;
  s.name = fmt::format("fuzz-{}", seed);
  s.seed = seed;
  s.checks = scenario::all_check_names();

  // Cluster.
  auto& c = s.cluster;
  c.nodes = draw.pick(options.nodes);
  const Micros election = draw.pick(std::vector<Micros>{300 * kMs, 500 * kMs, 1000 * kMs});
  c.election_timeout = {election, 2 * election};
  c.heartbeat = election / 10;
  c.prevote = draw.coin(800);
  c.check_quorum = draw.coin(800);
  const auto mode = draw.between(0, 9);
  c.read_mode = mode < 7 ? raft::ReadMode::read_index : mode < 9 ? raft::ReadMode::lease : raft::ReadMode::serializable;
  c.snapshot_every = draw.pick(std::vector<std::int64_t>{0, 50, 200, 10'000});
  // Small but not starving: with one entry per message and one in flight, a
  // follower that fell behind never catches up while clients keep writing.
  c.max_append_entries = static_cast<int>(draw.pick(std::vector<std::int64_t>{4, 16, 64}));
  c.max_inflight = static_cast<int>(draw.pick(std::vector<std::int64_t>{4, 8, 32}));

  // Swarm: which fault kinds this seed uses.
  std::vector<Kind> kinds;
  for (int k = 0; k < k_count; ++k)
    if (draw.coin(500)) kinds.push_back(static_cast<Kind>(k));
  // Leases rely on bounded clock drift (README, "Reads"): clock faults under
  // lease reads would only rediscover that documented hazard.
  // A process pause is the same hazard: the frozen leader's clock does not
  // advance, so on waking it believes its lease still runs.
  if (c.read_mode == raft::ReadMode::lease) {
    std::erase(kinds, k_clock);
    std::erase(kinds, k_pause);
  }

  // Network and disk.
  auto& n = s.network;
  n.latency = {1 * kMs, draw.pick(std::vector<Micros>{5 * kMs, 20 * kMs})};
  n.tail_probability = draw.coin(500) ? Probability::from_double(0.01) : Probability{};
  n.tail_latency = {50 * kMs, 300 * kMs};
  s.disk.fsync = draw.coin(700) ? scenario::TimeRange{1 * kMs, 10 * kMs} : scenario::TimeRange{20 * kMs, 100 * kMs};
  // As etcd advises, election timeouts well above the disk's latency. A
  // candidate's vote request leaves only once its own vote is on disk, so
  // with a 100ms fsync and a 300-600ms timeout two candidates collide in
  // most rounds: a 2-node cluster spent six split votes (3.2 s) electing a
  // leader (fuzz seed 2109625), a livelock of the configuration, not of Raft.
  if (c.election_timeout.min < 5 * s.disk.fsync.max) {
    c.election_timeout = {5 * s.disk.fsync.max, 10 * s.disk.fsync.max};
    c.heartbeat = c.election_timeout.min / 10;
  }

  // Workload.
  auto& w = s.workload;
  w.clients = static_cast<int>(draw.between(1, 6));
  w.keys = static_cast<int>(draw.between(1, 8));
  w.think = {0, draw.pick(std::vector<Micros>{0, 5 * kMs, 20 * kMs})};
  w.timeout = kSecond;

  // The schedule: an active phase, then a quiet one long enough for the
  // liveness check's bound plus catching up (set at the end, once the
  // cluster and disk are final).
  const Micros active = draw.between(8, 20) * kSecond;
  // Clients go on after the heal (recovery under load) through the liveness
  // bound, so that liveness judges every kind of operation once a leader
  // serves; then they stop, and the convergence at the end judges catching
  // up, not keeping pace (set at the end, with the bound).
  w.stop = active + 2 * kSecond;
  const int faults = kinds.empty() ? 0 : static_cast<int>(draw.between(2, 10));
  int next_node = c.nodes;  // membership: nodes added so far
  for (int i = 0; i < faults; ++i) {
    Fault f;
    f.at = draw.between(kSecond, active - kSecond);
    const Kind kind = draw.pick(kinds);
    const auto some_node = [&] { return named(static_cast<int>(draw.between(1, c.nodes))); };
    switch (kind) {
      case k_partition: {
        f.kind = Fault::Kind::partition_groups;
        scenario::NodeList a, b;
        for (int id = 1; id <= c.nodes; ++id) (draw.coin(500) ? a : b).push_back(named(id));
        if (a.empty() || b.empty()) {
          f.kind = Fault::Kind::partition_named;
          f.named = scenario::NamedPartition::random_halves;
        } else {
          f.groups = {a, b};
        }
        break;
      }
      case k_named_partition:
        f.kind = Fault::Kind::partition_named;
        f.named = static_cast<scenario::NamedPartition>(draw.between(0, 3));
        break;
      case k_one_way:
        f.kind = Fault::Kind::partition_one_way;
        f.from = {role(NodeSelector::Kind::leader)};
        f.to = {role(NodeSelector::Kind::minority)};
        break;
      case k_isolate:
        f.kind = Fault::Kind::isolate;
        f.node = draw.coin(500) ? role(NodeSelector::Kind::leader) : role(NodeSelector::Kind::any);
        break;
      case k_crash:
        f.kind = Fault::Kind::crash;
        f.nodes = {draw.coin(400) ? role(NodeSelector::Kind::leader)
                                  : draw.coin(300) ? role(NodeSelector::Kind::minority) : role(NodeSelector::Kind::any)};
        f.lose_unsynced = draw.coin(700);
        break;
      case k_pause:
        f.kind = Fault::Kind::pause;
        f.node = draw.coin(500) ? role(NodeSelector::Kind::leader) : role(NodeSelector::Kind::any);
        f.pause_for = draw.between(100, 3000) * kMs;
        break;
      case k_clock:
        f.node = role(NodeSelector::Kind::any);
        if (draw.coin(500)) {
          f.kind = Fault::Kind::clock_skew;
          f.skew = draw.between(-2000, 2000) * kMs;
        } else {
          f.kind = Fault::Kind::clock_drift;
          f.drift_ppm = draw.between(-200'000, 200'000);
        }
        break;
      case k_network:
        f.kind = Fault::Kind::network;
        f.network.drop = Probability::from_double(static_cast<double>(draw.between(0, 200)) / 1000.0);
        f.network.duplicate = Probability::from_double(static_cast<double>(draw.between(0, 100)) / 1000.0);
        f.network.fifo = draw.coin(500);
        break;
      case k_transfer:
        f.kind = Fault::Kind::transfer;
        f.node = some_node();
        // Leadership is handed over for a reason: often the old leader goes
        // away right after (maintenance), while the handover is in flight:
        // cut off as the target starts its campaign, it still leads its term.
        if (draw.coin(400) && f.at + 600 * kMs < active - kSecond) {
          s.faults.push_back(f);
          Fault away;
          away.kind = Fault::Kind::isolate;
          away.node = role(NodeSelector::Kind::leader);
          away.at = f.at;
          away.trigger = scenario::Trigger::campaign;
          away.within = 500 * kMs;
          s.faults.push_back(away);
          continue;
        }
        break;
      case k_membership:
        if (next_node < c.nodes + 2 && draw.coin(600)) {
          f.kind = Fault::Kind::add_node;
          f.node = named(++next_node);
          s.faults.push_back(f);
          Fault promote;
          promote.kind = Fault::Kind::promote;
          promote.node = f.node;
          promote.at = std::min(active - kSecond, f.at + draw.between(500, 3000) * kMs);
          s.faults.push_back(promote);
          continue;
        }
        f.kind = Fault::Kind::remove_node;
        f.node = draw.coin(300) ? role(NodeSelector::Kind::leader) : role(NodeSelector::Kind::follower);
        break;
      case k_count: break;
    }
    if (draw.coin(200)) add_trigger(f, draw, active);
    s.faults.push_back(f);
  }
  // The quiet period: everything back to normal.
  const auto end_fault = [&](Fault f) {
    f.at = active;
    s.faults.push_back(f);
  };
  Fault heal;
  heal.kind = Fault::Kind::heal;
  end_fault(heal);
  Fault restart;
  restart.kind = Fault::Kind::restart;
  restart.nodes = {role(NodeSelector::Kind::crashed)};
  end_fault(restart);
  Fault network;
  network.kind = Fault::Kind::network;
  network.network.drop = Probability{};
  network.network.duplicate = Probability{};
  network.network.fifo = true;
  // Slow links a burst may set go back to the scenario's own as well.
  network.network.tail_probability = n.tail_probability;
  network.network.tail_latency = n.tail_latency;
  end_fault(network);
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });

  // Drawn last, so that the choices above stay what they were for each seed.
  // Kubernetes-shaped clients: reflectors, controllers retrying on conflict,
  // periodic compaction (small windows, so resumptions fall behind it).
  w.watchers = static_cast<int>(draw.between(0, 3));
  w.retry_conflicts = draw.coin(500);
  // Requests of every other shape `raftsim kv` accepts (ranges at older
  // revisions, multi-operation and nested txns, ranged deletes, every
  // compare), so that the fuzzer reaches the whole KV store.
  if (draw.coin(600)) w.ops.txn = static_cast<int>(draw.between(5, 30));
  // raftsim's election options of the Raft paper (Figure 16): vote requests
  // sent with the candidate's own write, and a lost election that keeps its
  // timer running. etcd's raft has neither.
  const bool early_votes = draw.coin(100);
  const bool paper_timer = draw.coin(100);
  if (options.raft != scenario::RaftImplementation::etcd) {
    c.early_vote_requests = early_votes;
    c.lost_election_restarts_timer = !paper_timer;
  }
  if (draw.coin(400)) {
    w.compact.every = draw.pick(std::vector<Micros>{500 * kMs, 1 * kSecond, 3 * kSecond});
    w.compact.keep = draw.pick(std::vector<std::int64_t>{5, 20, 200});
  }
  // Now and then a burst of a composite nemesis, aimed at elections.
  if (draw.coin(200) && active >= 5 * kSecond) {
    // Half the time the burst runs alone: the swarm's other faults (a
    // removed voter, a pause) would often break the shape it builds.
    if (draw.coin(500)) std::erase_if(s.faults, [&](const Fault& f) { return f.at < active; });
    add_election_burst(s, draw, active);
  }
  // Now and then a narrow election timeout range, as the Raft paper's Figure
  // 16 measures (150-155ms): timers of the nodes fire close together, so
  // split votes, and anything that makes a node ignore another's campaign
  // for an election timeout (a lease it should have given up), last.
  // Never narrower than two vote round trips (a candidate's request leaves
  // after its own fsync): closer than that, every round of a 2-voter
  // cluster without PreVote splits, a livelock of the configuration that a
  // fuzz seed found (4887: 500-610ms with 100ms fsyncs, 3.8 s leaderless).
  if (draw.coin(150) && options.raft != scenario::RaftImplementation::etcd) {
    const Micros width = std::max(c.election_timeout.min * draw.between(5, 25) / 100,
                                  2 * (s.disk.fsync.max + 2 * n.latency.max));
    c.election_timeout.max = c.election_timeout.min + std::max(c.tick, (width + c.tick - 1) / c.tick * c.tick);
  }

  // The liveness bound. With one
  // append in flight a lagging follower catches up one round trip (and its
  // fsync) per append, up to a snapshot's worth of entries behind: the
  // bound allows for that, or a slow but healthy catch-up in a 2-node
  // cluster (where the follower's ack is needed to commit) reads as a
  // liveness failure.
  scenario::Micros bound = scenario::default_liveness_bound(c, s.disk);
  if (c.max_inflight == 1) {
    const std::int64_t behind = c.snapshot_every > 0 ? c.snapshot_every : 200;
    bound += behind / c.max_append_entries * (2 * n.latency.max + s.disk.fsync.max);
    s.liveness_bound = bound;
  }
  // Clients go on through the bound; then a quiet period one bound and 2 s
  // long for catching up (a learner added late replays the log a few
  // entries a round trip when snapshots are off: fuzz seed 1011950).
  w.stop = std::max(*w.stop, active + bound);
  s.duration = *w.stop + bound + 2 * kSecond;
  // One entry per append now and then: how a leader's no-op and the old
  // entries it re-sends come apart, the shape of the Raft paper's Figure 8.
  // A wide window and snapshots keep a follower that fell behind able to
  // catch up within the quiet period.
  if (draw.coin(150)) {
    c.max_append_entries = 1;
    c.max_inflight = 32;
    if (c.snapshot_every == 0 || c.snapshot_every > 200) c.snapshot_every = 200;
  }
  if (options.raft == scenario::RaftImplementation::etcd) {
    // etcd's raft: appends limited by bytes (1 MiB, etcd's server default)
    // unless one entry each was drawn; lease reads only with CheckQuorum.
    c.raft = scenario::RaftImplementation::etcd;
    if (c.max_append_entries != 1) c.max_append_entries = scenario::ClusterSpec{}.max_append_entries;
    if (c.read_mode == raft::ReadMode::lease) c.check_quorum = true;
  }
  return s;
}

}  // namespace raftsim::fuzz
