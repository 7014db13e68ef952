// The `watch` checker (sim/checks/watch_checker.hpp): etcd's watch guarantees
// judged against a committed history built by a real kv::Store. Correct streams
// (some produced by kv::Watcher itself) pass; each broken guarantee is reported
// with its name.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/kv/key_range.hpp"
#include "core/kv/store.hpp"
#include "sim/checks/watch_checker.hpp"

using namespace raftsim;
using sim::WatchDelivery;
using sim::WatchStream;

namespace {

kv::RequestOp put_op(std::string key, std::string value) { return kv::RequestOp{kv::PutRequest{key, value, false}}; }

// Revisions: 2 put k1=v1, 3 put k2=v2, 4 put other=x, 5 put k1=v1b, 6 delete k2,
// 7 txn {put k1=t1, put k3=t3, put k4=t4}, 8 put k2=v2c, compact 4, 9 put k3=v3d.
// A prefix "k" watcher (kv::Watcher from revision 2) follows every apply.
struct Fixture {
  kv::Store store;
  std::vector<kv::Event> truth;
  kv::Watcher live{kv::WatchRequest{"k", kv::prefix_end("k"), 2, false}};
  std::vector<WatchDelivery> live_deliveries;

  Fixture() {
    (void)live.start(store);
    apply(kv::PutRequest{"k1", "v1", false});
    apply(kv::PutRequest{"k2", "v2", false});
    apply(kv::PutRequest{"other", "x", false});
    apply(kv::PutRequest{"k1", "v1b", false});
    apply(kv::DeleteRangeRequest{"k2", "", false});
    kv::TxnRequest txn;
    txn.success = {put_op("k1", "t1"), put_op("k3", "t3"), put_op("k4", "t4")};
    apply(txn);
    apply(kv::PutRequest{"k2", "v2c", false});
    apply(kv::CompactionRequest{4});
    apply(kv::PutRequest{"k3", "v3d", false});
  }

  void apply(const kv::Request& request) {
    const kv::Response response = store.apply(request);
    REQUIRE_FALSE(std::holds_alternative<kv::Error>(response));
    truth.insert(truth.end(), store.last_events().begin(), store.last_events().end());
    auto events = live.on_apply(store);
    if (!events.empty()) live_deliveries.push_back(WatchDelivery{store.revision() * 1000, std::move(events), false, 0});
  }

  // The committed event (revision, key) as a watcher without prev_kv receives it.
  kv::Event ev(std::int64_t revision, const std::string& key) const {
    for (kv::Event event : truth)
      if (event.kv.mod_revision == revision && event.kv.key == key) {
        event.prev_kv.reset();
        return event;
      }
    FAIL("no event " << key << " at revision " << revision);
    return {};
  }
};

WatchDelivery response(std::vector<kv::Event> events) { return WatchDelivery{0, std::move(events), false, 0}; }
WatchDelivery cancel(std::int64_t compact_revision) { return WatchDelivery{0, {}, true, compact_revision}; }

WatchStream prefix_stream(int watcher, std::int64_t start, std::vector<WatchDelivery> deliveries,
                          std::vector<WatchStream::Resume> resumes = {}) {
  WatchStream stream;
  stream.watcher = watcher;
  stream.key = "k";
  stream.range_end = kv::prefix_end("k");
  stream.start_revision = start;
  stream.deliveries = std::move(deliveries);
  stream.resumes = std::move(resumes);
  return stream;
}

sim::WatchVerdict check(const Fixture& f, const WatchStream& stream, std::int64_t compacted_before = 0) {
  return sim::check_watch_streams({stream}, f.truth, compacted_before);
}

}  // namespace

TEST_CASE("watch: the committed history has every event of every revision", "[watch]") {
  const Fixture f;
  REQUIRE(f.truth.size() == 10);  // the txn's three writes share revision 7
  CHECK(f.ev(7, "k3").sub_revision == 1);
  CHECK(f.ev(6, "k2").type == kv::Event::Type::del);
  CHECK(f.store.compact_revision() == 4);
}

TEST_CASE("watch: correct streams are quiet", "[watch]") {
  const Fixture f;
  SECTION("a kv::Watcher over a prefix, apply by apply") {
    const auto stream = prefix_stream(1, 2, f.live_deliveries);
    const auto verdict = check(f, stream);
    INFO(verdict.detail);
    CHECK(verdict.ok);
    CHECK(verdict.events_checked == 9);  // everything but "other"
  }
  SECTION("a single key, with the txn's one matching event") {
    WatchStream stream = prefix_stream(2, 3, {response({f.ev(5, "k1")}), response({f.ev(7, "k1")})});
    stream.key = "k1";
    stream.range_end = "";
    const auto verdict = check(f, stream);
    INFO(verdict.detail);
    CHECK(verdict.ok);
  }
  SECTION("a watch from now starts at its first revision") {
    const auto verdict =
        check(f, prefix_stream(3, 0, {response({f.ev(7, "k1"), f.ev(7, "k3"), f.ev(7, "k4")}), response({f.ev(8, "k2")})}));
    INFO(verdict.detail);
    CHECK(verdict.ok);
  }
  SECTION("a resumption from the revision after the last one seen, replayed by another watcher") {
    const auto first = f.live_deliveries;  // revisions 2, 3, 5
    kv::Watcher resumed(kv::WatchRequest{"k", kv::prefix_end("k"), 6, false});
    const kv::WatchResponse replay = resumed.start(f.store);
    REQUIRE_FALSE(replay.canceled);
    const auto stream = prefix_stream(4, 2, {first[0], first[1], first[2], response(replay.events)}, {{3, 6}});
    const auto verdict = check(f, stream);
    INFO(verdict.detail);
    CHECK(verdict.ok);
    CHECK(verdict.events_checked == 9);
  }
  SECTION("a watcher that saw nothing, and no streams at all") {
    CHECK(check(f, prefix_stream(5, 2, {})).ok);
    CHECK(check(f, prefix_stream(5, 2, {response({})})).ok);
    CHECK(sim::check_watch_streams({}, f.truth).ok);
  }
}

TEST_CASE("watch: out of order, duplicate and gap", "[watch]") {
  const Fixture f;
  SECTION("ordered") {
    const auto v = check(f, prefix_stream(2, 2, {response({f.ev(2, "k1")}), response({f.ev(5, "k1")}),
                                                 response({f.ev(3, "k2")})}));
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w2 (prefix \"k\") received revision 3 (put k2) after revision 5 (put k1): not ordered");
  }
  SECTION("unique") {
    const auto v = check(f, prefix_stream(2, 2, {response({f.ev(2, "k1")}), response({f.ev(3, "k2")}),
                                                 response({f.ev(3, "k2")})}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("revision 3 (put k2) twice") && Catch::EndsWith("not unique"));
  }
  SECTION("reliable") {
    const auto v = check(f, prefix_stream(2, 2, {response({f.ev(2, "k1")}), response({f.ev(3, "k2")}),
                                                 response({f.ev(6, "k2")})}));
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w2 (prefix \"k\") missed revision 5 (put k1) between 3 and 6: not reliable");
  }
  SECTION("reliable from the start revision") {
    const auto v = check(f, prefix_stream(2, 2, {response({f.ev(3, "k2")})}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("missed revision 2 (put k1) after starting from revision 2") &&
                             Catch::EndsWith("not reliable"));
  }
}

TEST_CASE("watch: a txn's events arrive together", "[watch]") {
  const Fixture f;
  const auto before = std::vector<WatchDelivery>{response({f.ev(5, "k1")}), response({f.ev(6, "k2")})};
  auto with = [&](std::vector<WatchDelivery> more) {
    auto all = before;
    all.insert(all.end(), more.begin(), more.end());
    return check(f, prefix_stream(3, 5, all));
  };
  SECTION("one event of the revision missing") {
    const auto v = with({response({f.ev(7, "k1"), f.ev(7, "k4")}), response({f.ev(8, "k2")})});
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w3 (prefix \"k\") received put k4 of revision 7 without put k3 of the same revision: not atomic");
  }
  SECTION("split across responses, one missing") {
    const auto v = with({response({f.ev(7, "k1")}), response({f.ev(7, "k4")})});
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("revision 7") && Catch::EndsWith("not atomic"));
  }
  SECTION("split across responses, none missing") {
    const auto v = with({response({f.ev(7, "k1")}), response({f.ev(7, "k3"), f.ev(7, "k4")})});
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("split across responses #3 (put k1) and #4") && Catch::EndsWith("not atomic"));
  }
  SECTION("the stream ends in the middle of the revision") {
    const auto v = with({response({f.ev(7, "k1"), f.ev(7, "k3")})});
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("without put k4 of the same revision") && Catch::EndsWith("not atomic"));
  }
  SECTION("all three together") { CHECK(with({response({f.ev(7, "k1"), f.ev(7, "k3"), f.ev(7, "k4")})}).ok); }
}

TEST_CASE("watch: resumptions (the watch-gap bug)", "[watch]") {
  const Fixture f;
  const auto first = std::vector<WatchDelivery>{response({f.ev(2, "k1")}), response({f.ev(3, "k2")})};
  SECTION("watch-gap: the resumed watch skips the first event after its resume revision") {
    // What the planted bug does: the replay from revision 4 loses its first event (5 put k1).
    kv::Watcher resumed(kv::WatchRequest{"k", kv::prefix_end("k"), 4, false});
    auto replay = resumed.start(f.store).events;
    REQUIRE(replay.front() == f.ev(5, "k1"));
    replay.erase(replay.begin());
    const auto v = check(f, prefix_stream(4, 2, {first[0], first[1], response(replay)}, {{2, 4}}));
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w4 (prefix \"k\") resumed from revision 4 and missed revision 5 (put k1) between 3 and 6: "
                      "not resumable (a gap: not reliable)");
  }
  SECTION("the same replay without the bug") {
    kv::Watcher resumed(kv::WatchRequest{"k", kv::prefix_end("k"), 4, false});
    const auto v = check(f, prefix_stream(4, 2, {first[0], first[1], response(resumed.start(f.store).events)}, {{2, 4}}));
    INFO(v.detail);
    CHECK(v.ok);
  }
  SECTION("a resumption that repeats an event") {
    const auto v = check(f, prefix_stream(4, 2, {first[0], first[1], response({f.ev(3, "k2"), f.ev(5, "k1")})}, {{2, 4}}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("resumed from revision 4 and received revision 3 (put k2) again") &&
                             Catch::Contains("not resumable") && Catch::Contains("not unique"));
  }
  SECTION("resumed before seeing anything, then skipping its first event") {
    const auto v = check(f, prefix_stream(4, 2, {response({}), response({f.ev(3, "k2")})}, {{1, 2}}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("resumed from revision 2 and missed revision 2 (put k1) before 3") &&
                             Catch::Contains("not resumable"));
  }
}

TEST_CASE("watch: events that never committed or differ from what committed", "[watch]") {
  const Fixture f;
  SECTION("beyond the last committed revision") {
    kv::Event ghost = f.ev(9, "k3");
    ghost.kv.mod_revision = 10;
    const auto v = check(f, prefix_stream(5, 9, {response({f.ev(9, "k3")}), response({ghost})}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("never committed (the last committed revision is 9)") &&
                             Catch::EndsWith("not valid"));
  }
  SECTION("a key the revision did not write") {
    kv::Event ghost = f.ev(4, "other");
    ghost.kv.key = "k9";
    const auto v = check(f, prefix_stream(5, 4, {response({ghost})}));
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w5 (prefix \"k\") received put k9=\"x\" at revision 4, which never happened (revision 4 "
                      "committed put other=\"x\"): not valid");
  }
  SECTION("a wrong value") {
    kv::Event wrong = f.ev(5, "k1");
    wrong.kv.value = "stale";
    const auto v = check(f, prefix_stream(5, 5, {response({wrong})}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("received put k1=\"stale\" at revision 5, but revision 5 committed put "
                                         "k1=\"v1b\"") &&
                             Catch::Contains("not valid"));
  }
  SECTION("a put reported as a delete") {
    kv::Event wrong = f.ev(8, "k2");
    wrong.type = kv::Event::Type::del;
    CHECK_THAT(check(f, prefix_stream(5, 8, {response({wrong})})).detail, Catch::Contains("wrong event content"));
  }
  SECTION("outside the watched range") {
    const auto v = check(f, prefix_stream(5, 4, {response({f.ev(4, "other")})}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("outside its range"));
  }
}

TEST_CASE("watch: a watch from a compacted revision is cancelled", "[watch]") {
  const Fixture f;
  kv::Watcher compacted(kv::WatchRequest{"k", kv::prefix_end("k"), 3, false});
  const kv::WatchResponse first = compacted.start(f.store);
  REQUIRE(first.canceled);
  REQUIRE(first.compact_revision == 4);
  SECTION("cancelled with the compact revision, then restarted from it: quiet") {
    kv::Watcher restarted(kv::WatchRequest{"k", kv::prefix_end("k"), 4, false});
    const auto replay = restarted.start(f.store);
    REQUIRE_FALSE(replay.canceled);
    const auto v = check(f, prefix_stream(6, 3, {cancel(first.compact_revision), response(replay.events)}, {{1, 4}}), 4);
    INFO(v.detail);
    CHECK(v.ok);
    CHECK(v.events_checked == 7);
  }
  SECTION("events from below the compact revision instead: fires") {
    const auto v = check(f, prefix_stream(6, 3, {response({f.ev(3, "k2"), f.ev(5, "k1")})}), 4);
    CHECK_FALSE(v.ok);
    CHECK(v.detail == "watch w6 (prefix \"k\") started from revision 3, below the compact revision 4, and received put "
                      "k2=\"v2\" at revision 3 instead of a cancellation with the compact revision: compacted watch "
                      "not cancelled (compaction)");
  }
  SECTION("a resumption from below a compaction learnt from an earlier cancel: fires") {
    const auto v = check(f, prefix_stream(6, 3, {cancel(4), response({f.ev(3, "k2")})}, {{1, 3}}));
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("resumed from revision 3, below the compact revision 4") &&
                             Catch::Contains("(compaction)"));
  }
  SECTION("a cancellation for a revision the compaction keeps: fires") {
    const auto v = check(f, prefix_stream(6, 7, {cancel(4)}), 4);
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("bogus compaction cancel (compaction)"));
  }
  SECTION("events after the cancellation: fires") {
    const auto v = check(f, prefix_stream(6, 3, {cancel(4), response({f.ev(7, "k1")})}), 4);
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.detail, Catch::Contains("after its watch was cancelled"));
  }
}

TEST_CASE("watch: several streams, the first violation wins, deterministically", "[watch]") {
  const Fixture f;
  const std::vector<WatchStream> streams{
      prefix_stream(1, 2, f.live_deliveries),
      prefix_stream(2, 2, {response({f.ev(2, "k1")}), response({f.ev(5, "k1")})}),
      prefix_stream(3, 2, {response({f.ev(3, "k2")}), response({f.ev(3, "k2")})}),
  };
  const auto a = sim::check_watch_streams(streams, f.truth);
  const auto b = sim::check_watch_streams(streams, f.truth);
  CHECK_FALSE(a.ok);
  CHECK_THAT(a.detail, Catch::StartsWith("watch w2") && Catch::EndsWith("not reliable"));
  CHECK(a.detail == b.detail);
  CHECK(a.events_checked == b.events_checked);
}
