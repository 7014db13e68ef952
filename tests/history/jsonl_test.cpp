// The jsonl history format (CONTRACT §5): round trip and error messages.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/input_error.hpp"
#include "sim/history/history.hpp"

namespace h = raftsim::history;

namespace {

std::string error_of(const std::string& text) {
  try {
    h::parse_jsonl(text, "h.jsonl");
  } catch (const raftsim::InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("jsonl: the contract's example parses as documented", "[history][jsonl]") {
  const std::string text =
      R"({"client": 1, "op": "put", "key": "x", "value": "1", "call_us": 100, "return_us": 250, "outcome": "ok"})"
      "\n"
      R"({"client": 2, "op": "get", "key": "x", "call_us": 120, "return_us": 300, "outcome": "ok", "value": "1"})"
      "\n"
      R"({"client": 3, "op": "cas", "key": "x", "expect": "1", "value": "2", "call_us": 130, "return_us": null, "outcome": "unknown"})"
      "\n"
      R"({"client": 4, "op": "delete", "key": "x", "call_us": 400, "return_us": 450, "outcome": "ok"})"
      "\n";
  const h::History history = h::parse_jsonl(text, "example");
  REQUIRE(history.size() == 4);
  CHECK(history[1].kind == h::OpKind::get);
  CHECK(history[1].value == "1");
  CHECK(history[2].kind == h::OpKind::cas);
  CHECK(history[2].expect == "1");
  CHECK(history[2].outcome == h::Outcome::unknown);
  CHECK_FALSE(history[2].return_us);
  CHECK(history[3].kind == h::OpKind::del);
  CHECK(h::check(history, h::Model::kv).verdict == h::Verdict::linearizable);
}

TEST_CASE("jsonl: write_jsonl then read_jsonl gives the same history", "[history][jsonl]") {
  h::History history;
  h::Operation a;
  a.client = 3;
  a.kind = h::OpKind::cas;
  a.key = "k \"quoted\" \\ \n\t\x01 é";
  a.expect = std::nullopt;
  a.value = "v";
  a.call_us = -5;
  a.return_us = std::nullopt;
  a.outcome = h::Outcome::unknown;
  history.push_back(a);
  h::Operation b;
  b.kind = h::OpKind::get;
  b.key = "k";
  b.value = std::nullopt;  // absent
  b.call_us = 10;
  b.return_us = 20;
  b.revision = 7;
  b.mod_revision = 4;
  history.push_back(b);
  h::Operation c = b;
  c.kind = h::OpKind::append;
  c.value = "";
  c.outcome = h::Outcome::fail;
  history.push_back(c);
  h::Operation d = b;
  d.kind = h::OpKind::del;
  d.value = std::nullopt;
  d.revision = std::nullopt;
  history.push_back(d);

  const std::string path = "history_roundtrip_test.jsonl";
  {
    std::ofstream out(path);
    h::write_jsonl(out, history);
  }
  const h::History back = h::read_jsonl(path);
  std::remove(path.c_str());
  CHECK(back == history);
  // The format is told from the content.
  std::ostringstream text;
  h::write_jsonl(text, history);
  CHECK(h::detect_format(text.str(), "x") == h::Format::jsonl);
}

TEST_CASE("jsonl: malformed lines are InputErrors with file, line and column", "[history][jsonl]") {
  const std::string good = R"({"client": 1, "op": "put", "key": "x", "value": "1", "call_us": 1, "return_us": 2, "outcome": "ok"})";
  CHECK(error_of(good + "\n" + R"({"client": 1, "op": "put", "key": "x" "value": "1"})") ==
        "h.jsonl:2:39: expected `,` or `}`, found `\"value\": \"1\"`");
  CHECK(error_of(R"({"client": 1, "op": "pop", "key": "x", "call_us": 1, "return_us": 2, "outcome": "ok"})")
            .find("h.jsonl:1:21: expected op \"get\", \"put\", \"delete\", \"cas\" or \"append\"") == 0);
  CHECK(error_of(R"({"client": 1, "op": "get", "key": "x", "call_us": 1, "return_us": null, "outcome": "ok", "value": null})")
            .find("h.jsonl:1:67: expected an integer \"return_us\" with outcome ok") == 0);
  CHECK(error_of(R"({"client": 1, "op": "put", "key": "x", "call_us": 1, "return_us": 2, "outcome": "ok"})")
            .find("h.jsonl:1:") == 0);
  CHECK(error_of(R"({"client": 1, "op": "get", "key": "x", "call_us": 5, "return_us": 2, "outcome": "ok", "value": null})")
            .find("expected return_us no earlier than call_us") != std::string::npos);
  CHECK(error_of("\n\n  [1, 2]").find("h.jsonl:3:3: expected `{` starting an operation") == 0);
  CHECK(error_of(R"({"client": 1, "op": "get", "key": "x)").find("h.jsonl:1:37: expected `\"` closing the string") == 0);
  // Unknown fields are skipped, blank lines ignored.
  CHECK(error_of("\n" + good.substr(0, good.size() - 1) + R"(, "extra": {"a": [1, 2.5e3, true]}})" + "\n\n") ==
        "no error");
}

TEST_CASE("jsonl: an unreadable file is an InputError naming it", "[history][jsonl]") {
  try {
    h::read_jsonl("/nonexistent/history.jsonl");
    FAIL("expected an InputError");
  } catch (const raftsim::InputError& error) {
    CHECK(std::string(error.what()).find("/nonexistent/history.jsonl") != std::string::npos);
  }
}

TEST_CASE("porcupine formats: pairing, unknown outcomes and absent values", "[history][formats]") {
  const std::string etcd =
      "noise line\n"
      "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 2\t:invoke\t:cas\t[4 2]\n"
      "INFO  jepsen.util - 3\t:ok\t:read\tnil\n"
      "INFO  jepsen.util - 1 :invoke :write 4\n"
      "INFO  jepsen.util - 2\t:fail\t:cas\t[4 2]\n"
      "INFO  jepsen.util - 1\t:info\t:write\t:timed-out\n";
  const h::History history = h::parse_porcupine_etcd(etcd, "e.log");
  REQUIRE(history.size() == 3);
  CHECK(history[0].kind == h::OpKind::get);
  CHECK_FALSE(history[0].value);
  CHECK(history[1].kind == h::OpKind::cas);
  CHECK(history[1].expect == "4");
  CHECK(history[1].value == "2");
  CHECK(history[1].outcome == h::Outcome::fail);
  CHECK(history[2].outcome == h::Outcome::unknown);  // :info leaves it open
  CHECK_FALSE(history[2].return_us);
  CHECK(h::detect_format(etcd, "e.log") == h::Format::porcupine_etcd);

  const std::string kv =
      "{:process 0, :type :invoke, :f :get, :key \"4\", :value nil}\n"
      "{:process 0, :type :ok, :f :get, :key \"4\", :value \"\"}\n"
      "{:process 1, :type :invoke, :f :append, :key \"4\", :value \"x 0 1 y\"}\n";
  const h::History kv_history = h::parse_porcupine_kv(kv, "k.txt");
  REQUIRE(kv_history.size() == 2);
  CHECK_FALSE(kv_history[0].value);  // "" is a never-written key
  CHECK(kv_history[1].outcome == h::Outcome::unknown);
  CHECK(h::detect_format(kv, "k.txt") == h::Format::porcupine_kv);
  try {
    h::parse_porcupine_kv("{:process 0, :type :invoke, :f :get, :key 4, :value nil}\n", "k.txt");
    FAIL("expected an InputError");
  } catch (const raftsim::InputError& error) {
    CHECK(std::string(error.what()).find("k.txt:1:43: expected :key with a string") == 0);
  }
}
