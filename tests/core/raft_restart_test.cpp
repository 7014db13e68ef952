// A node rebuilt from what its host persisted (RestoreState): Figure 2's
// persistent state survives, volatile state starts over, and committed
// entries are handed out again to rebuild the state machine.
#include <catch2/catch.hpp>

#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

TEST_CASE("restart a node rebuilt from its hard state and log has that term and vote and log and commit",
          "[core][raft][restart]") {
  Solo solo(1, 3, {}, restore_state(5, 2, 3, {1, 1, 3, 5}));
  CHECK(solo->term() == 5);
  CHECK(solo->voted_for() == 2);
  CHECK(solo->commit_index() == 3);
  CHECK(solo->log().last_index() == 4);
  CHECK(terms_of(solo->log()) == std::vector<Term>{1, 1, 3, 5});
  CHECK(solo->role() == Role::follower);
  CHECK(solo->leader() == raft::kNoNode);
  CHECK(solo->applied_index() == 0);

  // The first Ready re-delivers the committed entries; nothing is to be
  // persisted again, nothing is sent.
  REQUIRE(solo->has_ready());
  const Ready ready = solo.take();
  CHECK_FALSE(ready.hard_state.has_value());
  CHECK(ready.entries.empty());
  CHECK(ready.messages.empty());
  CHECK(ready.messages_after_persist.empty());
  REQUIRE(ready.committed.size() == 3);
  for (LogIndex index = 1; index <= 3; ++index) CHECK(ready.committed[index - 1].index == index);
  CHECK(solo->applied_index() == 3);
  CHECK_FALSE(solo->has_ready());
}

TEST_CASE("restart committed entries are re-delivered from after the snapshot", "[core][raft][restart]") {
  RestoreState restored;
  restored.hard_state = HardState{5, 2, 3};
  restored.snapshot_index = 2;
  restored.snapshot_term = 1;
  restored.entries = log_with_terms({3, 5}, 3);
  Solo solo(1, 3, {}, restored);
  CHECK(solo->log().first_index() == 3);
  CHECK(solo->log().term_at(2) == Term{1});
  CHECK(solo->applied_index() == 2);
  const Ready ready = solo.take();
  REQUIRE(ready.committed.size() == 1);
  CHECK(ready.committed[0].index == 3);
  CHECK(ready.committed[0].term == 3);

  // A commit index behind the snapshot is raised to it: snapshots hold only committed state.
  restored.hard_state.commit = 0;
  Solo behind(1, 3, {}, restored);
  CHECK(behind->commit_index() == 2);
  CHECK(behind.take().committed.empty());
}

TEST_CASE("restart a restored vote is kept for the rest of its term", "[core][raft][restart]") {
  Solo voter(3, 3, {}, restore_state(5, 2, 0, {1}));
  Ready ready = voter.step(make_vote_request(1, 3, 5, 1, 1));
  REQUIRE(ready.messages.size() == 1);
  CHECK(ready.messages[0].reject);  // voted for n2 before the crash
  ready = voter.step(make_vote_request(2, 3, 5, 1, 1));
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);
}

TEST_CASE("restart a restored log that is inconsistent is refused", "[core][raft][restart]") {
  SeqRandom random(1);
  CHECK_THROWS_AS(Node(make_config(1, 3, {}), restore_state(1, 0, 3, {1, 1}), random), AssertionFailure);
  CHECK_THROWS_AS(Node(make_config(1, 3, {}), restore_state(2, 0, 0, {2, 1}), random), AssertionFailure);
}

TEST_CASE("restart an entry a follower received but never persisted is lost and not counted and then re-sent",
          "[core][raft][restart]") {
  Cluster cluster(3);
  cluster.elect(1);
  REQUIRE(cluster.node(1).propose(std::make_shared<const std::string>("x")));
  cluster.process(1);
  cluster.drop(is(MessageType::append, 1, 3));  // only n2 may give the majority
  REQUIRE(cluster.deliver(is(MessageType::append, 1, 2)));
  const Ready unwritten = cluster.take(2);
  REQUIRE(unwritten.entries.size() == 1);
  CHECK(unwritten.messages.empty());  // the ack waits for the write, which never happens
  REQUIRE(unwritten.messages_after_persist.size() == 1);

  cluster.restart(2);  // the crash
  cluster.process(2);
  CHECK(cluster.node(2).log().last_index() == 1);
  CHECK(cluster.node(1).commit_index() == 1);

  // The leader's next heartbeat finds n2 behind and sends the entry again.
  cluster.isolate(3);
  cluster.tick(1);
  cluster.stabilize();
  CHECK(cluster.node(2).log().last_index() == 2);
  CHECK(cluster.node(1).commit_index() == 2);
  CHECK(cluster.storage(2).entries.size() == 2);
}

}  // namespace
}  // namespace raftsim::test
