#pragma once
// A node's simulated disk. Writes are buffered until an fsync makes them
// durable; an fsync takes the scenario's `disk.fsync` latency and covers every
// write queued before it started (group commit, as etcd's WAL does). A crash
// loses what is not yet durable (lose_unsynced) or flushes it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/message.hpp"
#include "core/raft/node.hpp"
#include "core/raft/types.hpp"
#include "sim/scheduler.hpp"

namespace raftsim::sim {

// What the disk holds durably: enough to restart a node.
struct DurableState {
  raft::HardState hard_state;
  raft::LogIndex snapshot_index = 0;
  raft::Term snapshot_term = 0;
  std::shared_ptr<const std::string> snapshot_data;  // the KV store at snapshot_index
  std::optional<raft::Membership> snapshot_membership;  // the membership at snapshot_index
  std::vector<raft::Entry> entries;   // after the snapshot

  raft::LogIndex last_index() const { return snapshot_index + entries.size(); }
};

// One Ready's worth of persistence, and the messages that must wait for it.
struct WriteBatch {
  std::optional<raft::Snapshot> snapshot;  // installed before the entries
  std::optional<raft::HardState> hard_state;
  std::vector<raft::Entry> entries;
  std::vector<raft::Message> messages_after_persist;
};

class Disk {
 public:
  // Queues a batch; returns true when an fsync must be started for it now.
  bool write(WriteBatch&& batch);
  bool busy() const { return syncing_ > 0; }
  bool idle() const { return queue_.empty(); }

  // The fsync in progress completed: its batches are durable. Returns them in
  // order (their messages may now leave); true when another fsync must start.
  bool complete_sync(std::vector<WriteBatch>& durable);

  // Starts an fsync over everything queued; returns how many batches it covers.
  std::size_t start_sync();

  // A crash: pending writes are lost, or (lose_unsynced = false) reach the disk.
  void crash(bool lose_unsynced);

  // Log compaction: the KV snapshot at `index` replaces the entries up to it.
  void install_snapshot(const raft::Snapshot& snapshot);

  const DurableState& durable() const { return durable_; }
  raft::RestoreState restore_state() const;
  std::uint64_t incarnation() const { return incarnation_; }
  std::uint64_t syncs() const { return syncs_; }

 private:
  void make_durable(WriteBatch& batch);

  DurableState durable_;
  std::vector<WriteBatch> queue_;  // not yet durable, oldest first
  std::size_t syncing_ = 0;        // how many of queue_'s head the running fsync covers
  std::uint64_t incarnation_ = 0;  // bumped by a crash, so a sync event from before it is ignored
  std::uint64_t syncs_ = 0;
};

}  // namespace raftsim::sim
