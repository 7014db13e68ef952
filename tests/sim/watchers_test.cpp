// Reflectors (list, then watch; resume elsewhere; list again after
// compaction), periodic compaction and controllers that retry on conflict,
// judged by the watch check in whole runs.
#include <catch2/catch.hpp>

#include <string>

#include "core/raft/bugs.hpp"
#include "sim/request_payload.hpp"
#include "tests/sim/scenario_helpers.hpp"

using namespace raftsim;

TEST_CASE("reflectors survive isolation, crash, a frozen member and a split: the watch check passes", "[sim][watch]") {
  const auto scenario = test::load("scenarios/kubernetes-reflectors.yaml");
  const auto result = sim::run_scenario(scenario);
  const auto* watch = test::find_check(result, "watch");
  REQUIRE(watch != nullptr);
  INFO(watch->detail);
  CHECK(watch->judged);
  CHECK(watch->ok);
  CHECK(watch->ops.value_or(0) > 1000);  // events judged
  CHECK(result.metrics.watch_resumes >= 2);
  CHECK(result.metrics.watch_relists >= 1);  // a resumption fell behind the compaction
  CHECK(result.metrics.compactions >= 20);
  const auto* linearizability = test::find_check(result, "linearizability");
  REQUIRE(linearizability != nullptr);
  CHECK(linearizability->ok);
  CHECK(result.pass);
}

TEST_CASE("the watch-gap bug is caught when a resumed watch misses its first event", "[sim][watch][bugs]") {
  auto scenario = test::load("scenarios/kubernetes-reflectors.yaml");
  REQUIRE(raft::enable_bug(scenario.bugs, "watch-gap"));
  const auto result = sim::run_scenario(scenario);
  const auto* watch = test::find_check(result, "watch");
  REQUIRE(watch != nullptr);
  INFO(watch->detail);
  CHECK_FALSE(watch->ok);
  CHECK(watch->detail.find("resumed from revision") != std::string::npos);
  CHECK(watch->detail.find("not resumable") != std::string::npos);
  CHECK_FALSE(result.pass);
}

TEST_CASE("reflectors change no Raft decision: the same commits with and without watchers", "[sim][watch][determinism]") {
  auto without = test::load("scenarios/minority-partition.yaml");
  without.workload.watchers = 0;
  auto with = without;
  with.workload.watchers = 4;
  const auto a = test::run_observed(without);
  const auto b = test::run_observed(with);
  CHECK(a.metrics.messages_sent == b.metrics.messages_sent);
  CHECK(a.metrics.ops_ok == b.metrics.ops_ok);
  REQUIRE(a.observations.size() == b.observations.size());
  for (std::size_t i = 0; i < a.observations.size(); ++i) {
    CHECK(a.observations[i].commits == b.observations[i].commits);
    CHECK(a.observations[i].committed_log == b.observations[i].committed_log);
  }
  CHECK(b.metrics.watch_events > 0);
  CHECK(a.trace_hash != b.trace_hash);  // the reflectors' own events are in the trace
  CHECK_FALSE(test::find_check(a, "watch")->judged);
  CHECK(test::find_check(b, "watch")->judged);
}

TEST_CASE("runs with reflectors and compaction replay to the same trace hash", "[sim][watch][determinism]") {
  const auto scenario = test::load("scenarios/kubernetes-reflectors.yaml");
  const auto first = sim::run_scenario(scenario);
  const auto second = sim::run_scenario(scenario);
  CHECK(first.trace_hash == second.trace_hash);
  CHECK(first.metrics.watch_events == second.metrics.watch_events);
  auto other = scenario;
  other.seed += 1;
  CHECK(sim::run_scenario(other).trace_hash != first.trace_hash);
}

TEST_CASE("controllers that lose a compare re-read the key, then retry the cas", "[sim][workload]") {
  auto scenario = test::load("scenarios/quickstart.yaml");
  scenario.workload.ops = {0, 50, 0, 50};  // get, put, delete, cas: a get only ever comes from a retry
  scenario.workload.keys = 2;
  scenario.workload.retry_conflicts = true;
  history::History history;
  const auto result = sim::run_scenario(scenario, {}, &history);
  CHECK(result.pass);
  std::size_t failed_cas = 0;
  std::size_t retried = 0;
  for (int client = 1; client <= scenario.workload.clients; ++client) {
    std::vector<const history::Operation*> ops;
    for (const auto& op : history)
      if (op.client == client) ops.push_back(&op);
    for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
      const auto& op = *ops[i];
      const auto& next = *ops[i + 1];
      if (op.kind == history::OpKind::cas && op.outcome == history::Outcome::fail) {
        ++failed_cas;
        CHECK(next.kind == history::OpKind::get);  // re-read...
        CHECK(next.key == op.key);
      }
      if (op.kind == history::OpKind::get && op.outcome == history::Outcome::ok) {
        ++retried;
        CHECK(next.kind == history::OpKind::cas);  // ...then try again, expecting what it read
        CHECK(next.key == op.key);
        CHECK(next.expect == op.value);
      }
    }
  }
  CHECK(failed_cas > 5);
  CHECK(retried > 5);
}

TEST_CASE("a workload cas compares mod_revision, as a Kubernetes update does", "[sim][workload]") {
  history::Operation cas;
  cas.kind = history::OpKind::cas;
  cas.key = "k1";
  cas.expect = "c1-4";
  cas.value = "c2-9";
  const kv::Request request = sim::make_request(cas, 17);
  const auto& txn = std::get<kv::TxnRequest>(request);
  REQUIRE(txn.compare.size() == 1);
  CHECK(txn.compare[0].target == kv::Compare::Target::mod);
  CHECK(txn.compare[0].number == 17);
  cas.expect.reset();  // "absent": version 0
  const kv::Request absent = sim::make_request(cas, 0);
  const auto& create = std::get<kv::TxnRequest>(absent);
  CHECK(create.compare[0].target == kv::Compare::Target::version);
  CHECK(create.compare[0].number == 0);
}

TEST_CASE("workload.compact needs `every`, and its values are checked", "[sim][workload][errors]") {
  const std::string base = "name: x\nduration: 5s\nworkload:\n  compact: ";
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      scenario::parse_scenario(yaml, "bad.yaml");
    } catch (const std::exception& error) {
      return error.what();
    }
    return "(no error)";
  };
  CHECK_THAT(error_of(base + "{keep: 5}\n"), Catch::Contains("bad.yaml:4") && Catch::Contains("workload.compact") &&
                                               Catch::Contains("every"));
  CHECK_THAT(error_of(base + "{every: 1s, keep: -1}\n"), Catch::Contains("workload.compact.keep"));
  CHECK_THAT(error_of(base + "{every: 1s, kept: 5}\n"), Catch::Contains("did you mean") && Catch::Contains("keep"));
  const auto ok = scenario::parse_scenario(base + "{every: 2s, keep: 50}\n", "ok.yaml");
  CHECK(ok.workload.compact.every == 2'000'000);
  CHECK(ok.workload.compact.keep == 50);
}
