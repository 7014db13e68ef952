#pragma once
// The replicated state machine of a node: the MVCC store plus a session
// table that discards duplicate requests (Raft dissertation §6.3). A
// proposal the network delivers twice, or a request retried after a lost
// answer, is committed twice but must take effect once: each client's
// requests carry increasing sequence numbers, and an entry whose number is
// not above the client's last applied one is skipped. The table is part of
// the snapshot, so every replica skips the same entries.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/kv/store.hpp"

namespace raftsim::sim {

struct StateMachine {
  kv::Store store;
  std::map<std::uint32_t, std::uint64_t> last_sequence;  // client -> highest sequence applied

  // True when (client, sequence) is new, and records it.
  bool admit(std::uint32_t client, std::uint64_t sequence);

  std::string snapshot() const;
  static StateMachine restore(std::string_view bytes);
};

}  // namespace raftsim::sim
