// Each planted bug's scenario (scenarios/bugs/NAME.yaml) names its bug
// (`bugs: [NAME]`) and catches it with the check it names (CTest runs
// `raftsim run FILE`), and the same file is clean without the bug (`run
// --no-bugs`): every check passes, so the only unmet expectation is the
// violation it was written to show.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/raft/bugs.hpp"
#include "scenario_helpers.hpp"

using namespace raftsim;

TEST_CASE("every planted bug has a scenario that is clean without the bug", "[scenario][bugs]") {
  std::size_t scenarios = 0;
  for (const auto& bug : raft::all_bugs()) {
    const std::string relative = std::string("scenarios/bugs/") + bug.name + ".yaml";
    REQUIRE(std::filesystem::exists(test::repo_path(relative)));
    ++scenarios;
    const auto scenario = test::load(relative);
    INFO(relative);
    CHECK(raft::enabled_bug_names(scenario.bugs) == std::vector<std::string>{bug.name});
    auto without = scenario;
    without.bugs = {};
    const auto clean = sim::run_scenario(without);
    for (const auto& check : clean.checks) {
      INFO(check.name << ": " << check.detail);
      CHECK(check.ok);
    }
    REQUIRE(clean.expectations.size() >= 1);
    for (const auto& expectation : clean.expectations) {
      INFO(expectation.text << ": " << expectation.detail);
      CHECK(expectation.ok == (expectation.text.rfind("violation", 0) != 0));
    }
    CHECK_FALSE(clean.pass);

    const auto caught = sim::run_scenario(scenario);
    CHECK(caught.pass);
  }
  CHECK(scenarios >= 17);
}
