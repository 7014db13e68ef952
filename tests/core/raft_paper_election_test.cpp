// The Raft paper's rules for terms and elections (§5.1, §5.2, §5.4.1), and
// the thesis' PreVote and CheckQuorum (§9.6, §6.2), one TEST_CASE per rule,
// driving the pure core message by message (etcd's raft_paper_test.go).
#include <catch2/catch.hpp>

#include <set>
#include <tuple>
#include <utility>

#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

// ---------------------------------------------------------------- §5.1 terms

TEST_CASE("§5.1 a leader that sees a higher term in any message becomes a follower of that term",
          "[core][raft][5.1]") {
  const MessageType type = GENERATE(MessageType::append, MessageType::heartbeat, MessageType::vote_request,
                                    MessageType::vote_response, MessageType::append_response,
                                    MessageType::heartbeat_response, MessageType::read_index_request,
                                    MessageType::proposal);
  CAPTURE(raft::message_type_name(type));
  Cluster cluster(3);
  cluster.elect(1);
  REQUIRE(cluster.node(1).term() == 1);

  cluster.step(make_message(type, 2, 1, 5));
  CHECK(cluster.node(1).role() == Role::follower);
  CHECK(cluster.node(1).term() == 5);
  CHECK(cluster.node(1).voted_for() == raft::kNoNode);  // a new term, no vote yet
  // Only a message from the new term's leader tells who leads it.
  const bool from_leader = type == MessageType::append || type == MessageType::heartbeat;
  CHECK(cluster.node(1).leader() == (from_leader ? NodeId{2} : raft::kNoNode));
  // The new term is persistent state: it is in the next Ready's hard state.
  const Ready ready = cluster.take(1);
  REQUIRE(ready.hard_state.has_value());
  CHECK(ready.hard_state->term == 5);
}

TEST_CASE("§5.1 a candidate that sees a higher term becomes a follower", "[core][raft][5.1]") {
  Cluster cluster(3);
  cluster.tick_until_campaign(1);
  REQUIRE(cluster.node(1).role() == Role::candidate);
  REQUIRE(cluster.node(1).term() == 1);
  REQUIRE(cluster.node(1).voted_for() == 1);

  SECTION("from a heartbeat of the new leader") {
    cluster.step(make_message(MessageType::heartbeat, 3, 1, 4));
    CHECK(cluster.node(1).role() == Role::follower);
    CHECK(cluster.node(1).term() == 4);
    CHECK(cluster.node(1).leader() == 3);
    CHECK(cluster.node(1).voted_for() == raft::kNoNode);
  }
  SECTION("from a vote refusal") {
    Message refusal = make_message(MessageType::vote_response, 2, 1, 3);
    refusal.reject = true;
    cluster.step(refusal);
    CHECK(cluster.node(1).role() == Role::follower);
    CHECK(cluster.node(1).term() == 3);
    CHECK(cluster.node(1).leader() == raft::kNoNode);
  }
}

TEST_CASE("§5.1 a candidate that hears from a leader of its own term becomes its follower", "[core][raft][5.1]") {
  Cluster cluster(3);
  cluster.tick_until_campaign(1);
  REQUIRE(cluster.node(1).role() == Role::candidate);
  cluster.step(make_append(2, 1, 1, 0, 0, {}, 0));
  CHECK(cluster.node(1).role() == Role::follower);
  CHECK(cluster.node(1).term() == 1);
  CHECK(cluster.node(1).leader() == 2);
}

TEST_CASE("§5.1 messages with a stale term are ignored", "[core][raft][5.1]") {
  // A follower of term 3 with one entry; both PreVote and CheckQuorum off,
  // so a stale leader gets no answer at all.
  Solo follower(2, 3, {}, restore_state(3, 1, 1, {1}));
  REQUIRE(follower->term() == 3);
  follower.take();

  SECTION("a stale vote request is neither granted nor answered") {
    const Ready ready = follower.step(make_vote_request(3, 2, 2, 9, 2));
    CHECK(ready.messages.empty());
    CHECK(ready.messages_after_persist.empty());
    CHECK_FALSE(ready.hard_state.has_value());
    CHECK(follower->voted_for() == 1);
    CHECK(follower->term() == 3);
  }
  SECTION("a stale append changes nothing") {
    const Ready ready = follower.step(make_append(1, 2, 2, 1, 1, {make_entry(2, 2)}, 2));
    CHECK(ready.empty());
    CHECK(follower->log().last_index() == 1);
    CHECK(follower->commit_index() == 1);
    CHECK(follower->leader() == raft::kNoNode);
  }
  SECTION("a stale heartbeat does not make its sender the leader") {
    const Ready ready = follower.step(make_message(MessageType::heartbeat, 1, 2, 2));
    CHECK(ready.empty());
    CHECK(follower->leader() == raft::kNoNode);
  }
}

TEST_CASE("§5.1 a candidate does not count a vote granted in an earlier term", "[core][raft][5.1]") {
  Solo candidate(1, 3, {}, restore_state(1, raft::kNoNode, 0, {}));
  for (int i = 0; i < 100 && candidate->role() != Role::candidate; ++i) candidate->tick();
  REQUIRE(candidate->role() == Role::candidate);
  REQUIRE(candidate->term() == 2);
  candidate.step(make_message(MessageType::vote_response, 2, 1, 1));  // granted, but for term 1
  CHECK(candidate->role() == Role::candidate);
  candidate.step(make_message(MessageType::vote_response, 2, 1, 2));
  CHECK(candidate->role() == Role::leader);
}

TEST_CASE("§5.1 a stale leader's append is answered with the newer term when CheckQuorum or PreVote is on",
          "[core][raft][5.1]") {
  Options options;
  std::tie(options.check_quorum, options.prevote) =
      GENERATE(std::make_pair(true, false), std::make_pair(false, true), std::make_pair(true, true),
               std::make_pair(false, false));
  CAPTURE(options.check_quorum, options.prevote);
  const bool answered = options.check_quorum || options.prevote;

  Cluster cluster(3, options);
  cluster.elect(1);
  // n3 learns, from a heartbeat of n2, that a term 2 has begun without n1.
  cluster.step(make_message(MessageType::heartbeat, 2, 3, 2));
  cluster.process(3);
  cluster.network().clear();
  REQUIRE(cluster.node(3).term() == 2);

  // n1, still leader of term 1, replicates a proposal to n3.
  REQUIRE(cluster.node(1).propose(std::make_shared<const std::string>("x")));
  cluster.process(1);
  REQUIRE(cluster.deliver(is(MessageType::append, 1, 3)));
  const Ready ready = cluster.process(3);
  CHECK(cluster.node(3).log().last_index() == 1);  // the stale entry was not taken
  if (answered) {
    REQUIRE(count_if(ready.messages, is(MessageType::append_response, 3, 1)) == 1);
    const Message& response = *find_if(ready.messages, is(MessageType::append_response, 3, 1));
    CHECK(response.term == 2);
    REQUIRE(cluster.deliver(is(MessageType::append_response, 3, 1)));
    CHECK(cluster.node(1).role() == Role::follower);  // the stale leader learns and steps down
    CHECK(cluster.node(1).term() == 2);
  } else {
    CHECK(ready.empty());
    CHECK(cluster.node(1).role() == Role::leader);
  }
}

// ---------------------------------------------------------------- §5.2 elections

TEST_CASE("§5.2 a follower that hears nothing for an election timeout starts an election", "[core][raft][5.2]") {
  Cluster cluster(3);  // election timeout exactly 10 ticks
  cluster.tick(1, 9);
  CHECK(cluster.node(1).role() == Role::follower);
  CHECK(cluster.node(1).term() == 0);
  CHECK_FALSE(cluster.node(1).has_ready());
  cluster.tick(1);
  CHECK(cluster.node(1).role() == Role::candidate);
  CHECK(cluster.node(1).term() == 1);

  // A candidate that neither wins nor loses times out and starts a new election.
  cluster.take(1);
  cluster.tick(1, 9);
  CHECK(cluster.node(1).term() == 1);
  cluster.tick(1);
  CHECK(cluster.node(1).role() == Role::candidate);
  CHECK(cluster.node(1).term() == 2);
  const Ready ready = cluster.take(1);
  CHECK(count_if(ready.messages_after_persist, is(MessageType::vote_request, 1)) == 2);
}

TEST_CASE("§5.2 a heartbeat from the leader resets a follower's election timer", "[core][raft][5.2]") {
  Cluster cluster(3);
  cluster.elect(1);
  for (int round = 0; round < 5; ++round) {
    cluster.tick(2, 9);
    cluster.step(make_message(MessageType::heartbeat, 1, 2, 1));
  }
  CHECK(cluster.node(2).role() == Role::follower);
  CHECK(cluster.node(2).term() == 1);
  cluster.tick(2, 10);
  CHECK(cluster.node(2).role() == Role::candidate);
}

TEST_CASE("§5.2 a candidate increments its term and votes for itself and asks for votes only once durable",
          "[core][raft][5.2]") {
  Cluster cluster(3, {}, {restore_state(2, 3, 0, {1, 1, 2}), restore_state(2, 3, 0, {1, 1, 2}),
                          restore_state(2, 3, 0, {1, 1, 2})});
  cluster.tick_until_campaign(1);
  CHECK(cluster.node(1).role() == Role::candidate);
  CHECK(cluster.node(1).term() == 3);
  CHECK(cluster.node(1).voted_for() == 1);

  const Ready ready = cluster.take(1);
  REQUIRE(ready.hard_state.has_value());
  CHECK(*ready.hard_state == HardState{3, 1, 0});
  // §5.2 + Figure 2: the request depends on the new term and the self-vote
  // being durable, so it waits in messages_after_persist.
  CHECK(count_if(ready.messages, any_message()) == 0);
  REQUIRE(ready.messages_after_persist.size() == 2);
  std::set<NodeId> asked;
  for (const Message& request : ready.messages_after_persist) {
    CHECK(request.type == MessageType::vote_request);
    CHECK(request.term == 3);
    CHECK(request.log_index == 3);  // the candidate's last log index
    CHECK(request.log_term == 2);   // and its term
    asked.insert(request.to);
  }
  CHECK(asked == std::set<NodeId>{2, 3});
}

TEST_CASE("§5.2 a node grants at most one vote per term first come first served", "[core][raft][5.2]") {
  Solo voter(3, 3);
  // n1 asks first: granted, and the grant waits for the vote to be durable.
  Ready ready = voter.step(make_vote_request(1, 3, 1, 0, 0));
  REQUIRE(ready.hard_state.has_value());
  CHECK(*ready.hard_state == HardState{1, 1, 0});
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK(ready.messages_after_persist[0].type == MessageType::vote_response);
  CHECK(ready.messages_after_persist[0].to == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);
  CHECK(voter->voted_for() == 1);

  // n2, just as up to date, asks in the same term: refused.
  ready = voter.step(make_vote_request(2, 3, 1, 0, 0));
  REQUIRE(ready.messages.size() == 1);
  CHECK(ready.messages[0].type == MessageType::vote_response);
  CHECK(ready.messages[0].reject);
  CHECK(ready.messages[0].term == 1);
  CHECK(ready.messages_after_persist.empty());
  CHECK(voter->voted_for() == 1);

  // n1 asking again (its request was duplicated) gets the same answer.
  ready = voter.step(make_vote_request(1, 3, 1, 0, 0));
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);

  // A new term brings a new vote.
  ready = voter.step(make_vote_request(2, 3, 2, 0, 0));
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);
  CHECK(voter->voted_for() == 2);
  CHECK(voter->term() == 2);
}

TEST_CASE("§5.2 a candidate with votes from a majority becomes leader", "[core][raft][5.2]") {
  Cluster cluster(5);
  cluster.tick_until_campaign(1);
  cluster.process(1);
  REQUIRE(cluster.in_flight(is(MessageType::vote_request, 1)) == 4);
  cluster.deliver_all(is(MessageType::vote_request, 1));
  for (NodeId id = 2; id <= 5; ++id) cluster.process(id);
  REQUIRE(cluster.in_flight(is(MessageType::vote_response)) == 4);

  REQUIRE(cluster.deliver(is(MessageType::vote_response, 2, 1)));
  CHECK(cluster.node(1).role() == Role::candidate);  // 2 of 5
  REQUIRE(cluster.deliver(is(MessageType::vote_response, 3, 1)));
  CHECK(cluster.node(1).role() == Role::leader);  // 3 of 5
  CHECK(cluster.node(1).leader() == 1);
  CHECK(cluster.node(1).term() == 1);
  // Late votes change nothing.
  cluster.deliver_all(is(MessageType::vote_response));
  CHECK(cluster.node(1).role() == Role::leader);
  CHECK(cluster.node(1).term() == 1);
}

TEST_CASE("§5.2 a candidate refused by a majority steps down", "[core][raft][5.2]") {
  Solo candidate(1, 5);
  for (int i = 0; i < 100 && candidate->role() != Role::candidate; ++i) candidate->tick();
  REQUIRE(candidate->role() == Role::candidate);
  auto refusal = [](NodeId from) {
    Message message = make_message(MessageType::vote_response, from, 1, 1);
    message.reject = true;
    return message;
  };
  candidate.step(refusal(2));
  candidate.step(refusal(3));
  CHECK(candidate->role() == Role::candidate);  // 3 of 5 could still grant
  candidate.step(refusal(4));
  CHECK(candidate->role() == Role::follower);  // no majority left
  CHECK(candidate->term() == 1);
  CHECK(candidate->voted_for() == 1);  // the vote of this term stays cast
}

TEST_CASE("§5.2 randomised election timeouts stay within min and max", "[core][raft][5.2]") {
  Options options;
  options.election_ticks_min = 10;
  options.election_ticks_max = 20;
  std::set<int> seen;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    Solo solo(1, 3, options, {}, seed);
    for (int election = 0; election < 3; ++election) {
      const Term term = solo->term();
      int ticks = 0;
      while (solo->term() == term && ticks < 1000) {
        solo->tick();
        ++ticks;
      }
      CAPTURE(seed, election);
      CHECK(ticks >= options.election_ticks_min);
      CHECK(ticks <= options.election_ticks_max);
      seen.insert(ticks);
    }
  }
  // Randomised: every value of the range shows up in 300 draws.
  CHECK(seen.size() == 11);

  // Deterministic: the same seed draws the same timeouts.
  auto first_timeout = [&](std::uint64_t seed) {
    Solo solo(1, 3, options, {}, seed);
    int ticks = 0;
    while (solo->term() == 0) {
      solo->tick();
      ++ticks;
    }
    return ticks;
  };
  for (std::uint64_t seed = 1; seed <= 10; ++seed) CHECK(first_timeout(seed) == first_timeout(seed));
}

// ---------------------------------------------------------------- §5.4.1 election restriction

TEST_CASE("§5.4.1 a vote is refused to a candidate whose log is less up-to-date", "[core][raft][5.4.1]") {
  // The voter's log: indexes 1..3, terms 1 1 2.
  struct Case {
    LogIndex last_index;
    Term last_term;
    bool granted;
  };
  const Case c = GENERATE(Case{5, 1, false},  // longer, but its last term is lower
                          Case{2, 2, false},  // same last term, shorter
                          Case{3, 2, true},   // identical
                          Case{4, 2, true},   // same last term, longer
                          Case{1, 3, true});  // higher last term, shorter
  CAPTURE(c.last_index, c.last_term);
  Solo voter(2, 3, {}, restore_state(2, raft::kNoNode, 0, {1, 1, 2}));
  const Ready ready = voter.step(make_vote_request(1, 2, 3, c.last_index, c.last_term));
  CHECK(voter->term() == 3);  // the term is adopted either way (§5.1)
  const auto& responses = c.granted ? ready.messages_after_persist : ready.messages;
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].type == MessageType::vote_response);
  CHECK(responses[0].reject == !c.granted);
  CHECK(voter->voted_for() == (c.granted ? NodeId{1} : raft::kNoNode));
}

TEST_CASE("§5.4.1 a candidate with a stale log cannot win against up-to-date voters", "[core][raft][5.4.1]") {
  // n1 missed the last entry; n2 and n3 have it.
  Cluster cluster(3, {}, {restore_state(1, 1, 1, {1}), restore_state(1, 1, 2, {1, 1}),
                          restore_state(1, 1, 2, {1, 1})});
  cluster.tick_until_campaign(1);
  cluster.stabilize();
  CHECK(cluster.node(1).role() == Role::follower);
  CHECK(cluster.node(1).term() == 2);
  CHECK(cluster.node(2).voted_for() == raft::kNoNode);
  CHECK(cluster.node(3).voted_for() == raft::kNoNode);
  // n2 can.
  cluster.elect(2);
  CHECK(cluster.node(2).term() == 3);
}

// ---------------------------------------------------------------- PreVote (thesis §9.6)

TEST_CASE("thesis §9.6 a pre-candidate does not bump its term", "[core][raft][prevote]") {
  Options options;
  options.prevote = true;
  Cluster cluster(3, options);
  cluster.tick_until_campaign(1);
  CHECK(cluster.node(1).role() == Role::pre_candidate);
  CHECK(cluster.node(1).term() == 0);
  CHECK(cluster.node(1).voted_for() == raft::kNoNode);

  Ready ready = cluster.take(1);
  CHECK_FALSE(ready.hard_state.has_value());  // nothing to make durable
  CHECK(ready.messages_after_persist.empty());
  REQUIRE(count_if(ready.messages, is(MessageType::prevote_request, 1)) == 2);
  for (const Message& request : ready.messages) CHECK(request.term == 1);  // the term it would campaign in
  cluster.send(ready.messages);

  // A voter answers without changing its own term or vote.
  REQUIRE(cluster.deliver(is(MessageType::prevote_request, 1, 2)));
  CHECK(cluster.node(2).term() == 0);
  CHECK(cluster.node(2).voted_for() == raft::kNoNode);
  ready = cluster.take(2);
  CHECK_FALSE(ready.hard_state.has_value());
  REQUIRE(ready.messages.size() == 1);
  CHECK(ready.messages[0].type == MessageType::prevote_response);
  CHECK_FALSE(ready.messages[0].reject);
  CHECK(ready.messages[0].term == 1);
  cluster.send(ready.messages);

  // With a majority of pre-votes, the real election begins.
  REQUIRE(cluster.deliver(is(MessageType::prevote_response, 2, 1)));
  CHECK(cluster.node(1).role() == Role::candidate);
  CHECK(cluster.node(1).term() == 1);
  ready = cluster.take(1);
  CHECK(count_if(ready.messages_after_persist, is(MessageType::vote_request, 1)) == 2);
}

TEST_CASE("thesis §9.6 a pre-candidate refused by a majority returns to follower in the same term",
          "[core][raft][prevote]") {
  Options options;
  options.prevote = true;
  Cluster cluster(3, options, {restore_state(1, 1, 1, {1}), restore_state(1, 1, 2, {1, 1}),
                               restore_state(1, 1, 2, {1, 1})});
  cluster.tick_until_campaign(1);
  REQUIRE(cluster.node(1).role() == Role::pre_candidate);
  cluster.stabilize();
  CHECK(cluster.node(1).role() == Role::follower);
  for (NodeId id = 1; id <= 3; ++id) CHECK(cluster.node(id).term() == 1);
}

TEST_CASE("thesis §9.6 with PreVote a partitioned node that rejoins does not disrupt the leader",
          "[core][raft][prevote]") {
  Options options;
  options.prevote = GENERATE(true, false);
  CAPTURE(options.prevote);
  Cluster cluster(3, options);
  cluster.elect(1);
  const Term leader_term = cluster.node(1).term();

  // n3 is cut off; the others commit an entry without it.
  cluster.isolate(3);
  REQUIRE(cluster.node(1).propose(std::make_shared<const std::string>("x")));
  cluster.stabilize();
  REQUIRE(cluster.node(1).commit_index() == 2);
  REQUIRE(cluster.node(3).log().last_index() == 1);

  // Alone, n3 times out ten times (every 10 ticks); its requests are lost.
  for (int i = 0; i < 100; ++i) {
    cluster.tick(3);
    cluster.stabilize();
  }
  if (options.prevote) {
    CHECK(cluster.node(3).term() == leader_term);  // pre-votes never bump the term
  } else {
    CHECK(cluster.node(3).term() == leader_term + 10);
  }

  // It rejoins and campaigns once more.
  cluster.heal(3);
  cluster.tick(3, options.election_ticks_min);
  cluster.stabilize();
  if (options.prevote) {
    CHECK(cluster.node(1).role() == Role::leader);
    CHECK(cluster.node(1).term() == leader_term);
    CHECK(cluster.node(3).role() == Role::follower);
    // The next heartbeat brings n3 back into the fold.
    cluster.tick(1);
    cluster.stabilize();
    CHECK(cluster.node(3).leader() == 1);
    CHECK(cluster.node(3).log().last_index() == 2);
    CHECK(cluster.node(3).commit_index() == 2);
  } else {
    // Without PreVote its inflated term deposes the leader, though its log is too old to win.
    CHECK(cluster.node(1).role() == Role::follower);
    CHECK(cluster.node(1).term() == leader_term + 11);
    CHECK(cluster.node(3).role() != Role::leader);
  }
}

// ---------------------------------------------------------------- CheckQuorum and the leader lease

TEST_CASE("thesis §6.2 CheckQuorum a leader that hears from no majority for an election timeout steps down",
          "[core][raft][checkquorum]") {
  Options options;
  options.check_quorum = true;
  Cluster cluster(3, options);
  cluster.elect(1);
  const Term term = cluster.node(1).term();

  SECTION("cut off from both followers") {
    cluster.isolate(2);
    cluster.isolate(3);
    for (int tick = 1; tick <= 20; ++tick) {
      CAPTURE(tick);
      CHECK(cluster.node(1).role() == Role::leader);
      cluster.tick(1);
      cluster.stabilize();
    }
    // Two full election timeouts: the first round still counts the followers
    // as active (a new leader gives them a round), the second does not.
    CHECK(cluster.node(1).role() == Role::follower);
    CHECK(cluster.node(1).term() == term);  // stepping down does not bump the term
    CHECK(cluster.node(1).leader() == raft::kNoNode);
  }
  SECTION("one follower still answers") {
    cluster.isolate(3);
    for (int tick = 0; tick < 50; ++tick) {
      cluster.tick(1);
      cluster.stabilize();
    }
    CHECK(cluster.node(1).role() == Role::leader);
  }
}

TEST_CASE("thesis §6.2 without CheckQuorum a cut-off leader stays leader", "[core][raft][checkquorum]") {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.isolate(2);
  cluster.isolate(3);
  for (int tick = 0; tick < 50; ++tick) {
    cluster.tick(1);
    cluster.stabilize();
  }
  CHECK(cluster.node(1).role() == Role::leader);
}

TEST_CASE("thesis §4.2.3 leader lease with CheckQuorum a follower that heard from its leader ignores vote requests",
          "[core][raft][checkquorum]") {
  Options options;
  options.check_quorum = true;
  options.election_ticks_min = 10;
  options.election_ticks_max = 1000;  // so that this follower's own timeout is well past the lease
  Solo follower(2, 3, options, restore_state(1, 1, 1, {1}), 7);
  follower.step(make_message(MessageType::heartbeat, 1, 2, 1));
  REQUIRE(follower->leader() == 1);

  // n3, with a log as good as ours, asks for a vote in term 2.
  Ready ready = follower.step(make_vote_request(3, 2, 2, 1, 1));
  CHECK(ready.empty());
  CHECK(follower->term() == 1);
  CHECK(follower->leader() == 1);
  ready = follower.step(make_vote_request(3, 2, 2, 1, 1, /*pre=*/true));
  CHECK(ready.empty());

  SECTION("a leadership transfer's vote request is exempt") {
    Message forced = make_vote_request(3, 2, 2, 1, 1);
    forced.context = raft::kForceVote;
    ready = follower.step(forced);
    CHECK(follower->term() == 2);
    CHECK(follower->voted_for() == 3);
    REQUIRE(ready.messages_after_persist.size() == 1);
    CHECK_FALSE(ready.messages_after_persist[0].reject);
  }
  SECTION("once the lease has run out the vote is granted") {
    follower->tick();
    for (int i = 1; i < options.election_ticks_min; ++i) {
      ready = follower.step(make_vote_request(3, 2, 2, 1, 1));
      CHECK(ready.empty());
      follower->tick();
    }
    REQUIRE(follower->role() == Role::follower);  // its own timeout (seeded) has not fired
    REQUIRE(follower->leader() == 1);
    ready = follower.step(make_vote_request(3, 2, 2, 1, 1));
    CHECK(follower->term() == 2);
    CHECK(follower->voted_for() == 3);
    REQUIRE(ready.messages_after_persist.size() == 1);
    CHECK_FALSE(ready.messages_after_persist[0].reject);
  }
}

TEST_CASE("thesis §4.2.3 without CheckQuorum a follower grants a vote in a new term while it knows a leader",
          "[core][raft][checkquorum]") {
  Solo follower(2, 3, {}, restore_state(1, 1, 1, {1}));
  follower.step(make_message(MessageType::heartbeat, 1, 2, 1));
  const Ready ready = follower.step(make_vote_request(3, 2, 2, 1, 1));
  CHECK(follower->term() == 2);
  CHECK(follower->voted_for() == 3);
  REQUIRE(ready.messages_after_persist.size() == 1);
  CHECK_FALSE(ready.messages_after_persist[0].reject);
}


TEST_CASE("Figure 2: rejecting a newer-term vote request does not restart the election timer", "[core][raft][5.2]") {
  // n2 holds the newest log (term 3). n1, behind, campaigns in term 5: n2
  // adopts the term and refuses the vote, but its own timer keeps running, so
  // the node that can win still times out and campaigns on schedule.
  Solo follower(2, 3, {}, restore_state(3, raft::kNoNode, 0, {1, 1, 3}));
  for (int i = 0; i < 6; ++i) follower->tick();
  follower.take();
  const Ready ready = follower.step(make_vote_request(1, 2, 5, 2, 1));
  REQUIRE(follower->term() == 5);
  REQUIRE(follower->role() == Role::follower);
  REQUIRE(count_if(ready.messages, is(MessageType::vote_response, 2, 1)) == 1);
  CHECK(find_if(ready.messages, is(MessageType::vote_response, 2, 1))->reject);
  for (int i = 0; i < 4; ++i) follower->tick();  // 6 + 4 = its 10-tick timeout
  CHECK(follower->role() == Role::candidate);
  CHECK(follower->term() == 6);

  SECTION("but granting a vote does restart it") {
    Solo voter(3, 3, {}, restore_state(3, raft::kNoNode, 0, {1}));
    for (int i = 0; i < 6; ++i) voter->tick();
    voter.take();
    voter.step(make_vote_request(1, 3, 5, 2, 1));
    REQUIRE(voter->voted_for() == 1);
    for (int i = 0; i < 4; ++i) voter->tick();
    CHECK(voter->role() == Role::follower);
    for (int i = 0; i < 6; ++i) voter->tick();
    CHECK(voter->role() == Role::candidate);
  }
}

}  // namespace
}  // namespace raftsim::test
