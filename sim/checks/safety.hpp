#pragma once
// Raft's safety properties (Figure 3 of the Raft paper), checked as the run
// goes from what the simulator sees of every node, plus minority_no_commit.
// Each check keeps its first violation: when, where, and the entries that
// show it.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/log.hpp"
#include "core/raft/types.hpp"

namespace raftsim::sim {

struct Violation {
  std::int64_t time_us = 0;
  std::string detail;
};

class SafetyChecker {
 public:
  explicit SafetyChecker(int nodes);

  // Election safety: at most one leader per term. Leader completeness: the
  // new leader's log holds every entry committed in an earlier term.
  void on_leader(std::int64_t now, raft::NodeId node, raft::Term term, const raft::RaftLog& log);
  // Leader append-only: a leader never overwrites or deletes its own entries.
  void on_leader_write(std::int64_t now, raft::NodeId node, raft::Term term, raft::LogIndex first_written,
                       raft::LogIndex last_before);
  // State machine safety: no two nodes apply different entries at one index.
  void on_apply(std::int64_t now, raft::NodeId node, const raft::Entry& entry);
  // Minority no-commit: a node whose side of the network lacks a majority of
  // voters must not commit an index nobody has committed before, unless the
  // entry was already durable on a majority (replicated before the cut; the
  // leader only learned of it late).
  void on_commit(std::int64_t now, raft::NodeId node, raft::Term term, raft::LogIndex commit,
                 bool side_has_majority, bool durable_on_majority, const std::string& side);
  // Log matching: if two logs hold an entry with the same index and term,
  // they are identical up to it.
  void check_log_matching(std::int64_t now, const std::vector<std::pair<raft::NodeId, const raft::RaftLog*>>& logs);

  raft::LogIndex max_commit() const { return max_commit_; }
  // The entry first applied at `index`, or nullptr when none was applied
  // there yet or it was forgotten (forget_through).
  const raft::Entry* committed_at(raft::LogIndex index) const {
    if (index <= forgotten_ || index > forgotten_ + committed_.size()) return nullptr;
    return &committed_[index - forgotten_ - 1];
  }
  // Drops the record of indexes up to `index`, which no node can apply, hold
  // as a new leader or compare again (every member's snapshot covers them),
  // handing each forgotten entry to `each` first. Keeps memory flat in long runs.
  void forget_through(raft::LogIndex index, const std::function<void(const raft::Entry&)>& each);
  // First violation per check name; ordered by name.
  const std::map<std::string, Violation>& violations() const { return violations_; }
  bool failed(const std::string& check) const { return violations_.count(check) > 0; }

  static bool same_entry(const raft::Entry& a, const raft::Entry& b);
  static std::string describe(const raft::Entry& entry);

 private:
  void report(const std::string& check, std::int64_t now, std::string detail);

  std::map<raft::Term, raft::NodeId> leaders_;  // term -> leader
  // committed_[i] is the entry first applied at index forgotten_ + i + 1.
  std::deque<raft::Entry> committed_;
  // commit_terms_[i]: the term in which index forgotten_ + i + 1 was first
  // committed (the committing node's term); non-decreasing. Leader
  // completeness asks a leader of term T only for entries committed in terms below T.
  std::deque<raft::Term> commit_terms_;
  raft::LogIndex forgotten_ = 0;  // indexes up to here are no longer recorded
  raft::LogIndex max_commit_ = 0;
  std::map<std::string, Violation> violations_;
};

}  // namespace raftsim::sim
