#pragma once
// Durability: every write acknowledged to a client is in the final committed
// log. Kept as two bits per client operation, acknowledged and committed, so
// that a long run need not hold its history for this check: committed
// entries are marked as the safety checker forgets them and, at the end,
// from what is still recorded and the best node's log.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/raft/log.hpp"

namespace raftsim::sim {

class DurabilityCheck {
 public:
  explicit DurabilityCheck(std::size_t clients) : acknowledged_(clients + 1), committed_(clients + 1) {}

  // Client `client`'s operation `sequence`, a write, was acknowledged.
  void acknowledged(std::uint32_t client, std::uint64_t sequence);
  // A committed entry: the client request it carries, if any, is committed.
  void committed(const raft::Entry& entry);

  std::size_t acknowledged_count() const { return acknowledged_count_; }
  bool lost(std::uint32_t client, std::uint64_t sequence) const;
  // The lost write of the lowest client, then sequence: (client, sequence).
  std::optional<std::pair<std::uint32_t, std::uint64_t>> first_lost() const;

 private:
  static void set(std::vector<bool>& bits, std::uint64_t sequence);
  static bool get(const std::vector<bool>& bits, std::uint64_t sequence) {
    return sequence < bits.size() && bits[sequence];
  }

  std::vector<std::vector<bool>> acknowledged_;  // [client][sequence]
  std::vector<std::vector<bool>> committed_;     // [client][sequence]
  std::size_t acknowledged_count_ = 0;
};

}  // namespace raftsim::sim
