#pragma once
// Requests of every shape `raftsim kv` accepts, for the workload's `txn`
// operations: ranges (prefix, from-key, at an older revision, limited,
// sorted by each target, keys or count only), puts and ranged deletes with
// prev_kv, and transactions with compares on every target and result, over
// single keys and ranges, with several operations on one key and nested
// transactions. They write only keys of their own (kx0..kx15), under the
// reflectors' prefix, so that the linearizability model of the k0, k1, ...
// keys stays exact; replica agreement, durability, the watch check and
// liveness judge them.
#include <cstdint>

#include "core/kv/request.hpp"
#include "core/random.hpp"

namespace raftsim::sim {

// One request. `revision` is the newest store revision the client has seen
// (a read at an older revision picks one at or below it; 0: none yet).
kv::Request draw_request_shape(RandomSource& random, std::int64_t revision);

// A range only: served as a read (ReadIndex, or local when serializable),
// not proposed.
bool is_read_request(const kv::Request& request);

}  // namespace raftsim::sim
