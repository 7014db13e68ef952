#pragma once
// The core's only source of randomness is handed in: a RandomSource. The
// simulator passes one of its seeded streams; a real server could pass a
// generator seeded from the OS. The distributions here are raftsim's own and
// integer-only, so every standard library and compiler draws the same numbers
// (CONTRACT §2: never std::*_distribution).
#include <cstdint>

#include "core/assert.hpp"

namespace raftsim {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t next_u64() = 0;
};

// Uniform integer in [lo, hi] (both inclusive), without modulo bias
// (Lemire's multiply-and-reject method, 128-bit product).
inline std::int64_t uniform_int(RandomSource& random, std::int64_t lo, std::int64_t hi) {
  RAFTSIM_ASSERT(lo <= hi, "uniform_int range [{}, {}]", lo, hi);
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(random.next_u64());
  const std::uint64_t range = span + 1;
  unsigned __int128 product = static_cast<unsigned __int128>(random.next_u64()) * range;
  std::uint64_t low = static_cast<std::uint64_t>(product);
  if (low < range) {
    const std::uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(random.next_u64()) * range;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return lo + static_cast<std::int64_t>(static_cast<std::uint64_t>(product >> 64));
}

// A probability as an integer ratio in parts per billion, so that decisions
// never depend on floating-point rounding.
struct Probability {
  static constexpr std::uint64_t kScale = 1'000'000'000;
  std::uint64_t parts_per_billion = 0;

  static Probability from_double(double p) {
    if (p <= 0) return {0};
    if (p >= 1) return {kScale};
    return {static_cast<std::uint64_t>(p * static_cast<double>(kScale) + 0.5)};
  }
  double as_double() const { return static_cast<double>(parts_per_billion) / kScale; }
  bool never() const { return parts_per_billion == 0; }
};

// True with probability p.
inline bool chance(RandomSource& random, Probability p) {
  if (p.parts_per_billion == 0) return false;
  if (p.parts_per_billion >= Probability::kScale) return true;
  return static_cast<std::uint64_t>(uniform_int(random, 0, Probability::kScale - 1)) <
         p.parts_per_billion;
}

}  // namespace raftsim
