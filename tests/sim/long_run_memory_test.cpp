// A run that needs no whole history (no linearizability check, no --history,
// no report) lets finished operations go, and the safety checker forgets
// entries every member's snapshot covers: memory stays flat in simulated
// time (tools/bench measures it). These tests show that nothing is judged
// differently for it: the same seed gives the same trace, metrics,
// expectations and verdicts with and without the whole history, and the
// durability check still catches a lost acknowledged write.
#include <catch2/catch.hpp>

#include <algorithm>

#include "scenario_helpers.hpp"

using namespace raftsim;

namespace {

const char* const kLongRun = R"(
name: long-run
seed: 3
duration: 60s
cluster: {nodes: 5, snapshot_every: 300}
workload: {clients: 8, compact: {every: 5s, keep: 500}}
faults:
  - {at: 10s, crash: leader}
  - {at: 14s, restart: crashed}
  - {at: 25s, partition: [[n1, n2], [n3, n4, n5]]}
  - {at: 31s, heal: true}
  - {at: 40s, crash: [n2, n3], lose_unsynced: true}
  - {at: 44s, restart: crashed}
checks: CHECKS
expect:
  - available: {during: [1s, 9s], min: 0.5}
  - available: {during: [26s, 30s], min: 0.0}
)";

scenario::Scenario long_run(const std::string& checks) {
  std::string text = kLongRun;
  text.replace(text.find("CHECKS"), 6, checks);
  return scenario::parse_scenario(text, "long-run.yaml");
}

const std::string kWithoutHistory =
    "[election_safety, leader_append_only, log_matching, leader_completeness, state_machine_safety, durability, "
    "minority_no_commit, liveness]";
const std::string kWithHistory =
    "[election_safety, leader_append_only, log_matching, leader_completeness, state_machine_safety, durability, "
    "minority_no_commit, liveness, linearizability]";

}  // namespace

TEST_CASE("a run that lets its history go judges exactly as one that keeps it", "[sim][memory]") {
  const auto light = sim::run_scenario(long_run(kWithoutHistory));
  history::History history;
  const auto whole = sim::run_scenario(long_run(kWithHistory), {}, &history);
  CHECK(light.trace_hash == whole.trace_hash);
  CHECK(light.metrics.ops_ok == whole.metrics.ops_ok);
  CHECK(light.metrics.ops_failed == whole.metrics.ops_failed);
  CHECK(light.metrics.ops_unknown == whole.metrics.ops_unknown);
  CHECK(light.metrics.ops_ok + light.metrics.ops_failed + light.metrics.ops_unknown > 3000);
  REQUIRE(light.expectations.size() == whole.expectations.size());
  for (std::size_t i = 0; i < light.expectations.size(); ++i) {
    INFO(light.expectations[i].text);
    CHECK(light.expectations[i].detail == whole.expectations[i].detail);
    CHECK(light.expectations[i].ok == whole.expectations[i].ok);
  }
  for (const auto& check : light.checks) {
    const auto* same = test::find_check(whole, check.name);
    REQUIRE(same != nullptr);
    INFO(check.name << ": " << check.detail);
    CHECK(check.ok);
    CHECK(check.detail == same->detail);
  }
  CHECK(light.pass);
  CHECK(whole.pass);
}

TEST_CASE("durability catches a lost acknowledged write without the whole history", "[sim][memory][bugs]") {
  auto scenario = test::load("scenarios/bugs/ack-before-fsync.yaml");
  scenario.checks.erase(std::remove(scenario.checks.begin(), scenario.checks.end(), "linearizability"),
                        scenario.checks.end());
  const auto result = sim::run_scenario(scenario);
  const auto* durability = test::find_check(result, "durability");
  REQUIRE(durability != nullptr);
  INFO(durability->detail);
  CHECK_FALSE(durability->ok);
  CHECK(durability->detail.rfind("acknowledged write lost: c", 0) == 0);
  // And the same scenario keeps every acknowledged write without the bug.
  scenario.bugs = {};
  const auto clean = sim::run_scenario(scenario);
  const auto* kept = test::find_check(clean, "durability");
  REQUIRE(kept != nullptr);
  INFO(kept->detail);
  CHECK(kept->ok);
}
