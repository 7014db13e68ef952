// Triggered faults (`on:`): armed at `at`, fired by a Raft event, striking
// the node it happened at (`subject`), `delay` after it, on the `nth` such
// event, or lapsing after `within`; `crash ... for` restarts the node. Judged
// on what the run did: who was elected, who was cut off or crashed, when.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>

#include "core/raft/bugs.hpp"
#include "scenario_helpers.hpp"
#include "sim/scenario/emit.hpp"

using namespace raftsim;

namespace {

constexpr std::int64_t kSecond = 1'000'000;

scenario::Scenario make(const std::string& faults, std::uint64_t seed = 1,
                        const std::string& cluster = "{nodes: 5, prevote: false, check_quorum: false}") {
  const std::string text = "name: trigger-test\nduration: 20s\ncluster: " + cluster +
                           "\nworkload: {clients: 5, stop: 17s}\nfaults:\n" + faults;
  auto s = scenario::parse_scenario(text, "trigger-test.yaml");
  s.seed = seed;
  return s;
}

// The first timeline entry matching `pattern` at or after `from`: its time
// and its first group (the node, in these patterns).
struct Found {
  std::int64_t at;
  std::string node;
};
std::optional<Found> find(const sim::RunResult& result, const std::string& pattern, std::int64_t from = 0) {
  const std::regex re(pattern);
  for (const auto& entry : result.timeline) {
    std::smatch match;
    if (entry.time_us < from || !std::regex_search(entry.text, match, re)) continue;
    return Found{entry.time_us, match.size() > 1 ? match[1].str() : ""};
  }
  return std::nullopt;
}

void require_safety(const sim::RunResult& result) {
  for (const auto& check : result.checks) {
    INFO(check.name << ": " << check.detail);
    CHECK(check.ok);
  }
}

}  // namespace

TEST_CASE("on: elected cuts the new leader off the instant it wins", "[faults][triggers]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    const auto result = test::run_observed(make("  - {at: 3s, crash: leader}\n"
                                                "  - {at: 3s, on: elected, isolate: subject}\n"
                                                "  - {at: 12s, heal: true}\n"
                                                "  - {at: 12s, restart: crashed}\n",
                                                seed));
    const auto elected = find(result, R"(^(n\d+) elected leader of term (\d+))", 3 * kSecond);
    REQUIRE(elected);
    const std::string winner = elected->node;
    const auto cut = find(result, R"(^isolate subject -> \{(n\d+)\})");
    REQUIRE(cut);
    CHECK(cut->node == winner);
    CHECK(cut->at == elected->at);  // the same instant: its first appends never arrive
    CHECK(find(result, "^" + winner + ": elected fires"));
    // Cut off at once, the winner commits nothing of its term; the others
    // elect another leader while it is away.
    const auto next = find(result, R"(^(n\d+) elected leader)", elected->at + 1);
    REQUIRE(next);
    CHECK(next->node != winner);
    CHECK(next->at < 12 * kSecond);
    require_safety(result);
  }
}

TEST_CASE("on: vote crashes the voter as its grant leaves, and crash for restarts it", "[faults][triggers]") {
  const auto result = test::run_observed(make("  - {at: 3s, crash: leader}\n"
                                              "  - {at: 3s, on: vote, crash: subject, for: 5ms}\n"
                                              "  - {at: 12s, restart: crashed}\n"));
  const auto fired = find(result, R"(^(n\d+): vote fires)", 3 * kSecond);
  REQUIRE(fired);
  const std::string voter = fired->node;
  const auto crash = find(result, R"(^crash subject -> \{(n\d+)\} \(unsynced writes lost\), restarting after 5000us)");
  REQUIRE(crash);
  CHECK(crash->node == voter);
  CHECK(crash->at == fired->at);
  const auto restart = find(result, "^" + voter + " restarts");
  REQUIRE(restart);
  CHECK(restart->at == crash->at + 5'000);
  // The vote was durable before it left (correct Raft): one leader a term.
  require_safety(result);
  CHECK(result.pass);
}

TEST_CASE("on: campaign fires when a node becomes a candidate, delay and nth shift it", "[faults][triggers]") {
  const auto result = test::run_observed(make("  - {at: 3s, crash: leader}\n"
                                              "  - {at: 3s, on: campaign, delay: 100ms, pause: {node: subject, for: 50ms}}\n"
                                              "  - {at: 3s, on: elected, nth: 2, crash: subject}\n"
                                              "  - {at: 7s, crash: leader}\n"
                                              "  - {at: 14s, restart: crashed}\n"));
  const auto campaign = find(result, R"(^(n\d+): campaign fires)", 3 * kSecond);
  REQUIRE(campaign);
  const auto pause = find(result, R"(^pause subject -> \{(n\d+)\})");
  REQUIRE(pause);
  CHECK(pause->node == campaign->node);
  CHECK(pause->at == campaign->at + 100'000);
  CHECK(find(result, R"(^armed: crash subject on the 2nd elected)"));
  // nth: 2 lets the first election after 3s pass and strikes the second's
  // winner (elected after the leader crash at 7s), the instant it wins.
  const auto first = find(result, R"(^(n\d+) elected leader)", 3 * kSecond);
  REQUIRE(first);
  REQUIRE(first->at < 7 * kSecond);
  const auto second = find(result, R"(^(n\d+) elected leader)", 7 * kSecond);
  REQUIRE(second);
  const auto crash = find(result, R"(^crash subject -> \{(n\d+)\})");
  REQUIRE(crash);
  CHECK(crash->node == second->node);
  CHECK(crash->at == second->at);
  CHECK(find(result, R"(^crash leader -> \{)" + first->node + R"(\})", 7 * kSecond));
  require_safety(result);
}

TEST_CASE("a trigger that does not come within its window lapses, one that never comes is reported", "[faults][triggers]") {
  // The leader is healthy from 3s: no election until the crash at 8s, long
  // after the 1s window closed; no node ever campaigns again after that one.
  const auto result = test::run_observed(make("  - {at: 3s, on: elected, within: 1s, isolate: subject}\n"
                                              "  - {at: 3s, on: campaign, nth: 50, pause: {node: subject, for: 1s}}\n"
                                              "  - {at: 8s, crash: leader}\n"
                                              "  - {at: 14s, restart: crashed}\n"));
  CHECK(find(result, R"(^armed: isolate subject on the next elected within 1000000us)"));
  const auto lapsed = find(result, R"(^lapsed: no elected within 1000000us)");
  REQUIRE(lapsed);
  CHECK(lapsed->at == 4 * kSecond + 1);  // said when the window closes
  CHECK_FALSE(find(result, R"(^isolate subject ->)"));
  const auto never = find(result, R"(^never fired: .*still waiting for the (\d+)th campaign)");
  REQUIRE(never);
  CHECK(std::stoi(never->node) < 50);
  CHECK_FALSE(find(result, R"(^pause subject)"));
  require_safety(result);
}

TEST_CASE("a restart due after crash for never undoes a later crash", "[faults][triggers]") {
  // n2 crashes for 2s, is restarted by hand at 4s and crashed again at 4.5s:
  // the restart due at 5s belongs to the first crash and must not happen.
  const auto result = test::run_observed(make("  - {at: 3s, crash: n2, for: 2s}\n"
                                              "  - {at: 4s, restart: n2}\n"
                                              "  - {at: 4500ms, crash: n2}\n"
                                              "  - {at: 9s, restart: crashed}\n"));
  CHECK_FALSE(find(result, "^n2 restarts"));
  const auto& states = result.observations[1].states;  // n2: (time, up/down/paused) changes
  bool down_at_6s = false;
  for (const auto& [time, state] : states)
    if (time <= 6 * kSecond) down_at_6s = state == sim::HostState::down;
  CHECK(down_at_6s);
  // Without the hand restart and second crash, the timed restart happens.
  const auto timed = test::run_observed(make("  - {at: 3s, crash: n2, for: 2s}\n"));
  const auto restart = find(timed, "^n2 restarts");
  REQUIRE(restart);
  CHECK(restart->at == 5 * kSecond);
}

TEST_CASE("on: vote ignores pre-votes: with PreVote on it fires only once a candidate asks", "[faults][triggers]") {
  const auto result = test::run_observed(make("  - {at: 3s, crash: leader}\n"
                                              "  - {at: 3s, on: vote, crash: subject, for: 5ms}\n"
                                              "  - {at: 12s, restart: crashed}\n",
                                              1, "{nodes: 5, prevote: true, check_quorum: true}"));
  const auto fired = find(result, R"(^(n\d+): vote fires)", 3 * kSecond);
  REQUIRE(fired);
  // The first node to become a real candidate after 3s (pre-candidates do not count).
  std::int64_t first_candidate = INT64_MAX;
  for (const auto& node : result.observations)
    for (const auto& role : node.roles)
      if (role.time_us > 3 * kSecond && role.role == "candidate") first_candidate = std::min(first_candidate, role.time_us);
  REQUIRE(first_candidate < INT64_MAX);
  CHECK(fired->at > first_candidate);  // a pre-vote grant came earlier and did not fire it
  bool pre_candidate_before = false;
  for (const auto& node : result.observations)
    for (const auto& role : node.roles)
      if (role.time_us > 3 * kSecond && role.time_us < first_candidate && role.role == "pre-candidate") pre_candidate_before = true;
  CHECK(pre_candidate_before);
  require_safety(result);
}

TEST_CASE("triggered faults replay (same seed, same trace hash) and the trigger changes the run", "[faults][triggers][determinism]") {
  const std::string faults = "  - {at: 3s, crash: leader}\n"
                             "  - {at: 3s, on: vote, crash: subject, for: 2ms}\n"
                             "  - {at: 3s, on: elected, delay: 20ms, isolate: subject}\n"
                             "  - {at: 12s, heal: true}\n"
                             "  - {at: 12s, restart: crashed}\n";
  const auto first = test::run_observed(make(faults, 7));
  const auto again = test::run_observed(make(faults, 7));
  CHECK(first.trace_hash == again.trace_hash);
  // Both triggers fired, each on its own event, in the same places both times.
  const auto voted = find(first, R"(^(n\d+): vote fires)");
  const auto elected = find(first, R"(^(n\d+): elected fires)");
  REQUIRE(voted);
  REQUIRE(elected);
  CHECK(find(again, "^" + voted->node + ": vote fires")->at == voted->at);
  CHECK(find(again, "^" + elected->node + ": elected fires")->at == elected->at);
  const auto cut = find(first, R"(^isolate subject -> \{(n\d+)\})");
  REQUIRE(cut);
  CHECK(cut->node == elected->node);
  CHECK(cut->at == elected->at + 20'000);
  // And the YAML written back reads to the same run.
  const auto scenario = make(faults, 7);
  const std::string yaml = scenario::to_yaml(scenario);
  CHECK(yaml.find("on: vote") != std::string::npos);
  CHECK(yaml.find("for: 2ms") != std::string::npos);
  CHECK(yaml.find("delay: 20ms") != std::string::npos);
  CHECK(sim::run_scenario(scenario::parse_scenario(yaml, "again.yaml")).trace_hash == first.trace_hash);
}

TEST_CASE("a voter that crashes before its vote is durable votes twice (vote-not-persisted)", "[faults][triggers][bugs]") {
  // Two candidates of one term (clock jumps fire their timers together), and
  // the first three grants each crash their voter as the vote leaves (every
  // armed fault matching an event fires on it, hence nth), back 1ms later.
  // With the vote fsynced first a voter refuses the second candidate;
  // without, it grants again: two leaders.
  const std::string faults = "  - {at: 3s, crash: leader, for: 20ms}\n"
                             "  - {at: 3050ms, clock: {node: n1, skew: 2s}}\n"
                             "  - {at: 3050ms, clock: {node: n2, skew: 2s}}\n"
                             "  - {at: 3050ms, on: vote, within: 500ms, crash: subject, for: 1ms}\n"
                             "  - {at: 3050ms, on: vote, nth: 2, within: 500ms, crash: subject, for: 1ms}\n"
                             "  - {at: 3050ms, on: vote, nth: 3, within: 500ms, crash: subject, for: 1ms}\n";
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    INFO("seed " << seed);
    auto scenario = make(faults, seed);
    const auto clean = sim::run_scenario(scenario);
    require_safety(clean);
    REQUIRE(raft::enable_bug(scenario.bugs, "vote-not-persisted"));
    const auto planted = sim::run_scenario(scenario);
    if (!test::find_check(planted, "election_safety")->ok) ++caught;
  }
  CHECK(caught >= 3);
}
