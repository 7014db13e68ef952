#pragma once
// The generator's choices: one seeded stream, raftsim's own integer
// distributions (never the standard library's), and helpers to build faults.
#include <cstdint>
#include <vector>

#include "sim/random.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::fuzz {

constexpr scenario::Micros kSecond = 1'000'000;
constexpr scenario::Micros kMs = 1'000;

struct Draw {
  sim::Xoshiro256 random;
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return uniform_int(random, lo, hi); }
  bool coin(std::uint64_t per_thousand) { return uniform_int(random, 0, 999) < static_cast<std::int64_t>(per_thousand); }
  template <typename T>
  const T& pick(const std::vector<T>& from) { return from[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(from.size()) - 1))]; }
};

inline scenario::NodeSelector named(int node) { return {scenario::NodeSelector::Kind::node, node}; }
inline scenario::NodeSelector role(scenario::NodeSelector::Kind kind) { return {kind, 0}; }

}  // namespace raftsim::fuzz
