// The report's data: what is drawn where, checked against scenarios whose
// story is known (issue #9).
#include <catch2/catch.hpp>

#include <set>

#include "report_helpers.hpp"

using namespace raftsim;
using test::kSecond;

TEST_CASE("minority partition: n1 and n2 are drawn cut off from 5s to 15s", "[report]") {
  const auto r = test::run_reported(test::load("scenarios/minority-partition.yaml"));
  const auto& data = r.data;
  REQUIRE(data.lanes.size() == 5);
  int minority_side = -1, majority_side = -1;
  for (const std::string node : {"n1", "n2"}) {
    const auto& cuts = test::lane(data, node).cuts;
    REQUIRE(cuts.size() == 1);
    CHECK(cuts[0].start_us == 5 * kSecond);
    CHECK(cuts[0].end_us == 15 * kSecond);
    CHECK(cuts[0].cannot_send_to == std::vector<std::uint32_t>{3, 4, 5});
    CHECK(cuts[0].cannot_hear_from == std::vector<std::uint32_t>{3, 4, 5});
    CHECK_FALSE(cuts[0].one_way());
    if (minority_side < 0) minority_side = cuts[0].side;
    CHECK(cuts[0].side == minority_side);
  }
  for (const std::string node : {"n3", "n4", "n5"}) {
    const auto& cuts = test::lane(data, node).cuts;
    REQUIRE(cuts.size() == 1);
    CHECK(cuts[0].start_us == 5 * kSecond);
    CHECK(cuts[0].end_us == 15 * kSecond);
    CHECK(cuts[0].cannot_send_to == std::vector<std::uint32_t>{1, 2});
    if (majority_side < 0) majority_side = cuts[0].side;
    CHECK(cuts[0].side == majority_side);
  }
  CHECK(minority_side != majority_side);

  REQUIRE(data.faults.size() == 2);
  CHECK(data.faults[0].time_us == 5 * kSecond);
  CHECK(data.faults[0].kind == "partition");
  CHECK(data.faults[0].text == "partition {n1,n2} | {n3,n4,n5}");
  CHECK(data.faults[1].time_us == 15 * kSecond);
  CHECK(data.faults[1].kind == "heal");
  CHECK(data.pass);
  CHECK(data.violations.empty());
  CHECK(data.trace_hash == r.result.trace_hash_hex());
  CHECK(data.source_text.find("partition: [[n1, n2], [n3, n4, n5]]") != std::string::npos);
}

TEST_CASE("minority partition: one leader before the cut, one on the majority side during it", "[report]") {
  const auto r = test::run_reported(test::load("scenarios/minority-partition.yaml"));
  const auto leaders_at = [&](std::int64_t t) {
    std::vector<std::string> leaders;
    for (const auto& lane : r.data.lanes)
      if (test::role_at(lane, t) == "leader") leaders.push_back(lane.node);
    return leaders;
  };
  CHECK(leaders_at(4 * kSecond).size() == 1);
  const auto during = leaders_at(12 * kSecond);
  REQUIRE(during.size() == 1);
  CHECK((during[0] == "n3" || during[0] == "n4" || during[0] == "n5"));
  // Every leader interval is one of the run's recorded elections.
  for (const auto& lane : r.data.lanes)
    for (const auto& span : lane.roles) {
      CHECK(span.start_us < span.end_us);
      if (span.role != "leader") continue;
      const bool elected = std::any_of(r.result.leaders.begin(), r.result.leaders.end(), [&](const sim::LeaderRecord& l) {
        return l.node == lane.node && l.term == span.term && l.elected_us == span.start_us;
      });
      CHECK(elected);
    }
  // Term changes are marked, in increasing order.
  for (const auto& lane : r.data.lanes) {
    REQUIRE_FALSE(lane.terms.empty());
    for (std::size_t i = 1; i < lane.terms.size(); ++i) CHECK(lane.terms[i].term > lane.terms[i - 1].term);
  }
  // The minority's commit line stays flat while it is cut off.
  for (const std::string node : {"n1", "n2"}) {
    const auto& commits = test::lane(r.data, node).commits;
    std::uint64_t at_cut = 0, before_heal = 0;
    for (const auto& c : commits) {
      if (c.time_us <= 5 * kSecond + 200'000) at_cut = c.index;
      if (c.time_us < 15 * kSecond) before_heal = c.index;
    }
    CHECK(before_heal == at_cut);
  }
}

TEST_CASE("leader crash: the crashed node is drawn down from the crash to its restart", "[report]") {
  const auto r = test::run_reported(test::load("scenarios/leader-crash.yaml"));
  REQUIRE(r.data.faults.size() == 2);
  const auto& crash = r.data.faults[0];
  CHECK(crash.kind == "crash");
  CHECK(crash.time_us == 5 * kSecond);
  REQUIRE(crash.text.rfind("crash leader -> {n", 0) == 0);
  const std::string node = crash.text.substr(crash.text.find('{') + 1, crash.text.find('}') - crash.text.find('{') - 1);
  const auto& lane = test::lane(r.data, node);
  CHECK(test::role_at(lane, 5 * kSecond - 1) == "leader");
  REQUIRE(lane.states.size() == 1);
  CHECK(lane.states[0].state == sim::HostState::down);
  CHECK(lane.states[0].start_us == 5 * kSecond);
  CHECK(lane.states[0].end_us == 10 * kSecond);
  CHECK(test::role_at(lane, 7 * kSecond).empty());         // no role while down
  CHECK(test::role_at(lane, 10 * kSecond + 1) == "follower");  // restarts as a follower
  CHECK(r.data.faults[1].text == "restart crashed -> {" + node + "}");
}

TEST_CASE("one-way partition: the cut is drawn as one-way on both ends", "[report]") {
  const auto r = test::run_reported(test::load("scenarios/one-way-partition.yaml"));
  std::size_t senders = 0, receivers = 0;
  for (const auto& lane : r.data.lanes)
    for (const auto& cut : lane.cuts) {
      CHECK(cut.one_way());
      CHECK(cut.start_us == 5 * kSecond);
      if (!cut.cannot_send_to.empty()) ++senders;
      if (!cut.cannot_hear_from.empty()) ++receivers;
    }
  CHECK(senders == 1);
  CHECK(receivers == 4);
}

TEST_CASE("a linearizability violation names its operations, all embedded and marked", "[report]") {
  auto scenario = test::load("scenarios/bugs/local-read.yaml");
  REQUIRE(raft::enable_bug(scenario.bugs, "local-read"));
  const auto r = test::run_reported(scenario);
  REQUIRE(r.data.violations.size() == 1);
  const auto& violation = r.data.violations[0];
  CHECK(violation.check == "linearizability");
  REQUIRE_FALSE(violation.ops.empty());
  CHECK(violation.explanation.find("cannot be linearized") != std::string::npos);
  for (std::size_t id : violation.ops) {
    const auto it = std::find_if(r.data.ops.begin(), r.data.ops.end(), [&](const auto& op) { return op.id == id; });
    REQUIRE(it != r.data.ops.end());
    CHECK(it->witness);
    CHECK(it->call_us >= violation.span.start_us);
    CHECK(it->end_us <= violation.span.end_us);
  }
  const auto marked = std::count_if(r.data.ops.begin(), r.data.ops.end(), [](const auto& op) { return op.witness; });
  CHECK(static_cast<std::size_t>(marked) == violation.ops.size());
}

TEST_CASE("messages are recorded with send and delivery times", "[report]") {
  const auto r = test::run_reported(test::load("scenarios/minority-partition.yaml"));
  REQUIRE(r.data.messages_recorded);
  REQUIRE_FALSE(r.data.messages.empty());
  std::size_t lost_across = 0;
  for (const auto& m : r.data.messages) {
    if (m.delivered_us >= 0) CHECK(m.delivered_us >= m.sent_us);
    const bool across = (m.from <= 2) != (m.to <= 2);
    if (across && m.sent_us > 5 * kSecond && m.sent_us < 15 * kSecond) {
      CHECK(m.delivered_us == -1);
      ++lost_across;
    }
  }
  CHECK(lost_across > 0);
  CHECK(r.result.metrics.messages_sent >= r.data.messages_total);
}

TEST_CASE("limits: a run too big to embed keeps detail near faults and counts elsewhere", "[report]") {
  sim::report::Limits limits;
  limits.commit_points = 40;
  limits.operations = 300;
  limits.messages = 400;
  limits.client_bins = 50;
  const auto r = test::run_reported(test::load("scenarios/minority-partition.yaml"), limits);
  const auto& data = r.data;
  CHECK(data.ops.size() <= 300);
  CHECK(data.ops.size() < data.ops_total);
  CHECK(data.messages.size() <= 400);
  for (const auto& lane : data.lanes) CHECK(lane.commits.size() <= 45);
  REQUIRE_FALSE(data.detail.empty());
  CHECK((data.detail.size() > 1 || data.detail[0].end_us - data.detail[0].start_us < data.duration_us));
  // Every operation is counted in some client's bins.
  std::size_t counted = 0;
  for (const auto& client : data.clients) {
    CHECK(client.bins.size() == 50);
    for (const auto& bin : client.bins) counted += bin.ok + bin.fail + bin.unknown;
  }
  CHECK(counted == data.ops_total);
  // Embedded operations lie in detail windows.
  for (const auto& op : data.ops) {
    const bool inside = std::any_of(data.detail.begin(), data.detail.end(),
                                    [&](const auto& w) { return op.call_us < w.end_us && op.end_us >= w.start_us; });
    CHECK(inside);
  }
}
