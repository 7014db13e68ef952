#pragma once
// Compact, deterministic binary encodings of requests and responses, so that
// they travel in Raft log entries and messages. Decoding asserts on malformed
// input: these bytes are raftsim's own internal data, never user input.
#include <string>
#include <string_view>

#include "core/kv/request.hpp"

namespace raftsim::kv {

std::string encode(const Request&);
Request decode(std::string_view bytes);

std::string encode_response(const Response&);
Response decode_response(std::string_view bytes);

}  // namespace raftsim::kv
