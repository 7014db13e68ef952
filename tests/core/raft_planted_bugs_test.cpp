// Each planted bug (CONTRACT §4, core/raft/bugs.hpp) makes exactly its own
// mistake: every test runs the same inputs with the bug off and on, and the
// two runs differ in that one respect. (commit_old_term is shown on Figure 8
// in raft_paper_replication_test.cpp.)
#include <catch2/catch.hpp>

#include "core/raft/bugs.hpp"
#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

TEST_CASE("planted bugs are all listed and can be enabled by name", "[core][raft][planted]") {
  const auto& bugs = raft::all_bugs();
  CHECK(bugs.size() == 17);
  for (const auto& info : bugs) {
    CAPTURE(info.name);
    raft::Bugs flags;
    CHECK_FALSE(flags.any());
    REQUIRE(raft::enable_bug(flags, info.name));
    CHECK(flags.*(info.flag));
    CHECK(flags.any());
    CHECK(raft::enabled_bug_names(flags) == std::vector<std::string>{info.name});
  }
  raft::Bugs flags;
  CHECK_FALSE(raft::enable_bug(flags, "no-such-bug"));
  CHECK_FALSE(flags.any());
}

TEST_CASE("planted bug quorum_off_by_one takes 2 of 5 as a majority", "[core][raft][planted]") {
  Options options;
  options.bugs.quorum_off_by_one = GENERATE(false, true);
  const bool bug = options.bugs.quorum_off_by_one;
  CAPTURE(bug);
  Cluster cluster(5, options);
  CHECK(cluster.node(1).quorum() == (bug ? 2u : 3u));

  SECTION("an election won with 2 votes of 5, and an entry committed on 2 of 5") {
    cluster.tick_until_campaign(1);
    cluster.process(1);
    REQUIRE(cluster.deliver(is(MessageType::vote_request, 1, 2)));
    cluster.process(2);
    REQUIRE(cluster.deliver(is(MessageType::vote_response, 2, 1)));
    CHECK(cluster.node(1).role() == (bug ? Role::leader : Role::candidate));
    if (bug) {
      cluster.network().clear();
      cluster.process(1);  // the no-op, durable on n1
      REQUIRE(cluster.deliver(is(MessageType::append, 1, 2)));
      cluster.process(2);
      REQUIRE(cluster.deliver(is(MessageType::append_response, 2, 1)));
      CHECK(cluster.node(1).commit_index() == 1);
    }
  }
  SECTION("two leaders in one term (Election Safety)") {
    cluster.tick_until_campaign(1);
    cluster.tick_until_campaign(3);
    REQUIRE(cluster.node(1).term() == cluster.node(3).term());
    cluster.process(1);
    cluster.process(3);
    REQUIRE(cluster.deliver(is(MessageType::vote_request, 1, 2)));
    REQUIRE(cluster.deliver(is(MessageType::vote_request, 3, 4)));
    cluster.process(2);
    cluster.process(4);
    cluster.deliver_all(is(MessageType::vote_response));
    const bool two_leaders =
        cluster.node(1).role() == Role::leader && cluster.node(3).role() == Role::leader;
    CHECK(two_leaders == bug);
  }
}

TEST_CASE("planted bug vote_not_persisted sends a granted vote before it is durable", "[core][raft][planted]") {
  Options options;
  options.bugs.vote_not_persisted = GENERATE(false, true);
  const bool bug = options.bugs.vote_not_persisted;
  CAPTURE(bug);
  Solo voter(3, 3, options);
  Ready ready = voter.step(make_vote_request(1, 3, 1, 0, 0));
  REQUIRE(ready.hard_state.has_value());  // the vote is still handed to the host to persist
  CHECK(ready.hard_state->voted_for == 1);
  const auto& granted_in = bug ? ready.messages : ready.messages_after_persist;
  const auto& not_in = bug ? ready.messages_after_persist : ready.messages;
  REQUIRE(granted_in.size() == 1);
  CHECK(granted_in[0].type == MessageType::vote_response);
  CHECK_FALSE(granted_in[0].reject);
  CHECK(not_in.empty());

  // Refusals never waited for anything: unchanged by the bug.
  ready = voter.step(make_vote_request(2, 3, 1, 0, 0));
  REQUIRE(ready.messages.size() == 1);
  CHECK(ready.messages[0].reject);
  CHECK(ready.messages_after_persist.empty());
}

TEST_CASE("planted bug no_log_check_vote grants a vote to a candidate with an out-of-date log",
          "[core][raft][planted]") {
  Options options;
  options.bugs.no_log_check_vote = GENERATE(false, true);
  const bool bug = options.bugs.no_log_check_vote;
  CAPTURE(bug);
  Solo voter(2, 3, options, restore_state(2, raft::kNoNode, 0, {1, 1, 2}));
  const Ready ready = voter.step(make_vote_request(1, 2, 3, 5, 1));  // last term 1 < 2
  const auto& responses = bug ? ready.messages_after_persist : ready.messages;
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].reject == !bug);
  CHECK(voter->voted_for() == (bug ? NodeId{1} : raft::kNoNode));

  // One vote per term still holds with the bug.
  const Ready second = voter.step(make_vote_request(3, 2, 3, 9, 9));
  REQUIRE(second.messages.size() + second.messages_after_persist.size() == 1);
  const Message& answer = second.messages.empty() ? second.messages_after_persist[0] : second.messages[0];
  CHECK(answer.reject == bug);  // bug: already voted for n1; no bug: n3 is up to date and gets it
}

TEST_CASE("planted bug no_truncate keeps conflicting entries and still acknowledges", "[core][raft][planted]") {
  Options options;
  options.bugs.no_truncate = GENERATE(false, true);
  const bool bug = options.bugs.no_truncate;
  CAPTURE(bug);
  Solo follower(2, 3, options, restore_state(2, raft::kNoNode, 0, {1, 1, 2, 2}));
  const Ready ready = follower.step(make_append(1, 2, 3, 2, 1, {make_entry(3, 3)}, 0));
  CHECK(terms_of(follower->log()) == (bug ? std::vector<Term>{1, 1, 2, 2} : std::vector<Term>{1, 1, 3}));
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);
  CHECK(ready.messages_after_persist[0].log_index == 3);  // a lie with the bug: its entry 3 is of term 2

  // Entries beyond the old end are still appended.
  follower.step(make_append(1, 2, 3, 2, 1, {make_entry(3, 3), make_entry(4, 3), make_entry(5, 3)}, 0));
  CHECK(terms_of(follower->log()) ==
        (bug ? std::vector<Term>{1, 1, 2, 2, 3} : std::vector<Term>{1, 1, 3, 3, 3}));
}

TEST_CASE("planted bug stale_term_accept takes entries from a leader of a lower term", "[core][raft][planted]") {
  Options options;
  options.bugs.stale_term_accept = GENERATE(false, true);
  const bool bug = options.bugs.stale_term_accept;
  CAPTURE(bug);
  Solo follower(2, 3, options, restore_state(3, raft::kNoNode, 1, {1}));
  follower.take();
  const Ready ready = follower.step(make_append(1, 2, 2, 1, 1, {make_entry(2, 2)}, 2));
  CHECK(follower->term() == 3);                     // the term is not lowered either way
  CHECK(follower->leader() == raft::kNoNode);       // nor is the stale leader followed
  if (bug) {
    CHECK(terms_of(follower->log()) == std::vector<Term>{1, 2});
    CHECK(follower->commit_index() == 2);
    REQUIRE(ready.messages_after_persist.size() == 1);
    CHECK_FALSE(ready.messages_after_persist[0].reject);
    CHECK(ready.messages_after_persist[0].log_index == 2);
  } else {
    CHECK(terms_of(follower->log()) == std::vector<Term>{1});
    CHECK(follower->commit_index() == 1);
    CHECK(ready.empty());
  }
}

TEST_CASE("planted bug ack_before_fsync acknowledges an append before it is durable", "[core][raft][planted]") {
  Options options;
  options.bugs.ack_before_fsync = GENERATE(false, true);
  const bool bug = options.bugs.ack_before_fsync;
  CAPTURE(bug);
  Solo follower(2, 3, options);
  Ready ready = follower.step(make_append(1, 2, 1, 0, 0, {make_entry(1, 1)}, 0));
  REQUIRE(ready.entries.size() == 1);  // still handed to the host to persist
  const auto& acked_in = bug ? ready.messages : ready.messages_after_persist;
  const auto& not_in = bug ? ready.messages_after_persist : ready.messages;
  REQUIRE(acked_in.size() == 1);
  CHECK(acked_in[0].type == MessageType::append_response);
  CHECK(acked_in[0].log_index == 1);
  CHECK(not_in.empty());

  // Rejections too, which are harmless either way.
  ready = follower.step(make_append(1, 2, 1, 5, 1, {make_entry(6, 1)}, 0));
  REQUIRE((bug ? ready.messages : ready.messages_after_persist).size() == 1);
  CHECK((bug ? ready.messages : ready.messages_after_persist)[0].reject);
  CHECK((bug ? ready.messages_after_persist : ready.messages).empty());
}

TEST_CASE("planted bug local_read answers a read without a heartbeat round", "[core][raft][planted]") {
  Options options;
  options.bugs.local_read = GENERATE(false, true);
  const bool bug = options.bugs.local_read;
  CAPTURE(bug);
  Cluster cluster(3, options);
  cluster.elect(1);

  SECTION("at once") {
    cluster.node(1).read_index(1);
    const Ready ready = cluster.take(1);
    CHECK(ready.read_states.size() == (bug ? 1u : 0u));
    CHECK(count_if(ready.messages, is(MessageType::heartbeat)) == (bug ? 0u : 2u));
  }
  SECTION("a deposed leader that does not know it serves a stale read") {
    cluster.isolate(1);
    cluster.elect(2);
    REQUIRE(cluster.node(2).propose(std::make_shared<const std::string>("y")));
    cluster.stabilize();
    REQUIRE(cluster.node(2).commit_index() == 3);  // term 1's no-op, term 2's no-op, "y"
    REQUIRE(cluster.node(1).role() == Role::leader);  // no CheckQuorum: it never learns
    cluster.node(1).read_index(2);
    cluster.stabilize();
    if (bug) {
      REQUIRE(cluster.read_states(1).size() == 1);
      CHECK(cluster.read_states(1)[0].index == 1);  // misses "y": not linearizable
    } else {
      CHECK(cluster.read_states(1).empty());  // its heartbeat round never completes
    }
  }
}

}  // namespace
}  // namespace raftsim::test
