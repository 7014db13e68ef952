#include "sim/request_shapes.hpp"

#include <string>
#include <variant>

#include <fmt/format.h>

#include "core/kv/key_range.hpp"

namespace raftsim::sim {

namespace {

// kx0..kx15, the txn operations' own keys: with the k0.. keys a prefix
// range holds more than 12, where Go's sort (which etcd's range sorts with)
// leaves insertion sort for its other paths.
constexpr int kShapeKeys = 16;
constexpr const char* kOwnPrefix = "kx";

std::int64_t pick(RandomSource& random, std::int64_t lo, std::int64_t hi) { return uniform_int(random, lo, hi); }
bool coin(RandomSource& random) { return pick(random, 0, 1) == 1; }

std::string own_key(RandomSource& random) { return fmt::format("{}{}", kOwnPrefix, pick(random, 0, kShapeKeys - 1)); }
// Any key a read or compare may look at: the txn keys or the checked k0, k1, ...
std::string any_key(RandomSource& random) {
  return coin(random) ? own_key(random) : fmt::format("k{}", pick(random, 0, 3));
}

kv::RangeRequest draw_range(RandomSource& random, std::int64_t revision) {
  kv::RangeRequest range;
  switch (pick(random, 0, 3)) {
    case 0: range.key = any_key(random); break;                    // one key
    case 1: range.key = "k"; range.range_end = kv::prefix_end("k"); break;  // --prefix
    case 2: range.key = own_key(random); range.range_end = kv::from_key_end(); break;  // --from-key
    default: range.key = kOwnPrefix; range.range_end = own_key(random); break;  // [kx, kxN)
  }
  // get --rev: an older revision, as Kubernetes' list-then-watch reads.
  if (revision > 1 && coin(random)) range.revision = pick(random, 1, revision);
  if (coin(random)) range.limit = pick(random, 1, 3);
  if (pick(random, 0, 3) == 0) {
    range.sort_order = static_cast<kv::SortOrder>(pick(random, 0, 2));
    range.sort_target = static_cast<kv::SortTarget>(pick(random, 0, 4));
  }
  const auto only = pick(random, 0, 5);
  range.keys_only = only == 0;
  range.count_only = only == 1;
  return range;
}

kv::PutRequest draw_put(RandomSource& random, const std::string& key) {
  kv::PutRequest put;
  put.key = key;
  put.value = fmt::format("v{}", pick(random, 0, 999));
  put.prev_kv = coin(random);
  return put;
}

kv::DeleteRangeRequest draw_delete(RandomSource& random) {
  kv::DeleteRangeRequest del;
  if (coin(random)) {
    del.key = own_key(random);
  } else {  // a ranged delete: the prefix, or [kxA, kxB)
    del.key = kOwnPrefix;
    del.range_end = coin(random) ? kv::prefix_end(kOwnPrefix) : own_key(random);
  }
  del.prev_kv = coin(random);
  return del;
}

kv::Compare draw_compare(RandomSource& random) {
  kv::Compare compare;
  compare.target = static_cast<kv::Compare::Target>(pick(random, 0, 3));
  compare.result = static_cast<kv::Compare::Result>(pick(random, 0, 3));
  compare.key = any_key(random);
  if (pick(random, 0, 3) == 0) {  // over a range: holds when it holds for every key in it
    compare.key = kOwnPrefix;
    compare.range_end = kv::prefix_end(kOwnPrefix);
  }
  if (compare.target == kv::Compare::Target::value) {
    compare.value = fmt::format("v{}", pick(random, 0, 999));
  } else {
    compare.number = pick(random, 0, 50);
  }
  return compare;
}

std::vector<kv::RequestOp> draw_ops(RandomSource& random, std::int64_t revision, int depth);

kv::TxnRequest draw_txn(RandomSource& random, std::int64_t revision, int depth) {
  kv::TxnRequest txn;
  const auto compares = pick(random, 0, 2);
  for (std::int64_t i = 0; i < compares; ++i) txn.compare.push_back(draw_compare(random));
  txn.success = draw_ops(random, revision, depth);
  txn.failure = draw_ops(random, revision, depth);
  return txn;
}

std::vector<kv::RequestOp> draw_ops(RandomSource& random, std::int64_t revision, int depth) {
  std::vector<kv::RequestOp> ops;
  const auto count = pick(random, 0, 3);
  // Now and then two writes of one key: etcd refuses the transaction
  // ("duplicate key given in txn request"), unless they sit in different branches.
  const std::string shared = own_key(random);
  for (std::int64_t i = 0; i < count; ++i) {
    kv::RequestOp op;
    switch (pick(random, 0, depth > 0 ? 4 : 3)) {
      case 0: op.request = draw_range(random, revision); break;
      case 1: op.request = draw_put(random, pick(random, 0, 3) == 0 ? shared : own_key(random)); break;
      case 2: op.request = draw_delete(random); break;
      case 3: op.request = draw_put(random, shared); break;
      default: op.request = draw_txn(random, revision, depth - 1); break;  // nested
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace

kv::Request draw_request_shape(RandomSource& random, std::int64_t revision) {
  switch (pick(random, 0, 5)) {
    case 0:
    case 1: return draw_range(random, revision);
    case 2: return draw_put(random, own_key(random));
    case 3: return draw_delete(random);
    default: return draw_txn(random, revision, 2);
  }
}

bool is_read_request(const kv::Request& request) { return std::holds_alternative<kv::RangeRequest>(request); }

}  // namespace raftsim::sim
