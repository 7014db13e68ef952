// Issue 8: `quorum --simulate` measures what the formula predicts, and the
// same seed gives the same numbers.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/quorum/analytic.hpp"
#include "sim/quorum/simulate.hpp"
#include "sim/random.hpp"
#include "sim/run.hpp"

using namespace raftsim;

namespace {

// Small and fast (well under a second in a release build): a large p and
// short down periods give many up/down cycles in little simulated time.
quorum::SimulateOptions small_options() {
  quorum::SimulateOptions options;
  options.sizes = {3, 4};
  options.p = 0.2;
  options.mean_down = 1'000'000;
  options.duration = 300'000'000;  // 5 minutes per size, in 10 runs of 30s
  options.runs = 10;
  options.seed = 1;
  options.jobs = 1;
  return options;
}

}  // namespace

TEST_CASE("the exponential draw has the mean asked for and is the same everywhere", "[quorum]") {
  auto random = sim::make_stream(3, sim::Stream::generator);
  double sum = 0;
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) sum += static_cast<double>(quorum::exponential(random, 1'000'000));
  CHECK(std::abs(sum / draws - 1e6) < 0.03e6);  // the standard error is 1e6/sqrt(20000) ~ 0.007e6
  // Pinned: the generator and the series for -ln(U) must not drift between
  // compilers, standard libraries and builds.
  auto again = sim::make_stream(3, sim::Stream::generator);
  std::vector<quorum::Micros> first;
  for (int i = 0; i < 4; ++i) first.push_back(quorum::exponential(again, 1'000'000));
  CHECK(first == std::vector<quorum::Micros>{1794932, 708086, 126270, 1489332});
}

TEST_CASE("the 95% interval is mean ± t·s/√n", "[quorum]") {
  const auto e = quorum::estimate({0.1, 0.2, 0.3});
  CHECK(e.mean == Approx(0.2));
  // s = 0.1, t(0.975, 2) = 4.303: half-width 0.1 * 4.303 / sqrt(3).
  CHECK(e.hi - e.mean == Approx(0.1 * 4.303 / std::sqrt(3.0)));
  CHECK(e.lo == 0);  // clipped
  const auto zeros = quorum::estimate({0, 0, 0, 0});
  CHECK(zeros.lo == 0);
  CHECK(zeros.hi == 0);
}

TEST_CASE("measured quorum loss is exactly the schedule's: one node down a fraction of the time", "[quorum]") {
  // A single node: no majority exactly while it is down. Compute that from the
  // crash/restart schedule itself and compare with what the observations say.
  const quorum::Micros warmup = 5'000'000, length = 60'000'000;
  const auto scenario = quorum::availability_scenario(1, 0.3, 42, length, 2'000'000, warmup);
  quorum::Micros down = 0, since = -1;
  for (const auto& fault : scenario.faults) {
    if (fault.at >= warmup + length) break;
    if (fault.kind == scenario::Fault::Kind::crash) since = fault.at;
    if (fault.kind == scenario::Fault::Kind::restart && since >= 0) {
      down += fault.at - since;
      since = -1;
    }
  }
  if (since >= 0) down += warmup + length - since;
  REQUIRE(down > 0);
  sim::RunOptions options;
  options.observe = true;
  const auto result = sim::run_scenario(scenario, options);
  CHECK(result.pass);
  const auto measured = quorum::measure(result.observations, warmup, warmup + length);
  CHECK(measured.quorum_lost == Approx(static_cast<double>(down) / static_cast<double>(length)).epsilon(1e-12));
  // A lone node must also win an election after each restart: writes are unavailable longer.
  CHECK(measured.write_unavailable > measured.quorum_lost);
}

TEST_CASE("simulated quorum loss agrees with the binomial for 3 and 4 nodes", "[quorum][simulate]") {
  const auto options = small_options();
  const auto sizes = quorum::simulate(options);
  REQUIRE(sizes.size() == 2);
  for (const auto& size : sizes) {
    INFO(size.nodes << " nodes: simulated " << size.quorum_lost.mean << " [" << size.quorum_lost.lo << ", "
                    << size.quorum_lost.hi << "], writes unavailable " << size.write_unavailable.mean);
    const double analytic = quorum::p_unavailable(size.nodes, options.p);  // 0.104 and 0.1808
    CHECK(size.failed_checks.empty());
    CHECK(size.runs_with_quorum_loss == options.runs);
    CHECK(size.quorum_lost.lo <= analytic);
    CHECK(analytic <= size.quorum_lost.hi);
    CHECK(size.quorum_lost.hi - size.quorum_lost.lo < 0.15);  // a real measurement, not a vacuous interval
    CHECK(std::abs(size.quorum_lost.mean - analytic) < 0.05);
    // Elections take time: writes are unavailable for longer than the majority is lost.
    CHECK(size.write_unavailable.mean > size.quorum_lost.mean);
    CHECK(size.elections > 0);
    CHECK(size.ops_ok > 0);
    CHECK(size.measured_us == options.duration);
  }
  // The 4th node makes losing the majority more likely, not less.
  CHECK(sizes[1].quorum_lost.mean > sizes[0].quorum_lost.mean);
}

TEST_CASE("the same seed gives the same simulated numbers, whatever the number of threads", "[quorum][simulate][determinism]") {
  auto options = small_options();
  options.sizes = {3};
  options.duration = 60'000'000;
  options.runs = 3;
  const auto first = quorum::simulate(options);
  options.jobs = 2;
  const auto second = quorum::simulate(options);
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(first[0].quorum_lost.per_run == second[0].quorum_lost.per_run);
  CHECK(first[0].write_unavailable.per_run == second[0].write_unavailable.per_run);
  CHECK(first[0].events == second[0].events);
  CHECK(first[0].elections == second[0].elections);
  options.seed = 2;
  const auto other = quorum::simulate(options);
  CHECK(other[0].events != first[0].events);
}
