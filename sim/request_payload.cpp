#include "sim/request_payload.hpp"

#include <cstring>

#include "core/assert.hpp"
#include "core/kv/codec.hpp"

namespace raftsim::sim {

std::shared_ptr<const std::string> encode_payload(std::uint64_t id, const kv::Request& request) {
  std::string bytes(sizeof id, '\0');
  for (std::size_t i = 0; i < sizeof id; ++i) bytes[i] = static_cast<char>((id >> (8 * i)) & 0xff);
  bytes += kv::encode(request);
  return std::make_shared<const std::string>(std::move(bytes));
}

RequestPayload decode_payload(const std::string& bytes) {
  RAFTSIM_ASSERT(bytes.size() >= 8, "entry payload of {} bytes is too short", bytes.size());
  RequestPayload payload;
  for (std::size_t i = 0; i < 8; ++i)
    payload.request_id |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  payload.request = kv::decode(std::string_view(bytes).substr(8));
  return payload;
}

kv::Request make_request(const history::Operation& operation, std::int64_t compare_mod_revision) {
  switch (operation.kind) {
    case history::OpKind::get: {
      kv::RangeRequest range;
      range.key = operation.key;
      return range;
    }
    case history::OpKind::put: {
      kv::PutRequest put;
      put.key = operation.key;
      put.value = operation.value.value_or("");
      return put;
    }
    case history::OpKind::del: {
      kv::DeleteRangeRequest del;
      del.key = operation.key;
      return del;
    }
    case history::OpKind::cas: {
      kv::TxnRequest txn;
      kv::Compare compare;
      compare.key = operation.key;
      compare.result = kv::Compare::Result::equal;
      if (operation.expect) {
        compare.target = kv::Compare::Target::mod;
        compare.number = compare_mod_revision;
      } else {
        compare.target = kv::Compare::Target::version;  // "absent": version 0
        compare.number = 0;
      }
      txn.compare.push_back(compare);
      kv::PutRequest put;
      put.key = operation.key;
      put.value = operation.value.value_or("");
      kv::RequestOp op;
      op.request = put;
      txn.success.push_back(op);
      return txn;
    }
    case history::OpKind::append:
    case history::OpKind::txn: break;
  }
  RAFTSIM_ASSERT(false, "the workload does not issue appends; a txn operation's request is drawn, not made");
  return {};
}

ClientOutcome outcome_of(const kv::Response& response) {
  ClientOutcome outcome;
  if (const auto* error = std::get_if<kv::Error>(&response)) {
    (void)error;
    outcome.outcome = history::Outcome::fail;
  } else if (const auto* range = std::get_if<kv::RangeResponse>(&response)) {
    outcome.revision = range->header.revision;
    if (!range->kvs.empty()) {
      outcome.value = range->kvs.front().value;
      outcome.mod_revision = range->kvs.front().mod_revision;
    }
  } else if (const auto* put = std::get_if<kv::PutResponse>(&response)) {
    outcome.revision = put->header.revision;
    outcome.mod_revision = put->header.revision;
  } else if (const auto* del = std::get_if<kv::DeleteRangeResponse>(&response)) {
    outcome.revision = del->header.revision;
  } else if (const auto* txn = std::get_if<kv::TxnResponse>(&response)) {
    outcome.revision = txn->header.revision;
    if (!txn->succeeded) outcome.outcome = history::Outcome::fail;
    else outcome.mod_revision = txn->header.revision;  // the workload's txn writes its key
  } else if (const auto* compact = std::get_if<kv::CompactionResponse>(&response)) {
    outcome.revision = compact->header.revision;
  }
  return outcome;
}

}  // namespace raftsim::sim
