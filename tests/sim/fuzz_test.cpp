// The fuzzer (issue 7): a seed fully determines its scenario and run; the
// written scenario replays; sharding splits seeds without overlap; planted
// bugs are found and shrunk to a file that still fails.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "sim/fuzz/campaign.hpp"
#include "sim/fuzz/generator.hpp"
#include "sim/fuzz/shrink.hpp"
#include "sim/run.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"

using namespace raftsim;

TEST_CASE("a seed generates the same scenario, and the YAML reads back to the same run", "[fuzz]") {
  for (std::uint64_t seed : {0u, 7u, 42u, 1234u}) {
    INFO("seed " << seed);
    const auto first = fuzz::generate_scenario(seed, {});
    const auto again = fuzz::generate_scenario(seed, {});
    const std::string yaml = scenario::to_yaml(first);
    CHECK(yaml == scenario::to_yaml(again));
    const auto parsed = scenario::parse_scenario(yaml, "generated.yaml");
    CHECK(scenario::to_yaml(parsed) == yaml);  // a fixed point: nothing lost in the round trip
    CHECK(sim::run_scenario(parsed).trace_hash == sim::run_scenario(scenario::parse_scenario(yaml, "again.yaml")).trace_hash);
    CHECK(parsed.duration > parsed.faults.back().at);  // a quiet period after the last fault
  }
}

TEST_CASE("swarm generation varies cluster sizes and fault kinds across seeds", "[fuzz]") {
  std::set<int> sizes;
  std::set<int> kinds;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const auto s = fuzz::generate_scenario(seed, {});
    sizes.insert(s.cluster.nodes);
    for (const auto& f : s.faults) kinds.insert(static_cast<int>(f.kind));
  }
  CHECK(sizes.size() == 7);
  CHECK(kinds.size() >= 12);
  fuzz::GeneratorOptions only_three;
  only_three.nodes = {3};
  for (std::uint64_t seed = 0; seed < 20; ++seed) CHECK(fuzz::generate_scenario(seed, only_three).cluster.nodes == 3);
}

TEST_CASE("a campaign without planted bugs finds nothing, and shards split the seeds", "[fuzz]") {
  fuzz::CampaignOptions options;
  options.seeds = 60;
  options.jobs = 2;
  const auto all = fuzz::run_campaign(options, {}, {});
  CHECK(all.seeds_run == 60);
  for (const auto& failure : all.failures) FAIL("seed " << failure.seed << ": " << failure.check << ": " << failure.detail);
  std::uint64_t sharded = 0, events = 0;
  for (std::uint64_t shard = 0; shard < 3; ++shard) {
    options.shard_index = shard;
    options.shard_count = 3;
    options.jobs = 1;
    const auto part = fuzz::run_campaign(options, {}, {});
    CHECK(part.seeds_run == 20);
    sharded += part.seeds_run;
    events += part.events;
  }
  CHECK(sharded == 60);
  CHECK(events == all.events);  // the same runs, whatever the jobs and shards
}

TEST_CASE("the fuzzer finds a planted bug and writes a shrunk file that replays the failure", "[fuzz]") {
  fuzz::CampaignOptions options;
  options.seeds = 40;
  options.jobs = 2;
  options.generator.nodes = {3, 5};
  REQUIRE(raft::enable_bug(options.bugs, "quorum-off-by-one"));
  options.out_dir = "fuzz_test_failures";
  std::filesystem::remove_all(options.out_dir);
  const auto report = fuzz::run_campaign(options, {}, {});
  REQUIRE_FALSE(report.failures.empty());
  const auto& failure = report.failures.front();
  INFO("seed " << failure.seed << " " << failure.check << " " << failure.size_before << " -> " << failure.size_after);
  REQUIRE(std::filesystem::exists(failure.file));
  auto replay = scenario::load_scenario_file(failure.file);
  replay.bugs = options.bugs;
  CHECK(fuzz::failing_check(replay) == failure.check);
  // Shrinking never makes the scenario bigger.
  const auto original = fuzz::generate_scenario(failure.seed, options.generator);
  CHECK(replay.faults.size() <= original.faults.size() + 0);
  CHECK(replay.duration <= original.duration);
  std::filesystem::remove_all(options.out_dir);
}
