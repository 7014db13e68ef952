#pragma once
// Key ranges exactly as etcd encodes them in RangeRequest / DeleteRangeRequest /
// Compare / WatchCreateRequest.
#include <string>
#include <string_view>

namespace raftsim::kv {

// The range_end that selects every key with `prefix` as prefix, as clientv3's
// WithPrefix computes it: the prefix with its last byte below 0xff incremented
// and everything after dropped; "\0" (all keys) when no such byte exists.
std::string prefix_end(std::string_view prefix);

// The range_end meaning "every key >= key" (clientv3.WithFromKey).
inline std::string from_key_end() { return std::string(1, '\0'); }

// Whether `candidate` lies in the range (key, range_end) with etcd's encoding:
// range_end "" is the single key, "\0" is [key, +inf), else [key, range_end).
bool in_range(std::string_view key, std::string_view range_end, std::string_view candidate);

// Whether range_end denotes "to infinity".
inline bool is_from_key(std::string_view range_end) {
  return range_end.size() == 1 && range_end[0] == '\0';
}

}  // namespace raftsim::kv
