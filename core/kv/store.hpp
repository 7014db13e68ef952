#pragma once
// raftsim's MVCC key-value store: etcd v3's state machine (server/storage/mvcc
// plus the request checks of etcdserver/v3rpc and the applier), answering
// response for response what etcd would answer.
//
// Model. A global revision starts at 1 and grows by one per write request that
// changes something (a txn's writes share one revision; a delete of nothing or
// a txn without writes changes nothing). Each key keeps its history: one entry
// per change (revision.main, revision.sub), a tombstone for a delete. Reads at
// a revision see the latest entry <= that revision. compact(C) forgets, for each
// key, every entry older than the latest one <= C, and that one too if it is a
// tombstone (as etcd's keyIndex.compact does), so reads at revisions >= C stay
// exact and reads below C fail.
//
// Deterministic: ordered containers only, no clock, no randomness. Not
// thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kv/codec.hpp"
#include "core/kv/key_range.hpp"
#include "core/kv/request.hpp"
#include "core/kv/watch.hpp"

namespace raftsim::kv {

class Store {
 public:
  Store() = default;

  // Applies one request (a read or a write) and returns etcd's response. Also
  // records the events the request produced (see last_events()).
  Response apply(const Request& request);

  // Current revision; an empty store is at revision 1.
  std::int64_t revision() const { return revision_; }
  // The revision of the last successful compaction; 0 if none.
  std::int64_t compact_revision() const { return compact_revision_ < 0 ? 0 : compact_revision_; }

  // The events (PUT / DELETE, with prev_kv when the key existed) produced by the
  // last apply(), in (revision, sub revision) order. Empty after a read, an
  // error, a compaction or restore().
  const std::vector<Event>& last_events() const { return last_events_; }

  // All events over (key, range_end) with revision >= start_revision still in
  // history, in order; canceled with compact_revision set if start_revision is
  // below the compact revision. start_revision <= 0 means "from now": none.
  WatchResponse events_since(const WatchRequest& request) const;

  // The whole store, for Raft snapshots; restore(snapshot()) is indistinguishable.
  std::string snapshot() const;
  static Store restore(std::string_view bytes);

  // Number of keys with history (alive or tombstoned); for metrics and tests.
  std::size_t key_count() const { return keys_.size(); }
  // Number of history entries over all keys; compaction lowers it.
  std::size_t history_size() const;

  // Same state: history, revision and compact revision (last_events aside).
  friend bool operator==(const Store& a, const Store& b) {
    return a.revision_ == b.revision_ && a.compact_revision_ == b.compact_revision_ && a.keys_ == b.keys_;
  }

 private:
  // One change of one key. A tombstone has version 0 and create_revision 0.
  struct Entry {
    std::int64_t main = 0;  // revision
    std::int64_t sub = 0;   // order within the revision
    std::int64_t create_revision = 0;
    std::int64_t version = 0;
    std::string value;
    bool tombstone() const { return version == 0; }
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  using History = std::vector<Entry>;  // by (main, sub), oldest first
  using Keys = std::map<std::string, History, std::less<>>;

  // State of one write request in progress (etcd's storeTxnWrite).
  struct WriteTxn {
    std::int64_t begin_revision = 0;
    std::int64_t changes = 0;  // also the next sub revision
    // What reads inside the txn see: its own writes once it has any.
    std::int64_t read_revision() const { return changes > 0 ? begin_revision + 1 : begin_revision; }
  };

  Response apply_range(const RangeRequest&, std::int64_t current) const;
  RangeResponse range_unchecked(const RangeRequest&, std::int64_t current) const;
  static void sort_range(std::vector<KeyValue>& kvs, SortTarget target, SortOrder order);
  PutResponse apply_put(const PutRequest&, WriteTxn&);
  DeleteRangeResponse apply_delete(const DeleteRangeRequest&, WriteTxn&);
  Response apply_txn(const TxnRequest&);
  void run_txn(const TxnRequest&, const std::vector<bool>& path, std::size_t& cursor, WriteTxn&,
               TxnResponse& out);
  Response apply_compaction(const CompactionRequest&);

  bool compare_holds(const Compare&) const;
  void choose_path(const TxnRequest&, std::vector<bool>& path) const;
  std::optional<Error> check_ranges(const TxnRequest&, const std::vector<bool>& path,
                                    std::size_t& cursor) const;

  // The entry of `history` visible at `revision`, or null.
  static const Entry* visible(const History& history, std::int64_t revision);
  static KeyValue to_key_value(const std::string& key, const Entry& entry);

  // Calls f(key, history) for each key with history in (key, range_end).
  template <typename F>
  void for_each_in_range(std::string_view key, std::string_view range_end, F&& f) const;

  Keys keys_;
  std::int64_t revision_ = 1;
  std::int64_t compact_revision_ = -1;  // etcd's compactMainRev: -1 until the first compaction
  std::vector<Event> last_events_;
};

// Checks a request as etcd's gRPC layer does before proposing it (empty keys,
// too many txn ops, overlapping writes in one txn branch). Store::apply runs it
// too; the simulator may call it early to refuse a request without proposing.
std::optional<Error> validate(const Request&);

}  // namespace raftsim::kv
