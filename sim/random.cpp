#include "sim/random.hpp"

namespace raftsim::sim {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Xoshiro256::Xoshiro256(std::uint64_t seed) {
  std::uint64_t mix = seed;
  for (auto& word : state_) word = splitmix64(mix);
}

static inline std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t Xoshiro256::next_u64() {
  const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

Xoshiro256 make_stream(std::uint64_t seed, Stream purpose, std::uint64_t index) {
  // Mix the three parts through splitmix64 so nearby seeds give unrelated streams.
  std::uint64_t mix = seed;
  std::uint64_t a = splitmix64(mix);
  mix = a ^ (static_cast<std::uint64_t>(purpose) * 0xd1b54a32d192ed03ULL);
  std::uint64_t b = splitmix64(mix);
  mix = b ^ (index * 0x8cb92ba72f3d8dd7ULL + 0x632be59bd9b4e019ULL);
  return Xoshiro256(splitmix64(mix));
}

}  // namespace raftsim::sim
