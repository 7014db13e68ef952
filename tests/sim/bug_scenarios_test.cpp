// Each planted bug's scenario (scenarios/bugs/NAME.yaml) catches the bug
// with the check it names (CTest runs `raftsim run FILE --bug NAME`), and the
// same file is clean without the bug: every check passes, so the only unmet
// expectation is the violation it was written to show.
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
    const auto clean = sim::run_scenario(scenario);
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

    auto planted = scenario;
    REQUIRE(raft::enable_bug(planted.bugs, bug.name));
    const auto caught = sim::run_scenario(planted);
    CHECK(caught.pass);
  }
  CHECK(scenarios >= 9);
}
