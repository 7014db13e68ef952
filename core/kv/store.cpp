// etcd v3's MVCC semantics; references are to etcd's server/storage/mvcc
// (kvstore_txn.go, key_index.go) and server/etcdserver/txn (txn.go).
#include "core/kv/store.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

#include "core/assert.hpp"
#include "core/kv/bytes.hpp"
#include "core/kv/go_sort.hpp"

namespace raftsim::kv {

// ---------------------------------------------------------------------------
// Lookups

const Store::Entry* Store::visible(const History& history, std::int64_t revision) {
  // The last entry with main <= revision (entries are sorted by (main, sub)).
  auto it = std::upper_bound(history.begin(), history.end(), revision,
                             [](std::int64_t rev, const Entry& e) { return rev < e.main; });
  if (it == history.begin()) return nullptr;
  --it;
  return it->tombstone() ? nullptr : &*it;
}

KeyValue Store::to_key_value(const std::string& key, const Entry& entry) {
  return KeyValue{key, entry.value, entry.create_revision, entry.main, entry.version};
}

template <typename F>
void Store::for_each_in_range(std::string_view key, std::string_view range_end, F&& f) const {
  if (range_end.empty()) {
    if (auto it = keys_.find(key); it != keys_.end()) f(it->first, it->second);
    return;
  }
  const bool to_end = is_from_key(range_end);
  for (auto it = keys_.lower_bound(key); it != keys_.end(); ++it) {
    if (!to_end && std::string_view(it->first) >= range_end) break;
    f(it->first, it->second);
  }
}

std::size_t Store::history_size() const {
  std::size_t n = 0;
  for (const auto& [key, history] : keys_) n += history.size();
  return n;
}

// ---------------------------------------------------------------------------
// Validation (etcd's v3rpc/key.go: checkRangeRequest ... checkIntervals)

namespace {

std::optional<Error> check_op(const RequestOp& op, std::size_t max_ops);

std::optional<Error> check_txn(const TxnRequest& txn, std::size_t max_ops) {
  const std::size_t ops = std::max({txn.compare.size(), txn.success.size(), txn.failure.size()});
  if (ops > max_ops) return Error{error_too_many_ops};
  for (const Compare& c : txn.compare) {
    if (c.key.empty()) return Error{error_empty_key};
  }
  for (const auto* branch : {&txn.success, &txn.failure}) {
    for (const RequestOp& op : *branch) {
      if (auto error = check_op(op, max_ops - ops)) return error;
    }
  }
  return std::nullopt;
}

std::optional<Error> check_op(const RequestOp& op, std::size_t max_ops) {
  return std::visit(
      [&](const auto& r) -> std::optional<Error> {
        if constexpr (std::is_same_v<std::decay_t<decltype(r)>, TxnRequest>) {
          return check_txn(r, max_ops);
        } else {
          if (r.key.empty()) return Error{error_empty_key};
          return std::nullopt;
        }
      },
      op.request);
}

struct Range {
  std::string key, range_end;
};

bool overlaps(const std::vector<Range>& dels, const std::string& key) {
  return std::any_of(dels.begin(), dels.end(),
                     [&](const Range& d) { return in_range(d.key, d.range_end, key); });
}

// A branch may not put one key twice, nor put a key it also deletes; nested
// txns' branches count, except that a key put by both branches of one nested
// txn is fine (only one of them runs). Returns false on a conflict.
bool check_intervals(const std::vector<RequestOp>& ops, std::set<std::string>& puts,
                     std::vector<Range>& dels) {
  for (const RequestOp& op : ops) {
    if (const auto* d = std::get_if<DeleteRangeRequest>(&op.request)) {
      dels.push_back(Range{d->key, d->range_end});
    }
  }
  for (const RequestOp& op : ops) {
    const auto* txn = std::get_if<TxnRequest>(&op.request);
    if (txn == nullptr) continue;
    std::set<std::string> puts_then, puts_else;
    std::vector<Range> dels_then, dels_else;
    if (!check_intervals(txn->success, puts_then, dels_then)) return false;
    if (!check_intervals(txn->failure, puts_else, dels_else)) return false;
    for (const std::string& k : puts_then) {
      if (puts.count(k) != 0 || overlaps(dels, k)) return false;
      puts.insert(k);
    }
    for (const std::string& k : puts_else) {
      if (puts.count(k) != 0 && puts_then.count(k) == 0) return false;
      if (overlaps(dels, k)) return false;
      puts.insert(k);
    }
    dels.insert(dels.end(), dels_then.begin(), dels_then.end());
    dels.insert(dels.end(), dels_else.begin(), dels_else.end());
  }
  for (const RequestOp& op : ops) {
    const auto* put = std::get_if<PutRequest>(&op.request);
    if (put == nullptr) continue;
    if (puts.count(put->key) != 0 || overlaps(dels, put->key)) return false;
    puts.insert(put->key);
  }
  return true;
}

}  // namespace

std::optional<Error> validate(const Request& request) {
  return std::visit(
      [](const auto& r) -> std::optional<Error> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, TxnRequest>) {
          if (auto error = check_txn(r, max_txn_ops)) return error;
          for (const auto* branch : {&r.success, &r.failure}) {
            std::set<std::string> puts;
            std::vector<Range> dels;
            if (!check_intervals(*branch, puts, dels)) return Error{error_duplicate_key};
          }
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, CompactionRequest>) {
          return std::nullopt;
        } else {
          if (r.key.empty()) return Error{error_empty_key};
          return std::nullopt;
        }
      },
      request);
}

// ---------------------------------------------------------------------------
// Apply

Response Store::apply(const Request& request) {
  last_events_.clear();
  if (auto error = validate(request)) return *error;
  return std::visit(
      [&](const auto& r) -> Response {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, RangeRequest>) {
          return apply_range(r, revision_);
        } else if constexpr (std::is_same_v<T, PutRequest>) {
          WriteTxn txn{revision_, 0};
          PutResponse response = apply_put(r, txn);
          revision_ = txn.begin_revision + 1;
          return response;
        } else if constexpr (std::is_same_v<T, DeleteRangeRequest>) {
          WriteTxn txn{revision_, 0};
          DeleteRangeResponse response = apply_delete(r, txn);
          if (txn.changes > 0) revision_ = txn.begin_revision + 1;
          return response;
        } else if constexpr (std::is_same_v<T, TxnRequest>) {
          return apply_txn(r);
        } else {
          static_assert(std::is_same_v<T, CompactionRequest>);
          return apply_compaction(r);
        }
      },
      request);
}

// etcd's storeTxnRead.rangeKeys: the future check comes before the compacted
// one, and reading at exactly the compact revision is allowed.
Response Store::apply_range(const RangeRequest& request, std::int64_t current) const {
  std::int64_t rev = request.revision;
  if (rev > current) return Error{error_future_revision};
  if (rev <= 0) rev = current;
  if (rev < compact_revision_) return Error{error_compacted};
  RangeRequest at = request;
  at.revision = rev;
  return range_unchecked(at, current);
}

// etcd's applierV3backend.Range. With a sort order the whole range is read,
// sorted with Go's sort.Sort and only then cut to the limit. A sort target
// other than the key with no order (what etcdctl sends for --sort-by without
// --order) sorts ascending, but reads as an unsorted range does: the first
// limit+1 keys in key order, which it sorts and then cuts. keys_only drops
// the values last, so sorting by value still sees them; count is always the
// whole range's.
RangeResponse Store::range_unchecked(const RangeRequest& request, std::int64_t current) const {
  RangeResponse response;
  response.header.revision = current;
  const auto limit = static_cast<std::uint64_t>(std::max<std::int64_t>(request.limit, 0));
  const std::uint64_t read_limit = request.sort_order != SortOrder::none ? 0 : limit != 0 ? limit + 1 : 0;
  SortOrder order = request.sort_order;
  if (order == SortOrder::none && request.sort_target != SortTarget::key) order = SortOrder::ascend;
  for_each_in_range(request.key, request.range_end, [&](const std::string& key, const History& history) {
    const Entry* entry = visible(history, request.revision);
    if (entry == nullptr) return;
    ++response.count;
    if (request.count_only || (read_limit != 0 && response.kvs.size() >= read_limit)) return;
    response.kvs.push_back(to_key_value(key, *entry));
  });
  if (order != SortOrder::none) sort_range(response.kvs, request.sort_target, order);
  if (limit != 0 && response.kvs.size() > limit) {
    response.kvs.resize(limit);
    response.more = true;
  }
  if (request.keys_only)
    for (KeyValue& kv : response.kvs) kv.value.clear();
  return response;
}

void Store::sort_range(std::vector<KeyValue>& kvs, SortTarget target, SortOrder order) {
  // etcd's kvSortBy* compare only the target; sort.Reverse swaps the operands.
  struct Data {
    std::vector<KeyValue>& kvs;
    SortTarget target;
    bool reverse;
    bool less(long i, long j) const {
      const KeyValue& a = kvs[static_cast<std::size_t>(reverse ? j : i)];
      const KeyValue& b = kvs[static_cast<std::size_t>(reverse ? i : j)];
      switch (target) {
        case SortTarget::key: return a.key < b.key;
        case SortTarget::version: return a.version < b.version;
        case SortTarget::create: return a.create_revision < b.create_revision;
        case SortTarget::mod: return a.mod_revision < b.mod_revision;
        case SortTarget::value: return a.value < b.value;
      }
      return false;
    }
    void swap(long i, long j) { std::swap(kvs[static_cast<std::size_t>(i)], kvs[static_cast<std::size_t>(j)]); }
  };
  Data data{kvs, target, order == SortOrder::descend};
  go_sort::sort(data, static_cast<long>(kvs.size()));
}

PutResponse Store::apply_put(const PutRequest& request, WriteTxn& txn) {
  PutResponse response;
  const std::int64_t rev = txn.begin_revision + 1;
  auto [it, inserted] = keys_.try_emplace(request.key);
  History& history = it->second;
  std::optional<KeyValue> prev;
  if (!history.empty() && !history.back().tombstone()) prev = to_key_value(it->first, history.back());

  Entry entry;
  entry.main = rev;
  entry.sub = txn.changes++;
  entry.create_revision = prev ? prev->create_revision : rev;
  entry.version = prev ? prev->version + 1 : 1;
  entry.value = request.value;
  RAFTSIM_ASSERT(history.empty() || history.back().main < rev ||
                     (history.back().main == rev && history.back().sub < entry.sub),
                 "kv: history of {:?} out of order", request.key);
  history.push_back(std::move(entry));

  last_events_.push_back(Event{Event::Type::put, to_key_value(it->first, history.back()), prev,
                               history.back().sub});
  if (request.prev_kv) response.prev_kv = std::move(prev);
  response.header.revision = rev;
  return response;
}

DeleteRangeResponse Store::apply_delete(const DeleteRangeRequest& request, WriteTxn& txn) {
  DeleteRangeResponse response;
  const std::int64_t rev = txn.begin_revision + 1;
  auto delete_one = [&](const std::string& key, History& history) {
    if (history.empty() || history.back().tombstone()) return;
    KeyValue prev = to_key_value(key, history.back());
    Entry tombstone;
    tombstone.main = rev;
    tombstone.sub = txn.changes++;
    history.push_back(std::move(tombstone));
    ++response.deleted;
    KeyValue kv;
    kv.key = key;
    kv.mod_revision = rev;
    if (request.prev_kv) response.prev_kvs.push_back(prev);
    last_events_.push_back(Event{Event::Type::del, std::move(kv), std::move(prev), history.back().sub});
  };
  if (request.range_end.empty()) {
    if (auto it = keys_.find(request.key); it != keys_.end()) delete_one(it->first, it->second);
  } else {
    const bool to_end = is_from_key(request.range_end);
    for (auto it = keys_.lower_bound(request.key); it != keys_.end(); ++it) {
      if (!to_end && it->first >= request.range_end) break;
      delete_one(it->first, it->second);
    }
  }
  // storeTxnWrite.DeleteRange: a txn that already wrote reports its new revision.
  response.header.revision = txn.changes > 0 ? rev : txn.begin_revision;
  return response;
}

// etcd's applyCompare: a value compare on a missing key is false; other targets
// compare the missing key as zeros; over a range every key must satisfy it.
bool Store::compare_holds(const Compare& c) const {
  auto holds = [&](const KeyValue& kv) {
    int result = 0;
    auto cmp = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
    switch (c.target) {
      case Compare::Target::value: result = kv.value.compare(c.value); result = cmp(result, 0); break;
      case Compare::Target::version: result = cmp(kv.version, c.number); break;
      case Compare::Target::create: result = cmp(kv.create_revision, c.number); break;
      case Compare::Target::mod: result = cmp(kv.mod_revision, c.number); break;
    }
    switch (c.result) {
      case Compare::Result::equal: return result == 0;
      case Compare::Result::not_equal: return result != 0;
      case Compare::Result::less: return result < 0;
      case Compare::Result::greater: return result > 0;
    }
    return false;
  };
  bool any = false;
  bool all = true;
  for_each_in_range(c.key, c.range_end, [&](const std::string& key, const History& history) {
    if (!all) return;
    const Entry* entry = visible(history, revision_);
    if (entry == nullptr) return;
    any = true;
    all = holds(to_key_value(key, *entry));
  });
  if (!any) return c.target != Compare::Target::value && holds(KeyValue{});
  return all;
}

// etcd's compareToPath: every compare, nested ones included, is evaluated
// against the state before the txn, in pre-order.
void Store::choose_path(const TxnRequest& txn, std::vector<bool>& path) const {
  const bool succeeded =
      std::all_of(txn.compare.begin(), txn.compare.end(), [&](const Compare& c) { return compare_holds(c); });
  path.push_back(succeeded);
  for (const RequestOp& op : succeeded ? txn.success : txn.failure) {
    if (const auto* nested = std::get_if<TxnRequest>(&op.request)) choose_path(*nested, path);
  }
}

// etcd's checkRequests/checkRange over the chosen path: a range at a bad
// revision fails the whole txn before anything is written.
std::optional<Error> Store::check_ranges(const TxnRequest& txn, const std::vector<bool>& path,
                                         std::size_t& depth) const {
  RAFTSIM_ASSERT(depth < path.size());
  const bool succeeded = path[depth++];
  for (const RequestOp& op : succeeded ? txn.success : txn.failure) {
    if (const auto* range = std::get_if<RangeRequest>(&op.request)) {
      if (range->revision == 0) continue;
      if (range->revision > revision_) return Error{error_future_revision};
      if (range->revision < compact_revision_) return Error{error_compacted};
    } else if (const auto* nested = std::get_if<TxnRequest>(&op.request)) {
      if (auto error = check_ranges(*nested, path, depth)) return error;
    }
  }
  return std::nullopt;
}

void Store::run_txn(const TxnRequest& txn, const std::vector<bool>& path, std::size_t& cursor,
                    WriteTxn& write, TxnResponse& out) {
  // `cursor` walks `path` in the pre-order choose_path wrote it.
  RAFTSIM_ASSERT(cursor < path.size());
  out.succeeded = path[cursor++];
  for (const RequestOp& op : out.succeeded ? txn.success : txn.failure) {
    ResponseOp response;
    if (const auto* range = std::get_if<RangeRequest>(&op.request)) {
      Response r = apply_range(*range, write.read_revision());
      RAFTSIM_ASSERT(std::holds_alternative<RangeResponse>(r), "kv: txn range failed after checks");
      response.response = std::get<RangeResponse>(std::move(r));
    } else if (const auto* put = std::get_if<PutRequest>(&op.request)) {
      response.response = apply_put(*put, write);
    } else if (const auto* del = std::get_if<DeleteRangeRequest>(&op.request)) {
      response.response = apply_delete(*del, write);
    } else {
      TxnResponse inner;  // etcd leaves a nested txn's header revision unset
      run_txn(std::get<TxnRequest>(op.request), path, cursor, write, inner);
      response.response = std::move(inner);
    }
    out.responses.push_back(std::move(response));
  }
}

// etcd's applierV3backend.Txn: choose the path, check its ranges, then run it
// in one write txn; the header carries the txn's revision.
Response Store::apply_txn(const TxnRequest& txn) {
  std::vector<bool> path;
  choose_path(txn, path);
  std::size_t cursor = 0;
  if (auto error = check_ranges(txn, path, cursor)) return *error;
  RAFTSIM_ASSERT(cursor == path.size());

  WriteTxn write{revision_, 0};
  TxnResponse response;
  cursor = 0;
  run_txn(txn, path, cursor, write, response);
  RAFTSIM_ASSERT(cursor == path.size());
  if (write.changes > 0) revision_ = write.begin_revision + 1;
  response.header.revision = revision_;
  return response;
}

// etcd's store.updateCompactRev then keyIndex.compact for every key.
Response Store::apply_compaction(const CompactionRequest& request) {
  if (request.revision <= compact_revision_) return Error{error_compacted};
  if (request.revision > revision_) return Error{error_future_revision};
  compact_revision_ = request.revision;
  for (auto it = keys_.begin(); it != keys_.end();) {
    History& history = it->second;
    // Keep the latest entry <= the compact revision, unless it is a tombstone
    // below the compact revision, and everything after it. A tombstone AT the
    // compact revision stays, so that a watch from that revision still sees the
    // delete (etcd #18089 / #19179, fixed by etcd PR #18274).
    auto keep = std::upper_bound(history.begin(), history.end(), request.revision,
                                 [](std::int64_t rev, const Entry& e) { return rev < e.main; });
    if (keep != history.begin()) {
      --keep;
      if (keep->tombstone() && keep->main < request.revision) ++keep;
      history.erase(history.begin(), keep);
    }
    it = history.empty() ? keys_.erase(it) : std::next(it);
  }
  CompactionResponse response;
  response.header.revision = revision_;
  return response;
}

// ---------------------------------------------------------------------------
// Watch history

WatchResponse Store::events_since(const WatchRequest& request) const {
  WatchResponse response;
  response.header.revision = revision_;
  if (request.start_revision <= 0) return response;
  // etcd's watcherGroup.chooseAll: a watcher below the compact revision is cancelled.
  if (request.start_revision < compact_revision_) {
    response.canceled = true;
    response.compact_revision = compact_revision_;
    return response;
  }
  for_each_in_range(request.key, request.range_end, [&](const std::string& key, const History& history) {
    auto it = std::lower_bound(history.begin(), history.end(), request.start_revision,
                               [](const Entry& e, std::int64_t rev) { return e.main < rev; });
    for (; it != history.end(); ++it) {
      Event event;
      event.sub_revision = it->sub;
      if (it->tombstone()) {
        event.type = Event::Type::del;
        event.kv.key = key;
        event.kv.mod_revision = it->main;
      } else {
        event.type = Event::Type::put;
        event.kv = to_key_value(key, *it);
      }
      if (request.prev_kv && it != history.begin() && !std::prev(it)->tombstone()) {
        event.prev_kv = to_key_value(key, *std::prev(it));
      }
      response.events.push_back(std::move(event));
    }
  });
  std::sort(response.events.begin(), response.events.end(), [](const Event& a, const Event& b) {
    return std::pair(a.kv.mod_revision, a.sub_revision) < std::pair(b.kv.mod_revision, b.sub_revision);
  });
  return response;
}

// ---------------------------------------------------------------------------
// Snapshot

namespace {
constexpr std::string_view snapshot_magic = "raftsim-kv-snapshot-1";
}

std::string Store::snapshot() const {
  detail::ByteWriter w;
  w.bytes(snapshot_magic);
  w.i64(revision_);
  w.i64(compact_revision_);
  w.u64(keys_.size());
  for (const auto& [key, history] : keys_) {
    w.bytes(key);
    w.u64(history.size());
    for (const Entry& e : history) {
      w.i64(e.main);
      w.i64(e.sub);
      w.i64(e.create_revision);
      w.i64(e.version);
      w.bytes(e.value);
    }
  }
  return w.take();
}

Store Store::restore(std::string_view bytes) {
  detail::ByteReader r(bytes);
  RAFTSIM_ASSERT(r.bytes() == snapshot_magic, "kv: not a store snapshot");
  Store store;
  store.revision_ = r.i64();
  store.compact_revision_ = r.i64();
  RAFTSIM_ASSERT(store.revision_ >= 1 && store.compact_revision_ <= store.revision_,
                 "kv snapshot: revision {} compact revision {}", store.revision_, store.compact_revision_);
  const std::size_t keys = r.count();
  for (std::size_t i = 0; i < keys; ++i) {
    std::string key = r.bytes();
    RAFTSIM_ASSERT(store.keys_.empty() || store.keys_.rbegin()->first < key, "kv snapshot: keys out of order");
    History history(r.count());
    RAFTSIM_ASSERT(!history.empty(), "kv snapshot: key without history");
    for (std::size_t j = 0; j < history.size(); ++j) {
      Entry& e = history[j];
      e.main = r.i64();
      e.sub = r.i64();
      e.create_revision = r.i64();
      e.version = r.i64();
      e.value = r.bytes();
      RAFTSIM_ASSERT(e.main <= store.revision_ && e.version >= 0, "kv snapshot: bad entry");
      RAFTSIM_ASSERT(j == 0 || std::pair(history[j - 1].main, history[j - 1].sub) < std::pair(e.main, e.sub),
                     "kv snapshot: history out of order");
    }
    store.keys_.emplace_hint(store.keys_.end(), std::move(key), std::move(history));
  }
  r.expect_done();
  return store;
}

// ---------------------------------------------------------------------------
// Watcher

bool matches(const WatchRequest& request, const Event& event) {
  return in_range(request.key, request.range_end, event.kv.key);
}

Watcher::Watcher(WatchRequest request) : request_(std::move(request)) {}

WatchResponse Watcher::start(const Store& store) {
  RAFTSIM_ASSERT(!started_, "kv: watcher started twice");
  started_ = true;
  WatchResponse response = store.events_since(request_);
  if (response.canceled) {
    canceled_ = true;
    return response;
  }
  // A start revision beyond the store's (a resumption on a replica that lags
  // behind) waits for it: nothing below it is sent (etcd's watcher minRev).
  next_revision_ = std::max(store.revision() + 1, request_.start_revision);
  return response;
}

WatchResponse Watcher::sync(const Store& store) {
  RAFTSIM_ASSERT(started_, "kv: watcher used before start()");
  WatchResponse response;
  response.header.revision = store.revision();
  if (canceled_) return response;
  WatchRequest from = request_;
  from.start_revision = next_revision_;
  response = store.events_since(from);
  if (response.canceled) {
    canceled_ = true;
    return response;
  }
  if (!request_.prev_kv)
    for (Event& event : response.events) event.prev_kv.reset();
  next_revision_ = std::max(next_revision_, store.revision() + 1);
  return response;
}

std::vector<Event> Watcher::on_apply(const Store& store) {
  RAFTSIM_ASSERT(started_, "kv: watcher used before start()");
  std::vector<Event> events;
  if (canceled_) return events;
  for (const Event& event : store.last_events()) {
    if (event.kv.mod_revision < next_revision_ || !matches(request_, event)) continue;
    events.push_back(event);
    if (!request_.prev_kv) events.back().prev_kv.reset();
  }
  next_revision_ = std::max(next_revision_, store.revision() + 1);
  return events;
}

}  // namespace raftsim::kv
