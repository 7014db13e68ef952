// scenarios/teach/ states each quorum lesson as expectations; CTest runs every
// file as it is (it must pass). Here: the expectations are not vacuous. With
// a majority taken as N/2 (the planted bug quorum-off-by-one) the lessons
// "no majority, no commit" are false, and the expectations that state them fail.
#include <catch2/catch.hpp>

#include <string>

#include "core/raft/bugs.hpp"
#include "sim/run.hpp"
#include "sim/scenario/loader.hpp"

using namespace raftsim;

namespace {

sim::RunResult run_with_off_by_one(const std::string& file) {
  auto scenario = scenario::load_scenario_file(std::string(RAFTSIM_SOURCE_DIR) + "/scenarios/teach/" + file);
  REQUIRE(raft::enable_bug(scenario.bugs, "quorum-off-by-one"));
  return sim::run_scenario(scenario);
}

// The expectations whose text starts with `prefix` and failed.
int failed(const sim::RunResult& result, const std::string& prefix) {
  int count = 0;
  for (const auto& e : result.expectations) {
    INFO(e.text << ": " << e.detail);
    if (e.text.rfind(prefix, 0) == 0 && !e.ok) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("teach: with N/2 as a majority, 2 nodes would commit with one down", "[quorum][teach]") {
  const auto result = run_with_off_by_one("two-nodes-lose-one.yaml");
  CHECK_FALSE(result.pass);
  CHECK(failed(result, "no_commit") + failed(result, "available") >= 1);
}

TEST_CASE("teach: with N/2 as a majority, 3 nodes would commit with two down", "[quorum][teach]") {
  const auto result = run_with_off_by_one("three-nodes-lose-one-then-two.yaml");
  CHECK_FALSE(result.pass);
  CHECK(failed(result, "no_commit") + failed(result, "available") >= 1);
}

TEST_CASE("teach: with N/2 as a majority, 4 nodes would commit with two down", "[quorum][teach]") {
  const auto result = run_with_off_by_one("four-nodes-lose-one-then-two.yaml");
  CHECK_FALSE(result.pass);
  CHECK(failed(result, "no_commit") + failed(result, "available") >= 1);
}

TEST_CASE("teach: with N/2 as a majority, a 2|2 split of 4 would commit", "[quorum][teach]") {
  const auto result = run_with_off_by_one("four-nodes-split-2-2.yaml");
  CHECK_FALSE(result.pass);
  CHECK(failed(result, "no_commit") + failed(result, "available") >= 1);
}

TEST_CASE("teach: with N/2 as a majority, the 2-side of a 2|3 split elects a leader", "[quorum][teach]") {
  // The clients have all moved to the 3-side by then, so the 2-side commits
  // only its new leader's no-op, below the highest index committed when the
  // window opened (no_commit does not count it). The checks catch it
  // (minority_no_commit), and the logs no longer converge.
  const auto result = run_with_off_by_one("five-nodes-split-2-3.yaml");
  CHECK_FALSE(result.pass);
  bool minority_commit_caught = false;
  for (const auto& check : result.checks)
    if (check.name == "minority_no_commit") minority_commit_caught = !check.ok;
  CHECK(minority_commit_caught);
}
