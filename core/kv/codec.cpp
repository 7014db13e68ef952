// Binary encodings of requests and responses. Layout: a tag byte naming the
// variant alternative (its index), then the fields in declaration order.
// Changing a layout changes every trace hash, so bump `format_version` then.
#include "core/kv/codec.hpp"

#include "core/kv/bytes.hpp"

namespace raftsim::kv {
namespace {

using detail::ByteReader;
using detail::ByteWriter;

constexpr std::uint8_t format_version = 1;

// --- requests ------------------------------------------------------------------

void write(ByteWriter& w, const RangeRequest& r) {
  w.bytes(r.key);
  w.bytes(r.range_end);
  w.i64(r.revision);
  w.i64(r.limit);
  // One byte: bit 0 keys_only, bits 1-2 the sort order, bits 3-5 the sort
  // target. An unsorted range encodes exactly as before sorting existed (0
  // or 1), so no trace hash moved.
  w.byte(static_cast<std::uint8_t>((r.keys_only ? 1 : 0) | static_cast<unsigned>(r.sort_order) << 1 |
                                   static_cast<unsigned>(r.sort_target) << 3));
  w.boolean(r.count_only);
}
void write(ByteWriter& w, const PutRequest& r) {
  w.bytes(r.key);
  w.bytes(r.value);
  w.boolean(r.prev_kv);
}
void write(ByteWriter& w, const DeleteRangeRequest& r) {
  w.bytes(r.key);
  w.bytes(r.range_end);
  w.boolean(r.prev_kv);
}
void write(ByteWriter& w, const CompactionRequest& r) { w.i64(r.revision); }
void write(ByteWriter& w, const Compare& c) {
  w.byte(static_cast<std::uint8_t>(c.target));
  w.byte(static_cast<std::uint8_t>(c.result));
  w.bytes(c.key);
  w.bytes(c.value);
  w.i64(c.number);
  w.bytes(c.range_end);
}
void write(ByteWriter& w, const TxnRequest& t);
void write(ByteWriter& w, const std::vector<RequestOp>& ops) {
  w.u64(ops.size());
  for (const RequestOp& op : ops) {
    w.byte(static_cast<std::uint8_t>(op.request.index()));
    std::visit([&](const auto& r) { write(w, r); }, op.request);
  }
}
void write(ByteWriter& w, const TxnRequest& t) {
  w.u64(t.compare.size());
  for (const Compare& c : t.compare) write(w, c);
  write(w, t.success);
  write(w, t.failure);
}

RangeRequest read_range(ByteReader& r) {
  RangeRequest q;
  q.key = r.bytes();
  q.range_end = r.bytes();
  q.revision = r.i64();
  q.limit = r.i64();
  const std::uint8_t flags = r.byte();
  RAFTSIM_ASSERT((flags >> 1 & 3) <= 2 && (flags >> 3) <= 4, "kv codec: bad range flags {}", flags);
  q.keys_only = (flags & 1) != 0;
  q.sort_order = static_cast<SortOrder>(flags >> 1 & 3);
  q.sort_target = static_cast<SortTarget>(flags >> 3);
  q.count_only = r.boolean();
  return q;
}
PutRequest read_put(ByteReader& r) {
  PutRequest q;
  q.key = r.bytes();
  q.value = r.bytes();
  q.prev_kv = r.boolean();
  return q;
}
DeleteRangeRequest read_delete(ByteReader& r) {
  DeleteRangeRequest q;
  q.key = r.bytes();
  q.range_end = r.bytes();
  q.prev_kv = r.boolean();
  return q;
}
Compare read_compare(ByteReader& r) {
  Compare c;
  const std::uint8_t target = r.byte();
  RAFTSIM_ASSERT(target <= static_cast<std::uint8_t>(Compare::Target::mod), "kv codec: bad compare target {}", target);
  c.target = static_cast<Compare::Target>(target);
  const std::uint8_t result = r.byte();
  RAFTSIM_ASSERT(result <= static_cast<std::uint8_t>(Compare::Result::greater), "kv codec: bad compare result {}", result);
  c.result = static_cast<Compare::Result>(result);
  c.key = r.bytes();
  c.value = r.bytes();
  c.number = r.i64();
  c.range_end = r.bytes();
  return c;
}
TxnRequest read_txn(ByteReader& r, int depth);
std::vector<RequestOp> read_ops(ByteReader& r, int depth) {
  std::vector<RequestOp> ops(r.count());
  for (RequestOp& op : ops) {
    switch (const std::uint8_t tag = r.byte()) {
      case 0: op.request = read_range(r); break;
      case 1: op.request = read_put(r); break;
      case 2: op.request = read_delete(r); break;
      case 3: op.request = read_txn(r, depth + 1); break;
      default: RAFTSIM_ASSERT(false, "kv codec: bad request op tag {}", tag);
    }
  }
  return ops;
}
TxnRequest read_txn(ByteReader& r, int depth) {
  // Bounded recursion: malformed bytes must not overflow the stack.
  RAFTSIM_ASSERT(depth < 64, "kv codec: txn nested deeper than 64");
  TxnRequest t;
  t.compare.resize(r.count());
  for (Compare& c : t.compare) c = read_compare(r);
  t.success = read_ops(r, depth);
  t.failure = read_ops(r, depth);
  return t;
}

// --- responses -----------------------------------------------------------------

void write(ByteWriter& w, const KeyValue& kv) {
  w.bytes(kv.key);
  w.bytes(kv.value);
  w.i64(kv.create_revision);
  w.i64(kv.mod_revision);
  w.i64(kv.version);
}
void write(ByteWriter& w, const RangeResponse& r) {
  w.i64(r.header.revision);
  w.u64(r.kvs.size());
  for (const KeyValue& kv : r.kvs) write(w, kv);
  w.boolean(r.more);
  w.i64(r.count);
}
void write(ByteWriter& w, const PutResponse& r) {
  w.i64(r.header.revision);
  w.boolean(r.prev_kv.has_value());
  if (r.prev_kv) write(w, *r.prev_kv);
}
void write(ByteWriter& w, const DeleteRangeResponse& r) {
  w.i64(r.header.revision);
  w.i64(r.deleted);
  w.u64(r.prev_kvs.size());
  for (const KeyValue& kv : r.prev_kvs) write(w, kv);
}
void write(ByteWriter& w, const TxnResponse& r) {
  w.i64(r.header.revision);
  w.boolean(r.succeeded);
  w.u64(r.responses.size());
  for (const ResponseOp& op : r.responses) {
    w.byte(static_cast<std::uint8_t>(op.response.index()));
    std::visit([&](const auto& x) { write(w, x); }, op.response);
  }
}
void write(ByteWriter& w, const CompactionResponse& r) { w.i64(r.header.revision); }
void write(ByteWriter& w, const Error& e) { w.bytes(e.message); }

KeyValue read_kv(ByteReader& r) {
  KeyValue kv;
  kv.key = r.bytes();
  kv.value = r.bytes();
  kv.create_revision = r.i64();
  kv.mod_revision = r.i64();
  kv.version = r.i64();
  return kv;
}
RangeResponse read_range_response(ByteReader& r) {
  RangeResponse x;
  x.header.revision = r.i64();
  x.kvs.resize(r.count());
  for (KeyValue& kv : x.kvs) kv = read_kv(r);
  x.more = r.boolean();
  x.count = r.i64();
  return x;
}
PutResponse read_put_response(ByteReader& r) {
  PutResponse x;
  x.header.revision = r.i64();
  if (r.boolean()) x.prev_kv = read_kv(r);
  return x;
}
DeleteRangeResponse read_delete_response(ByteReader& r) {
  DeleteRangeResponse x;
  x.header.revision = r.i64();
  x.deleted = r.i64();
  x.prev_kvs.resize(r.count());
  for (KeyValue& kv : x.prev_kvs) kv = read_kv(r);
  return x;
}
TxnResponse read_txn_response(ByteReader& r, int depth) {
  RAFTSIM_ASSERT(depth < 64, "kv codec: txn response nested deeper than 64");
  TxnResponse x;
  x.header.revision = r.i64();
  x.succeeded = r.boolean();
  x.responses.resize(r.count());
  for (ResponseOp& op : x.responses) {
    switch (const std::uint8_t tag = r.byte()) {
      case 0: op.response = read_range_response(r); break;
      case 1: op.response = read_put_response(r); break;
      case 2: op.response = read_delete_response(r); break;
      case 3: op.response = read_txn_response(r, depth + 1); break;
      default: RAFTSIM_ASSERT(false, "kv codec: bad response op tag {}", tag);
    }
  }
  return x;
}

}  // namespace

std::string encode(const Request& request) {
  ByteWriter w;
  w.byte(format_version);
  w.byte(static_cast<std::uint8_t>(request.index()));
  std::visit([&](const auto& r) { write(w, r); }, request);
  return w.take();
}

Request decode(std::string_view bytes) {
  ByteReader r(bytes);
  const std::uint8_t version = r.byte();
  RAFTSIM_ASSERT(version == format_version, "kv codec: request format {} (expected {})", version, format_version);
  Request request;
  switch (const std::uint8_t tag = r.byte()) {
    case 0: request = read_range(r); break;
    case 1: request = read_put(r); break;
    case 2: request = read_delete(r); break;
    case 3: request = read_txn(r, 0); break;
    case 4: request = CompactionRequest{r.i64()}; break;
    default: RAFTSIM_ASSERT(false, "kv codec: bad request tag {}", tag);
  }
  r.expect_done();
  return request;
}

std::string encode_response(const Response& response) {
  ByteWriter w;
  w.byte(format_version);
  w.byte(static_cast<std::uint8_t>(response.index()));
  std::visit([&](const auto& x) { write(w, x); }, response);
  return w.take();
}

Response decode_response(std::string_view bytes) {
  ByteReader r(bytes);
  const std::uint8_t version = r.byte();
  RAFTSIM_ASSERT(version == format_version, "kv codec: response format {} (expected {})", version, format_version);
  Response response;
  switch (const std::uint8_t tag = r.byte()) {
    case 0: response = Error{r.bytes()}; break;
    case 1: response = read_range_response(r); break;
    case 2: response = read_put_response(r); break;
    case 3: response = read_delete_response(r); break;
    case 4: response = read_txn_response(r, 0); break;
    case 5: response = CompactionResponse{ResponseHeader{r.i64()}}; break;
    default: RAFTSIM_ASSERT(false, "kv codec: bad response tag {}", tag);
  }
  r.expect_done();
  return response;
}

}  // namespace raftsim::kv
