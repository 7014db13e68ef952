#include "core/raft/membership.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace raftsim::raft {

namespace {
void insert_sorted(std::vector<NodeId>& nodes, NodeId node) {
  nodes.insert(std::upper_bound(nodes.begin(), nodes.end(), node), node);
}
void erase(std::vector<NodeId>& nodes, NodeId node) { nodes.erase(std::remove(nodes.begin(), nodes.end(), node), nodes.end()); }
}  // namespace

std::optional<Membership> apply_change(const Membership& membership, const MembershipChange& change) {
  if (change.node == kNoNode || change.node > kMaxNodes) return std::nullopt;
  Membership next = membership;
  switch (change.type) {
    case MembershipChangeType::add_learner:
      if (membership.is_member(change.node)) return std::nullopt;
      insert_sorted(next.learners, change.node);
      return next;
    case MembershipChangeType::promote:
      if (!membership.is_learner(change.node)) return std::nullopt;
      erase(next.learners, change.node);
      insert_sorted(next.voters, change.node);
      return next;
    case MembershipChangeType::remove:
      if (!membership.is_member(change.node)) return std::nullopt;
      if (membership.is_voter(change.node) && membership.voters.size() == 1) return std::nullopt;
      erase(next.voters, change.node);
      erase(next.learners, change.node);
      return next;
  }
  return std::nullopt;
}

std::string encode_membership(const Membership& membership) {
  // One byte per count and id: ids are at most kMaxNodes.
  std::string bytes;
  bytes.push_back(static_cast<char>(membership.voters.size()));
  for (NodeId id : membership.voters) bytes.push_back(static_cast<char>(id));
  bytes.push_back(static_cast<char>(membership.learners.size()));
  for (NodeId id : membership.learners) bytes.push_back(static_cast<char>(id));
  return bytes;
}

Membership decode_membership(std::string_view bytes) {
  Membership membership;
  std::size_t at = 0;
  const auto read_list = [&](std::vector<NodeId>& out) {
    RAFTSIM_ASSERT(at < bytes.size(), "truncated membership entry");
    const auto count = static_cast<unsigned char>(bytes[at++]);
    RAFTSIM_ASSERT(at + count <= bytes.size(), "truncated membership entry");
    for (std::size_t i = 0; i < count; ++i) out.push_back(static_cast<unsigned char>(bytes[at++]));
  };
  read_list(membership.voters);
  read_list(membership.learners);
  RAFTSIM_ASSERT(at == bytes.size(), "trailing bytes in a membership entry");
  return membership;
}

std::string describe(const Membership& membership) {
  std::string text = "voters {";
  for (std::size_t i = 0; i < membership.voters.size(); ++i) text += fmt::format("{}n{}", i ? "," : "", membership.voters[i]);
  text += "}";
  if (!membership.learners.empty()) {
    text += " learners {";
    for (std::size_t i = 0; i < membership.learners.size(); ++i)
      text += fmt::format("{}n{}", i ? "," : "", membership.learners[i]);
    text += "}";
  }
  return text;
}

}  // namespace raftsim::raft
