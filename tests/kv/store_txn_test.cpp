// Transactions as etcd applies them (server/etcdserver/txn): compares on every
// target with every operator, both branches, one shared revision, reads that
// see the txn's own writes, nested txns and etcd's request checks.
#include "tests/kv/kv_test_util.hpp"

using namespace kvtest;
using Target = Compare::Target;
using Result = Compare::Result;

namespace {
bool holds(Store& s, const Compare& c) {
  TxnRequest t;
  t.compare.push_back(c);
  return as<TxnResponse>(s.apply(t)).succeeded;
}
}  // namespace

TEST_CASE("txn compares every target with every operator", "[kv][txn]") {
  Store s;
  put(s, "x", "0");   // 2
  put(s, "k", "m");   // 3: create 3
  put(s, "k", "m");   // 4: mod 4, version 2
  // value "m", version 2, create 3, mod 4

  CHECK(holds(s, cmp_value("k", Result::equal, "m")));
  CHECK_FALSE(holds(s, cmp_value("k", Result::equal, "n")));
  CHECK(holds(s, cmp_value("k", Result::not_equal, "n")));
  CHECK_FALSE(holds(s, cmp_value("k", Result::not_equal, "m")));
  CHECK(holds(s, cmp_value("k", Result::less, "n")));
  CHECK_FALSE(holds(s, cmp_value("k", Result::less, "m")));
  CHECK(holds(s, cmp_value("k", Result::greater, "l")));
  CHECK(holds(s, cmp_value("k", Result::greater, "")));
  CHECK_FALSE(holds(s, cmp_value("k", Result::greater, "mm")));

  struct Case {
    Target target;
    std::int64_t actual;
  };
  for (const Case c : {Case{Target::version, 2}, Case{Target::create, 3}, Case{Target::mod, 4}}) {
    INFO("target " << static_cast<int>(c.target));
    CHECK(holds(s, cmp_number("k", c.target, Result::equal, c.actual)));
    CHECK_FALSE(holds(s, cmp_number("k", c.target, Result::equal, c.actual + 1)));
    CHECK(holds(s, cmp_number("k", c.target, Result::not_equal, c.actual + 1)));
    CHECK_FALSE(holds(s, cmp_number("k", c.target, Result::not_equal, c.actual)));
    CHECK(holds(s, cmp_number("k", c.target, Result::less, c.actual + 1)));
    CHECK_FALSE(holds(s, cmp_number("k", c.target, Result::less, c.actual)));
    CHECK(holds(s, cmp_number("k", c.target, Result::greater, c.actual - 1)));
    CHECK_FALSE(holds(s, cmp_number("k", c.target, Result::greater, c.actual)));
  }
  CHECK(s.revision() == 4);  // no compare-only txn wrote anything
}

TEST_CASE("txn compares on a missing key: value fails, numbers compare as zero", "[kv][txn]") {
  Store s;
  CHECK_FALSE(holds(s, cmp_value("nope", Result::equal, "")));
  CHECK_FALSE(holds(s, cmp_value("nope", Result::not_equal, "x")));  // etcd: always false
  CHECK(holds(s, cmp_number("nope", Target::version, Result::equal, 0)));
  CHECK(holds(s, cmp_number("nope", Target::create, Result::equal, 0)));
  CHECK(holds(s, cmp_number("nope", Target::mod, Result::less, 1)));
  put(s, "gone", "v");
  del(s, "gone");
  CHECK(holds(s, cmp_number("gone", Target::version, Result::equal, 0)));
}

TEST_CASE("txn compare over a range holds only if it holds for every key", "[kv][txn]") {
  Store s;
  put(s, "p/a", "1");
  put(s, "p/b", "1");
  Compare c = cmp_value("p/", Result::equal, "1");
  c.range_end = prefix_end("p/");
  CHECK(holds(s, c));
  put(s, "p/c", "2");
  CHECK_FALSE(holds(s, c));
  Compare mod = cmp_number("p/", Target::mod, Result::less, 5);
  mod.range_end = prefix_end("p/");
  CHECK(holds(s, mod));
}

TEST_CASE("txn runs the success or the failure branch and shares one revision", "[kv][txn]") {
  Store s;
  put(s, "k", "v");  // 2

  TxnRequest t;
  t.compare.push_back(cmp_value("k", Result::equal, "v"));
  t.success = {RequestOp{PutRequest{"a", "1"}}, RequestOp{PutRequest{"b", "2"}},
               RequestOp{RangeRequest{"a"}}, RequestOp{DeleteRangeRequest{"k"}}};
  t.failure = {RequestOp{PutRequest{"failed", "1"}}};

  TxnResponse r = as<TxnResponse>(s.apply(t));
  CHECK(r.succeeded);
  CHECK(r.header.revision == 3);
  CHECK(s.revision() == 3);
  // Three changes at one revision, in order of their sub revision.
  REQUIRE(s.last_events().size() == 3);
  CHECK(s.last_events()[0].kv.key == "a");
  CHECK(s.last_events()[1].sub_revision == 1);
  CHECK(s.last_events()[2].type == Event::Type::del);
  CHECK(s.last_events()[2].kv.mod_revision == 3);
  REQUIRE(r.responses.size() == 4);
  CHECK(std::get<PutResponse>(r.responses[0].response).header.revision == 3);
  CHECK(std::get<PutResponse>(r.responses[1].response).header.revision == 3);
  // A read inside the txn sees the txn's own earlier writes.
  const auto& read = std::get<RangeResponse>(r.responses[2].response);
  CHECK(read.header.revision == 3);
  CHECK(read.kvs.at(0) == KeyValue{"a", "1", 3, 3, 1});
  CHECK(std::get<DeleteRangeResponse>(r.responses[3].response).deleted == 1);
  CHECK(get(s, "a").kvs.at(0).mod_revision == 3);
  CHECK(get(s, "b").kvs.at(0).mod_revision == 3);
  CHECK(get(s, "k").kvs.empty());

  // Now "k" is gone: the failure branch runs.
  TxnResponse f = as<TxnResponse>(s.apply(t));
  CHECK_FALSE(f.succeeded);
  CHECK(f.header.revision == 4);
  REQUIRE(f.responses.size() == 1);
  CHECK(get(s, "failed").kvs.size() == 1);
}

TEST_CASE("a txn without writes does not bump the revision", "[kv][txn]") {
  Store s;
  put(s, "k", "v");
  TxnRequest t;
  t.success = {RequestOp{RangeRequest{"k"}}, RequestOp{DeleteRangeRequest{"missing"}}};
  TxnResponse r = as<TxnResponse>(s.apply(t));
  CHECK(r.succeeded);  // no compares: succeeds
  CHECK(r.header.revision == 2);
  CHECK(std::get<DeleteRangeResponse>(r.responses[1].response).header.revision == 2);
  CHECK(s.revision() == 2);
  CHECK(as<TxnResponse>(s.apply(TxnRequest{})).header.revision == 2);
}

TEST_CASE("a delete of nothing after a write in the same txn reports the txn's revision", "[kv][txn]") {
  Store s;
  TxnRequest t;
  t.success = {RequestOp{PutRequest{"a", "1"}}, RequestOp{DeleteRangeRequest{"missing"}}};
  TxnResponse r = as<TxnResponse>(s.apply(t));
  const auto& d = std::get<DeleteRangeResponse>(r.responses[1].response);
  CHECK(d.deleted == 0);
  CHECK(d.header.revision == 2);  // storeTxnWrite.DeleteRange: changes exist, so beginRev+1
}

TEST_CASE("nested txn compares see the state before the outer txn", "[kv][txn]") {
  Store s;
  put(s, "k", "old");  // 2
  TxnRequest inner;
  inner.compare.push_back(cmp_value("k", Result::equal, "old"));
  inner.success = {RequestOp{PutRequest{"inner", "saw-old"}}};
  inner.failure = {RequestOp{PutRequest{"inner", "saw-new"}}};
  TxnRequest outer;
  outer.success = {RequestOp{PutRequest{"k", "new"}}, RequestOp{inner}};

  TxnResponse r = as<TxnResponse>(s.apply(outer));
  CHECK(r.header.revision == 3);
  const auto& nested = std::get<TxnResponse>(r.responses.at(1).response);
  CHECK(nested.succeeded);
  CHECK(nested.header.revision == 0);  // etcd leaves nested headers unset
  CHECK(get(s, "inner").kvs.at(0).value == "saw-old");
  CHECK(get(s, "k").kvs.at(0).value == "new");
}

TEST_CASE("txn with a range at a bad revision fails whole, writing nothing", "[kv][txn]") {
  Store s;
  put(s, "k", "1");  // 2
  put(s, "k", "2");  // 3
  as<CompactionResponse>(s.apply(CompactionRequest{3}));
  TxnRequest t;
  t.success = {RequestOp{PutRequest{"w", "1"}}, RequestOp{RangeRequest{"k", "", 2}}};
  CHECK(error_of(s.apply(t)) == "etcdserver: mvcc: required revision has been compacted");
  t.success[1] = RequestOp{RangeRequest{"k", "", 9}};
  CHECK(error_of(s.apply(t)) == "etcdserver: mvcc: required revision is a future revision");
  CHECK(s.revision() == 3);
  CHECK(get(s, "w").kvs.empty());
  // Only the branch that runs is checked.
  TxnRequest other;
  other.compare.push_back(cmp_value("k", Result::equal, "nope"));
  other.success = {RequestOp{RangeRequest{"k", "", 2}}};
  CHECK_FALSE(as<TxnResponse>(s.apply(other)).succeeded);
}

TEST_CASE("txn checks: duplicate keys, too many ops, empty keys", "[kv][txn]") {
  Store s;
  TxnRequest dup;
  dup.success = {RequestOp{PutRequest{"a", "1"}}, RequestOp{PutRequest{"a", "2"}}};
  CHECK(error_of(s.apply(dup)) == "etcdserver: duplicate key given in txn request");

  TxnRequest put_in_delete;
  put_in_delete.success = {RequestOp{DeleteRangeRequest{"a", "c"}}, RequestOp{PutRequest{"b", "1"}}};
  CHECK(error_of(s.apply(put_in_delete)) == "etcdserver: duplicate key given in txn request");

  // The same key in both branches is fine: only one runs.
  TxnRequest branches;
  branches.success = {RequestOp{PutRequest{"a", "1"}}};
  branches.failure = {RequestOp{PutRequest{"a", "2"}}};
  CHECK(as<TxnResponse>(s.apply(branches)).succeeded);

  TxnRequest many;
  const RequestOp read{RangeRequest{"k"}};
  many.success.assign(129, read);
  CHECK(error_of(s.apply(many)) == "etcdserver: too many operations in txn request");
  many.success.pop_back();
  CHECK(as<TxnResponse>(s.apply(many)).responses.size() == 128);

  TxnRequest empty;
  empty.compare.push_back(cmp_value("", Result::equal, "x"));
  CHECK(error_of(s.apply(empty)) == "etcdserver: key is not provided");
  CHECK(s.revision() == 2);
}
