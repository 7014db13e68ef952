// The fuzzer's election bursts (sim/fuzz/bursts.cpp): each stays inside the
// active phase, and the two built on triggered faults do what they are for.
// Dueling candidates make vote-not-persisted vote twice; Figure 8 makes
// commit-old-term lose an applied entry. Both are clean without the bug.
// Judged over a handful of draws on a plain 3-node cluster, not on the
// generator's seeds, so a change elsewhere in the generator does not move them.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "core/raft/bugs.hpp"
#include "sim/fuzz/bursts.hpp"
#include "sim/fuzz/generator.hpp"
#include "sim/run.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"

using namespace raftsim;

namespace {

constexpr scenario::Micros kSecond = 1'000'000;
constexpr scenario::Micros kActive = 20 * kSecond;

// A 3-node cluster (4 for the membership burst, which needs an even
// number), then `kind` drawn from `seed`, then the generator's quiet end.
scenario::Scenario with_burst(fuzz::Burst kind, std::uint64_t seed) {
  const int nodes = kind == fuzz::Burst::changes_across_terms ? 4 : 3;
  auto s = scenario::parse_scenario("name: burst\nduration: 40s\ncluster: {nodes: " + std::to_string(nodes) +
                                        "}\nworkload: {clients: 3, stop: 22s}\n",
                                    "burst.yaml");
  s.seed = seed;
  fuzz::Draw draw{sim::make_stream(seed, sim::Stream::generator)};
  fuzz::add_burst(kind, s, draw, 2 * kSecond, kActive, 5);
  scenario::Fault heal;
  heal.kind = scenario::Fault::Kind::heal;
  heal.at = kActive;
  scenario::Fault restart;
  restart.kind = scenario::Fault::Kind::restart;
  restart.at = kActive;
  restart.nodes = {{scenario::NodeSelector::Kind::crashed, 0}};
  s.faults.push_back(heal);
  s.faults.push_back(restart);
  s.duration = kActive + scenario::default_liveness_bound(s.cluster, s.disk) + 4 * kSecond;
  // What a failure file would say, read back.
  return scenario::parse_scenario(scenario::to_yaml(s), "burst.yaml");
}

// Failing checks of one run, by name.
std::set<std::string> failing(const scenario::Scenario& s) {
  std::set<std::string> names;
  for (const auto& check : sim::run_scenario(s).checks)
    if (!check.ok) names.insert(check.name);
  return names;
}

}  // namespace

TEST_CASE("every burst keeps its faults, and what they trigger, inside the active phase", "[fuzz][bursts]") {
  for (auto kind : {fuzz::Burst::crashes_into_elections, fuzz::Burst::leader_churn, fuzz::Burst::dueling_candidates,
                    fuzz::Burst::figure_eight, fuzz::Burst::changes_across_terms, fuzz::Burst::restart_into_backlog}) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const auto s = with_burst(kind, seed);
      INFO("burst " << static_cast<int>(kind) << " seed " << seed);
      REQUIRE(s.faults.size() > 2);
      for (const auto& f : s.faults) {
        if (f.at == kActive) continue;  // the quiet end
        const scenario::Micros latest =
            f.at + (f.trigger == scenario::Trigger::none ? 0 : f.within + f.delay) + f.down_for;
        CHECK(latest < kActive);
        if (f.trigger != scenario::Trigger::none) CHECK(f.within > 0);  // never armed into the quiet period
      }
    }
  }
}

TEST_CASE("the dueling-candidates burst catches vote-not-persisted, and is clean without it", "[fuzz][bursts][bugs]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    auto s = with_burst(fuzz::Burst::dueling_candidates, seed);
    CHECK(failing(s).empty());
    REQUIRE(raft::enable_bug(s.bugs, "vote-not-persisted"));
    if (failing(s).count("election_safety")) ++caught;
  }
  CHECK(caught >= 2);
}

TEST_CASE("the Figure 8 burst catches commit-old-term, and is clean without it", "[fuzz][bursts][bugs]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    INFO("seed " << seed);
    auto s = with_burst(fuzz::Burst::figure_eight, seed);
    CHECK(failing(s).empty());
    REQUIRE(raft::enable_bug(s.bugs, "commit-old-term"));
    const auto failed = failing(s);
    if (failed.count("leader_completeness") || failed.count("state_machine_safety")) ++caught;
  }
  CHECK(caught >= 2);
}

TEST_CASE("the changes-across-terms burst catches config-before-own-commit, and is clean without it",
          "[fuzz][bursts][bugs]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    auto s = with_burst(fuzz::Burst::changes_across_terms, seed);
    CHECK(s.cluster.nodes == 4);
    CHECK(failing(s).empty());
    REQUIRE(raft::enable_bug(s.bugs, "config-before-own-commit"));
    const auto failed = failing(s);
    if (failed.count("leader_completeness") || failed.count("state_machine_safety")) ++caught;
  }
  CHECK(caught >= 2);
}

TEST_CASE("the generator arms triggered faults of every event, on the subject, with delays and nth", "[fuzz][triggers]") {
  std::set<scenario::Trigger> triggers;
  int subjects = 0, delayed = 0, nth = 0, restarts = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    for (const auto& f : fuzz::generate_scenario(seed, {}).faults) {
      if (f.trigger == scenario::Trigger::none) continue;
      triggers.insert(f.trigger);
      const bool on_subject = f.node.kind == scenario::NodeSelector::Kind::subject ||
                              (!f.nodes.empty() && f.nodes.front().kind == scenario::NodeSelector::Kind::subject);
      subjects += on_subject;
      delayed += f.delay > 0;
      nth += f.nth > 1;
      restarts += f.down_for > 0;
    }
  }
  CHECK(triggers.size() == 3);
  CHECK(subjects >= 20);
  CHECK(delayed >= 10);
  CHECK(nth >= 5);
  CHECK(restarts >= 10);
}
