// RaftLog, the in-memory log of the pure core: index arithmetic around the
// snapshot point and the helpers that §5.3's consistency check is built on.
#include <catch2/catch.hpp>

#include "core/assert.hpp"
#include "core/raft/log.hpp"
#include "raft_harness.hpp"

namespace raftsim::test {
namespace {

using raft::RaftLog;

// Figure 7's leader log: indexes 1..10 with terms 1 1 1 4 4 5 5 6 6 6.
RaftLog figure7_leader() { return RaftLog(0, 0, log_with_terms({1, 1, 1, 4, 4, 5, 5, 6, 6, 6})); }

TEST_CASE("RaftLog term_at knows the sentinel and nothing beyond the ends", "[core][log]") {
  const RaftLog log = figure7_leader();
  CHECK(log.first_index() == 1);
  CHECK(log.last_index() == 10);
  CHECK(log.last_term() == 6);
  CHECK(log.term_at(0) == Term{0});  // the sentinel before the first entry
  CHECK(log.term_at(1) == Term{1});
  CHECK(log.term_at(4) == Term{4});
  CHECK(log.term_at(10) == Term{6});
  CHECK_FALSE(log.term_at(11).has_value());

  const RaftLog empty;
  CHECK(empty.last_index() == 0);
  CHECK(empty.last_term() == 0);
  CHECK(empty.term_at(0) == Term{0});
  CHECK_FALSE(empty.term_at(1).has_value());
}

TEST_CASE("RaftLog matches compares the term at an index", "[core][log]") {
  const RaftLog log = figure7_leader();
  CHECK(log.matches(0, 0));
  CHECK(log.matches(5, 4));
  CHECK_FALSE(log.matches(5, 5));
  CHECK(log.matches(10, 6));
  CHECK_FALSE(log.matches(11, 6));  // past the end matches nothing
}

TEST_CASE("RaftLog is_up_to_date compares last term then length (§5.4.1)", "[core][log]") {
  const RaftLog log(0, 0, log_with_terms({1, 2, 2}));
  CHECK(log.is_up_to_date(3, 2));       // identical
  CHECK(log.is_up_to_date(4, 2));       // same term, longer
  CHECK(log.is_up_to_date(1, 3));       // higher last term wins even when shorter
  CHECK_FALSE(log.is_up_to_date(2, 2));  // same term, shorter
  CHECK_FALSE(log.is_up_to_date(9, 1));  // lower last term loses even when longer
}

TEST_CASE("RaftLog find_conflict returns the first mismatching or missing index", "[core][log]") {
  const RaftLog log(0, 0, log_with_terms({1, 1, 2, 2}));
  CHECK(log.find_conflict({}) == 0);
  CHECK(log.find_conflict(log_with_terms({1, 1, 2, 2})) == 0);           // all present
  CHECK(log.find_conflict(log_with_terms({1, 2}, 2)) == 0);              // a matching middle slice
  CHECK(log.find_conflict(log_with_terms({1, 1, 3})) == 3);              // term differs at 3
  CHECK(log.find_conflict(log_with_terms({2, 2, 2}, 3)) == 5);           // 3 and 4 match, 5 is new
  CHECK(log.find_conflict(log_with_terms({3, 3}, 4)) == 4);              // conflict before the new one
  CHECK(log.find_conflict(log_with_terms({2}, 6)) == 6);                 // beyond the end: missing

  // Entries at or below the snapshot point are committed, hence equal: skipped.
  const RaftLog compacted(2, 1, log_with_terms({2, 2}, 3));
  CHECK(compacted.find_conflict(log_with_terms({9, 9, 2, 2})) == 0);
  CHECK(compacted.find_conflict(log_with_terms({9, 9, 2, 3})) == 4);
}

TEST_CASE("RaftLog find_conflict_by_term finds the last index whose term is not above", "[core][log]") {
  const RaftLog log = figure7_leader();  // 1 1 1 4 4 5 5 6 6 6
  CHECK(log.find_conflict_by_term(10, 6) == 10);
  CHECK(log.find_conflict_by_term(10, 5) == 7);
  CHECK(log.find_conflict_by_term(10, 4) == 5);
  CHECK(log.find_conflict_by_term(10, 3) == 3);  // no entry of term 2 or 3: the last of term 1
  CHECK(log.find_conflict_by_term(10, 0) == 0);
  CHECK(log.find_conflict_by_term(6, 6) == 6);   // never above the index asked
  CHECK(log.find_conflict_by_term(99, 4) == 5);  // clamped to the last index

  const RaftLog compacted(5, 4, log_with_terms({5, 5, 6, 6, 6}, 6));
  CHECK(compacted.find_conflict_by_term(10, 5) == 7);
  CHECK(compacted.find_conflict_by_term(10, 4) == 5);  // stops at the snapshot point
  CHECK(compacted.find_conflict_by_term(10, 1) == 5);
}

TEST_CASE("RaftLog truncate_from removes a suffix and only a suffix", "[core][log]") {
  RaftLog log = figure7_leader();
  log.truncate_from(11);  // past the end: nothing to do
  CHECK(log.last_index() == 10);
  log.truncate_from(6);
  CHECK(log.last_index() == 5);
  CHECK(log.last_term() == 4);
  CHECK(terms_of(log) == std::vector<Term>{1, 1, 1, 4, 4});
  log.append(make_entry(6, 7));
  CHECK(log.term_at(6) == Term{7});
  log.truncate_from(1);
  CHECK(log.last_index() == 0);
  CHECK(log.last_term() == 0);

  RaftLog compacted(3, 1, log_with_terms({4, 4}, 4));
  CHECK_THROWS_AS(compacted.truncate_from(3), AssertionFailure);  // into the snapshot
  compacted.truncate_from(4);
  CHECK(compacted.last_index() == 3);
  CHECK(compacted.last_term() == 1);  // the snapshot's term
}

TEST_CASE("RaftLog append refuses holes and terms going back", "[core][log]") {
  RaftLog log(0, 0, log_with_terms({1, 2}));
  CHECK_THROWS_AS(log.append(make_entry(4, 2)), AssertionFailure);
  CHECK_THROWS_AS(log.append(make_entry(3, 1)), AssertionFailure);
  log.append(make_entry(3, 2));
  CHECK(log.last_index() == 3);
  CHECK_THROWS_AS(RaftLog(0, 0, log_with_terms({2, 1})), AssertionFailure);
  std::vector<Entry> holed = log_with_terms({1});
  holed.push_back(make_entry(3, 1));
  CHECK_THROWS_AS(RaftLog(0, 0, holed), AssertionFailure);
}

TEST_CASE("RaftLog compact_to moves the snapshot point", "[core][log]") {
  RaftLog log = figure7_leader();
  log.compact_to(4, 4);
  CHECK(log.snapshot_index() == 4);
  CHECK(log.snapshot_term() == 4);
  CHECK(log.first_index() == 5);
  CHECK(log.last_index() == 10);
  CHECK(log.entries().size() == 6);
  CHECK(log.term_at(4) == Term{4});           // the new sentinel
  CHECK_FALSE(log.term_at(3).has_value());    // compacted away
  CHECK(log.at(5).term == 4);
  CHECK_THROWS_AS(log.at(4), AssertionFailure);

  log.compact_to(2, 1);  // behind the snapshot point: nothing to do
  CHECK(log.snapshot_index() == 4);
  CHECK_THROWS_AS(log.compact_to(11, 6), AssertionFailure);  // beyond the end
  CHECK_THROWS_AS(log.compact_to(6, 4), AssertionFailure);   // wrong term at 6
  log.compact_to(10, 6);
  CHECK(log.entries().empty());
  CHECK(log.last_index() == 10);
  CHECK(log.last_term() == 6);

  log.reset_to_snapshot(20, 8);
  CHECK(log.first_index() == 21);
  CHECK(log.last_index() == 20);
  CHECK(log.last_term() == 8);
}

TEST_CASE("RaftLog copy_range honours its bounds and its count limit", "[core][log]") {
  const RaftLog log = figure7_leader();
  std::vector<Entry> out;
  log.copy_range(3, 6, 100, out);
  REQUIRE(out.size() == 4);
  CHECK(out.front().index == 3);
  CHECK(out.back().index == 6);

  out.clear();
  log.copy_range(3, 10, 2, out);  // at most two
  REQUIRE(out.size() == 2);
  CHECK(out[0].index == 3);
  CHECK(out[1].index == 4);

  out.clear();
  log.copy_range(3, 10, 0, out);  // a zero limit copies nothing
  CHECK(out.empty());
  log.copy_range(7, 6, 5, out);   // an empty range copies nothing
  CHECK(out.empty());

  out.push_back(make_entry(99, 9));  // appends, does not replace
  log.copy_range(10, 10, 1, out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].index == 10);

  CHECK_THROWS_AS(log.copy_range(0, 3, 5, out), AssertionFailure);   // the sentinel is not an entry
  CHECK_THROWS_AS(log.copy_range(9, 11, 5, out), AssertionFailure);  // past the end

  RaftLog compacted = figure7_leader();
  compacted.compact_to(5, 4);
  out.clear();
  CHECK_THROWS_AS(compacted.copy_range(5, 6, 5, out), AssertionFailure);
  compacted.copy_range(6, 10, SIZE_MAX, out);
  CHECK(out.size() == 5);
}

}  // namespace
}  // namespace raftsim::test
