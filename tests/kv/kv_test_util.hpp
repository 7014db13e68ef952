#pragma once
// Helpers for the kv tests: unwrap responses, build requests tersely.
#include <catch2/catch.hpp>

#include "core/kv/store.hpp"

namespace kvtest {
using namespace raftsim::kv;

template <typename T>
T as(const Response& response) {
  if (const auto* error = std::get_if<Error>(&response)) FAIL("unexpected error: " << error->message);
  REQUIRE(std::holds_alternative<T>(response));
  return std::get<T>(response);
}

inline std::string error_of(const Response& response) {
  REQUIRE(std::holds_alternative<Error>(response));
  return std::get<Error>(response).message;
}

inline PutResponse put(Store& s, std::string key, std::string value, bool prev_kv = false) {
  return as<PutResponse>(s.apply(PutRequest{std::move(key), std::move(value), prev_kv}));
}
inline RangeResponse get(Store& s, std::string key, std::int64_t revision = 0) {
  RangeRequest r;
  r.key = std::move(key);
  r.revision = revision;
  return as<RangeResponse>(s.apply(r));
}
inline RangeResponse range(Store& s, std::string key, std::string range_end, std::int64_t revision = 0,
                           std::int64_t limit = 0) {
  RangeRequest r;
  r.key = std::move(key);
  r.range_end = std::move(range_end);
  r.revision = revision;
  r.limit = limit;
  return as<RangeResponse>(s.apply(r));
}
inline DeleteRangeResponse del(Store& s, std::string key, std::string range_end = "", bool prev_kv = false) {
  return as<DeleteRangeResponse>(s.apply(DeleteRangeRequest{std::move(key), std::move(range_end), prev_kv}));
}
inline Compare cmp_value(std::string key, Compare::Result result, std::string value) {
  Compare c;
  c.target = Compare::Target::value;
  c.result = result;
  c.key = std::move(key);
  c.value = std::move(value);
  return c;
}
inline Compare cmp_number(std::string key, Compare::Target target, Compare::Result result, std::int64_t number) {
  Compare c;
  c.target = target;
  c.result = result;
  c.key = std::move(key);
  c.number = number;
  return c;
}
inline std::vector<std::string> keys_of(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : kvs) keys.push_back(kv.key);
  return keys;
}

}  // namespace kvtest
