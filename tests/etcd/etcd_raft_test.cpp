// etcd's raft library (go.etcd.io/etcd/raft v3.4.23) under the simulator:
// it runs, it repeats bit for bit, its messages cross the network intact,
// and what it cannot be configured to do is refused with the line that asks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "core/input_error.hpp"
#include "sim/fuzz/campaign.hpp"
#include "sim/node/etcd/wire.hpp"
#include "sim/scenario/implementation.hpp"
#include "tests/sim/scenario_helpers.hpp"
#include "tests/support/run_command.hpp"

using namespace raftsim;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

scenario::Scenario on_etcd(const std::string& relative) {
  auto scenario = test::load(relative);
  scenario::use_implementation(scenario, scenario::RaftImplementation::etcd);
  return scenario;
}

std::string refusal(const std::string& yaml) {
  try {
    scenario::parse_scenario(yaml, "etcd.yaml");
  } catch (const InputError& error) {
    return error.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("etcd raft: minority-partition passes on etcd's raft, which elects and commits", "[etcd]") {
  const auto result = test::run_observed(on_etcd("scenarios/minority-partition.yaml"));
  CHECK(result.pass);
  CHECK(result.raft == "etcd");
  CHECK(result.metrics.elections >= 1);
  CHECK(result.metrics.ops_ok > 500);
  CHECK(result.metrics.commit_index > 500);
  for (const auto& node : result.nodes) CHECK(node.applied_index == result.metrics.commit_index);
}

TEST_CASE("etcd raft: a seeded run repeats bit for bit, and another seed differs", "[etcd][determinism]") {
  auto scenario = on_etcd("scenarios/leader-crash.yaml");
  const auto first = sim::run_scenario(scenario);
  const auto second = sim::run_scenario(scenario);
  REQUIRE(first.events > 10000);
  CHECK(first.trace_hash == second.trace_hash);
  CHECK(first.events == second.events);
  CHECK(first.metrics.messages_sent == second.metrics.messages_sent);
  scenario.seed += 1;
  CHECK(sim::run_scenario(scenario).trace_hash != first.trace_hash);
  // The same file on raftsim's core is another run.
  CHECK(sim::run_scenario(test::load("scenarios/leader-crash.yaml")).trace_hash != first.trace_hash);
}

TEST_CASE("etcd raft: the trace hash of a pinned run does not drift between builds", "[etcd][determinism]") {
  // Pins the bridge: election timeouts drawn from the node's stream, no map
  // order, goroutine or clock reaching the run. The same value in the
  // normal and the sanitizer build. If Debian's etcd raft or Go changes the
  // algorithm, or a deliberate change of the bridge moves it, update it in
  // the same commit and say why.
  auto scenario = scenario::parse_scenario(R"(
name: pinned
seed: 42
duration: 3s
cluster: {nodes: 3, raft: etcd}
workload: {clients: 2}
)", "pinned.yaml");
  const auto result = sim::run_scenario(scenario);
  CHECK(result.pass);
  CHECK(result.trace_hash_hex() == "66d69979cd400ada");
}

TEST_CASE("etcd raft: a fuzz campaign gives the same runs with one job and with two", "[etcd][fuzz][determinism]") {
  fuzz::CampaignOptions options;
  options.seeds = 8;
  options.seed_start = 500;
  options.generator.raft = scenario::RaftImplementation::etcd;
  options.jobs = 1;
  const auto one = fuzz::run_campaign(options, {}, {});
  options.jobs = 2;
  const auto two = fuzz::run_campaign(options, {}, {});
  CHECK(one.seeds_run == 8);
  CHECK(one.events > 50000);
  CHECK(one.events == two.events);
  CHECK(one.failures.size() == two.failures.size());
  for (const auto& failure : one.failures) FAIL("seed " << failure.seed << ": " << failure.check << ": " << failure.detail);
}

TEST_CASE("etcd raft: a shipped scenario etcd cannot be configured for is refused, saying why", "[etcd][scenario]") {
  // raftsim's regression files that cap an append at 4 entries: etcd caps
  // appends by bytes, so they run on raftsim's core only.
  for (const std::string file : {"scenarios/regressions/lease-read-after-leadership-transfer.yaml",
                                 "scenarios/regressions/lone-voter-leads-after-durable-vote.yaml",
                                 "scenarios/regressions/stale-candidate-liveness.yaml"}) {
    INFO(file);
    auto scenario = test::load(file);
    REQUIRE_THROWS_WITH(scenario::use_implementation(scenario, scenario::RaftImplementation::etcd),
                        Catch::Contains(file + ":") && Catch::Contains("cluster.max_append_entries") &&
                            Catch::Contains("MaxSizePerMsg") && Catch::Contains("got 4"));
  }
}

TEST_CASE("etcd raft: the loader refuses what etcd's raft cannot be configured to do, at its line", "[etcd][scenario]") {
  CHECK_THAT(refusal("duration: 2s\ncluster: {raft: etcd, election_timeout: [1s, 1500ms]}\n"),
             Catch::StartsWith("etcd.yaml:2:41: cluster.election_timeout:") && Catch::Contains("[ElectionTick, 2*ElectionTick)") &&
                 Catch::Contains("[1000ms, 2000ms]"));
  CHECK_THAT(refusal("duration: 2s\ncluster:\n  raft: etcd\n  max_append_entries: 16\n"),
             Catch::StartsWith("etcd.yaml:4:23: cluster.max_append_entries:") && Catch::Contains("got 16"));
  CHECK_THAT(refusal("duration: 2s\nbugs: [local-read]\ncluster: {raft: etcd}\n"),
             Catch::Contains("planted bugs are raftsim's own"));
  CHECK_THAT(refusal("duration: 2s\ncluster: {raft: etcd, read_mode: lease, check_quorum: false}\n"),
             Catch::Contains("requires check_quorum: true for lease reads"));
  CHECK_THAT(refusal("duration: 2s\ncluster:\n  raft: etcd\n  early_vote_requests: true\n"),
             Catch::StartsWith("etcd.yaml:4:24: cluster.early_vote_requests:") && Catch::Contains("after its term and vote are saved"));
  CHECK_THAT(refusal("duration: 2s\ncluster:\n  raft: etcd\n  lost_election_restarts_timer: false\n"),
             Catch::StartsWith("etcd.yaml:4:33: cluster.lost_election_restarts_timer:") && Catch::Contains("VoteLost"));
  CHECK_THAT(refusal("duration: 2s\ncluster: {raft: etcd3}\n"),
             Catch::StartsWith("etcd.yaml:2:17: cluster.raft:") && Catch::Contains("expected raftsim or etcd"));
  // What etcd can do is accepted: one entry per append, [T, 2T].
  CHECK(refusal("duration: 2s\ncluster: {raft: etcd, election_timeout: [300ms, 600ms], max_append_entries: 1}\n") ==
        "(accepted)");
}

TEST_CASE("etcd raft: --raft etcd with --bug is refused with exit 2, and --raft names the two", "[etcd][cli]") {
  const std::string file = RAFTSIM_SOURCE_DIR "/scenarios/teach/one-node.yaml";
  const auto run = test::run_raftsim("run " + file + " --raft etcd --bug local-read");
  CHECK(run.exit_code == 2);
  CHECK(contains(run.out, "planted bugs are raftsim's own"));
  const auto fuzz = test::run_raftsim("fuzz --seeds 1 --raft etcd --bug local-read");
  CHECK(fuzz.exit_code == 2);
  CHECK(contains(fuzz.out, "planted bugs are raftsim's own"));
  const auto bad = test::run_raftsim("run " + file + " --raft etcd2");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.out, "--raft"));
  const auto ok = test::run_raftsim("run " + file + " --raft etcd --json", "/dev/null");
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.out, "\"raft\":\"etcd\""));
}

TEST_CASE("etcd raft: every message kind crosses the wire intact", "[etcd][wire]") {
  using raft::MessageType;
  for (MessageType type :
       {MessageType::prevote_request, MessageType::prevote_response, MessageType::vote_request,
        MessageType::vote_response, MessageType::append, MessageType::append_response, MessageType::heartbeat,
        MessageType::heartbeat_response, MessageType::proposal, MessageType::read_index_request,
        MessageType::read_index_response, MessageType::timeout_now, MessageType::snapshot,
        MessageType::transfer_leader}) {
    INFO(raft::message_type_name(type));
    raft::Message m;
    m.type = type;
    m.from = 3;
    m.to = 5;
    m.term = 7;
    m.log_index = 41;
    m.log_term = 6;
    m.commit = 40;
    m.reject = type == MessageType::append_response;
    m.reject_hint = 39;
    if (type == MessageType::vote_request) m.context = raft::kForceVote;
    if (type == MessageType::heartbeat || type == MessageType::heartbeat_response) m.context = 0x1122334455667788ULL;
    if (type == MessageType::append || type == MessageType::proposal) {
      m.entries.push_back({6, 42, raft::EntryType::normal, std::make_shared<const std::string>("put a=1")});
      m.entries.push_back({7, 43, raft::EntryType::noop, nullptr});
      m.entries.push_back({7, 44, raft::EntryType::config, std::make_shared<const std::string>("\x08\x02\x10\x04")});
    }
    if (type == MessageType::snapshot) {
      m.snapshot = std::make_shared<const std::string>("kv state");
      m.snapshot_membership = raft::encode_membership({{1, 2, 3}, {4}});
      m.commit = 0;
    }
    sim::etcd::WireWriter writer;
    writer.message(m);
    raft::Message back;
    sim::etcd::WireReader reader(writer.buffer().data(), writer.buffer().size());
    reader.message(back, nullptr);
    CHECK(reader.done());
    CHECK(back.type == m.type);
    CHECK(back.from == m.from);
    CHECK(back.to == m.to);
    CHECK(back.term == m.term);
    CHECK(back.log_index == m.log_index);
    CHECK(back.log_term == m.log_term);
    CHECK(back.commit == m.commit);
    CHECK(back.reject == m.reject);
    CHECK(back.reject_hint == m.reject_hint);
    CHECK(back.context == m.context);
    REQUIRE(back.entries.size() == m.entries.size());
    for (std::size_t i = 0; i < m.entries.size(); ++i) {
      CHECK(back.entries[i].index == m.entries[i].index);
      CHECK(back.entries[i].term == m.entries[i].term);
      CHECK(back.entries[i].type == m.entries[i].type);
      CHECK((back.entries[i].data ? *back.entries[i].data : "") == (m.entries[i].data ? *m.entries[i].data : ""));
    }
    CHECK((back.snapshot ? *back.snapshot : "") == (m.snapshot ? *m.snapshot : ""));
    CHECK(back.snapshot_membership == m.snapshot_membership);
    // etcd's wire type numbers are etcd's (raftpb.MessageType).
    CHECK(sim::etcd::from_pb(sim::etcd::to_pb(type)) == type);
  }
  CHECK(sim::etcd::to_pb(raft::MessageType::append) == 3);
  CHECK(sim::etcd::to_pb(raft::MessageType::prevote_request) == 17);
}

TEST_CASE("etcd raft: quorum --simulate, --explain and --report run on etcd's raft", "[etcd][cli]") {
  const auto quorum = test::run_raftsim("quorum --simulate --raft etcd --nodes 3 --duration 20s --runs 2 --seed 3 --json",
                                        "/dev/null");
  CHECK(quorum.exit_code == 0);
  CHECK(contains(quorum.out, "\"simulated_write_unavailable\""));
  // The interface cannot say whose votes elected an etcd leader: the
  // explanation says so rather than invent them.
  const std::string file = RAFTSIM_SOURCE_DIR "/scenarios/leader-crash.yaml";
  const auto explain = test::run_raftsim("run " + file + " --raft etcd --explain");
  CHECK(explain.exit_code == 0);
  CHECK(contains(explain.out, "its implementation does not say with whose votes"));
  const std::string report = "etcd_report_test.html";
  const auto pictured = test::run_raftsim("run " + file + " --raft etcd -q --report " + report);
  CHECK(pictured.exit_code == 0);
  CHECK(std::filesystem::file_size(report) > 10000);
  std::filesystem::remove(report);
}
