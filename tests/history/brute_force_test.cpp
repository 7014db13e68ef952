// The checker against a brute-force reference on thousands of tiny random
// histories: every order of the operations (and every subset of the
// unknown-outcome ones) that respects real time is tried against a plain
// sequential model. Both verdicts must agree, which covers the search's
// pruning (memo, unknown ops left pending, twins) in both directions.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/history/history.hpp"

namespace h = raftsim::history;

namespace {

std::uint64_t next_random(std::uint64_t& state) {  // splitmix64
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Applies `op` to `state`; false if it cannot happen there with its outcome.
bool apply_op(const h::Operation& op, std::optional<std::string>& state) {
  switch (op.kind) {
    case h::OpKind::get: return op.outcome != h::Outcome::ok || op.value == state;
    case h::OpKind::put:
      if (op.outcome != h::Outcome::fail) state = op.value;
      return true;
    case h::OpKind::del:
      if (op.outcome != h::Outcome::fail) state.reset();
      return true;
    case h::OpKind::append:
      if (op.outcome != h::Outcome::fail) state = state.value_or("") + *op.value;
      return true;
    case h::OpKind::cas:
      if (op.outcome == h::Outcome::fail) return state != op.expect;
      if (state == op.expect) {
        state = op.value;
        return true;
      }
      return op.outcome == h::Outcome::unknown;
    case h::OpKind::txn: break;  // never in a checked history
  }
  return false;
}

bool brute_force_linearizable(const h::History& history) {
  const std::size_t n = history.size();
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < n; ++i)
    if (history[i].outcome == h::Outcome::unknown) unknown.push_back(i);
  for (std::uint32_t mask = 0; mask < (1u << unknown.size()); ++mask) {
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < n; ++i) {
      const auto u = std::find(unknown.begin(), unknown.end(), i);
      if (u == unknown.end() || (mask >> (u - unknown.begin())) & 1) chosen.push_back(i);
    }
    do {
      // Real time: an op that returned before another was called comes first.
      bool ok = true;
      for (std::size_t a = 0; a < chosen.size() && ok; ++a)
        for (std::size_t b = a + 1; b < chosen.size() && ok; ++b)
          if (history[chosen[b]].return_us && *history[chosen[b]].return_us < history[chosen[a]].call_us)
            ok = false;
      std::optional<std::string> state;
      for (std::size_t k = 0; k < chosen.size() && ok; ++k) ok = apply_op(history[chosen[k]], state);
      if (ok) return true;
    } while (std::next_permutation(chosen.begin(), chosen.end()));
  }
  return false;
}

h::History random_history(std::uint64_t& rng, bool with_append) {
  const std::size_t n = 2 + next_random(rng) % 5;  // 2..6 ops
  const char* values[] = {"a", "b", "c"};
  h::History history;
  for (std::size_t i = 0; i < n; ++i) {
    h::Operation op;
    op.client = static_cast<int>(i);
    op.key = "k";
    const std::uint64_t kind = next_random(rng) % (with_append ? 5 : 4);
    op.kind = kind == 0 ? h::OpKind::get : kind == 1 ? h::OpKind::put : kind == 2 ? h::OpKind::cas
              : kind == 3 ? h::OpKind::del : h::OpKind::append;
    op.call_us = static_cast<std::int64_t>(next_random(rng) % 20);
    op.return_us = op.call_us + static_cast<std::int64_t>(next_random(rng) % 10);
    const std::uint64_t outcome = next_random(rng) % 6;
    op.outcome = outcome == 0 ? h::Outcome::unknown : outcome == 1 ? h::Outcome::fail : h::Outcome::ok;
    if (op.kind == h::OpKind::get && op.outcome == h::Outcome::ok) {
      const std::uint64_t v = next_random(rng) % 4;
      if (v < 3) op.value = values[v];
      if (with_append && v == 0) op.value = "ab";
    }
    if (op.kind == h::OpKind::put || op.kind == h::OpKind::cas || op.kind == h::OpKind::append)
      op.value = values[next_random(rng) % 3];
    if (op.kind == h::OpKind::cas) {
      const std::uint64_t v = next_random(rng) % 4;
      if (v < 3) op.expect = values[v];
    }
    if (op.outcome == h::Outcome::unknown) op.return_us.reset();
    history.push_back(op);
  }
  return history;
}

void compare(bool with_append) {
  std::uint64_t rng = with_append ? 7 : 1;
  int linearizable = 0;
  for (int round = 0; round < 20000; ++round) {
    const h::History history = random_history(rng, with_append);
    const bool expected = brute_force_linearizable(history);
    const h::CheckResult result = h::check(history, h::Model::kv);
    INFO("round " << round);
    REQUIRE((result.verdict == h::Verdict::linearizable) == expected);
    if (expected) ++linearizable;
    if (!expected) {
      h::History witness;
      for (const std::size_t i : result.witness) witness.push_back(history[i]);
      REQUIRE_FALSE(brute_force_linearizable(witness));
    }
  }
  // Both verdicts are well represented.
  CHECK(linearizable > 2000);
  CHECK(linearizable < 18000);
}

}  // namespace

TEST_CASE("brute force agrees on tiny random histories (get, put, cas, delete)", "[history][checker]") {
  compare(false);
}

TEST_CASE("brute force agrees on tiny random histories with appends", "[history][checker]") {
  compare(true);
}

namespace {

// A linearizable history by construction: random intervals per client, each
// op taking effect at a random instant inside its interval (unknown ones
// possibly never), results computed in that order.
h::History generated_history(std::uint64_t seed, std::size_t count, int keys, int clients) {
  std::uint64_t rng = seed;
  std::vector<std::int64_t> free_at(static_cast<std::size_t>(clients), 0);
  std::vector<std::pair<std::int64_t, std::size_t>> effect;  // (instant, op)
  h::History history;
  for (std::size_t i = 0; i < count; ++i) {
    h::Operation op;
    op.client = static_cast<int>(next_random(rng) % static_cast<std::uint64_t>(clients));
    op.key = std::to_string(next_random(rng) % static_cast<std::uint64_t>(keys));
    const std::uint64_t kind = next_random(rng) % 10;
    op.kind = kind < 4 ? h::OpKind::get : kind < 7 ? h::OpKind::put : kind < 9 ? h::OpKind::cas : h::OpKind::append;
    if (op.kind != h::OpKind::get) op.value = "v" + std::to_string(i) + ";";
    if (op.kind == h::OpKind::cas && i > 0)  // a recent value, or absent
      op.expect = "v" + std::to_string(i - 1 - next_random(rng) % std::min<std::size_t>(i, 20)) + ";";
    std::int64_t& t = free_at[static_cast<std::size_t>(op.client)];
    op.call_us = t + static_cast<std::int64_t>(next_random(rng) % 30);
    const auto duration = static_cast<std::int64_t>(1 + next_random(rng) % 100);
    t = op.call_us + duration;
    op.return_us = t;
    const bool unknown = next_random(rng) % 50 == 0;
    if (unknown) {
      op.outcome = h::Outcome::unknown;
      op.return_us.reset();
    }
    if (!unknown || next_random(rng) % 2 == 0)
      effect.emplace_back(op.call_us + static_cast<std::int64_t>(next_random(rng) % static_cast<std::uint64_t>(duration)), i);
    history.push_back(op);
  }
  std::sort(effect.begin(), effect.end());
  std::vector<std::optional<std::string>> state(static_cast<std::size_t>(keys));
  for (const auto& [instant, i] : effect) {
    h::Operation& op = history[i];
    auto& value = state[static_cast<std::size_t>(std::stoi(op.key))];
    if (op.kind == h::OpKind::get) op.value = value;
    if (op.kind == h::OpKind::cas && value != op.expect && op.outcome == h::Outcome::ok) op.outcome = h::Outcome::fail;
    if (!apply_op(op, value)) FAIL("the generator built an impossible history");
  }
  return history;
}

}  // namespace

TEST_CASE("generated linearizable histories pass, and one stale read fails", "[history][checker]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    h::History history = generated_history(seed, 3000, 4, 8);
    INFO("seed " << seed);
    REQUIRE(h::check(history, h::Model::kv).verdict == h::Verdict::linearizable);
    // Make the last successful get read the value its key had at the start.
    for (std::size_t i = history.size(); i-- > 0;) {
      h::Operation& op = history[i];
      if (op.kind != h::OpKind::get || op.outcome != h::Outcome::ok || !op.value) continue;
      op.value.reset();
      const h::CheckResult result = h::check(history, h::Model::kv);
      CHECK(result.verdict == h::Verdict::not_linearizable);
      CHECK(std::find(result.witness.begin(), result.witness.end(), i) != result.witness.end());
      CHECK(result.witness.size() < 10);
      break;
    }
  }
}
