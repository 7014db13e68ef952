// The first slice of the store: put, single-key get and delete, a CAS txn.
#include <catch2/catch.hpp>

#include "core/kv/store.hpp"

using namespace raftsim::kv;

namespace {
template <typename T>
T as(const Response& response) {
  if (const auto* error = std::get_if<Error>(&response)) FAIL("unexpected error: " << error->message);
  REQUIRE(std::holds_alternative<T>(response));
  return std::get<T>(response);
}
}  // namespace

TEST_CASE("put, get and delete one key", "[kv][store]") {
  Store store;
  CHECK(store.revision() == 1);

  auto put = as<PutResponse>(store.apply(PutRequest{"k", "v1"}));
  CHECK(put.header.revision == 2);
  CHECK(store.revision() == 2);

  auto get = as<RangeResponse>(store.apply(RangeRequest{"k"}));
  REQUIRE(get.kvs.size() == 1);
  CHECK(get.kvs[0] == KeyValue{"k", "v1", 2, 2, 1});
  CHECK(get.count == 1);
  CHECK(get.header.revision == 2);

  auto del = as<DeleteRangeResponse>(store.apply(DeleteRangeRequest{"k"}));
  CHECK(del.deleted == 1);
  CHECK(del.header.revision == 3);
  CHECK(as<RangeResponse>(store.apply(RangeRequest{"k"})).kvs.empty());
}

TEST_CASE("txn compare-and-swap on value and mod revision", "[kv][store][txn]") {
  Store store;
  store.apply(PutRequest{"k", "a"});  // revision 2
  TxnRequest cas;
  cas.compare.push_back(Compare{Compare::Target::value, Compare::Result::equal, "k", "a"});
  cas.success.push_back(RequestOp{PutRequest{"k", "b"}});
  cas.failure.push_back(RequestOp{RangeRequest{"k"}});

  auto first = as<TxnResponse>(store.apply(cas));
  CHECK(first.succeeded);
  CHECK(first.header.revision == 3);

  auto second = as<TxnResponse>(store.apply(cas));
  CHECK_FALSE(second.succeeded);
  CHECK(second.header.revision == 3);
  REQUIRE(second.responses.size() == 1);
  CHECK(std::get<RangeResponse>(second.responses[0].response).kvs.at(0).value == "b");

  TxnRequest by_mod;
  by_mod.compare.push_back(Compare{Compare::Target::mod, Compare::Result::equal, "k", "", 3});
  by_mod.success.push_back(RequestOp{PutRequest{"k", "c"}});
  CHECK(as<TxnResponse>(store.apply(by_mod)).succeeded);
  CHECK(store.revision() == 4);
}
