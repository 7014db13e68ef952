#include "sim/quorum/simulate.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/quorum/analytic.hpp"
#include "sim/random.hpp"
#include "sim/run.hpp"

namespace raftsim::quorum {

namespace {

using scenario::Fault;
using scenario::NodeSelector;

constexpr Micros kMinPeriod = 10'000;  // one tick: no period is shorter

// ln(x) for x in (0, 1], with IEEE basic operations only: x = m·2^e with m
// in [0.5, 1) (exact), ln m = 2·atanh((m-1)/(m+1)) by its series.
double deterministic_log(double x) {
  int exponent = 0;
  const double m = std::frexp(x, &exponent);
  const double z = (m - 1) / (m + 1);  // |z| <= 1/3
  const double z2 = z * z;
  double term = z, sum = 0;
  for (int k = 1; k < 80; k += 2) {  // z^79/79 < 1e-39: far below double precision
    sum += term / k;
    term *= z2;
  }
  constexpr double kLn2 = 0.6931471805599453094;
  return 2 * sum + exponent * kLn2;
}

// Long enough for the liveness check after the last fault plus catching up.
Micros quiet_period(const scenario::Scenario& s) {
  return scenario::default_liveness_bound(s.cluster, s.disk) + 4'000'000;
}

double t_975(int degrees) {
  // Student's t, two-sided 95%, for 1..30 degrees of freedom; then the normal limit, approached.
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (degrees >= 1 && degrees <= 30) return table[degrees - 1];
  if (degrees <= 60) return 2.000;
  if (degrees <= 120) return 1.980;
  return 1.960;
}

}  // namespace

Micros exponential(RandomSource& random, Micros mean) {
  // U uniform in (0, 1] with 53 bits: (k + 1) / 2^53.
  const auto k = static_cast<std::uint64_t>(uniform_int(random, 0, (std::int64_t{1} << 53) - 1));
  const double u = static_cast<double>(k + 1) / 9007199254740992.0;
  const double draw = -deterministic_log(u) * static_cast<double>(mean);
  return std::max<Micros>(1, static_cast<Micros>(draw + 0.5));
}

Estimate estimate(std::vector<double> values) {
  Estimate e;
  e.per_run = std::move(values);
  const auto n = static_cast<double>(e.per_run.size());
  if (e.per_run.empty()) return e;
  double sum = 0;
  for (double v : e.per_run) sum += v;
  e.mean = sum / n;
  if (e.per_run.size() < 2) {
    e.lo = 0;
    e.hi = 1;
    return e;
  }
  double squares = 0;
  for (double v : e.per_run) squares += (v - e.mean) * (v - e.mean);
  const double half = t_975(static_cast<int>(e.per_run.size()) - 1) * std::sqrt(squares / (n - 1) / n);
  e.lo = std::clamp(e.mean - half, 0.0, 1.0);
  e.hi = std::clamp(e.mean + half, 0.0, 1.0);
  return e;
}

std::uint64_t run_seed(std::uint64_t seed, int nodes, int run) {
  std::uint64_t state = seed;
  std::uint64_t mixed = sim::splitmix64(state);
  state = mixed ^ (static_cast<std::uint64_t>(nodes) << 32) ^ static_cast<std::uint64_t>(run);
  return sim::splitmix64(state);
}

scenario::Scenario availability_scenario(int nodes, double p, std::uint64_t seed, Micros length, Micros mean_down,
                                         Micros warmup) {
  RAFTSIM_ASSERT(nodes >= 1 && nodes <= kMaxNodes && p >= 0 && p <= 1 && length > 0 && mean_down > 0 && warmup >= 0,
                 "availability scenario: {} nodes, p {}, length {}us", nodes, p, length);
  scenario::Scenario s;
  s.name = fmt::format("quorum-{}-nodes", nodes);
  s.description = fmt::format("{} nodes, each down a fraction {} of the time, independently", nodes, p);
  s.seed = seed;
  const Micros end = warmup + length;
  // A quiet end, unmeasured, as `raftsim fuzz` has: every crashed node
  // restarts, clients stop a little later, and the cluster has time to elect
  // a leader and converge, so that durability and liveness judge a settled
  // cluster (a write acknowledged by a majority that then crashed is not lost,
  // only out of reach until the majority restarts).
  s.cluster.nodes = nodes;
  s.duration = end + quiet_period(s);
  s.workload.stop = end + 2'000'000;
  // Every check but linearizability, whose cost grows faster than the
  // history (hours of it here); `raftsim run` and `raftsim fuzz` judge it.
  s.checks = scenario::all_check_names();
  std::erase(s.checks, std::string("linearizability"));
  s.source_name = "raftsim quorum --simulate";
  // A light, steady workload: writes happen all the time, so an outage is felt.
  s.workload.clients = 1;
  s.workload.think = {50'000, 150'000};
  s.workload.watchers = 0;

  const Probability down = Probability::from_double(p);
  // Mean up time so that down / (up + down) = p.
  const double up_mean = p > 0 ? static_cast<double>(mean_down) * (1 - p) / p : 0;
  const Micros mean_up = std::max<Micros>(1, static_cast<Micros>(up_mean + 0.5));
  const auto period = [](RandomSource& random, Micros mean) { return std::max(kMinPeriod, exponential(random, mean)); };
  for (int id = 1; id <= nodes; ++id) {
    sim::Xoshiro256 random = sim::make_stream(seed, sim::Stream::generator, static_cast<std::uint64_t>(id));
    const auto add = [&](Fault::Kind kind, Micros at) {
      Fault f;
      f.kind = kind;
      f.at = at;
      f.nodes = {NodeSelector{NodeSelector::Kind::node, id}};
      f.lose_unsynced = true;
      f.text = fmt::format("{} n{}", kind == Fault::Kind::crash ? "crash" : "restart", id);
      s.faults.push_back(f);
    };
    if (down.never()) continue;
    if (down.parts_per_billion >= Probability::kScale) {
      add(Fault::Kind::crash, warmup);
      continue;
    }
    // The stationary start: down with probability p; memorylessness makes
    // the remaining period a fresh draw.
    bool is_down = chance(random, down);
    Micros t = warmup;
    while (t < end) {
      if (is_down) {
        add(Fault::Kind::crash, t);
        t += period(random, mean_down);
        if (t < end) add(Fault::Kind::restart, t);
      } else {
        t += period(random, mean_up);
      }
      is_down = !is_down;
    }
  }
  Fault restart;
  restart.kind = Fault::Kind::restart;
  restart.at = end;
  restart.nodes = {NodeSelector{NodeSelector::Kind::crashed, 0}};
  restart.text = "restart crashed";
  s.faults.push_back(restart);
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });
  return s;
}

RunMeasure measure(const std::vector<sim::NodeObservations>& observations, Micros from, Micros to) {
  RAFTSIM_ASSERT(from < to, "measure window [{}, {})", from, to);
  const int nodes = static_cast<int>(observations.size());
  const int needed = majority(nodes);
  // Every change, in time order; at one instant, states before roles before
  // commits (a crash ends leadership; a commit counts after the election).
  struct Change {
    Micros time;
    int order;  // 0 state, 1 role, 2 commit
    int node;
    std::size_t index;
  };
  std::vector<Change> changes;
  for (int i = 0; i < nodes; ++i) {
    const auto& o = observations[static_cast<std::size_t>(i)];
    for (std::size_t k = 0; k < o.states.size(); ++k) changes.push_back({o.states[k].first, 0, i, k});
    for (std::size_t k = 0; k < o.roles.size(); ++k) changes.push_back({o.roles[k].time_us, 1, i, k});
    for (std::size_t k = 0; k < o.commits.size(); ++k) changes.push_back({o.commits[k].first, 2, i, k});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return a.time != b.time ? a.time < b.time : a.order != b.order ? a.order < b.order : a.node < b.node;
  });

  struct Node {
    bool up = false;
    bool leader = false;
    bool committed_as_leader = false;
  };
  std::vector<Node> state(static_cast<std::size_t>(nodes));
  RunMeasure out;
  Micros lost = 0, unavailable = 0;
  Micros last = from;
  const auto account = [&](Micros until) {
    const Micros a = std::max(last, from), b = std::min(until, to);
    if (b <= a) return;
    int up = 0;
    bool serving = false;
    for (const Node& n : state) {
      up += n.up ? 1 : 0;
      serving = serving || (n.up && n.leader && n.committed_as_leader);
    }
    if (up < needed) lost += b - a;
    if (up < needed || !serving) unavailable += b - a;
  };
  for (std::size_t c = 0; c < changes.size();) {
    const Micros now = changes[c].time;
    account(now);
    last = now;
    for (; c < changes.size() && changes[c].time == now; ++c) {
      const Change& change = changes[c];
      Node& n = state[static_cast<std::size_t>(change.node)];
      const auto& o = observations[static_cast<std::size_t>(change.node)];
      if (change.order == 0) {
        const bool was_up = n.up;
        n.up = o.states[change.index].second == sim::HostState::up;
        if (!n.up) n.leader = n.committed_as_leader = false;  // a crash (or pause) ends its leadership
        if (was_up != n.up && !n.up && now >= from && now < to &&
            o.states[change.index].second == sim::HostState::down)
          ++out.crashes;
      } else if (change.order == 1) {
        n.leader = o.roles[change.index].role == "leader";
        n.committed_as_leader = false;
        if (n.leader && now >= from && now < to) ++out.elections;
      } else if (n.leader) {
        n.committed_as_leader = true;
      }
    }
  }
  account(to);
  const auto window = static_cast<double>(to - from);
  out.quorum_lost = static_cast<double>(lost) / window;
  out.write_unavailable = static_cast<double>(unavailable) / window;
  return out;
}

std::vector<SimulatedSize> simulate(const SimulateOptions& options,
                                    const std::function<void(const SimulateProgress&)>& progress) {
  RAFTSIM_ASSERT(options.runs >= 1 && options.duration >= options.runs, "simulate: {} runs over {}us", options.runs,
                 options.duration);
  const Micros length = options.duration / options.runs;
  struct Job {
    std::size_t size;
    int run;
  };
  std::vector<Job> jobs;
  for (std::size_t s = 0; s < options.sizes.size(); ++s)
    for (int r = 0; r < options.runs; ++r) jobs.push_back({s, r});
  struct Outcome {
    RunMeasure measure;
    std::uint64_t ops_ok = 0, events = 0;
    std::vector<std::string> failed;
  };
  std::vector<Outcome> outcomes(jobs.size());
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  int done = 0;
  const auto work = [&] {
    for (std::size_t j = next++; j < jobs.size(); j = next++) {
      const int nodes = options.sizes[jobs[j].size];
      const std::uint64_t seed = run_seed(options.seed, nodes, jobs[j].run);
      scenario::Scenario s = availability_scenario(nodes, options.p, seed, length, options.mean_down, options.warmup);
      s.cluster.raft = options.raft;
      sim::RunOptions run_options;
      run_options.observe = true;
      const sim::RunResult result = sim::run_scenario(s, run_options);
      Outcome& out = outcomes[j];
      out.measure = measure(result.observations, options.warmup, options.warmup + length);
      out.ops_ok = result.metrics.ops_ok;
      out.events = result.events;
      for (const auto& check : result.checks)
        if (!check.ok)
          out.failed.push_back(fmt::format("{} nodes, run {} (scenario seed {}): {} failed: {}", nodes, jobs[j].run,
                                           seed, check.name, check.detail));
      std::lock_guard<std::mutex> guard(lock);
      ++done;
      if (progress) progress({done, static_cast<int>(jobs.size())});
    }
  };
  const int threads = std::clamp(options.jobs, 1, static_cast<int>(std::max<std::size_t>(1, jobs.size())));
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& thread : pool) thread.join();
  }

  std::vector<SimulatedSize> sizes;
  for (std::size_t s = 0; s < options.sizes.size(); ++s) {
    SimulatedSize size;
    size.nodes = options.sizes[s];
    std::vector<double> lost, unavailable;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      if (jobs[j].size != s) continue;
      const Outcome& o = outcomes[j];
      lost.push_back(o.measure.quorum_lost);
      if (o.measure.quorum_lost > 0) ++size.runs_with_quorum_loss;
      unavailable.push_back(o.measure.write_unavailable);
      size.crashes += o.measure.crashes;
      size.elections += o.measure.elections;
      size.ops_ok += o.ops_ok;
      size.events += o.events;
      size.measured_us += length;
      size.failed_checks.insert(size.failed_checks.end(), o.failed.begin(), o.failed.end());
    }
    size.quorum_lost = estimate(std::move(lost));
    size.write_unavailable = estimate(std::move(unavailable));
    sizes.push_back(std::move(size));
  }
  return sizes;
}

}  // namespace raftsim::quorum
