#include "core/kv/request.hpp"

#include "core/kv/key_range.hpp"

namespace raftsim::kv {

// Defined here, where RequestOp / ResponseOp are complete (written out: clang 14
// crashes on an out-of-line defaulted comparison).
bool operator==(const TxnRequest& a, const TxnRequest& b) {
  return a.compare == b.compare && a.success == b.success && a.failure == b.failure;
}
bool operator==(const TxnResponse& a, const TxnResponse& b) {
  return a.header == b.header && a.succeeded == b.succeeded && a.responses == b.responses;
}

std::int64_t header_revision(const Response& response) {
  return std::visit(
      [](const auto& r) -> std::int64_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(r)>, Error>) {
          return 0;
        } else {
          return r.header.revision;
        }
      },
      response);
}

namespace {
bool ops_write(const std::vector<RequestOp>& ops);
bool op_writes(const RequestOp& op) {
  if (std::holds_alternative<PutRequest>(op.request)) return true;
  if (std::holds_alternative<DeleteRangeRequest>(op.request)) return true;
  if (const auto* txn = std::get_if<TxnRequest>(&op.request)) {
    return ops_write(txn->success) || ops_write(txn->failure);
  }
  return false;
}
bool ops_write(const std::vector<RequestOp>& ops) {
  for (const RequestOp& op : ops) {
    if (op_writes(op)) return true;
  }
  return false;
}
}  // namespace

bool is_write(const Request& request) {
  if (std::holds_alternative<RangeRequest>(request)) return false;
  if (const auto* txn = std::get_if<TxnRequest>(&request)) {
    return ops_write(txn->success) || ops_write(txn->failure);
  }
  return true;
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  for (std::size_t i = end.size(); i-- > 0;) {
    const auto byte = static_cast<unsigned char>(end[i]);
    if (byte < 0xff) {
      end[i] = static_cast<char>(byte + 1);
      end.resize(i + 1);
      return end;
    }
  }
  return from_key_end();  // no next prefix (all 0xff, or empty): every key >= prefix
}

bool in_range(std::string_view key, std::string_view range_end, std::string_view candidate) {
  if (range_end.empty()) return candidate == key;
  if (is_from_key(range_end)) return candidate >= key;
  return key <= candidate && candidate < range_end;
}

}  // namespace raftsim::kv
