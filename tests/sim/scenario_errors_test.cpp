// Bad scenario files are input errors (exit 2) that name the file, line,
// column, key and what was expected; nothing runs.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/input_error.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/yaml_reader.hpp"

using namespace raftsim;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    scenario::parse_scenario(yaml, "bad.yaml");
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

int run_cli(const std::string& yaml, std::string& output) {
  const std::string path = "scenario_errors_test.yaml";
  std::ofstream(path) << yaml;
  const std::string command = std::string(RAFTSIM_BINARY) + " run " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[512];
  output.clear();
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  std::remove(path.c_str());
  return WEXITSTATUS(status);
}
}  // namespace

TEST_CASE("a missing duration is an error naming the key", "[scenario][errors]") {
  const auto message = error_of("name: x\ncluster:\n  nodes: 3\n");
  CHECK(message.find("bad.yaml:1:1") != std::string::npos);
  CHECK(message.find("duration") != std::string::npos);
  CHECK(message.find("missing") != std::string::npos);
}

TEST_CASE("an unknown key is an error with a did-you-mean hint", "[scenario][errors]") {
  const auto message = error_of("duration: 10s\ncluster:\n  nodse: 3\n");
  CHECK(message.find("bad.yaml:3:3") != std::string::npos);
  CHECK(message.find("cluster.nodse") != std::string::npos);
  CHECK(message.find("did you mean 'nodes'") != std::string::npos);
}

TEST_CASE("a bad duration names what was expected", "[scenario][errors]") {
  const auto message = error_of("duration: 10 seconds\n");
  CHECK(message.find("bad.yaml:1:11") != std::string::npos);
  CHECK(message.find("expected a duration with a unit") != std::string::npos);
  CHECK(error_of("duration: 30\n").find("expected a duration with a unit") != std::string::npos);
  CHECK(error_of("duration: 1.5us\n").find("duration") != std::string::npos);
}

TEST_CASE("limits of CONTRACT §9 are input errors", "[scenario][errors]") {
  CHECK(error_of("duration: 25h\n").find("expected a duration from") != std::string::npos);
  CHECK(error_of("duration: 1s\ncluster: {nodes: 65}\n").find("at most 64 nodes") != std::string::npos);
  CHECK(error_of("duration: 1s\ncluster: {nodes: 0}\n").find("expected an integer from 1") != std::string::npos);
  CHECK(error_of("duration: 1s\nnetwork: {drop: 1.5}\n").find("expected a number from 0 to 1") != std::string::npos);
  CHECK(error_of("duration: 1s\nnetwork: {latency: [5ms, 1ms]}\n").find("min <= max") != std::string::npos);
  CHECK(error_of("duration: 1s\nfaults:\n  - {at: 0s, crash: n9}\n").find("no node n9 in a cluster of 5") !=
        std::string::npos);
  CHECK(error_of("duration: 1s\nfaults:\n  - {at: 2s, heal: true}\n").find("faults[0].at") != std::string::npos);
  CHECK(error_of("duration: 1s\nfaults:\n  - {at: 0s, heal: true, crash: n1}\n").find("one action per fault") !=
        std::string::npos);
  CHECK(error_of("duration: 1s\nchecks: [linearisability]\n").find("did you mean 'linearizability'") !=
        std::string::npos);
  CHECK(error_of("duration: [1s\n").find("not valid YAML") != std::string::npos);
}

TEST_CASE("triggered-fault keys are checked: the event, subject, within, delay, nth, crash for", "[scenario][errors][triggers]") {
  const auto fault = [](const std::string& body) { return error_of("duration: 10s\nfaults:\n  - " + body + "\n"); };
  const auto unknown_event = fault("{at: 1s, on: leader, crash: subject}");
  CHECK(unknown_event.find("bad.yaml:3:") != std::string::npos);
  CHECK(unknown_event.find("faults[0].on") != std::string::npos);
  CHECK(unknown_event.find("expected elected (a node becomes leader), vote") != std::string::npos);
  CHECK(unknown_event.find("got 'leader'") != std::string::npos);
  const auto no_trigger = fault("{at: 1s, crash: subject}");
  CHECK(no_trigger.find("faults[0].crash") != std::string::npos);
  CHECK(no_trigger.find("`subject` is the node whose event fired a triggered fault: it needs `on:`") != std::string::npos);
  CHECK(fault("{at: 1s, isolate: subject}").find("it needs `on:`") != std::string::npos);
  CHECK(fault("{at: 1s, within: 2s, crash: leader}").find("faults[0].within: only goes with a triggered fault") !=
        std::string::npos);
  CHECK(fault("{at: 1s, delay: 2s, crash: leader}").find("faults[0].delay: only goes with a triggered fault") !=
        std::string::npos);
  CHECK(fault("{at: 1s, nth: 2, crash: leader}").find("faults[0].nth: only goes with a triggered fault") !=
        std::string::npos);
  CHECK(fault("{at: 1s, on: vote, nth: 0, crash: subject}").find("faults[0].nth") != std::string::npos);
  CHECK(fault("{at: 1s, on: vote, within: 0s, crash: subject}").find("faults[0].within") != std::string::npos);
  CHECK(fault("{at: 1s, isolate: n1, for: 2s}").find("faults[0].for: only goes with `crash`") != std::string::npos);
  CHECK(fault("{at: 1s, pause: {node: n1, for: 2s}, for: 2s}").find("inside it") != std::string::npos);
  CHECK(fault("{at: 1s, crash: n1, for: 0s}").find("faults[0].for") != std::string::npos);
  CHECK(fault("{at: 1s, on: campain, crash: subject}").find("got 'campain'") != std::string::npos);
  // And the valid forms parse to what they say.
  const auto s = scenario::parse_scenario(
      "duration: 10s\nfaults:\n  - {at: 1s, on: elected, nth: 2, within: 3s, delay: 20ms, crash: [subject, n2], for: 5ms}\n",
      "ok.yaml");
  REQUIRE(s.faults.size() == 1);
  const auto& f = s.faults.front();
  CHECK(f.trigger == scenario::Trigger::elected);
  CHECK(f.nth == 2);
  CHECK(f.within == 3'000'000);
  CHECK(f.delay == 20'000);
  CHECK(f.down_for == 5'000);
  REQUIRE(f.nodes.size() == 2);
  CHECK(f.nodes[0].kind == scenario::NodeSelector::Kind::subject);
  // Written back, every key survives and reads to the same scenario.
  const std::string yaml = scenario::to_yaml(s);
  for (const char* key : {"on: elected", "nth: 2", "within: 3s", "delay: 20ms", "for: 5ms", "crash: [subject, n2]"})
    CHECK(yaml.find(key) != std::string::npos);
  CHECK(scenario::to_yaml(scenario::parse_scenario(yaml, "again.yaml")) == yaml);
  const auto kept = scenario::parse_scenario("duration: 10s\nfaults:\n  - {at: 1s, on: vote, crash: subject, lose_unsynced: false}\n", "ok.yaml");
  CHECK_FALSE(kept.faults.front().lose_unsynced);
  CHECK(scenario::to_yaml(kept).find("lose_unsynced: false, on: vote") != std::string::npos);
}

TEST_CASE("durations parse with every unit", "[scenario]") {
  CHECK(scenario::parse_duration("250us") == 250);
  CHECK(scenario::parse_duration("150ms") == 150'000);
  CHECK(scenario::parse_duration("2s") == 2'000'000);
  CHECK(scenario::parse_duration("1.5s") == 1'500'000);
  CHECK(scenario::parse_duration("2m") == 120'000'000);
  CHECK(scenario::parse_duration("-400ms") == -400'000);
  CHECK_FALSE(scenario::parse_duration("2").has_value());
  CHECK_FALSE(scenario::parse_duration("s").has_value());
  CHECK_FALSE(scenario::parse_duration("1.0000001s").has_value());
}

TEST_CASE("raftsim run exits 2 with file, line and column for a malformed scenario", "[scenario][errors][cli]") {
  std::string output;
  CHECK(run_cli("duration: 10s\nworkload:\n  clients: 2\n  thinkk: [0ms, 1ms]\n", output) == 2);
  CHECK(output.find("scenario_errors_test.yaml:4:3: workload.thinkk: unknown key (did you mean 'think'?)") !=
        std::string::npos);
  CHECK(run_cli("name: no-duration\n", output) == 2);
  CHECK(output.find("duration") != std::string::npos);
}

TEST_CASE("a node in two partition groups is an error that points to the bridge generator", "[scenario][errors]") {
  const auto message = error_of("duration: 10s\ncluster: {nodes: 3}\nfaults:\n  - at: 1s\n    partition: [[n1, n2], [n2, n3]]\n");
  INFO(message);
  CHECK(message.find("bad.yaml:5:28") != std::string::npos);
  CHECK(message.find("faults[0].partition[1]") != std::string::npos);
  CHECK(message.find("n2 is already in faults[0].partition[0] (line 5, column 22)") != std::string::npos);
  CHECK(message.find("partition: bridge") != std::string::npos);
  // The same selector in two groups, and a node twice in one group.
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, partition: [[leader], [leader, n3]]}\n")
            .find("leader is already in faults[0].partition[0]") != std::string::npos);
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, partition: [[n1, n1], [n3]]}\n")
            .find("n1 is already in faults[0].partition[0]") != std::string::npos);
}

TEST_CASE("a one-way partition names each node on one side only", "[scenario][errors]") {
  const auto both = error_of("duration: 10s\nfaults:\n  - {at: 1s, partition: {from: [n1, n2], to: [n2, n3]}}\n");
  INFO(both);
  CHECK(both.find("bad.yaml:3:47") != std::string::npos);
  CHECK(both.find("faults[0].partition.to: n2 is already in faults[0].partition.from") != std::string::npos);
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, partition: {from: [n1, n1], to: [n3]}}\n")
            .find("n1 is already in faults[0].partition.from") != std::string::npos);
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, partition: {from: leader, to: [follower, leader]}}\n")
            .find("leader is already in faults[0].partition.from") != std::string::npos);
}

TEST_CASE("node lists of crashes, restarts and expectations name each node once", "[scenario][errors]") {
  const auto crash = error_of("duration: 10s\nfaults:\n  - {at: 1s, crash: [n1, n2, n1]}\n");
  INFO(crash);
  CHECK(crash.find("bad.yaml:3:30") != std::string::npos);
  CHECK(crash.find("faults[0].crash: n1 is listed twice (first at line 3, column 22)") != std::string::npos);
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, restart: [crashed, crashed]}\n")
            .find("faults[0].restart: crashed is listed twice") != std::string::npos);
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, crash: [any, any]}\n").find("any is listed twice") !=
        std::string::npos);
  const auto expectation = error_of("duration: 10s\nexpect:\n  - no_commit: {nodes: [n1, n2, n2], during: [1s, 2s]}\n");
  CHECK(expectation.find("expect[0].no_commit.nodes: n2 is listed twice") != std::string::npos);
  // Distinct selectors stay legal: they are resolved when the fault fires.
  CHECK(error_of("duration: 10s\nfaults:\n  - {at: 1s, crash: [leader, follower]}\n") == "(no error)");
}

TEST_CASE("`bugs:` names planted bugs, and an unknown or repeated one is an error", "[scenario][errors][bugs]") {
  const auto scenario = scenario::parse_scenario("duration: 10s\nbugs: [local-read, watch-gap]\n", "ok.yaml");
  CHECK(raft::enabled_bug_names(scenario.bugs) == std::vector<std::string>{"local-read", "watch-gap"});
  const auto unknown = error_of("duration: 10s\nbugs: [local-raed]\n");
  CHECK(unknown.find("bad.yaml:2:8") != std::string::npos);
  CHECK(unknown.find("no planted bug 'local-raed' (expected one of: ") != std::string::npos);
  CHECK(error_of("duration: 10s\nbugs: [local-read, local-read]\n").find("local-read is listed twice") !=
        std::string::npos);
  CHECK(error_of("duration: 10s\nbugs: local-read\n").find("expected a list of planted bugs") != std::string::npos);
  // The bugs survive the round trip through a written file (fuzz and shrink write them).
  const auto again = scenario::parse_scenario(scenario::to_yaml(scenario), "again.yaml");
  CHECK(raft::enabled_bug_names(again.bugs) == std::vector<std::string>{"local-read", "watch-gap"});
}

TEST_CASE("a node name must be a starting member or one that add_node adds", "[scenario][errors]") {
  const auto message = error_of(
      "duration: 10s\ncluster: {nodes: 5}\nfaults:\n  - {at: 1s, add_node: n8}\n  - {at: 2s, crash: n6}\n");
  INFO(message);
  CHECK(message.find("bad.yaml:5:21") != std::string::npos);
  CHECK(message.find("no node n6 in a cluster of 5 (nodes are n1..n5, and n8 added by add_node)") != std::string::npos);
  CHECK(error_of("duration: 10s\ncluster: {nodes: 5}\nfaults:\n  - {at: 1s, add_node: n8}\n  - {at: 2s, crash: n8}\n") ==
        "(no error)");
}

TEST_CASE("a check named twice in `checks` is an error", "[scenario][errors]") {
  const auto message = error_of("duration: 10s\nchecks: [durability, liveness, durability]\n");
  INFO(message);
  CHECK(message.find("bad.yaml:2:32") != std::string::npos);
  CHECK(message.find("checks: durability is listed twice") != std::string::npos);
}
