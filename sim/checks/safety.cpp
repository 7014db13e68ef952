#include "sim/checks/safety.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/assert.hpp"

namespace raftsim::sim {

SafetyChecker::SafetyChecker(int nodes) { (void)nodes; }

void SafetyChecker::report(const std::string& check, std::int64_t now, std::string detail) {
  violations_.try_emplace(check, Violation{now, std::move(detail)});
}

bool SafetyChecker::same_entry(const raft::Entry& a, const raft::Entry& b) {
  if (a.term != b.term || a.index != b.index || a.type != b.type) return false;
  if (a.data == b.data) return true;
  return a.data && b.data && *a.data == *b.data;
}

std::string SafetyChecker::describe(const raft::Entry& entry) {
  if (entry.type == raft::EntryType::noop) return fmt::format("{}:{} (no-op)", entry.index, entry.term);
  if (entry.type == raft::EntryType::config) return fmt::format("{}:{} (membership change)", entry.index, entry.term);
  std::uint64_t request = 0;
  if (entry.data && entry.data->size() >= sizeof request) std::memcpy(&request, entry.data->data(), sizeof request);
  return fmt::format("{}:{} (c{} op {})", entry.index, entry.term, request >> 32, request & 0xffffffffu);
}

void SafetyChecker::on_leader(std::int64_t now, raft::NodeId node, raft::Term term, const raft::RaftLog& log) {
  const auto [it, inserted] = leaders_.try_emplace(term, node);
  if (!inserted && it->second != node)
    report("election_safety", now, fmt::format("two leaders in term {}: n{} and n{}", term, it->second, node));
  // Every entry committed in an earlier term must be in the new leader's log
  // (§5.4). A candidate whose votes waited out a pause may win an old term
  // after a later term committed more: those later commits are not its concern.
  const raft::LogIndex recorded = forgotten_ + committed_.size();
  for (raft::LogIndex index = std::max(log.first_index(), forgotten_ + 1); index <= max_commit_ && index <= recorded;
       ++index) {
    if (index <= forgotten_ + commit_terms_.size() && commit_terms_[index - forgotten_ - 1] >= term) break;
    const raft::Entry& expected = committed_[index - forgotten_ - 1];
    if (index > log.last_index() || !same_entry(log.at(index), expected)) {
      report("leader_completeness", now,
             fmt::format("n{} became leader of term {} without committed entry {} (its log {})", node, term,
                         describe(expected),
                         index > log.last_index() ? fmt::format("ends at {}", log.last_index())
                                                  : fmt::format("has {}", describe(log.at(index)))));
      break;
    }
  }
}

void SafetyChecker::on_leader_write(std::int64_t now, raft::NodeId node, raft::Term term,
                                    raft::LogIndex first_written, raft::LogIndex last_before) {
  if (first_written <= last_before)
    report("leader_append_only", now,
           fmt::format("leader n{} of term {} rewrote its log from index {} (it had written up to {})", node, term,
                       first_written, last_before));
}

void SafetyChecker::on_apply(std::int64_t now, raft::NodeId node, const raft::Entry& entry) {
  RAFTSIM_ASSERT(entry.index > forgotten_, "n{} applied index {}, below every member's snapshot ({})", node, entry.index,
                 forgotten_);
  if (entry.index <= forgotten_ + committed_.size()) {
    const raft::Entry& first = committed_[entry.index - forgotten_ - 1];
    if (!same_entry(first, entry))
      report("state_machine_safety", now,
             fmt::format("n{} applied {} at index {}, where another node applied {}", node, describe(entry),
                         entry.index, describe(first)));
    return;
  }
  if (entry.index == forgotten_ + committed_.size() + 1) committed_.push_back(entry);
}

void SafetyChecker::forget_through(raft::LogIndex index, const std::function<void(const raft::Entry&)>& each) {
  while (forgotten_ < index && !committed_.empty() && !commit_terms_.empty()) {
    each(committed_.front());
    committed_.pop_front();
    commit_terms_.pop_front();
    ++forgotten_;
  }
}

void SafetyChecker::on_commit(std::int64_t now, raft::NodeId node, raft::Term term, raft::LogIndex commit,
                              bool side_has_majority, bool durable_on_majority, const std::string& side) {
  if (commit > forgotten_ + commit_terms_.size()) commit_terms_.resize(commit - forgotten_, term);
  if (!side_has_majority && !durable_on_majority)
    report("minority_no_commit", now,
           fmt::format("n{} committed index {} while its side {} lacks a majority, and the entry is durable on no "
                       "majority of voters",
                       node, commit, side));
  max_commit_ = std::max(max_commit_, commit);
}

void SafetyChecker::check_log_matching(std::int64_t now,
                                       const std::vector<std::pair<raft::NodeId, const raft::RaftLog*>>& logs) {
  if (failed("log_matching")) return;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    for (std::size_t j = i + 1; j < logs.size(); ++j) {
      const raft::RaftLog& a = *logs[i].second;
      const raft::RaftLog& b = *logs[j].second;
      const raft::LogIndex low = std::max(a.first_index(), b.first_index());
      const raft::LogIndex high = std::min(a.last_index(), b.last_index());
      // The highest shared (index, term): everything at or below it must match.
      raft::LogIndex anchor = 0;
      for (raft::LogIndex index = high; index >= low && index > 0; --index) {
        if (a.at(index).term == b.at(index).term) {
          anchor = index;
          break;
        }
      }
      for (raft::LogIndex index = low; index <= anchor; ++index) {
        if (!same_entry(a.at(index), b.at(index))) {
          report("log_matching", now,
                 fmt::format("n{} and n{} both hold term {} at index {}, yet differ at index {}: {} versus {}",
                             logs[i].first, logs[j].first, a.at(anchor).term, anchor, index, describe(a.at(index)),
                             describe(b.at(index))));
          return;
        }
      }
    }
  }
}

}  // namespace raftsim::sim
