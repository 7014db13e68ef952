// The liveness check's bound: derived from the election timeout unless the
// scenario sets `liveness_bound`.
#include <catch2/catch.hpp>

#include <string>

#include "sim/scenario/emit.hpp"
#include "tests/sim/scenario_helpers.hpp"

using namespace raftsim;

TEST_CASE("liveness_bound: too tight a bound fails the liveness check, a generous one passes", "[sim][liveness]") {
  auto scenario = test::load("scenarios/leader-crash.yaml");
  REQUIRE_FALSE(scenario.liveness_bound.has_value());
  REQUIRE(scenario.faults.size() == 2);
  scenario.faults[1].at = 5'010'000;  // restart the crashed leader 10ms after its crash: the last fault
  scenario.expect.clear();
  const auto by_default = sim::run_scenario(scenario);
  const auto* check = test::find_check(by_default, "liveness");
  REQUIRE(check != nullptr);
  CHECK(check->ok);
  CHECK(check->detail.find("(bound 9.240s)") != std::string::npos);  // 4 x (2s + 10ms fsync) + 2 x 100ms + 1s

  scenario.liveness_bound = 20'000;  // 20ms after the restart: no follower has even timed out yet
  const auto tight = sim::run_scenario(scenario);
  check = test::find_check(tight, "liveness");
  INFO(check->detail);
  CHECK(check->judged);
  CHECK_FALSE(check->ok);
  CHECK_FALSE(tight.pass);

  scenario.liveness_bound = 5'000'000;
  const auto generous = sim::run_scenario(scenario);
  check = test::find_check(generous, "liveness");
  INFO(check->detail);
  CHECK(check->ok);
  CHECK(check->detail.find("(bound 5.000s)") != std::string::npos);
}

TEST_CASE("liveness_bound is read, written back and checked", "[sim][liveness][scenario]") {
  const auto parsed = scenario::parse_scenario("name: x\nduration: 5s\nliveness_bound: 2.5s\n", "x.yaml");
  REQUIRE(parsed.liveness_bound.has_value());
  CHECK(*parsed.liveness_bound == 2'500'000);
  const auto again = scenario::parse_scenario(scenario::to_yaml(parsed), "again.yaml");
  CHECK(again.liveness_bound == parsed.liveness_bound);
  try {
    scenario::parse_scenario("name: x\nduration: 5s\nliveness_bound: soon\n", "bad.yaml");
    FAIL("no error");
  } catch (const std::exception& error) {
    CHECK_THAT(std::string(error.what()), Catch::Contains("bad.yaml:3") && Catch::Contains("liveness_bound"));
  }
}
