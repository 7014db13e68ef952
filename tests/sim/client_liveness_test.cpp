// Liveness judges what clients and reflectors see, not only that a leader
// serves: a node that silently drops every read, or every compare-and-swap,
// or a reflector that stops receiving, fails the check, which names what
// stalled, since when and at which node. Each case is planted through the
// node interface (RunOptions::wrap_node), as an implementation raftsim did
// not write could behave, and shown against the same run without it.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "sim/node/raft_node.hpp"
#include "sim/request_payload.hpp"
#include "tests/sim/scenario_helpers.hpp"

using namespace raftsim;

namespace {

// Forwards every call to the real node; subclasses drop what they choose.
class ForwardingNode : public sim::RaftNode {
 public:
  explicit ForwardingNode(std::unique_ptr<sim::RaftNode> inner) : inner_(std::move(inner)) {}
  void tick() override { inner_->tick(); }
  void step(const raft::Message& message) override { inner_->step(message); }
  bool propose(std::shared_ptr<const std::string> data) override { return inner_->propose(std::move(data)); }
  void read_index(std::uint64_t request_id) override { inner_->read_index(request_id); }
  void compact(raft::LogIndex index, std::shared_ptr<const std::string> data) override {
    inner_->compact(index, std::move(data));
  }
  bool propose_membership(const raft::MembershipChange& change) override { return inner_->propose_membership(change); }
  void transfer_leadership(raft::NodeId to) override { inner_->transfer_leadership(to); }
  void persisted(raft::LogIndex index, raft::Term term) override { inner_->persisted(index, term); }
  void ready_persisted() override { inner_->ready_persisted(); }
  bool has_ready() const override { return inner_->has_ready(); }
  void take_ready(raft::Ready& ready) override { inner_->take_ready(ready); }
  raft::NodeId id() const override { return inner_->id(); }
  raft::Role role() const override { return inner_->role(); }
  raft::Term term() const override { return inner_->term(); }
  raft::NodeId leader() const override { return inner_->leader(); }
  raft::NodeId voted_for() const override { return inner_->voted_for(); }
  raft::LogIndex commit_index() const override { return inner_->commit_index(); }
  raft::LogIndex applied_index() const override { return inner_->applied_index(); }
  const raft::Membership& membership() const override { return inner_->membership(); }
  const raft::RaftLog& log() const override { return inner_->log(); }
  const raft::Snapshot& snapshot() const override { return inner_->snapshot(); }
  raft::Membership config_after(const raft::Entry& entry) const override { return inner_->config_after(entry); }
  void check_invariants() const override { inner_->check_invariants(); }

 protected:
  std::unique_ptr<sim::RaftNode> inner_;
};

// Takes every linearizable read and never answers it.
class DropsReads : public ForwardingNode {
 public:
  using ForwardingNode::ForwardingNode;
  void read_index(std::uint64_t) override {}
};

// Accepts every transaction (a compare-and-swap) and never proposes it.
class DropsTransactions : public ForwardingNode {
 public:
  using ForwardingNode::ForwardingNode;
  bool propose(std::shared_ptr<const std::string> data) override {
    if (std::holds_alternative<kv::TxnRequest>(sim::decode_payload(*data).request)) return true;
    return inner_->propose(std::move(data));
  }
};

// Hands its host no committed entries: the store behind it stops.
class StopsApplying : public ForwardingNode {
 public:
  using ForwardingNode::ForwardingNode;
  void take_ready(raft::Ready& ready) override {
    inner_->take_ready(ready);
    ready.committed.clear();
  }
};

template <typename Node>
sim::RunOptions wrapped() {
  sim::RunOptions options;
  options.wrap_node = [](std::unique_ptr<sim::RaftNode> node) -> std::unique_ptr<sim::RaftNode> {
    return std::make_unique<Node>(std::move(node));
  };
  return options;
}

// Five nodes, a minority partition healed at 12s, clients running to the end.
scenario::Scenario quickstart_with(int get, int put, int cas, raft::ReadMode mode) {
  auto scenario = test::load("scenarios/quickstart.yaml");
  scenario.expect.clear();
  scenario.workload.ops = {get, put, 0, cas};
  scenario.workload.stop = std::nullopt;
  scenario.cluster.read_mode = mode;
  return scenario;
}

}  // namespace

TEST_CASE("liveness: a leader that drops every ReadIndex request stalls linearizable reads", "[sim][liveness]") {
  const auto scenario = quickstart_with(50, 50, 0, raft::ReadMode::read_index);
  const auto clean = sim::run_scenario(scenario);
  const auto* check = test::find_check(clean, "liveness");
  REQUIRE(check != nullptr);
  INFO(check->detail);
  CHECK(check->ok);
  CHECK_THAT(check->detail, Catch::Contains("every kind of client operation completed"));

  const auto dropped = sim::run_scenario(scenario, wrapped<DropsReads>());
  check = test::find_check(dropped, "liveness");
  INFO(check->detail);
  CHECK(check->judged);
  CHECK_FALSE(check->ok);
  // What stalled, since when, at which node; writes went on.
  CHECK_THAT(check->detail, Catch::StartsWith("linearizable reads: none of the"));
  CHECK_THAT(check->detail, Catch::Contains("no linearizable read ever completed"));
  CHECK_THAT(check->detail, Catch::Matches(".*the first, c[0-9]+ at n[1-5] \\(called at [0-9.]+s\\).*"));
  CHECK_THAT(check->detail, !Catch::Contains("writes"));
  CHECK_FALSE(dropped.pass);
}

TEST_CASE("liveness: the same with lease reads", "[sim][liveness]") {
  const auto scenario = quickstart_with(50, 50, 0, raft::ReadMode::lease);
  CHECK(test::find_check(sim::run_scenario(scenario), "liveness")->ok);
  const auto dropped = sim::run_scenario(scenario, wrapped<DropsReads>());
  const auto* check = test::find_check(dropped, "liveness");
  INFO(check->detail);
  CHECK_FALSE(check->ok);
  CHECK_THAT(check->detail, Catch::StartsWith("linearizable reads"));
}

TEST_CASE("liveness: serializable reads are judged as their own kind, and are served without ReadIndex",
          "[sim][liveness]") {
  // A node that drops ReadIndex requests does not touch serializable reads
  // (served from the local store); but a stalled write shows that the kinds
  // are told apart.
  const auto scenario = quickstart_with(50, 0, 50, raft::ReadMode::serializable);
  const auto reads_dropped = sim::run_scenario(scenario, wrapped<DropsReads>());
  CHECK(test::find_check(reads_dropped, "liveness")->ok);
  const auto txns_dropped = sim::run_scenario(scenario, wrapped<DropsTransactions>());
  const auto* check = test::find_check(txns_dropped, "liveness");
  INFO(check->detail);
  CHECK_FALSE(check->ok);
  CHECK_THAT(check->detail, Catch::StartsWith("compare-and-swap txns: none of the"));
  CHECK_THAT(check->detail, !Catch::Contains("serializable reads:"));
}

TEST_CASE("liveness: a node that drops every compare-and-swap stalls txns, not writes", "[sim][liveness]") {
  const auto scenario = quickstart_with(20, 40, 40, raft::ReadMode::read_index);
  CHECK(test::find_check(sim::run_scenario(scenario), "liveness")->ok);
  const auto dropped = sim::run_scenario(scenario, wrapped<DropsTransactions>());
  const auto* check = test::find_check(dropped, "liveness");
  INFO(check->detail);
  CHECK_FALSE(check->ok);
  CHECK_THAT(check->detail, Catch::StartsWith("compare-and-swap txns: none of the"));
  CHECK_THAT(check->detail, !Catch::Contains("writes:") && !Catch::Contains("reads:"));
}

TEST_CASE("liveness: a member that stops feeding its store leaves its reflector behind, and liveness says which",
          "[sim][liveness][watch]") {
  // Three reflectors, on n1..n3; clients on n1 and n2 only. n3's Raft node
  // goes on (its applied index, which convergence reads, advances) but hands
  // its host no committed entries: its store, and the watch it serves, stop.
  auto scenario = test::load("scenarios/quickstart.yaml");
  scenario.expect.clear();
  scenario.workload.clients = 2;
  scenario.workload.watchers = 3;
  const auto clean = sim::run_scenario(scenario);
  const auto* check = test::find_check(clean, "liveness");
  INFO(check->detail);
  CHECK(check->ok);
  CHECK_THAT(check->detail, Catch::Contains("every reflector received revision"));

  sim::RunOptions options;
  options.wrap_node = [](std::unique_ptr<sim::RaftNode> node) -> std::unique_ptr<sim::RaftNode> {
    if (node->id() != 3) return node;
    return std::make_unique<StopsApplying>(std::move(node));
  };
  const auto stuck = sim::run_scenario(scenario, options);
  check = test::find_check(stuck, "liveness");
  INFO(check->detail);
  CHECK(check->judged);
  CHECK_FALSE(check->ok);
  CHECK_THAT(check->detail, Catch::Matches("w3 \\(watching through n3\\) received revisions up to [0-9]+, not [0-9]+; "
                                           "its last events came at [0-9.]+s .*"));
}
