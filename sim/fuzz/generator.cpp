#include "sim/fuzz/generator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/random.hpp"

namespace raftsim::fuzz {

namespace {

using scenario::Fault;
using scenario::Micros;
using scenario::NodeSelector;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kMs = 1'000;

struct Draw {
  sim::Xoshiro256 random;
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return uniform_int(random, lo, hi); }
  bool coin(std::uint64_t per_thousand) { return uniform_int(random, 0, 999) < static_cast<std::int64_t>(per_thousand); }
  template <typename T>
  const T& pick(const std::vector<T>& from) { return from[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(from.size()) - 1))]; }
};

NodeSelector named(int node) { return {NodeSelector::Kind::node, node}; }
NodeSelector role(NodeSelector::Kind kind) { return {kind, 0}; }

// The fault kinds a seed may switch on.
enum Kind { k_partition, k_named_partition, k_one_way, k_isolate, k_crash, k_pause, k_clock, k_network, k_transfer,
            k_membership, k_count };

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
  // Clients go on for a little after the heal (recovery under load), then
  // stop, so the liveness check judges catching up, not keeping pace.
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
  end_fault(network);
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });

  // Drawn last, so that the choices above stay what they were for each seed.
  // Kubernetes-shaped clients: reflectors, controllers retrying on conflict,
  // periodic compaction (small windows, so resumptions fall behind it).
  w.watchers = static_cast<int>(draw.between(0, 3));
  w.retry_conflicts = draw.coin(500);
  if (draw.coin(400)) {
    w.compact.every = draw.pick(std::vector<Micros>{500 * kMs, 1 * kSecond, 3 * kSecond});
    w.compact.keep = draw.pick(std::vector<std::int64_t>{5, 20, 200});
  }
  // Now and then a burst of a composite nemesis, aimed at elections:
  if (draw.coin(150) && active >= 5 * kSecond) {
    const Micros start = draw.between(kSecond, active / 2);
    const int rounds = static_cast<int>(draw.between(3, 10));
    const bool votes = draw.coin(500);
    if (votes) {
      // Crashes timed into elections: the leader dies, and as the others
      // campaign one of them dies too, losing what it had not fsynced (its
      // vote, perhaps), then comes straight back. Slow disks widen the window.
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
        Fault crash_leader;
        crash_leader.kind = Fault::Kind::crash;
        crash_leader.at = t;
        crash_leader.nodes = {role(NodeSelector::Kind::leader)};
        Fault crash_voter = crash_leader;
        crash_voter.at = t + c.election_timeout.min + draw.between(0, c.election_timeout.min / 5);
        crash_voter.nodes = {role(NodeSelector::Kind::any)};
        crash_voter.lose_unsynced = true;
        Fault restart_all;
        restart_all.kind = Fault::Kind::restart;
        restart_all.at = crash_voter.at + draw.between(30, 120) * kMs;
        restart_all.nodes = {role(NodeSelector::Kind::crashed)};
        s.faults.insert(s.faults.end(), {crash_leader, crash_voter, restart_all});
        t = restart_all.at + c.election_timeout.max + draw.between(0, 300) * kMs;
      }
    } else {
      // Leader churn with one entry per append and one in flight, lossy
      // links and no CheckQuorum: leaders come and go mid-replication, so
      // entries of old terms reach majorities before their new leader's own
      // entry does (the Raft paper's Figure 8).
      c.check_quorum = false;
      c.max_append_entries = 1;
      c.max_inflight = 1;
      // ...and snapshots, or a follower far behind never catches up.
      if (c.snapshot_every == 0 || c.snapshot_every > 50) c.snapshot_every = 50;
      Micros t = start;
      for (int r = 0; r < rounds && t < active - kSecond; ++r) {
        Fault cut;
        cut.at = t;
        if (draw.coin(500)) {
          cut.kind = Fault::Kind::crash;
          cut.nodes = {role(NodeSelector::Kind::leader)};
          cut.lose_unsynced = draw.coin(500);
        } else {
          cut.kind = Fault::Kind::isolate;
          cut.node = role(NodeSelector::Kind::leader);
        }
        Fault lossy;
        lossy.kind = Fault::Kind::network;
        lossy.at = t;
        lossy.network.drop = Probability::from_double(static_cast<double>(draw.between(50, 300)) / 1000.0);
        Fault back;
        back.at = t + draw.between(c.election_timeout.min / kMs, 3 * c.election_timeout.max / kMs) * kMs;
        back.kind = draw.coin(500) ? Fault::Kind::restart : Fault::Kind::heal;
        if (back.kind == Fault::Kind::restart) back.nodes = {role(NodeSelector::Kind::crashed)};
        s.faults.insert(s.faults.end(), {cut, lossy, back});
        t = back.at + draw.between(50, 2 * c.election_timeout.max / kMs) * kMs;
      }
    }
    std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });
  }
  s.duration = active + scenario::default_liveness_bound(c, s.disk) + 4 * kSecond;
  // One entry per append now and then: how a leader's no-op and the old
  // entries it re-sends come apart, the shape of the Raft paper's Figure 8.
  // A wide window and snapshots keep a follower that fell behind able to
  // catch up within the quiet period.
  if (draw.coin(150)) {
    c.max_append_entries = 1;
    c.max_inflight = 32;
    if (c.snapshot_every == 0 || c.snapshot_every > 200) c.snapshot_every = 200;
  }
  return s;
}

}  // namespace raftsim::fuzz
