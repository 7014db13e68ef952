// Watches: history replay from a revision, then live events, over a key or a
// prefix; cancelled with the compact revision when started below it; resumable.
#include "tests/kv/kv_test_util.hpp"

using namespace kvtest;

namespace {
WatchRequest watch_prefix(std::string prefix, std::int64_t start, bool prev_kv = false) {
  WatchRequest w;
  w.range_end = prefix_end(prefix);
  w.key = std::move(prefix);
  w.start_revision = start;
  w.prev_kv = prev_kv;
  return w;
}
std::vector<std::int64_t> revisions(const std::vector<Event>& events) {
  std::vector<std::int64_t> out;
  for (const Event& e : events) out.push_back(e.kv.mod_revision);
  return out;
}
}  // namespace

TEST_CASE("watch replays history in revision order, with prev_kv and deletes", "[kv][watch]") {
  Store s;
  put(s, "w/a", "1");   // 2
  put(s, "x", "1");     // 3: outside the prefix
  put(s, "w/b", "1");   // 4
  put(s, "w/a", "2");   // 5
  del(s, "w/", prefix_end("w/"));  // 6: two deletes, one revision

  WatchResponse all = s.events_since(watch_prefix("w/", 1, true));
  CHECK_FALSE(all.canceled);
  CHECK(all.header.revision == 6);
  REQUIRE(all.events.size() == 5);
  CHECK(revisions(all.events) == std::vector<std::int64_t>{2, 4, 5, 6, 6});
  CHECK(all.events[0].type == Event::Type::put);
  CHECK_FALSE(all.events[0].prev_kv.has_value());
  CHECK(all.events[2].kv == KeyValue{"w/a", "2", 2, 5, 2});
  CHECK(all.events[2].prev_kv == KeyValue{"w/a", "1", 2, 2, 1});
  CHECK(all.events[3].type == Event::Type::del);
  CHECK(all.events[3].kv == KeyValue{"w/a", "", 0, 6, 0});  // a DELETE carries key and mod_revision only
  CHECK(all.events[3].prev_kv == KeyValue{"w/a", "2", 2, 5, 2});
  CHECK(all.events[4].kv.key == "w/b");

  CHECK(revisions(s.events_since(watch_prefix("w/", 5)).events) == std::vector<std::int64_t>{5, 6, 6});
  CHECK_FALSE(s.events_since(watch_prefix("w/", 5)).events[0].prev_kv.has_value());  // not asked for
  WatchRequest single;
  single.key = "x";
  single.start_revision = 1;
  CHECK(revisions(s.events_since(single).events) == std::vector<std::int64_t>{3});
  CHECK(s.events_since(watch_prefix("w/", 0)).events.empty());  // from now: nothing yet
  CHECK(s.events_since(watch_prefix("w/", 7)).events.empty());
}

TEST_CASE("watcher: replay then live events, filtered, without gaps or duplicates", "[kv][watch]") {
  Store s;
  put(s, "w/a", "1");  // 2
  Watcher watcher(watch_prefix("w/", 2));
  CHECK(revisions(watcher.start(s).events) == std::vector<std::int64_t>{2});
  CHECK(watcher.next_revision() == 3);

  put(s, "w/b", "1");  // 3
  CHECK(revisions(watcher.on_apply(s)) == std::vector<std::int64_t>{3});
  put(s, "other", "1");  // 4
  CHECK(watcher.on_apply(s).empty());
  get(s, "w/a");  // a read produces no events
  CHECK(watcher.on_apply(s).empty());
  TxnRequest t;
  t.success = {RequestOp{PutRequest{"w/c", "1"}}, RequestOp{DeleteRangeRequest{"w/a"}}};
  s.apply(t);  // 5
  const std::vector<Event> live = watcher.on_apply(s);
  REQUIRE(live.size() == 2);
  CHECK(live[0].kv.key == "w/c");
  CHECK(live[1].type == Event::Type::del);
  CHECK_FALSE(live[1].prev_kv.has_value());  // stripped: the watch did not ask for prev_kv
  CHECK(watcher.next_revision() == 6);

  // The same history replayed from the start equals what the watcher saw live.
  std::vector<Event> replay = s.events_since(watch_prefix("w/", 2)).events;
  CHECK(revisions(replay) == std::vector<std::int64_t>{2, 3, 5, 5});
}

TEST_CASE("a watch from a compacted revision is cancelled with the compact revision", "[kv][watch][compact]") {
  Store s;
  put(s, "k", "1");  // 2
  put(s, "k", "2");  // 3
  put(s, "k", "3");  // 4
  as<CompactionResponse>(s.apply(CompactionRequest{3}));

  WatchRequest w;
  w.key = "k";
  w.start_revision = 2;
  WatchResponse cancelled = s.events_since(w);
  CHECK(cancelled.canceled);
  CHECK(cancelled.compact_revision == 3);
  CHECK(cancelled.events.empty());

  Watcher watcher(w);
  CHECK(watcher.start(s).canceled);
  CHECK(watcher.canceled());
  put(s, "k", "4");
  CHECK(watcher.on_apply(s).empty());

  // From exactly the compact revision the watch works (etcd: minRev < compactRev cancels).
  w.start_revision = 3;
  WatchResponse ok = s.events_since(w);
  CHECK_FALSE(ok.canceled);
  CHECK(revisions(ok.events) == std::vector<std::int64_t>{3, 4, 5});
}

TEST_CASE("a watcher resumes on a restored replica from its next revision", "[kv][watch][snapshot]") {
  Store s;
  Watcher watcher(watch_prefix("p/", 1));
  CHECK(watcher.start(s).events.empty());
  std::vector<Event> seen;
  for (int i = 0; i < 6; ++i) {
    put(s, "p/" + std::to_string(i % 2), std::to_string(i));
    for (Event& e : watcher.on_apply(s)) seen.push_back(std::move(e));
  }
  // The connection breaks after revision 4; resume on another replica.
  Store replica = Store::restore(s.snapshot());
  WatchRequest resume = watcher.request();
  resume.start_revision = 5;
  Watcher resumed(resume);
  std::vector<Event> again = resumed.start(replica).events;
  CHECK(revisions(again) == std::vector<std::int64_t>{5, 6, 7});
  CHECK(std::vector<Event>(seen.begin() + 3, seen.end()) == again);
}

TEST_CASE("a delete exactly at the compact revision is still seen by a watch from that revision", "[kv][watch][compact]") {
  // etcd #18089 / #19179: compaction dropped the tombstone at the compact
  // revision, so a watch from there missed the delete (fixed by etcd PR #18274).
  Store s;
  put(s, "k", "1");  // 2
  del(s, "k");       // 3
  as<CompactionResponse>(s.apply(CompactionRequest{3}));
  WatchResponse from_compact = s.events_since(watch_prefix("k", 3));
  CHECK_FALSE(from_compact.canceled);
  REQUIRE(from_compact.events.size() == 1);
  CHECK(from_compact.events[0].type == Event::Type::del);
  CHECK(from_compact.events[0].kv.mod_revision == 3);
  CHECK(get(s, "k").kvs.empty());  // reads are unchanged: the key is gone
  CHECK(get(s, "k", 3).kvs.empty());
  // A later compaction past the tombstone forgets it.
  put(s, "x", "1");  // 4
  as<CompactionResponse>(s.apply(CompactionRequest{4}));
  CHECK(s.events_since(watch_prefix("k", 4)).events.empty());
  CHECK(s.key_count() == 1);
}

TEST_CASE("a watch resumed on a lagging replica sends nothing below its start revision", "[kv][watch]") {
  Store ahead;
  Store behind;
  for (int i = 0; i < 3; ++i) put(ahead, "p/a", std::to_string(i));  // 2..4
  put(behind, "p/a", "0");                                            // 2
  Watcher resumed(watch_prefix("p/", 5));
  CHECK(resumed.start(behind).events.empty());
  CHECK(resumed.next_revision() == 5);
  put(behind, "p/a", "1");  // 3: already delivered elsewhere
  CHECK(resumed.on_apply(behind).empty());
  put(behind, "p/a", "2");  // 4
  CHECK(resumed.on_apply(behind).empty());
  put(behind, "p/a", "3");  // 5: new
  CHECK(revisions(resumed.on_apply(behind)) == std::vector<std::int64_t>{5});
}

TEST_CASE("a watcher catches up with sync after its replica installs a snapshot", "[kv][watch][snapshot]") {
  Store leader;
  Store follower;
  Watcher watcher(watch_prefix("p/", 1, true));
  watcher.start(follower);
  for (int i = 0; i < 4; ++i) put(leader, "p/" + std::to_string(i % 2), std::to_string(i));  // 2..5
  follower = Store::restore(leader.snapshot());  // the follower jumps to revision 5
  WatchResponse caught_up = watcher.sync(follower);
  CHECK_FALSE(caught_up.canceled);
  CHECK(revisions(caught_up.events) == std::vector<std::int64_t>{2, 3, 4, 5});
  CHECK(caught_up.events[2].prev_kv.has_value());  // prev_kv kept when asked
  CHECK(watcher.next_revision() == 6);
  CHECK(watcher.sync(follower).events.empty());  // nothing twice

  // A snapshot whose history was compacted past the watcher cancels it.
  Watcher late(watch_prefix("p/", 1));
  late.start(Store{});
  as<CompactionResponse>(leader.apply(CompactionRequest{4}));
  WatchResponse cancelled = late.sync(Store::restore(leader.snapshot()));
  CHECK(cancelled.canceled);
  CHECK(cancelled.compact_revision == 4);
  CHECK(late.canceled());
}
