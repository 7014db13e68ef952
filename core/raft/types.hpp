#pragma once
// Raft's vocabulary (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", Figure 2), as plain value types.
#include <cstdint>
#include <memory>
#include <string>

namespace raftsim::raft {

using NodeId = std::uint32_t;  // 1-based; n1 is 1
using Term = std::uint64_t;
using LogIndex = std::uint64_t;

inline constexpr NodeId kNoNode = 0;
inline constexpr std::size_t kMaxNodes = 64;  // CONTRACT §9: more than 64 is refused

enum class EntryType : std::uint8_t {
  normal,  // a client command; `data` is opaque to Raft
  noop,    // appended by a new leader so it can commit an entry of its own term (§5.4.2, §8)
  config,  // a membership change; `data` is an encoded Membership (§4.1)
};

// One log entry. The payload is shared, never copied, between the leader's
// log, the messages in flight and every follower's log.
struct Entry {
  Term term = 0;
  LogIndex index = 0;
  EntryType type = EntryType::normal;
  std::shared_ptr<const std::string> data;
};

// What must be durable before a node may vote or acknowledge (Figure 2,
// "Persistent state on all servers"); commit is kept too, as etcd does, so a
// restarted node does not re-apply from zero.
struct HardState {
  Term term = 0;
  NodeId voted_for = kNoNode;
  LogIndex commit = 0;
  bool operator==(const HardState&) const = default;
};

enum class Role : std::uint8_t { follower, pre_candidate, candidate, leader };

inline const char* role_name(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::pre_candidate: return "pre-candidate";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

}  // namespace raftsim::raft
