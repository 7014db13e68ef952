// Issue 2: the minority side of a 5-node cluster commits nothing new while
// the majority keeps committing; after the heal both catch up. Judged on each
// node's commit index and committed log, not on printed text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "scenario_helpers.hpp"

using namespace raftsim;

TEST_CASE("minority partition: the 2-node side stalls, the 3-node side commits, both converge", "[scenario]") {
  const auto scenario = test::load("scenarios/minority-partition.yaml");
  const auto result = test::run_observed(scenario);
  REQUIRE(result.observations.size() == 5);

  constexpr std::int64_t partition_start = 5'000'000, heal = 15'000'000;
  // n1 and n2 (indexes 0, 1) stall. A leader cut off may still learn, within
  // a round trip, that the few entries it had replicated before the cut are
  // committed; after that, nothing moves until the heal.
  std::uint64_t highest_at_start = 0;
  for (std::size_t node = 0; node < 5; ++node)
    highest_at_start = std::max(highest_at_start, test::commit_at(result, node, partition_start));
  REQUIRE(highest_at_start > 50);
  for (std::size_t node : {0u, 1u}) {
    INFO("n" << node + 1);
    const auto settled = test::commit_at(result, node, partition_start + 1'000'000);
    CHECK(settled <= highest_at_start + 5);
    CHECK(test::commit_at(result, node, heal - 1) == settled);
  }
  // n3..n5 keep committing during the partition, well past the minority.
  const auto minority_commit = test::commit_at(result, 0, heal - 1);
  for (std::size_t node : {2u, 3u, 4u}) {
    INFO("n" << node + 1);
    CHECK(test::commit_at(result, node, heal - 1) > minority_commit + 100);
  }
  // After the heal everyone has the same committed log.
  const auto& reference = result.observations[2].committed_log;
  REQUIRE(reference.size() > minority_commit + 100);
  for (std::size_t node = 0; node < 5; ++node) {
    INFO("n" << node + 1);
    CHECK(result.observations[node].committed_log == reference);
  }
  CHECK(result.pass);
  for (const auto& expectation : result.expectations) {
    INFO(expectation.text << ": " << expectation.detail);
    CHECK(expectation.ok);
  }
}

TEST_CASE("a 5-node cluster has at most one leader per term and one committed log", "[scenario]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    auto scenario = scenario::parse_scenario(R"(
name: churn
duration: 20s
cluster: {nodes: 5}
workload: {clients: 5, stop: 18s}
faults:
  - {at: 3s, isolate: leader}
  - {at: 6s, heal: true}
  - {at: 9s, partition: [[n1, n2, n3], [n4, n5]]}
  - {at: 12s, heal: true}
)", "churn.yaml");
    scenario.seed = seed;
    const auto result = test::run_observed(scenario);
    INFO("seed " << seed);
    std::map<std::uint64_t, std::string> leader_of_term;
    for (const auto& leader : result.leaders) {
      const auto [it, inserted] = leader_of_term.emplace(leader.term, leader.node);
      CHECK((inserted || it->second == leader.node));
    }
    CHECK(result.leaders.size() >= 2);  // isolating the leader forces a new election
    const auto& reference = result.observations[0].committed_log;
    REQUIRE(reference.size() > 50);
    for (std::size_t node = 1; node < 5; ++node) CHECK(result.observations[node].committed_log == reference);
    for (const auto& check : result.checks) {
      INFO(check.name << ": " << check.detail);
      CHECK(check.ok);
    }
  }
}
