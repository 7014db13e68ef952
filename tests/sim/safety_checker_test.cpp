// The online Raft checks, fed by hand: each must fire on a planted violation
// and stay quiet on legal runs.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "sim/checks/safety.hpp"

using namespace raftsim;

namespace {
raft::Entry entry(raft::LogIndex index, raft::Term term) {
  raft::Entry e;
  e.index = index;
  e.term = term;
  e.type = raft::EntryType::normal;
  e.data = std::make_shared<const std::string>("x" + std::to_string(index) + "/" + std::to_string(term));
  return e;
}
raft::RaftLog log_of(std::initializer_list<raft::Term> terms) {
  std::vector<raft::Entry> entries;
  raft::LogIndex index = 0;
  for (raft::Term term : terms) entries.push_back(entry(++index, term));
  return raft::RaftLog(0, 0, entries);
}
}  // namespace

TEST_CASE("leader completeness asks a leader only for entries committed in earlier terms", "[sim][safety]") {
  sim::SafetyChecker checker(5);
  // Index 1 committed in term 2, index 2 in term 6.
  checker.on_commit(100, 1, 2, 1, true, true, "{n1,n2,n3}");
  checker.on_apply(100, 1, entry(1, 2));
  checker.on_commit(200, 5, 6, 2, true, true, "{n1,n4,n5}");
  checker.on_apply(200, 5, entry(2, 6));

  SECTION("a leader of term 4 (its votes waited out a pause) need not hold the term-6 commit") {
    checker.on_leader(300, 3, 4, log_of({2}));
    CHECK_FALSE(checker.failed("leader_completeness"));
  }
  SECTION("a leader of term 7 must hold it") {
    checker.on_leader(300, 3, 7, log_of({2, 4}));
    REQUIRE(checker.failed("leader_completeness"));
    CHECK(checker.violations().at("leader_completeness").detail.find("without committed entry 2:6") !=
          std::string::npos);
  }
  SECTION("a leader of term 3 must hold the term-2 commit") {
    checker.on_leader(300, 4, 3, log_of({1}));
    CHECK(checker.failed("leader_completeness"));
  }
  SECTION("two leaders of one term break election safety") {
    checker.on_leader(300, 1, 8, log_of({2, 6}));
    checker.on_leader(310, 2, 8, log_of({2, 6}));
    CHECK(checker.failed("election_safety"));
    CHECK_FALSE(checker.failed("leader_completeness"));
  }
}

TEST_CASE("minority_no_commit fires only without a majority side and without a durable majority", "[sim][safety]") {
  sim::SafetyChecker checker(5);
  checker.on_commit(100, 1, 1, 3, false, true, "{n1,n2}");  // learned late: durable on a majority
  CHECK_FALSE(checker.failed("minority_no_commit"));
  checker.on_commit(200, 1, 1, 4, false, false, "{n1,n2}");
  REQUIRE(checker.failed("minority_no_commit"));
  CHECK(checker.violations().at("minority_no_commit").detail.find("n1 committed index 4 while its side {n1,n2}") !=
        std::string::npos);
}
