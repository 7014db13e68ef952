#pragma once
// Cluster membership (Raft dissertation §4): voters decide elections and
// commits; learners only receive the log. Changes go one server at a time
// through configuration entries in the log, which take effect as soon as they
// are appended (not when committed), so a node always uses the latest
// configuration in its log.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/raft/types.hpp"

namespace raftsim::raft {

struct Membership {
  std::vector<NodeId> voters;    // sorted
  std::vector<NodeId> learners;  // sorted, disjoint from voters

  bool is_voter(NodeId node) const { return std::binary_search(voters.begin(), voters.end(), node); }
  bool is_learner(NodeId node) const { return std::binary_search(learners.begin(), learners.end(), node); }
  bool is_member(NodeId node) const { return is_voter(node) || is_learner(node); }
  std::size_t majority() const { return voters.size() / 2 + 1; }
  bool operator==(const Membership&) const = default;
};

enum class MembershipChangeType : std::uint8_t {
  add_learner,  // a new node that receives the log but does not vote
  promote,      // a learner becomes a voter
  remove,       // a voter or learner leaves
};

struct MembershipChange {
  MembershipChangeType type = MembershipChangeType::add_learner;
  NodeId node = kNoNode;
};

// The membership after `change`, or nullopt when the change makes no sense
// (adding a member, promoting a non-learner, removing a non-member, removing
// the last voter).
std::optional<Membership> apply_change(const Membership& membership, const MembershipChange& change);

// Payload of an EntryType::config entry.
std::string encode_membership(const Membership& membership);
Membership decode_membership(std::string_view bytes);

std::string describe(const Membership& membership);

}  // namespace raftsim::raft
