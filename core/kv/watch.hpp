#pragma once
// Watch events (mvccpb.Event) and the small watch API the simulator builds its
// etcd-style watchers on. A watch is a range plus a next revision; the store
// can replay history from any uncompacted revision (Store::events_since), and
// reports what each apply changed (Store::last_events), so a watcher that
// remembers the revision after its last event can resume anywhere, on any
// replica, without gaps or duplicates.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/request.hpp"

namespace raftsim::kv {

struct Event {
  enum class Type : std::uint8_t { put = 0, del = 1 };  // mvccpb.Event_EventType values
  Type type = Type::put;
  // For a PUT the key as written; for a DELETE only key and mod_revision (the
  // deletion's revision) are set, as etcd sends them.
  KeyValue kv{};
  std::optional<KeyValue> prev_kv{};  // the key just before this event, if it existed
  std::int64_t sub_revision = 0;    // order within the revision (etcd's revision.sub)
  friend bool operator==(const Event&, const Event&) = default;
};

struct WatchRequest {
  std::string key{};
  std::string range_end{};           // as in RangeRequest
  std::int64_t start_revision = 0; // <= 0: from the next revision (live events only)
  bool prev_kv = false;            // keep Event::prev_kv (otherwise it is dropped)
  friend bool operator==(const WatchRequest&, const WatchRequest&) = default;
};

// One batch of events, as etcd's WatchResponse carries them.
struct WatchResponse {
  ResponseHeader header{};
  std::vector<Event> events{};
  bool canceled = false;
  // Set with canceled when the start revision was compacted: the watcher must
  // restart from at least this revision (etcd's ErrCompacted for watches).
  std::int64_t compact_revision = 0;
  friend bool operator==(const WatchResponse&, const WatchResponse&) = default;
};

bool matches(const WatchRequest&, const Event&);

class Store;

// One watcher over a Store: replays history from its start revision, then
// follows the store apply by apply. Resuming elsewhere is `Watcher(request with
// start_revision = next_revision())` on another store.
class Watcher {
 public:
  explicit Watcher(WatchRequest request);

  // The history from the start revision up to the store's current revision.
  // Cancelled (and dead from then on) if the start revision was compacted.
  WatchResponse start(const Store& store);

  // The events of the store's last apply that this watcher matches; call after
  // every apply, in order, after start().
  std::vector<Event> on_apply(const Store& store);

  // The store jumped ahead without applies (a replica restored from a Raft
  // snapshot): the events from next_revision() up to the store's revision, as
  // etcd's unsynced watchers catch up; cancelled if that history was compacted.
  WatchResponse sync(const Store& store);

  // The first revision this watcher has not delivered yet.
  std::int64_t next_revision() const { return next_revision_; }
  bool canceled() const { return canceled_; }
  const WatchRequest& request() const { return request_; }

 private:
  WatchRequest request_;
  std::int64_t next_revision_ = 0;
  bool started_ = false;
  bool canceled_ = false;
};

}  // namespace raftsim::kv
