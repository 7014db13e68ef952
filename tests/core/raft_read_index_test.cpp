// Linearizable reads without log writes (§6.4 of the thesis, ReadIndex), and
// the lease variant, driving the pure core message by message.
#include <catch2/catch.hpp>

#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

bool has_read(const std::vector<raft::ReadState>& reads, std::uint64_t id, LogIndex index) {
  for (const auto& read : reads)
    if (read.request_id == id && read.index == index) return true;
  return false;
}

TEST_CASE("§6.4 ReadIndex a leader answers with its commit index only after a majority acknowledges a heartbeat round",
          "[core][raft][read]") {
  Cluster cluster(3);
  cluster.elect(1);
  REQUIRE(cluster.node(1).commit_index() == 1);

  cluster.node(1).read_index(7);
  Ready ready = cluster.take(1);
  CHECK(ready.read_states.empty());
  REQUIRE(count_if(ready.messages, is(MessageType::heartbeat, 1)) == 2);
  const std::uint64_t round = ready.messages[0].context;
  CHECK(round > 0);
  for (const Message& heartbeat : ready.messages) CHECK(heartbeat.context == round);
  cluster.send(ready.messages);

  // An acknowledgement of an earlier round proves nothing about this read.
  Message old_ack = make_message(MessageType::heartbeat_response, 3, 1, 1);
  old_ack.context = round - 1;
  cluster.step(old_ack);
  CHECK(cluster.take(1).read_states.empty());

  // n2 acknowledges this round: with the leader itself, 2 of 3.
  REQUIRE(cluster.deliver(is(MessageType::heartbeat, 1, 2)));
  cluster.process(2);
  CHECK(cluster.take(1).read_states.empty());  // not delivered yet
  REQUIRE(cluster.deliver(is(MessageType::heartbeat_response, 2, 1)));
  ready = cluster.take(1);
  REQUIRE(ready.read_states.size() == 1);
  CHECK(ready.read_states[0].request_id == 7);
  CHECK(ready.read_states[0].index == 1);  // the commit index when the read arrived
}

TEST_CASE("§6.4 ReadIndex a read arriving before the commit advanced reads at the older index", "[core][raft][read]") {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.node(1).read_index(1);
  REQUIRE(cluster.node(1).propose(std::make_shared<const std::string>("x")));
  cluster.stabilize();
  REQUIRE(cluster.node(1).commit_index() == 2);
  CHECK(has_read(cluster.read_states(1), 1, 1));  // the index of the read's arrival, not of its answer
}

TEST_CASE("§6.4 ReadIndex a new leader answers no read before it has committed an entry of its term",
          "[core][raft][read]") {
  Cluster cluster(3);
  cluster.tick_until_campaign(1);
  cluster.process(1);
  cluster.deliver_all(is(MessageType::vote_request));
  cluster.process(2);
  REQUIRE(cluster.deliver(is(MessageType::vote_response, 2, 1)));
  REQUIRE(cluster.node(1).role() == Role::leader);
  REQUIRE(cluster.node(1).commit_index() == 0);

  cluster.node(1).read_index(8);
  Ready ready = cluster.take(1);
  CHECK(ready.read_states.empty());
  CHECK(ready.dropped_reads.empty());
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 0);  // no round yet: it waits for the commit
  cluster.send(ready.messages);
  cluster.persist(1, ready);
  cluster.send(ready.messages_after_persist);

  cluster.stabilize();
  REQUIRE(cluster.node(1).commit_index() == 1);
  REQUIRE(cluster.read_states(1).size() == 1);
  CHECK(cluster.read_states(1)[0].request_id == 8);
  CHECK(cluster.read_states(1)[0].index == 1);  // the no-op's index
}

TEST_CASE("§6.4 ReadIndex a follower's read is forwarded to the leader and answered with a read_index_response",
          "[core][raft][read]") {
  Cluster cluster(3);
  cluster.elect(1);
  REQUIRE(cluster.node(1).propose(std::make_shared<const std::string>("x")));
  cluster.stabilize();

  cluster.node(2).read_index(9);
  const Ready ready = cluster.process(2);
  REQUIRE(ready.messages.size() == 1);
  CHECK(ready.messages[0].type == MessageType::read_index_request);
  CHECK(ready.messages[0].to == 1);
  CHECK(ready.messages[0].context == 9);
  cluster.stabilize();

  const Message* response = find_if(cluster.delivered(), is(MessageType::read_index_response, 1, 2));
  REQUIRE(response != nullptr);
  CHECK_FALSE(response->reject);
  CHECK(response->context == 9);
  CHECK(response->log_index == 2);
  REQUIRE(cluster.read_states(2).size() == 1);
  CHECK(cluster.read_states(2)[0].request_id == 9);
  CHECK(cluster.read_states(2)[0].index == 2);
  CHECK(cluster.read_states(1).empty());  // the leader did not answer it as its own
}

TEST_CASE("§6.4 ReadIndex with no leader known a read is dropped", "[core][raft][read]") {
  SECTION("a node that knows no leader") {
    Cluster cluster(3);
    cluster.node(2).read_index(10);
    const Ready ready = cluster.take(2);
    CHECK(ready.messages.empty());
    REQUIRE(ready.dropped_reads == std::vector<std::uint64_t>{10});
  }
  SECTION("a read forwarded to a node that is no longer leader") {
    Options options;
    options.check_quorum = true;
    Cluster cluster(3, options);
    cluster.elect(1);
    // n1 hears from nobody for two election timeouts and steps down (same term).
    cluster.isolate(2);
    cluster.isolate(3);
    for (int tick = 0; tick < 2 * options.election_ticks_min; ++tick) {
      cluster.tick(1);
      cluster.stabilize();
    }
    REQUIRE(cluster.node(1).role() == Role::follower);
    REQUIRE(cluster.node(1).term() == 1);
    cluster.heal(2);
    cluster.heal(3);
    REQUIRE(cluster.node(2).leader() == 1);  // n2 has not noticed
    cluster.node(2).read_index(11);
    cluster.process(2);
    REQUIRE(cluster.deliver(is(MessageType::read_index_request, 2, 1)));
    cluster.process(1);
    const Message* response = find_if(cluster.network(), is(MessageType::read_index_response, 1, 2));
    REQUIRE(response != nullptr);
    CHECK(response->reject);
    REQUIRE(cluster.deliver(is(MessageType::read_index_response, 1, 2)));
    CHECK(cluster.take(2).dropped_reads == std::vector<std::uint64_t>{11});
  }
  SECTION("a leader that steps down drops the reads it had not answered") {
    Cluster cluster(3);
    cluster.elect(1);
    cluster.node(1).read_index(12);
    cluster.process(1);
    cluster.network().clear();
    cluster.step(make_message(MessageType::heartbeat, 3, 1, 2));
    const Ready ready = cluster.take(1);
    CHECK(ready.read_states.empty());
    CHECK(ready.dropped_reads == std::vector<std::uint64_t>{12});
  }
}

TEST_CASE("§6.4 lease reads with CheckQuorum are answered at once while a heartbeat round holds the lease",
          "[core][raft][read]") {
  Options options;
  options.read_mode = ReadMode::lease;
  options.check_quorum = true;
  Cluster cluster(3, options);
  cluster.elect(1);
  // Right after the election no round has been acknowledged yet: the read
  // falls back to a heartbeat round, like ReadIndex.
  cluster.node(1).read_index(12);
  Ready ready = cluster.take(1);
  CHECK(ready.read_states.empty());
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 2);
  cluster.send(ready.messages);
  cluster.stabilize();
  CHECK(has_read(cluster.read_states(1), 12, 1));
  // That acknowledged round started a lease: the next read needs no round.
  cluster.node(1).read_index(13);
  ready = cluster.take(1);
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 0);
  REQUIRE(ready.read_states.size() == 1);
  CHECK(ready.read_states[0].request_id == 13);
  CHECK(ready.read_states[0].index == 1);
}

TEST_CASE("§6.4 lease reads stop before the followers may elect another leader", "[core][raft][read]") {
  // Every clock ticks at the same rate (no drift at all). Thesis §6.4.1: the
  // lease started by a heartbeat round lasts an election timeout from the
  // round's start, because no follower votes before then. Here the lease is
  // "still leader", and CheckQuorum only looks every election_ticks_min ticks
  // at who answered during the previous window, so a cut-off leader keeps
  // leading (and reading) for up to two minimum election timeouts, while the
  // followers' own lease ends after one.
  Options options;
  options.read_mode = ReadMode::lease;
  options.check_quorum = true;
  options.prevote = true;
  options.election_ticks_min = 10;
  options.election_ticks_max = 20;
  Cluster cluster(3, options);
  cluster.elect(1);
  auto global_tick = [&cluster] {
    for (NodeId id = 1; id <= 3; ++id) cluster.tick(id);
    cluster.stabilize();
  };
  // One CheckQuorum window (n1 checks at ticks 10, 20, 30 after its election);
  // the followers answered every heartbeat. Then n1 is cut off.
  for (int tick = 1; tick <= 10; ++tick) global_tick();
  REQUIRE(cluster.node(1).role() == Role::leader);
  cluster.isolate(1);

  NodeId new_leader = raft::kNoNode;
  int elected_at = 0;
  for (int tick = 11; tick <= 40 && new_leader == raft::kNoNode; ++tick) {
    global_tick();
    for (NodeId id = 2; id <= 3; ++id)
      if (cluster.node(id).role() == Role::leader) new_leader = id, elected_at = tick;
  }
  REQUIRE(new_leader != raft::kNoNode);
  CAPTURE(new_leader, elected_at);
  REQUIRE(cluster.node(new_leader).propose(std::make_shared<const std::string>("y")));
  cluster.stabilize();
  const LogIndex written = cluster.node(new_leader).commit_index();
  REQUIRE(written == 3);  // the write "y" is committed by n2 and n3

  // The old leader, if it still thinks it leads, must not answer from its lease.
  CAPTURE(raft::role_name(cluster.node(1).role()));
  cluster.node(1).read_index(77);
  cluster.stabilize();
  for (const auto& read : cluster.read_states(1)) {
    CAPTURE(read.request_id, read.index);
    CHECK(read.index >= written);  // a read at index 1 misses "y": not linearizable
  }
}

TEST_CASE("§6.4.1 a leader that starts a leadership transfer gives up its lease for the rest of its term",
          "[core][raft][read][transfer]") {
  // TimeoutNow makes the target campaign at once, and its voters grant it
  // inside their CheckQuorum lease: a new leader can commit while the old
  // one's lease would still run (fuzz seed 2034229: a stale lease read).
  // Whenever TimeoutNow lands, even late: the lease is over until the next term.
  Options options;
  options.read_mode = ReadMode::lease;
  options.check_quorum = true;
  Cluster cluster(3, options);
  cluster.elect(1);
  cluster.node(1).read_index(12);
  cluster.send(cluster.take(1).messages);
  cluster.stabilize();
  REQUIRE(has_read(cluster.read_states(1), 12, 1));
  cluster.node(1).read_index(13);
  REQUIRE(cluster.take(1).read_states.size() == 1);  // the lease holds

  cluster.node(1).transfer_leadership(2);
  Ready ready = cluster.take(1);
  CHECK(count_if(ready.messages, is(MessageType::timeout_now)) == 1);  // in flight, not delivered yet
  cluster.node(1).read_index(14);
  ready = cluster.take(1);
  CHECK(ready.read_states.empty());  // not from the lease...
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 2);  // ...but confirmed by a round
  // The round is acknowledged (TimeoutNow still lost): the read is served,
  // and the next one again needs a round of its own.
  cluster.send(ready.messages);
  cluster.stabilize();
  CHECK(has_read(cluster.read_states(1), 14, 1));
  REQUIRE(cluster.node(1).role() == Role::leader);
  cluster.node(1).read_index(15);
  ready = cluster.take(1);
  CHECK(ready.read_states.empty());
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 2);
}

TEST_CASE("§6.4 lease reads without CheckQuorum fall back to a heartbeat round", "[core][raft][read]") {
  Options options;
  options.read_mode = ReadMode::lease;
  options.check_quorum = false;  // no bound on a deposed leader's belief: the lease is unsafe
  Cluster cluster(3, options);
  cluster.elect(1);
  cluster.node(1).read_index(14);
  const Ready ready = cluster.take(1);
  CHECK(ready.read_states.empty());
  CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == 2);
  cluster.send(ready.messages);
  cluster.stabilize();
  CHECK(has_read(cluster.read_states(1), 14, 1));
}

TEST_CASE("§6.4 ReadIndex a single-node cluster answers once its own entry is committed", "[core][raft][read]") {
  Cluster cluster(1);
  cluster.tick_until_campaign(1);
  REQUIRE(cluster.node(1).role() == Role::candidate);  // its own vote counts once it is durable
  cluster.process(1);                                 // term and vote on disk; the vote goes to itself
  REQUIRE(cluster.deliver(is(MessageType::vote_response, 1, 1)));
  REQUIRE(cluster.node(1).role() == Role::leader);    // its own vote is a majority
  cluster.node(1).read_index(15);
  const Ready ready = cluster.take(1);
  CHECK(ready.read_states.empty());  // its no-op is not durable yet, so not committed
  cluster.persist(1, ready);
  cluster.stabilize();
  REQUIRE(cluster.node(1).commit_index() == 1);
  CHECK(has_read(cluster.read_states(1), 15, 1));
}

}  // namespace
}  // namespace raftsim::test
