#pragma once
// raftsim's generator: xoshiro256** (Blackman & Vigna), seeded through
// splitmix64. Fixed and documented so that a seed means the same run on every
// machine, compiler and standard library. Independent streams per purpose
// (CONTRACT §2) are derived from (seed, stream name), so adding or removing a
// draw in one stream never shifts the numbers another stream sees.
#include <cstdint>
#include <string_view>

#include "core/random.hpp"

namespace raftsim::sim {

class Xoshiro256 final : public RandomSource {
 public:
  explicit Xoshiro256(std::uint64_t seed);
  std::uint64_t next_u64() override;

 private:
  std::uint64_t state_[4];
};

// The purposes that get their own stream. Per-node streams (election timers)
// are derived with the node's index.
enum class Stream : std::uint64_t {
  network = 1,
  disk = 2,
  timers = 3,
  workload = 4,
  faults = 5,
  clock = 6,
  generator = 7,  // the fuzzer's scenario generator
  watchers = 8,   // reflectors: start times and response latencies
};

// A stream for one purpose (and optionally one node, client or link) under one seed.
Xoshiro256 make_stream(std::uint64_t seed, Stream purpose, std::uint64_t index = 0);

std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace raftsim::sim
