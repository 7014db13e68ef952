#pragma once
// What a node asks its host to do, in the manner of etcd's raft.Ready.
// The host must: persist `hard_state` and `entries` (entries may overwrite a
// suffix of the stored log starting at entries.front().index); send
// `messages` at once; send `messages_after_persist` only after that
// persistence is durable, then call Node::persisted; apply `committed` in
// order; answer the reads in `read_states` once it has applied up to their
// index.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/raft/message.hpp"
#include "core/raft/snapshot.hpp"
#include "core/raft/types.hpp"

namespace raftsim::raft {

struct ReadState {
  std::uint64_t request_id = 0;
  LogIndex index = 0;  // serve the read once applied_index >= index
};

struct Ready {
  // A snapshot received from the leader: restore the state machine from it
  // and persist it (before messages_after_persist), then apply `committed`.
  std::optional<Snapshot> snapshot;
  std::optional<HardState> hard_state;
  std::vector<Entry> entries;
  std::vector<Message> messages;
  std::vector<Message> messages_after_persist;
  std::vector<Entry> committed;
  std::vector<ReadState> read_states;
  std::vector<std::uint64_t> dropped_reads;  // the node cannot serve these now (no leader, lost leadership)

  bool empty() const {
    return !snapshot && !hard_state && entries.empty() && messages.empty() && messages_after_persist.empty() &&
           committed.empty() && read_states.empty() && dropped_reads.empty();
  }
  // Empties every buffer but keeps their capacity, so a host that reuses one
  // Ready allocates nothing in steady state.
  void clear() {
    snapshot.reset();
    hard_state.reset();
    entries.clear();
    messages.clear();
    messages_after_persist.clear();
    committed.clear();
    read_states.clear();
    dropped_reads.clear();
  }
};

}  // namespace raftsim::raft
