#pragma once
// `raftsim quorum --simulate`: the availability question answered by the
// simulator itself instead of the binomial formula.
//
// Each node alternates between up and down periods drawn from raftsim's own
// seeded generator: exponential with mean `mean_down` when down and
// mean_down * (1 - p) / p when up, so that in the long run it is down a
// fraction p of the time, independently of the others. At the start of the
// measured window each node is already down with probability p (the
// stationary state; exponential periods are memoryless), so the window is
// unbiased from its first microsecond. A down period is a crash (unsynced
// writes lost) and a restart from disk; clients keep writing throughout.
//
// Two fractions of the measured window, from RunResult::observations:
//  - quorum lost: fewer than a majority of the nodes are up. This is what
//    the binomial formula predicts.
//  - write unavailable: the complement of "some node is up and leads, has
//    committed an entry since it became leader (so it has committed an entry
//    of its own term and can take writes), and a majority of the voters is
//    up". It is higher than quorum lost: after the leader crashes the others
//    wait an election timeout before they elect a new one, and a restarted
//    majority needs an election too.
//
// 95% intervals: the method of independent replications. The time for each
// size is split into `runs` runs with independent seeds (each with its own
// warm-up, excluded); the runs' fractions are independent, identically
// distributed estimates, and the interval is mean ± t(0.975, runs-1) · s/√runs,
// clipped to [0, 1]. A rare event (a large cluster, a small p) may be seen in
// few runs or none: then the runs' fractions are far from normal, the interval
// means little (it may be [0, 0]) and only a longer duration (more up/down
// cycles) helps. SimulatedSize::runs_with_quorum_loss says how
// many runs saw it; the CLI judges agreement only when half of them did.
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::quorum {

using Micros = std::int64_t;

struct SimulateOptions {
  std::vector<int> sizes{1, 2, 3, 4, 5, 6, 7};
  double p = 0.05;
  std::uint64_t seed = 1;
  Micros duration = 8 * 3600LL * 1'000'000;  // measured simulated time per size, over all runs
  int runs = 10;                        // independent runs per size (at least 2, for an interval)
  Micros mean_down = 10'000'000;        // mean time to recover (mean down period)
  Micros warmup = 5'000'000;            // per run, before measuring: the first election
  int jobs = 1;                         // worker threads; the numbers do not depend on it
  scenario::RaftImplementation raft = scenario::RaftImplementation::raftsim;  // which Raft runs the nodes
};

struct Estimate {
  double mean = 0;
  double lo = 0;  // 95% interval
  double hi = 0;
  std::vector<double> per_run;
};

struct SimulatedSize {
  int nodes = 0;
  Estimate quorum_lost;
  Estimate write_unavailable;
  Micros measured_us = 0;         // over all runs
  int runs_with_quorum_loss = 0;  // runs that saw any time without a live majority
  std::uint64_t crashes = 0;      // down periods begun in the measured windows
  std::uint64_t elections = 0;    // leaders elected in the measured windows
  std::uint64_t ops_ok = 0;
  std::uint64_t events = 0;
  std::vector<std::string> failed_checks;  // "run 3 (seed S): check: detail"; empty when every check held
};

// What one run measured, over [from, to).
struct RunMeasure {
  double quorum_lost = 0;
  double write_unavailable = 0;
  std::uint64_t crashes = 0;    // nodes going down in the window
  std::uint64_t elections = 0;  // nodes becoming leader in the window
};

// The seed of run `run` of size `nodes` under `seed` (independent streams).
std::uint64_t run_seed(std::uint64_t seed, int nodes, int run);

// One run's scenario: `nodes` nodes, a workload, and the crash/restart
// schedule described above; the measured window is [warmup, warmup + length),
// then every crashed node restarts and the run ends quietly (unmeasured), so
// that the checks, durability and liveness included, judge a settled cluster
// (all but linearizability, too slow on hours of history).
scenario::Scenario availability_scenario(int nodes, double p, std::uint64_t seed, Micros length, Micros mean_down,
                                         Micros warmup);

// The two fractions over [from, to) from a run's observations (see above).
RunMeasure measure(const std::vector<sim::NodeObservations>& observations, Micros from, Micros to);

// An exponential draw with mean `mean` (at least 1), from the generator only:
// -ln(U) by a fixed series of IEEE additions, multiplications and divisions,
// so every machine and standard library draws the same durations.
Micros exponential(RandomSource& random, Micros mean);

// Mean and 95% interval of independent estimates (Student's t).
Estimate estimate(std::vector<double> values);

struct SimulateProgress {
  int runs_done = 0;
  int runs_total = 0;
};

// Runs every size; the result is in the order of options.sizes. `progress`
// (may be empty) is called after each run, from the worker threads, one at a time.
std::vector<SimulatedSize> simulate(const SimulateOptions& options,
                                    const std::function<void(const SimulateProgress&)>& progress = {});

}  // namespace raftsim::quorum
