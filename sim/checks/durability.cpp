#include "sim/checks/durability.hpp"

#include <cstring>

namespace raftsim::sim {

void DurabilityCheck::set(std::vector<bool>& bits, std::uint64_t sequence) {
  if (sequence >= bits.size()) bits.resize(std::max<std::uint64_t>(sequence + 1, bits.size() * 2), false);
  bits[sequence] = true;
}

void DurabilityCheck::acknowledged(std::uint32_t client, std::uint64_t sequence) {
  if (client >= acknowledged_.size()) return;
  if (!get(acknowledged_[client], sequence)) ++acknowledged_count_;
  set(acknowledged_[client], sequence);
}

void DurabilityCheck::committed(const raft::Entry& entry) {
  // A client entry's payload starts with its request id: client << 32 | sequence.
  if (entry.type != raft::EntryType::normal || !entry.data || entry.data->size() < sizeof(std::uint64_t)) return;
  std::uint64_t request = 0;
  std::memcpy(&request, entry.data->data(), sizeof request);
  const auto client = static_cast<std::uint32_t>(request >> 32);
  if (client == 0 || client >= committed_.size()) return;  // not a workload client (the compactor)
  set(committed_[client], request & 0xffffffffu);
}

bool DurabilityCheck::lost(std::uint32_t client, std::uint64_t sequence) const {
  return client < acknowledged_.size() && get(acknowledged_[client], sequence) && !get(committed_[client], sequence);
}

std::optional<std::pair<std::uint32_t, std::uint64_t>> DurabilityCheck::first_lost() const {
  for (std::uint32_t client = 1; client < acknowledged_.size(); ++client)
    for (std::uint64_t sequence = 0; sequence < acknowledged_[client].size(); ++sequence)
      if (lost(client, sequence)) return std::pair(client, sequence);
  return std::nullopt;
}

}  // namespace raftsim::sim
