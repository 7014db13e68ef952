#include "sim/disk.hpp"

#include "core/assert.hpp"

namespace raftsim::sim {

bool Disk::write(WriteBatch&& batch) {
  queue_.push_back(std::move(batch));
  return syncing_ == 0;
}

std::size_t Disk::start_sync() {
  RAFTSIM_ASSERT(syncing_ == 0, "an fsync is already running");
  syncing_ = queue_.size();
  ++syncs_;
  return syncing_;
}

bool Disk::complete_sync(std::vector<WriteBatch>& durable) {
  RAFTSIM_ASSERT(syncing_ > 0 && syncing_ <= queue_.size(), "fsync completion without a running fsync");
  for (std::size_t i = 0; i < syncing_; ++i) {
    make_durable(queue_[i]);
    durable.push_back(std::move(queue_[i]));
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(syncing_));
  syncing_ = 0;
  return !queue_.empty();
}

void Disk::make_durable(WriteBatch& batch) {
  if (batch.snapshot) {
    // A snapshot from the leader replaces the whole log.
    durable_.entries.clear();
    durable_.snapshot_index = batch.snapshot->index;
    durable_.snapshot_term = batch.snapshot->term;
    durable_.snapshot_data = batch.snapshot->data;
    durable_.snapshot_membership = batch.snapshot->membership;
  }
  if (batch.hard_state) durable_.hard_state = *batch.hard_state;
  // Entries already covered by a snapshot are skipped.
  auto begin = batch.entries.begin();
  while (begin != batch.entries.end() && begin->index <= durable_.snapshot_index) ++begin;
  if (begin == batch.entries.end()) return;
  const raft::LogIndex first = begin->index;
  RAFTSIM_ASSERT(first <= durable_.last_index() + 1, "disk write at {} leaves a hole after {}", first,
                 durable_.last_index());
  // Entries may overwrite a suffix (a follower cutting a conflicting tail).
  durable_.entries.resize(first - durable_.snapshot_index - 1);
  durable_.entries.insert(durable_.entries.end(), begin, batch.entries.end());
}

void Disk::crash(bool lose_unsynced) {
  if (!lose_unsynced) {
    for (auto& batch : queue_) make_durable(batch);
  }
  queue_.clear();
  syncing_ = 0;
  ++incarnation_;
}

void Disk::install_snapshot(const raft::Snapshot& snapshot) {
  const raft::LogIndex index = snapshot.index;
  if (index <= durable_.snapshot_index) return;
  if (index <= durable_.last_index()) {
    durable_.entries.erase(durable_.entries.begin(),
                           durable_.entries.begin() + static_cast<std::ptrdiff_t>(index - durable_.snapshot_index));
  } else {
    durable_.entries.clear();
  }
  durable_.snapshot_index = index;
  durable_.snapshot_term = snapshot.term;
  durable_.snapshot_data = snapshot.data;
  durable_.snapshot_membership = snapshot.membership;
}

raft::RestoreState Disk::restore_state() const {
  raft::RestoreState state;
  state.hard_state = durable_.hard_state;
  state.snapshot_index = durable_.snapshot_index;
  state.snapshot_term = durable_.snapshot_term;
  state.entries = durable_.entries;
  state.snapshot_data = durable_.snapshot_data;
  state.snapshot_membership = durable_.snapshot_membership;
  // The commit index never names a lost entry: entries and the hard state
  // that commits them become durable in order, batch by batch.
  return state;
}

}  // namespace raftsim::sim
