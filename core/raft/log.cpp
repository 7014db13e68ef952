#include "core/raft/log.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace raftsim::raft {

RaftLog::RaftLog(LogIndex snapshot_index, Term snapshot_term, std::vector<Entry> entries, bool check_term_order)
    : snapshot_index_(snapshot_index), snapshot_term_(snapshot_term), entries_(std::move(entries)) {
  Term previous = snapshot_term_;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    RAFTSIM_ASSERT(entries_[i].index == snapshot_index_ + 1 + i, "restored log has a hole at {}",
                   snapshot_index_ + 1 + i);
    RAFTSIM_ASSERT(!check_term_order || entries_[i].term >= previous, "restored log terms go back at {}",
                   entries_[i].index);
    previous = entries_[i].term;
  }
}

std::optional<Term> RaftLog::term_at(LogIndex index) const {
  if (index == snapshot_index_) return snapshot_term_;
  if (index < snapshot_index_ || index > last_index()) return std::nullopt;
  return entries_[index - snapshot_index_ - 1].term;
}

bool RaftLog::matches(LogIndex index, Term term) const {
  const auto found = term_at(index);
  return found && *found == term;
}

const Entry& RaftLog::at(LogIndex index) const {
  RAFTSIM_ASSERT(index > snapshot_index_ && index <= last_index(), "log index {} outside ({}, {}]", index,
                 snapshot_index_, last_index());
  return entries_[index - snapshot_index_ - 1];
}

bool RaftLog::is_up_to_date(LogIndex candidate_last_index, Term candidate_last_term) const {
  const Term our_term = last_term();
  return candidate_last_term > our_term ||
         (candidate_last_term == our_term && candidate_last_index >= last_index());
}

void RaftLog::append(Entry entry, bool check_term_order) {
  RAFTSIM_ASSERT(entry.index == last_index() + 1, "append of index {} after {}", entry.index, last_index());
  RAFTSIM_ASSERT(!check_term_order || entry.term >= last_term(), "append of term {} after term {}", entry.term,
                 last_term());
  entries_.push_back(std::move(entry));
}

void RaftLog::truncate_from(LogIndex index) {
  RAFTSIM_ASSERT(index > snapshot_index_, "truncating into the snapshot at {}", index);
  if (index > last_index()) return;
  entries_.resize(index - snapshot_index_ - 1);
}

void RaftLog::copy_range(LogIndex lo, LogIndex hi, std::size_t max_count, std::vector<Entry>& out) const {
  if (lo > hi) return;
  RAFTSIM_ASSERT(lo > snapshot_index_ && hi <= last_index(), "copy_range [{}, {}] outside ({}, {}]", lo, hi,
                 snapshot_index_, last_index());
  if (max_count == 0) return;
  if (hi - lo >= max_count) hi = lo + max_count - 1;
  const auto begin = entries_.begin() + static_cast<std::ptrdiff_t>(lo - snapshot_index_ - 1);
  const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(hi - snapshot_index_);
  out.insert(out.end(), begin, end);
}

LogIndex RaftLog::find_conflict(const std::vector<Entry>& entries) const {
  for (const Entry& entry : entries) {
    if (entry.index <= snapshot_index_) continue;  // already compacted, hence committed and equal
    if (!matches(entry.index, entry.term)) return entry.index;
  }
  return 0;
}

LogIndex RaftLog::find_conflict_by_term(LogIndex index, Term term) const {
  index = std::min(index, last_index());
  while (index > snapshot_index_) {
    if (entries_[index - snapshot_index_ - 1].term <= term) return index;
    --index;
  }
  return snapshot_index_;
}

void RaftLog::compact_to(LogIndex index, Term term) {
  if (index <= snapshot_index_) return;
  RAFTSIM_ASSERT(index <= last_index(), "compacting to {} beyond the last index {}", index, last_index());
  RAFTSIM_ASSERT(matches(index, term), "compacting to {} with term {} that the log does not have", index, term);
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - snapshot_index_));
  snapshot_index_ = index;
  snapshot_term_ = term;
}

void RaftLog::reset_to_snapshot(LogIndex index, Term term) {
  entries_.clear();
  snapshot_index_ = index;
  snapshot_term_ = term;
}

}  // namespace raftsim::raft
