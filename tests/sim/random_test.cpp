// raftsim's generator and distributions are fixed: a seed means the same
// numbers on every compiler and standard library (TigerBeetle pins its PRNG
// the same way).
#include <catch2/catch.hpp>

#include "sim/random.hpp"

using namespace raftsim;

TEST_CASE("xoshiro256** streams are pinned", "[random]") {
  auto stream = sim::make_stream(1, sim::Stream::network);
  const std::uint64_t first = stream.next_u64();
  const std::uint64_t second = stream.next_u64();
  auto again = sim::make_stream(1, sim::Stream::network);
  CHECK(again.next_u64() == first);
  CHECK(again.next_u64() == second);
  CHECK(first == 0x6d57dfc193059ce0ULL);
  // Streams of other purposes, seeds or indexes differ.
  CHECK(sim::make_stream(1, sim::Stream::disk).next_u64() != first);
  CHECK(sim::make_stream(2, sim::Stream::network).next_u64() != first);
  CHECK(sim::make_stream(1, sim::Stream::network, 1).next_u64() != first);
}

TEST_CASE("uniform_int stays in range and reaches both ends", "[random]") {
  sim::Xoshiro256 random(7);
  bool saw_low = false, saw_high = false;
  for (int i = 0; i < 10000; ++i) {
    const auto value = uniform_int(random, -3, 3);
    REQUIRE(value >= -3);
    REQUIRE(value <= 3);
    saw_low |= value == -3;
    saw_high |= value == 3;
  }
  CHECK(saw_low);
  CHECK(saw_high);
  CHECK(uniform_int(random, 5, 5) == 5);
}

TEST_CASE("chance honours 0 and 1 exactly and is near p in between", "[random]") {
  sim::Xoshiro256 random(9);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) {
    REQUIRE_FALSE(chance(random, Probability::from_double(0.0)));
    REQUIRE(chance(random, Probability::from_double(1.0)));
    hits += chance(random, Probability::from_double(0.25)) ? 1 : 0;
  }
  CHECK(hits > 24000);
  CHECK(hits < 26000);
}
