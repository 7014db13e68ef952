#pragma once
// A Raft node's log in memory: entries after an optional snapshot point.
// Indexes are 1-based; index 0 (or the snapshot index) is the sentinel whose
// term is known without an entry. Invariant: entries_[i].index ==
// snapshot_index_ + 1 + i, and terms never decrease along the log.
#include <optional>
#include <vector>

#include "core/raft/types.hpp"

namespace raftsim::raft {

class RaftLog {
 public:
  RaftLog() = default;
  RaftLog(LogIndex snapshot_index, Term snapshot_term, std::vector<Entry> entries, bool check_term_order = true);

  LogIndex first_index() const { return snapshot_index_ + 1; }
  LogIndex last_index() const { return snapshot_index_ + entries_.size(); }
  Term last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }
  LogIndex snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }

  // The term of the entry at `index`, or nullopt when it is compacted away or past the end.
  std::optional<Term> term_at(LogIndex index) const;
  bool matches(LogIndex index, Term term) const;

  const Entry& at(LogIndex index) const;

  // §5.4.1: is a log ending at (last_index, last_term) at least as up-to-date as ours?
  bool is_up_to_date(LogIndex last_index, Term last_term) const;

  // Append at the end. Terms never decrease along a correct log; a planted
  // bug (no-truncate) may break that, and passes check_term_order = false so
  // the checkers, not this assertion, report the damage.
  void append(Entry entry, bool check_term_order = true);

  // Follower: remove every entry from `index` on (a conflicting suffix, §5.3).
  void truncate_from(LogIndex index);

  // Entries [lo, hi], at most `max_count` of them, appended to `out`.
  void copy_range(LogIndex lo, LogIndex hi, std::size_t max_count, std::vector<Entry>& out) const;

  // The first index whose entry conflicts with `entries` (same index, other
  // term), or the index of the first entry we lack; 0 when all match.
  LogIndex find_conflict(const std::vector<Entry>& entries) const;

  // Fast backtracking (etcd's findConflictByTerm): the largest index <= `index`
  // whose term is <= `term`.
  LogIndex find_conflict_by_term(LogIndex index, Term term) const;

  // Drops entries up to and including `index`, which becomes the snapshot point.
  void compact_to(LogIndex index, Term term);

  // Discards everything and starts after a received snapshot.
  void reset_to_snapshot(LogIndex index, Term term);

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  LogIndex snapshot_index_ = 0;
  Term snapshot_term_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace raftsim::raft
