// The real-world planted bugs (README, "Planted bugs"): each runs the same
// inputs with the bug off and on, and the two runs differ in exactly the
// mechanism that shipped upstream. (What each breaks in a whole run is shown
// by scenarios/bugs/NAME.yaml and by the fuzzer.)
#include <catch2/catch.hpp>

#include "core/raft/bugs.hpp"
#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

using raft::MembershipChange;
using raft::MembershipChangeType;

// Counts the messages of `type` in a Ready, sent now or after persisting.
std::size_t count(const Ready& ready, MessageType type) {
  std::size_t n = 0;
  for (const auto& m : ready.messages) n += m.type == type;
  for (const auto& m : ready.messages_after_persist) n += m.type == type;
  return n;
}

TEST_CASE("planted bug vote_reset_same_term: a restart within the term forgets the vote", "[core][raft][planted]") {
  Options options;
  options.bugs.vote_reset_same_term = GENERATE(false, true);
  const bool bug = options.bugs.vote_reset_same_term;
  CAPTURE(bug);
  // n2 voted for n1 in term 2, durably, and restarts: a follower of term 2.
  Solo voter(2, 3, options, restore_state(2, 1, 0, {1}));
  CHECK(voter->term() == 2);
  CHECK(voter->voted_for() == (bug ? raft::kNoNode : NodeId{1}));
  // n3, a candidate of the same term with as good a log, asks too.
  const Ready ready = voter.step(make_vote_request(3, 2, 2, 1, 1));
  const auto& answers = ready.messages.empty() ? ready.messages_after_persist : ready.messages;
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].reject == !bug);  // the bug: a second vote in term 2
}

TEST_CASE("planted bug vote_reset_same_term: a candidate that lost votes again in its term", "[core][raft][planted]") {
  Options options;
  options.bugs.vote_reset_same_term = GENERATE(false, true);
  const bool bug = options.bugs.vote_reset_same_term;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.tick_until_campaign(1);  // n1: candidate of term 1, voted for itself
  cluster.take(1);
  Message refusal = make_message(MessageType::vote_response, 2, 1, 1);
  refusal.reject = true;
  cluster.step(refusal);
  refusal.from = 3;
  cluster.step(refusal);
  REQUIRE(cluster.node(1).role() == Role::follower);
  CHECK(cluster.node(1).term() == 1);
  CHECK(cluster.node(1).voted_for() == (bug ? raft::kNoNode : NodeId{1}));
}

TEST_CASE("planted bug read_before_own_commit serves ReadIndex at a commit index that lags", "[core][raft][planted]") {
  Options options;
  options.bugs.read_before_own_commit = GENERATE(false, true);
  const bool bug = options.bugs.read_before_own_commit;
  CAPTURE(bug);
  // Entry 2 was committed by the old leader (n1), but n2 and n3 only know 1.
  Cluster cluster(3, options,
                  {restore_state(1, 1, 2, {1, 1}), restore_state(1, 1, 1, {1, 1}), restore_state(1, 1, 1, {1, 1})});
  cluster.isolate(1);
  cluster.tick_until_campaign(2);
  cluster.process(2);
  REQUIRE(cluster.deliver(is(MessageType::vote_request, 2, 3)));
  cluster.process(3);
  REQUIRE(cluster.deliver(is(MessageType::vote_response, 3, 2)));
  REQUIRE(cluster.node(2).role() == Role::leader);
  REQUIRE(cluster.node(2).commit_index() == 1);
  cluster.process(2);          // its no-op is durable on n2...
  cluster.network().clear();  // ...but has not reached n3
  cluster.node(2).read_index(7);
  const Ready ready = cluster.process(2);
  CHECK(count(ready, MessageType::heartbeat) == (bug ? 2u : 0u));  // the bug confirms leadership at once...
  if (bug) {
    REQUIRE(cluster.deliver(is(MessageType::heartbeat, 2, 3)));
    cluster.process(3);
    cluster.deliver_all(is(MessageType::heartbeat_response, 3, 2));
    cluster.process(2);
    // ...and answers at index 1, though 2 is committed: a stale read.
    REQUIRE(cluster.read_states(2).size() == 1);
    CHECK(cluster.read_states(2)[0].index == 1);
  } else {
    CHECK(cluster.read_states(2).empty());
    cluster.tick(2);  // a heartbeat brings n3 the no-op, which commits; the read is answered at it
    cluster.stabilize();
    REQUIRE(cluster.read_states(2).size() == 1);
    CHECK(cluster.read_states(2)[0].index == 3);
  }
}

TEST_CASE("planted bug lease_after_transfer keeps serving lease reads after TimeoutNow", "[core][raft][planted]") {
  Options options;
  options.check_quorum = true;
  options.read_mode = ReadMode::lease;
  options.bugs.lease_after_transfer = GENERATE(false, true);
  const bool bug = options.bugs.lease_after_transfer;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.elect(1);
  cluster.tick(1);  // a heartbeat round, acknowledged: the lease starts
  cluster.stabilize();
  cluster.node(1).read_index(5);
  cluster.take(1);
  REQUIRE(cluster.read_states(1).size() == 1);  // served from the lease
  cluster.node(1).transfer_leadership(2);
  REQUIRE(count(cluster.take(1), MessageType::timeout_now) == 1);
  cluster.node(1).read_index(6);
  const Ready ready = cluster.take(1);
  CHECK(cluster.read_states(1).size() == (bug ? 2u : 1u));  // the bug: still from the lease
  CHECK(count(ready, MessageType::heartbeat) == (bug ? 0u : 2u));  // no bug: a round confirms it first
}

TEST_CASE("planted bug commit_past_match commits past what an append verified (atomix/copycat#265)",
          "[core][raft][planted]") {
  Options options;
  options.bugs.commit_past_match = GENERATE(false, true);
  const bool bug = options.bugs.commit_past_match;
  CAPTURE(bug);
  // n2, a deposed leader of term 2, holds entries 3 and 4 nobody else has.
  Solo follower(2, 3, options, restore_state(2, 2, 2, {1, 1, 2, 2}));
  // The leader of term 3 has committed its own 3 and 4; it checks entry 2 and sends nothing else.
  follower.step(make_append(1, 2, 3, 2, 1, {}, 4));
  CHECK(follower->commit_index() == (bug ? 4u : 2u));  // the bug commits n2's stale 3 and 4
}

TEST_CASE("planted bug commit_past_match: heartbeats carry the leader's whole commit index", "[core][raft][planted]") {
  Options options;
  options.bugs.commit_past_match = GENERATE(false, true);
  const bool bug = options.bugs.commit_past_match;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.elect(1);
  cluster.isolate(3);
  cluster.node(1).propose(std::make_shared<const std::string>("x"));
  cluster.stabilize();  // committed on n1 and n2; n3 missed it
  cluster.heal(3);
  const LogIndex commit = cluster.node(1).commit_index();
  cluster.tick(1);
  const Ready ready = cluster.take(1);
  for (const auto& heartbeat : ready.messages) {
    if (heartbeat.type != MessageType::heartbeat || heartbeat.to != 3) continue;
    CHECK(heartbeat.commit == (bug ? commit : 1u));  // no bug: bounded by what n3 matched (the no-op)
  }
}

TEST_CASE("planted bug config_before_own_commit: a new leader changes membership at once", "[core][raft][planted]") {
  Options options;
  options.bugs.config_before_own_commit = GENERATE(false, true);
  const bool bug = options.bugs.config_before_own_commit;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.tick_until_campaign(1);
  cluster.process(1);
  cluster.deliver_all(is(MessageType::vote_request));
  cluster.process(2);
  cluster.process(3);
  cluster.deliver_all(is(MessageType::vote_response));
  REQUIRE(cluster.node(1).role() == Role::leader);
  REQUIRE(cluster.node(1).commit_index() == 0);  // its no-op is not committed
  CHECK(cluster.node(1).propose_membership({MembershipChangeType::add_learner, 4}) == bug);
  // One change at a time still holds.
  CHECK_FALSE(cluster.node(1).propose_membership({MembershipChangeType::add_learner, 5}));
}

TEST_CASE("planted bug config_on_apply: a configuration is in force only once applied", "[core][raft][planted]") {
  Options options;
  options.bugs.config_on_apply = GENERATE(false, true);
  const bool bug = options.bugs.config_on_apply;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.elect(1);
  REQUIRE(cluster.node(1).propose_membership({MembershipChangeType::remove, 3}));
  cluster.process(1);  // appended and sent, not yet committed
  CHECK(cluster.node(1).membership().voters.size() == (bug ? 3u : 2u));
  CHECK(cluster.node(1).quorum() == 2u);  // 2 of 3 with the bug, 2 of 2 without
  cluster.stabilize();  // committed and applied: the same either way
  CHECK(cluster.node(1).membership().voters == std::vector<NodeId>{1, 2});
  // Still one change at a time: nothing may follow until it commits.
  REQUIRE(cluster.node(1).propose_membership({MembershipChangeType::add_learner, 4}));
  CHECK_FALSE(cluster.node(1).propose_membership({MembershipChangeType::add_learner, 5}));
}

TEST_CASE("planted bug snapshot_truncates_committed: after a restart a purged previous entry reads as a conflict",
          "[core][raft][planted]") {
  Options options;
  options.bugs.snapshot_truncates_committed = GENERATE(false, true);
  const bool bug = options.bugs.snapshot_truncates_committed;
  CAPTURE(bug);
  // n2 restarts from a snapshot at 4 and entries 5 and 6, all committed.
  RestoreState restored;
  restored.hard_state = HardState{2, 1, 6};
  restored.snapshot_index = 4;
  restored.snapshot_term = 2;
  restored.snapshot_data = std::make_shared<const std::string>("state at 4");
  restored.entries = log_with_terms({2, 2}, 5);
  Solo follower(2, 3, options, std::move(restored));
  // An old append from the leader, whose previous entry (2) is inside the snapshot.
  const Ready ready = follower.step(make_append(1, 2, 2, 2, 1, {make_entry(3, 2)}, 3));
  CHECK(follower->log().last_index() == (bug ? 4u : 6u));  // the bug deletes committed 5 and 6
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK(ready.messages_after_persist[0].reject == bug);
}

TEST_CASE("planted bug prevote_stale_lead: a pre-candidate keeps its leader and ignores others' pre-votes",
          "[core][raft][planted]") {
  Options options;
  options.prevote = true;
  options.check_quorum = true;
  options.bugs.prevote_stale_lead = GENERATE(false, true);
  const bool bug = options.bugs.prevote_stale_lead;
  CAPTURE(bug);
  Solo follower(2, 3, options, restore_state(1, 1, 1, {1}));
  Message heartbeat = make_message(MessageType::heartbeat, 1, 2, 1);
  heartbeat.commit = 1;
  follower.step(heartbeat);
  REQUIRE(follower->leader() == 1);
  // The leader goes quiet: n2's timer runs out and it asks for pre-votes.
  for (int tick = 0; tick < 10; ++tick) follower->tick();
  follower.take();
  REQUIRE(follower->role() == Role::pre_candidate);
  CHECK(follower->leader() == (bug ? NodeId{1} : raft::kNoNode));
  // n3's timer ran out too: its pre-vote reaches n2 within n2's (stale) lease.
  const Ready ready = follower.step(make_vote_request(3, 2, 2, 1, 1, true));
  CHECK(count(ready, MessageType::prevote_response) == (bug ? 0u : 1u));  // the bug ignores it
}

}  // namespace
}  // namespace raftsim::test
