#pragma once
// What a client's request looks like inside a Raft entry, and what its KV
// response means to the client: the bridge between the workload's
// operations (history) and etcd's requests (core/kv).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/kv/request.hpp"
#include "sim/history/history.hpp"

namespace raftsim::sim {

// Entry payload: an 8-byte request id (client << 32 | sequence), then the
// encoded KV request. The id lets the node that took the request answer the
// client when the entry applies there.
struct RequestPayload {
  std::uint64_t request_id = 0;
  kv::Request request;
};

inline std::uint64_t request_id(std::uint32_t client, std::uint64_t sequence) {
  return (std::uint64_t{client} << 32) | (sequence & 0xffffffffULL);
}

std::shared_ptr<const std::string> encode_payload(std::uint64_t request_id, const kv::Request& request);
RequestPayload decode_payload(const std::string& bytes);

// The etcd request that carries a workload operation: put, delete, a get
// (range of one key), or a CAS as a txn comparing the value (or, for an
// absent key, version 0) and putting on success.
// A cas compares the key's mod_revision with `compare_mod_revision`, the one
// the client last saw with the value it expects (as a Kubernetes controller's
// optimistic update does); values are unique per write, so this is the same
// condition as comparing values, which is what the history records.
kv::Request make_request(const history::Operation& operation, std::int64_t compare_mod_revision = 0);

struct ClientOutcome {
  history::Outcome outcome = history::Outcome::ok;
  std::optional<std::string> value;  // a get's value; nullopt when absent
  std::int64_t revision = 0;         // the response header's revision
  std::int64_t mod_revision = 0;     // the key's mod revision after the operation (0: absent); unknown: 0
};

// What a KV response means for the client: an error or a failed compare is
// a definite failure; anything else succeeded.
ClientOutcome outcome_of(const kv::Response& response);

// An outcome with nothing else to say (refused, or unknown after a timeout).
inline ClientOutcome bare_outcome(history::Outcome outcome) {
  ClientOutcome result;
  result.outcome = outcome;
  return result;
}

}  // namespace raftsim::sim
