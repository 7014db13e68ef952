// Single-server membership changes (dissertation §4, with Ongaro's 2015 fix):
// the elections of a node whose own removal is appended but not committed.
#include <catch2/catch.hpp>

#include "core/raft/membership.hpp"
#include "tests/core/raft_harness.hpp"

namespace raftsim::test {
namespace {

// n1's log: a term-1 entry (committed), then its own removal ({n2} alone), not committed.
RestoreState removal_appended_not_committed() {
  RestoreState restored = restore_state(1, 1, 1, {1});
  raft::Membership without_n1;
  without_n1.voters = {2};
  Entry removal = make_entry(2, 1);
  removal.type = raft::EntryType::config;
  removal.data = std::make_shared<const std::string>(raft::encode_membership(without_n1));
  restored.entries.push_back(removal);
  return restored;
}

TEST_CASE("a node whose removal is not committed campaigns under the committed configuration", "[core][raft][membership]") {
  Solo node(1, 2, {}, removal_appended_not_committed());
  REQUIRE_FALSE(node->membership().is_voter(1));  // the latest configuration is {n2}
  for (int i = 0; i < 10 && node->role() == Role::follower; ++i) node->tick();

  // Its own vote is not a majority of {n1, n2}: it must ask n2, not lead at once
  // (it used to count itself a majority of {n2}: two leaders of one term).
  CHECK(node->role() == Role::candidate);
  CHECK(node.node->election_membership().voters == std::vector<NodeId>{1, 2});
  const Ready ready = node.take();
  CHECK(count_if(ready.messages_after_persist, is(MessageType::vote_request, 1, 2)) == 1);

  SECTION("with n2's vote it leads, to commit its own removal") {
    node.step(make_message(MessageType::vote_response, 2, 1, node->term()));
    CHECK(node->role() == Role::leader);
  }
  SECTION("refused by n2 it steps back") {
    Message refusal = make_message(MessageType::vote_response, 2, 1, node->term());
    refusal.reject = true;
    node.step(refusal);
    CHECK(node->role() == Role::follower);
  }
}

}  // namespace
}  // namespace raftsim::test
