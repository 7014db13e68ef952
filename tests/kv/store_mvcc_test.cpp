// Revisions, tombstones, historical reads, ranges and compaction, each checked
// against what etcd v3 answers (server/storage/mvcc).
#include <fmt/format.h>

#include "tests/kv/kv_test_util.hpp"

using namespace kvtest;

TEST_CASE("revision arithmetic: one revision per changing write, none for reads", "[kv][mvcc]") {
  Store s;
  CHECK(s.revision() == 1);  // an empty etcd is at revision 1
  CHECK(get(s, "a").header.revision == 1);
  CHECK(put(s, "a", "1").header.revision == 2);
  CHECK(put(s, "b", "1").header.revision == 3);
  CHECK(put(s, "a", "1").header.revision == 4);  // same value still a new revision
  CHECK(get(s, "a").header.revision == 4);
  CHECK(s.revision() == 4);
  CHECK(del(s, "a", "c").deleted == 2);  // one delete, two keys: one revision
  CHECK(s.revision() == 5);
}

TEST_CASE("deleting nothing does not bump the revision", "[kv][mvcc]") {
  Store s;
  put(s, "a", "1");
  const DeleteRangeResponse none = del(s, "missing");
  CHECK(none.deleted == 0);
  CHECK(none.header.revision == 2);
  CHECK(s.revision() == 2);
  CHECK(s.last_events().empty());
  del(s, "a");
  CHECK(s.revision() == 3);
  CHECK(del(s, "a").header.revision == 3);  // already a tombstone: nothing to delete
  CHECK(s.revision() == 3);
}

TEST_CASE("tombstones reset the version and a later put re-creates the key", "[kv][mvcc]") {
  Store s;
  put(s, "k", "v1");  // 2
  put(s, "k", "v2");  // 3
  CHECK(get(s, "k").kvs.at(0) == KeyValue{"k", "v2", 2, 3, 2});
  del(s, "k");  // 4
  CHECK(get(s, "k").kvs.empty());
  CHECK(get(s, "k").count == 0);
  put(s, "k", "v3");  // 5: a new generation
  CHECK(get(s, "k").kvs.at(0) == KeyValue{"k", "v3", 5, 5, 1});
  // History before the tombstone is still readable.
  CHECK(get(s, "k", 3).kvs.at(0) == KeyValue{"k", "v2", 2, 3, 2});
  CHECK(get(s, "k", 4).kvs.empty());
}

TEST_CASE("reads at a revision see the state of that revision", "[kv][mvcc]") {
  Store s;
  put(s, "a", "1");  // 2
  put(s, "b", "1");  // 3
  put(s, "a", "2");  // 4
  CHECK(get(s, "a", 1).kvs.empty());
  CHECK(get(s, "a", 2).kvs.at(0).value == "1");
  CHECK(get(s, "a", 3).kvs.at(0).value == "1");
  CHECK(get(s, "a", 4).kvs.at(0).value == "2");
  CHECK(keys_of(range(s, "a", from_key_end(), 2).kvs) == std::vector<std::string>{"a"});
  CHECK(keys_of(range(s, "a", from_key_end(), 3).kvs) == std::vector<std::string>{"a", "b"});
  // The header carries the current revision, not the one read.
  CHECK(get(s, "a", 2).header.revision == 4);

  RangeRequest future;
  future.key = "a";
  future.revision = 5;
  CHECK(error_of(s.apply(future)) == "etcdserver: mvcc: required revision is a future revision");
}

TEST_CASE("ranges: single key, key to range_end, from-key, prefix", "[kv][mvcc][range]") {
  Store s;
  for (const char* k : {"a", "ab", "abc", "ac", "b", "c"}) put(s, k, "v");
  CHECK(keys_of(range(s, "ab", "").kvs) == std::vector<std::string>{"ab"});
  CHECK(keys_of(range(s, "ab", "b").kvs) == std::vector<std::string>{"ab", "abc", "ac"});
  CHECK(keys_of(range(s, "ac", from_key_end()).kvs) == std::vector<std::string>{"ac", "b", "c"});
  CHECK(keys_of(range(s, "ab", prefix_end("ab")).kvs) == std::vector<std::string>{"ab", "abc"});
  CHECK(keys_of(range(s, std::string(1, '\0'), from_key_end()).kvs).size() == 6);
  CHECK(range(s, "b", "a").kvs.empty());  // an inverted range is empty

  CHECK(prefix_end("ab") == "ac");
  CHECK(prefix_end("a\xff") == "b");
  CHECK(prefix_end("\xff\xff") == std::string(1, '\0'));
  CHECK(prefix_end("") == std::string(1, '\0'));
  CHECK(in_range("a", "", "a"));
  CHECK_FALSE(in_range("a", "", "ab"));
  CHECK(in_range("a", from_key_end(), "zzz"));
  CHECK_FALSE(in_range("b", "c", "c"));
}

TEST_CASE("limit truncates kvs, sets more and keeps the full count", "[kv][mvcc][range]") {
  Store s;
  for (const char* k : {"k1", "k2", "k3", "k4", "k5"}) put(s, k, "v");
  del(s, "k3");

  RangeResponse two = range(s, "k", prefix_end("k"), 0, 2);
  CHECK(keys_of(two.kvs) == std::vector<std::string>{"k1", "k2"});
  CHECK(two.more);
  CHECK(two.count == 4);

  RangeResponse all = range(s, "k", prefix_end("k"), 0, 4);
  CHECK(all.kvs.size() == 4);
  CHECK_FALSE(all.more);
  CHECK(all.count == 4);

  RangeRequest count_only;
  count_only.key = "k";
  count_only.range_end = prefix_end("k");
  count_only.count_only = true;
  RangeResponse counted = as<RangeResponse>(s.apply(count_only));
  CHECK(counted.kvs.empty());
  CHECK(counted.count == 4);
  CHECK_FALSE(counted.more);

  RangeRequest keys_only;
  keys_only.key = "k";
  keys_only.range_end = prefix_end("k");
  keys_only.keys_only = true;
  keys_only.limit = 1;
  RangeResponse keys = as<RangeResponse>(s.apply(keys_only));
  REQUIRE(keys.kvs.size() == 1);
  CHECK(keys.kvs[0] == KeyValue{"k1", "", 2, 2, 1});
  CHECK(keys.more);

  // At an old revision the count is the count then.
  CHECK(range(s, "k", prefix_end("k"), 4, 1).count == 3);
}

TEST_CASE("put and delete with prev_kv", "[kv][mvcc]") {
  Store s;
  CHECK_FALSE(put(s, "k", "1", true).prev_kv.has_value());
  CHECK(put(s, "k", "2", true).prev_kv == KeyValue{"k", "1", 2, 2, 1});
  CHECK_FALSE(put(s, "k", "3").prev_kv.has_value());  // not asked for
  put(s, "l", "x");
  DeleteRangeResponse d = del(s, "k", "m", true);
  CHECK(d.deleted == 2);
  CHECK(d.prev_kvs == std::vector<KeyValue>{{"k", "3", 2, 4, 3}, {"l", "x", 5, 5, 1}});
  CHECK(del(s, "k", "m", true).prev_kvs.empty());
}

TEST_CASE("compaction: at the current revision, reads below it, twice, future", "[kv][mvcc][compact]") {
  Store s;
  put(s, "a", "1");  // 2
  put(s, "a", "2");  // 3
  put(s, "b", "1");  // 4
  del(s, "b");       // 5
  const std::size_t before = s.history_size();

  CompactionRequest future{6};
  CHECK(error_of(s.apply(future)) == "etcdserver: mvcc: required revision is a future revision");

  CompactionResponse done = as<CompactionResponse>(s.apply(CompactionRequest{5}));  // the current revision
  CHECK(done.header.revision == 5);
  CHECK(s.compact_revision() == 5);
  CHECK(s.revision() == 5);  // compaction is not a write
  CHECK(s.history_size() < before);
  CHECK(s.key_count() == 2);  // "b"'s tombstone is exactly at 5: kept, so a watch from 5 sees the delete

  CHECK(get(s, "a", 5).kvs.at(0) == KeyValue{"a", "2", 2, 3, 2});  // exactly the compact revision: fine
  CHECK(get(s, "a").kvs.at(0).value == "2");
  CHECK(error_of(s.apply(RangeRequest{"a", "", 4})) == "etcdserver: mvcc: required revision has been compacted");
  CHECK(error_of(s.apply(RangeRequest{"a", "", 2})) == "etcdserver: mvcc: required revision has been compacted");

  // Compacting the same or an older revision again is an error.
  CHECK(error_of(s.apply(CompactionRequest{5})) == "etcdserver: mvcc: required revision has been compacted");
  CHECK(error_of(s.apply(CompactionRequest{3})) == "etcdserver: mvcc: required revision has been compacted");

  // Versions continue across compaction.
  CHECK(put(s, "a", "3").header.revision == 6);
  CHECK(get(s, "a").kvs.at(0) == KeyValue{"a", "3", 2, 6, 3});
  as<CompactionResponse>(s.apply(CompactionRequest{6}));
  CHECK(s.compact_revision() == 6);
}

TEST_CASE("compaction keeps the value visible at the compact revision", "[kv][mvcc][compact]") {
  Store s;
  put(s, "a", "1");  // 2
  put(s, "b", "1");  // 3
  put(s, "b", "2");  // 4
  put(s, "a", "2");  // 5
  as<CompactionResponse>(s.apply(CompactionRequest{4}));
  CHECK(get(s, "a", 4).kvs.at(0).value == "1");
  CHECK(get(s, "b", 4).kvs.at(0).value == "2");
  CHECK(get(s, "a", 5).kvs.at(0).value == "2");
  CHECK(s.history_size() == 3);  // a@2, a@5, b@4
}

TEST_CASE("requests with an empty key are refused as etcd's gRPC layer does", "[kv][mvcc]") {
  Store s;
  CHECK(error_of(s.apply(PutRequest{"", "v"})) == "etcdserver: key is not provided");
  CHECK(error_of(s.apply(RangeRequest{})) == "etcdserver: key is not provided");
  CHECK(error_of(s.apply(DeleteRangeRequest{})) == "etcdserver: key is not provided");
  CHECK(s.revision() == 1);
}

TEST_CASE("a few hundred keys with history stay cheap to write and read", "[kv][mvcc][perf]") {
  Store s;
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 300; ++k) put(s, fmt::format("key/{:03}", k), fmt::format("{}", round));
  }
  CHECK(s.revision() == 1 + 50 * 300);
  CHECK(range(s, "key/", prefix_end("key/")).count == 300);
  CHECK(get(s, "key/123", 2 + 300 * 10 + 123).kvs.at(0).value == "10");
  as<CompactionResponse>(s.apply(CompactionRequest{s.revision()}));
  CHECK(s.history_size() == 300);
}
