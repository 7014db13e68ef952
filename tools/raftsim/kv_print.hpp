#pragma once
// Prints store responses exactly as etcdctl prints them: the "simple" printer
// (printer_simple.go) and the "json" printer, which is Go's encoding/json over
// etcd's generated protobuf structs (fields with zero values omitted, bytes in
// base64, oneofs as {"Response":{"response_put":...}}).
#include <cstdint>
#include <string>

#include "core/kv/request.hpp"
#include "core/kv/watch.hpp"
#include "tools/raftsim/kv_script.hpp"

namespace raftsim::cli::kv_print {

// The header fields that belong to the answering server, not to the store:
// those of a fresh single-member etcd started with default flags.
inline constexpr std::uint64_t cluster_id = 14841639068965178418ULL;
inline constexpr std::uint64_t member_id = 10276657743932975437ULL;
inline constexpr std::uint64_t raft_term = 2;

std::string base64(std::string_view bytes);

// The text etcdctl prints on stdout for a successful response to `command`.
std::string format_response(const kv_script::Command& command, const raftsim::kv::Response& response,
                            kv_script::Format format);

// The text etcdctl prints on stdout for a watch batch (empty if no events).
std::string format_watch(const raftsim::kv::WatchResponse& response, kv_script::Format format);

}  // namespace raftsim::cli::kv_print
