#include "sim/state_machine.hpp"

#include "core/assert.hpp"

namespace raftsim::sim {

namespace {
void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
std::uint64_t get_u64(std::string_view bytes, std::size_t& at) {
  RAFTSIM_ASSERT(at + 8 <= bytes.size(), "truncated state machine snapshot");
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  at += 8;
  return value;
}
}  // namespace

bool StateMachine::admit(std::uint32_t client, std::uint64_t sequence) {
  std::uint64_t& last = last_sequence[client];
  if (sequence <= last) return false;
  last = sequence;
  return true;
}

std::string StateMachine::snapshot() const {
  std::string out;
  put_u64(out, last_sequence.size());
  for (const auto& [client, sequence] : last_sequence) {
    put_u64(out, client);
    put_u64(out, sequence);
  }
  out += store.snapshot();
  return out;
}

StateMachine StateMachine::restore(std::string_view bytes) {
  StateMachine machine;
  std::size_t at = 0;
  const std::uint64_t count = get_u64(bytes, at);
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto client = static_cast<std::uint32_t>(get_u64(bytes, at));
    machine.last_sequence[client] = get_u64(bytes, at);
  }
  machine.store = kv::Store::restore(bytes.substr(at));
  return machine;
}

}  // namespace raftsim::sim
