// Textbook histories, both ways, for the linearizability checker.
#include <algorithm>

#include <catch2/catch.hpp>

#include "sim/history/history.hpp"

namespace h = raftsim::history;
using h::OpKind;
using h::Outcome;

namespace {

h::Operation op(int client, OpKind kind, std::optional<std::string> value, std::int64_t call,
                std::optional<std::int64_t> ret, Outcome outcome = Outcome::ok, std::string key = "x") {
  h::Operation o;
  o.client = client;
  o.kind = kind;
  o.key = std::move(key);
  o.value = std::move(value);
  o.call_us = call;
  o.return_us = outcome == Outcome::unknown ? std::nullopt : ret;
  o.outcome = outcome;
  return o;
}
h::Operation put(int client, std::string value, std::int64_t call, std::optional<std::int64_t> ret,
                 Outcome outcome = Outcome::ok, std::string key = "x") {
  return op(client, OpKind::put, std::move(value), call, ret, outcome, std::move(key));
}
h::Operation get(int client, std::optional<std::string> value, std::int64_t call, std::int64_t ret,
                 std::string key = "x") {
  return op(client, OpKind::get, std::move(value), call, ret, Outcome::ok, std::move(key));
}
h::Operation cas(int client, std::optional<std::string> expect, std::string value, std::int64_t call,
                 std::optional<std::int64_t> ret, Outcome outcome = Outcome::ok) {
  h::Operation o = op(client, OpKind::cas, std::move(value), call, ret, outcome);
  o.expect = std::move(expect);
  return o;
}

h::Verdict verdict(const h::History& history, h::Model model = h::Model::kv) {
  return h::check(history, model).verdict;
}
bool witness_has(const h::CheckResult& result, std::size_t index) {
  return std::find(result.witness.begin(), result.witness.end(), index) != result.witness.end();
}

}  // namespace

TEST_CASE("a stale read after a completed write is not linearizable", "[history][checker]") {
  const h::History history = {put(1, "1", 0, 10), put(1, "2", 20, 30), get(2, "1", 40, 50)};
  const h::CheckResult result = h::check(history, h::Model::kv);
  CHECK(result.verdict == h::Verdict::not_linearizable);
  CHECK(witness_has(result, 1));
  CHECK(witness_has(result, 2));
  CHECK_FALSE(h::format_witness_table(history, result).empty());
}

TEST_CASE("a read that overlaps the write may see either value", "[history][checker]") {
  const h::History old_value = {put(1, "1", 0, 10), put(1, "2", 20, 60), get(2, "1", 30, 50)};
  const h::History new_value = {put(1, "1", 0, 10), put(1, "2", 20, 60), get(2, "2", 30, 50)};
  CHECK(verdict(old_value) == h::Verdict::linearizable);
  CHECK(verdict(new_value) == h::Verdict::linearizable);
}

TEST_CASE("a read that goes back in time is not linearizable", "[history][checker]") {
  // The write overlaps both reads, but once a read saw 2 a later read cannot see 1.
  const h::History history = {put(1, "1", 0, 10), put(1, "2", 20, 100), get(2, "2", 30, 40),
                              get(3, "1", 50, 60)};
  const h::CheckResult result = h::check(history, h::Model::kv);
  CHECK(result.verdict == h::Verdict::not_linearizable);
  CHECK(witness_has(result, 2));
  CHECK(witness_has(result, 3));
}

TEST_CASE("two CASes cannot both succeed from the same old value", "[history][checker]") {
  const h::History history = {put(1, "0", 0, 10), cas(2, "0", "a", 20, 40), cas(3, "0", "b", 25, 45)};
  const h::CheckResult result = h::check(history, h::Model::kv);
  CHECK(result.verdict == h::Verdict::not_linearizable);
  CHECK(witness_has(result, 1));
  CHECK(witness_has(result, 2));
  // One of them failing is fine.
  const h::History one_fails = {put(1, "0", 0, 10), cas(2, "0", "a", 20, 40),
                                cas(3, "0", "b", 25, 45, Outcome::fail)};
  CHECK(verdict(one_fails) == h::Verdict::linearizable);
}

TEST_CASE("a failed cas means its compare was false", "[history][checker]") {
  // The value was 0 throughout, so a cas expecting 0 cannot have failed.
  const h::History history = {put(1, "0", 0, 10), cas(2, "0", "a", 20, 30, Outcome::fail),
                              get(3, "0", 40, 50)};
  CHECK(verdict(history) == h::Verdict::not_linearizable);
  // Expecting something else it fails, and changes nothing.
  const h::History other = {put(1, "0", 0, 10), cas(2, "9", "a", 20, 30, Outcome::fail),
                            get(3, "0", 40, 50)};
  CHECK(verdict(other) == h::Verdict::linearizable);
  // A cas on an absent key (expect nullopt) succeeds only while the key is absent.
  const h::History absent = {cas(1, std::nullopt, "a", 0, 10), get(2, "a", 20, 30)};
  CHECK(verdict(absent) == h::Verdict::linearizable);
  const h::History present = {put(1, "0", 0, 5), cas(1, std::nullopt, "a", 10, 20)};
  CHECK(verdict(present) == h::Verdict::not_linearizable);
}

TEST_CASE("an unknown write may take effect long after its call", "[history][checker]") {
  const h::History history = {put(1, "1", 0, 10), put(2, "2", 20, std::nullopt, Outcome::unknown),
                              get(3, "1", 100, 110), get(3, "2", 200, 210), get(4, "2", 300, 310)};
  CHECK(verdict(history) == h::Verdict::linearizable);
  // ...or never.
  const h::History never = {put(1, "1", 0, 10), put(2, "2", 20, std::nullopt, Outcome::unknown),
                            get(3, "1", 100, 110), get(3, "1", 200, 210)};
  CHECK(verdict(never) == h::Verdict::linearizable);
}

TEST_CASE("an unknown write that is seen and then unseen is not linearizable", "[history][checker]") {
  const h::History history = {put(1, "1", 0, 10), put(2, "2", 20, std::nullopt, Outcome::unknown),
                              get(3, "2", 100, 110), get(3, "1", 200, 210)};
  const h::CheckResult result = h::check(history, h::Model::kv);
  CHECK(result.verdict == h::Verdict::not_linearizable);
  CHECK(witness_has(result, 2));
  CHECK(witness_has(result, 3));
  // An unknown write cannot take effect before it was called.
  const h::History early = {get(3, "2", 0, 10), put(2, "2", 20, std::nullopt, Outcome::unknown)};
  CHECK(verdict(early) == h::Verdict::not_linearizable);
}

TEST_CASE("concurrent operations that can be ordered are linearizable", "[history][checker]") {
  // Three clients overlap completely; the order put 2, get 2, put 3, get 3 fits.
  const h::History history = {put(1, "2", 0, 100), put(2, "3", 10, 90), get(3, "2", 5, 95),
                              get(4, "3", 20, 110)};
  CHECK(verdict(history) == h::Verdict::linearizable);
  // A read of a value nobody wrote never is.
  CHECK(verdict({put(1, "2", 0, 100), get(3, "7", 5, 95)}) == h::Verdict::not_linearizable);
}

TEST_CASE("keys are independent in the kv model but not in the register", "[history][checker]") {
  const h::History history = {put(1, "1", 0, 10, Outcome::ok, "a"), put(1, "2", 20, 30, Outcome::ok, "b"),
                              get(2, "1", 40, 50, "a")};
  CHECK(verdict(history, h::Model::kv) == h::Verdict::linearizable);
  CHECK(verdict(history, h::Model::register_) == h::Verdict::not_linearizable);
  // A never-written key reads as absent.
  CHECK(verdict({get(1, std::nullopt, 0, 10, "z")}) == h::Verdict::linearizable);
  CHECK(verdict({get(1, "", 0, 10, "z")}) == h::Verdict::not_linearizable);
}

TEST_CASE("delete and append follow the kv model", "[history][checker]") {
  h::History history = {put(1, "a", 0, 10), op(1, OpKind::append, "b", 20, 30), get(2, "ab", 40, 50),
                        op(1, OpKind::del, std::nullopt, 60, 70), get(2, std::nullopt, 80, 90),
                        op(1, OpKind::append, "c", 100, 110), get(2, "c", 120, 130)};
  CHECK(verdict(history) == h::Verdict::linearizable);
  history[2].value = "ba";
  CHECK(verdict(history) == h::Verdict::not_linearizable);
}

TEST_CASE("the etcd model checks revisions", "[history][checker]") {
  h::History history = {put(1, "1", 0, 10), put(1, "2", 20, 30), get(2, "2", 40, 50)};
  history[0].revision = 2;
  history[1].revision = 3;
  history[2].revision = 3;
  history[2].mod_revision = 3;
  CHECK(verdict(history, h::Model::etcd) == h::Verdict::linearizable);
  SECTION("a read's mod revision names the write it saw") {
    history[2].mod_revision = 2;
    CHECK(verdict(history, h::Model::etcd) == h::Verdict::not_linearizable);
    CHECK(verdict(history, h::Model::kv) == h::Verdict::linearizable);
  }
  SECTION("revisions never go back in real time") {
    history[1].revision = 1;
    history[2].revision = 1;
    history[2].mod_revision = 1;
    const h::CheckResult result = h::check(history, h::Model::etcd);
    CHECK(result.verdict == h::Verdict::not_linearizable);
    CHECK(result.witness == std::vector<std::size_t>{0, 1});
  }
}

TEST_CASE("should_stop gives up with verdict unknown", "[history][checker]") {
  // Many concurrent appends that no read pins down, then a read no order
  // gives. The put before the read may reset the value, so the search cannot
  // refuse appends early for that read (search.hpp): it has every order of
  // the appends to try.
  h::History history;
  for (int c = 0; c < 40; ++c) history.push_back(op(c, OpKind::append, std::to_string(c), 0, 1000));
  history.push_back(put(98, "z", 1500, 1600));
  history.push_back(get(99, "nope", 2000, 2100));
  h::CheckOptions options;
  options.should_stop = [] { return true; };
  CHECK(h::check(history, h::Model::kv, options).verdict == h::Verdict::unknown);
}

TEST_CASE("check is deterministic, witness included", "[history][checker]") {
  const h::History history = {put(1, "1", 0, 10), put(2, "2", 5, 40), put(1, "3", 20, 30),
                              get(3, "1", 50, 60), get(3, "3", 70, 80)};
  const h::CheckResult a = h::check(history, h::Model::kv);
  const h::CheckResult b = h::check(history, h::Model::kv);
  CHECK(a.verdict == h::Verdict::not_linearizable);
  CHECK(a.witness == b.witness);
  CHECK(a.explanation == b.explanation);
}
