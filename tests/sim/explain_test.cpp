// `raftsim run --explain` narrates the run; it must not change the run.
#include <catch2/catch.hpp>

#include "scenario_helpers.hpp"

using namespace raftsim;

TEST_CASE("explain mode narrates elections and partitions without changing the run", "[explain]") {
  const auto scenario = test::load("scenarios/minority-partition.yaml");
  sim::RunOptions options;
  options.explain = true;
  const auto explained = sim::run_scenario(scenario, options);
  const auto plain = sim::run_scenario(scenario);
  CHECK(explained.trace_hash == plain.trace_hash);

  bool minority = false, majority = false, votes = false;
  for (const auto& entry : explained.timeline) {
    if (!entry.explanation) continue;
    minority |= entry.text == "{n1,n2} cannot commit: 2 of 5 is not a majority (it needs 3)";
    majority |= entry.text == "{n3,n4,n5} holds 3 of 5 voters, a majority: it can elect a leader and commit";
    votes |= entry.text.find("wins term 2 with votes from {n3,n4,n5} (3 of 5 voters; it needed 3)") != std::string::npos;
  }
  CHECK(minority);
  CHECK(majority);
  CHECK(votes);
  for (const auto& entry : plain.timeline) CHECK_FALSE(entry.explanation);
}
