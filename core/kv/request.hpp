#pragma once
// The requests and responses of raftsim's MVCC store: etcd v3's KV API
// (etcdserverpb.RangeRequest ... TxnResponse, mvccpb.KeyValue/Event) as plain
// value types. Field names follow etcd's protobuf names so that etcdctl users
// recognise them; only what raftsim uses is modelled (no leases, no auth).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace raftsim::kv {

// One key at one revision (mvccpb.KeyValue without lease).
struct KeyValue {
  std::string key{};
  std::string value{};
  std::int64_t create_revision = 0;  // revision of the put that created this generation
  std::int64_t mod_revision = 0;     // revision of the last change
  std::int64_t version = 0;          // number of puts since creation; 0 for a tombstone
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

// Ranges as in etcd: range_end "" = the single key `key`; range_end "\0" = all
// keys >= key; otherwise the half-open interval [key, range_end).
// Sorting as etcd's server does it (RangeRequest.sort_order, sort_target):
// with an order, the whole range is read, sorted with Go's sort.Sort (not
// stable) and then cut to `limit`; a target other than key with no order
// sorts ascending only the limit+1 keys an unsorted range reads (see
// Store::range_unchecked). `more` and `count` describe the whole range.
enum class SortOrder : std::uint8_t { none, ascend, descend };
enum class SortTarget : std::uint8_t { key, version, create, mod, value };

struct RangeRequest {
  std::string key{};
  std::string range_end{};
  std::int64_t revision = 0;  // <= 0: the current revision
  std::int64_t limit = 0;     // 0: no limit
  bool keys_only = false;
  bool count_only = false;
  SortOrder sort_order = SortOrder::none;
  SortTarget sort_target = SortTarget::key;
  friend bool operator==(const RangeRequest&, const RangeRequest&) = default;
};

struct PutRequest {
  std::string key{};
  std::string value{};
  bool prev_kv = false;
  friend bool operator==(const PutRequest&, const PutRequest&) = default;
};

struct DeleteRangeRequest {
  std::string key{};
  std::string range_end{};
  bool prev_kv = false;
  friend bool operator==(const DeleteRangeRequest&, const DeleteRangeRequest&) = default;
};

// etcdserverpb.Compare. `value` is used for Target::value, `number` for the
// others. A compare over a range (range_end non-empty) holds when it holds for
// every key in the range; see Store for etcd's rules on absent keys.
struct Compare {
  enum class Target : std::uint8_t { value, version, create, mod };
  enum class Result : std::uint8_t { equal, not_equal, less, greater };
  Target target = Target::value;
  Result result = Result::equal;
  std::string key{};
  std::string value{};
  std::int64_t number = 0;
  std::string range_end{};
  friend bool operator==(const Compare&, const Compare&) = default;
};

struct RequestOp;  // etcd's RequestOp: a Range, Put, DeleteRange or nested Txn

struct TxnRequest {
  std::vector<Compare> compare{};
  // No `{}` initialisers here: RequestOp is incomplete at this point, and clang
  // would instantiate vector's destructor for them.
  std::vector<RequestOp> success;
  std::vector<RequestOp> failure;
  friend bool operator==(const TxnRequest&, const TxnRequest&);
};

struct RequestOp {
  std::variant<RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest> request{};
  friend bool operator==(const RequestOp&, const RequestOp&) = default;
};

struct CompactionRequest {
  std::int64_t revision = 0;
  friend bool operator==(const CompactionRequest&, const CompactionRequest&) = default;
};

using Request =
    std::variant<RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest, CompactionRequest>;

// --- responses ---------------------------------------------------------------

// Only the revision: cluster_id, member_id and raft_term belong to the server
// that answers, not to the state machine.
struct ResponseHeader {
  std::int64_t revision = 0;
  friend bool operator==(const ResponseHeader&, const ResponseHeader&) = default;
};

struct RangeResponse {
  ResponseHeader header{};
  std::vector<KeyValue> kvs{};
  bool more = false;         // more keys than `limit` were in the range
  std::int64_t count = 0;    // number of keys in the range, regardless of limit
  friend bool operator==(const RangeResponse&, const RangeResponse&) = default;
};

struct PutResponse {
  ResponseHeader header{};
  std::optional<KeyValue> prev_kv{};
  friend bool operator==(const PutResponse&, const PutResponse&) = default;
};

struct DeleteRangeResponse {
  ResponseHeader header{};
  std::int64_t deleted = 0;
  std::vector<KeyValue> prev_kvs{};
  friend bool operator==(const DeleteRangeResponse&, const DeleteRangeResponse&) = default;
};

struct ResponseOp;

struct TxnResponse {
  ResponseHeader header{};
  bool succeeded = false;
  std::vector<ResponseOp> responses;  // one per op of the branch that ran (no `{}`: see TxnRequest)
  friend bool operator==(const TxnResponse&, const TxnResponse&);
};

struct ResponseOp {
  std::variant<RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse> response{};
  friend bool operator==(const ResponseOp&, const ResponseOp&) = default;
};

struct CompactionResponse {
  ResponseHeader header{};
  friend bool operator==(const CompactionResponse&, const CompactionResponse&) = default;
};

// A request the store refused, with etcd's error text as a client prints it.
struct Error {
  std::string message{};
  friend bool operator==(const Error&, const Error&) = default;
};

using Response = std::variant<Error, RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse,
                              CompactionResponse>;

// etcd's texts (api/v3rpc/rpctypes), as etcdctl prints them after "Error: ".
inline constexpr const char* error_compacted = "etcdserver: mvcc: required revision has been compacted";
inline constexpr const char* error_future_revision =
    "etcdserver: mvcc: required revision is a future revision";
inline constexpr const char* error_empty_key = "etcdserver: key is not provided";
inline constexpr const char* error_too_many_ops = "etcdserver: too many operations in txn request";
inline constexpr const char* error_duplicate_key = "etcdserver: duplicate key given in txn request";

// etcd's default --max-txn-ops.
inline constexpr std::size_t max_txn_ops = 128;

// The header revision of any response (0 for an Error).
std::int64_t header_revision(const Response&);

// Whether a request can change the store (a Range never does; a Txn may).
bool is_write(const Request&);

}  // namespace raftsim::kv
