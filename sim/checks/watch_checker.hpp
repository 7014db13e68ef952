#pragma once
// The `watch` check (CONTRACT §6): etcd's watch guarantees
// (https://etcd.io/docs/v3.5/learning/api_guarantees/#watch-apis), judged from
// what each watcher received against the cluster's committed event history.
//
//   ordered    events arrive by revision; never a lower revision after a higher one
//   unique     no event (revision, key) arrives twice
//   reliable   no gaps: every event of the watched range from the start revision
//              (or, for a watch "from now", from its first event) up to the last
//              event received was received
//   atomic     all events of one revision that match the range arrive together, in
//              one response, never split and never some without the others
//   resumable  a watch resumed (on any node) from r + 1, r the last revision it saw,
//              continues without gap or duplicate
//   compaction a watch (or a resumption) from a compacted revision is cancelled with
//              the compact revision and receives no events
// and every event received is one that committed, with the committed content
// (type, key, value, mod_revision, and prev_kv when sent): "not valid" otherwise.
//
// Deterministic: ordered containers only; the verdict depends on the input only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/kv/watch.hpp"

namespace raftsim::sim {

// One watch response as delivered to the client.
struct WatchDelivery {
  std::int64_t time_us = 0;
  std::vector<kv::Event> events;  // in delivery order
  bool canceled = false;
  std::int64_t compact_revision = 0;  // with canceled: the watch's start revision was compacted
};

// What one watcher (a client watching a key or prefix, perhaps resuming on other
// nodes) received.
struct WatchStream {
  int watcher = 0;                  // w1 is 1
  std::string key, range_end;       // as kv::WatchRequest
  std::int64_t start_revision = 0;  // the revision the watch asked to start from; <= 0: from now
  std::vector<WatchDelivery> deliveries;  // every response, across resumptions, in order
  // Each resumption: at which delivery index it began (deliveries[at_delivery] is
  // the first response after it) and from which revision it asked to resume.
  struct Resume {
    std::size_t at_delivery = 0;
    std::int64_t from_revision = 0;
  };
  std::vector<Resume> resumes;  // by at_delivery
};

struct WatchVerdict {
  bool ok = true;
  // The first violation: watcher, revision, key, what was expected, what arrived,
  // and which guarantee broke ("...: not reliable").
  std::string detail;
  std::size_t events_checked = 0;  // events received, over all streams
  std::int64_t time_us = 0;        // when the response showing the violation arrived
};

// `truth` is the cluster's committed event history in order (every event of every
// revision, as Store::last_events() produced it when each committed entry first
// applied). `compacted_before` is the compact revision already in force when the
// streams started (0: none; with watches started at different times, the lowest):
// a watch or resumption asking for a revision below it must be cancelled, and
// events below it may be missing from `truth` (such events are not judged).
// Streams are checked in order; the first violation is reported.
WatchVerdict check_watch_streams(const std::vector<WatchStream>& streams, const std::vector<kv::Event>& truth,
                                 std::int64_t compacted_before = 0);

// "key \"k1\"", "prefix \"k\"", "keys from \"k\"" or "range [\"a\", \"c\")".
std::string describe_watch_range(const std::string& key, const std::string& range_end);
// "put k1=\"v\"" or "delete k1"; without the value when with_value is false.
std::string describe_event(const kv::Event& event, bool with_value = true);

}  // namespace raftsim::sim
