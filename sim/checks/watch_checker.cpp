#include "sim/checks/watch_checker.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/kv/key_range.hpp"

namespace raftsim::sim {
namespace {

// Keys and values as printable text: quotes, backslashes and non-ASCII escaped.
std::string printable(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    }
  }
  return out;
}

// (revision, sub-revision): an event's identity. Not (revision, key): one
// revision may change a key twice, as etcd allows two sibling nested txns
// to put and delete the same key (its checkIntervals compares a nested
// txn's puts with earlier deletes, not its deletes with earlier puts);
// the fuzzer's txn operations found the false alarm.
using EventId = std::pair<std::int64_t, std::int64_t>;

std::int64_t rev(const kv::Event& event) { return event.kv.mod_revision; }
EventId id_of(const kv::Event& event) { return {rev(event), event.sub_revision}; }

// The committed history, indexed by event identity.
struct Truth {
  explicit Truth(const std::vector<kv::Event>& all) : events(all) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      index.try_emplace(id_of(events[i]), i);
      last_revision = std::max(last_revision, rev(events[i]));
    }
  }
  // What revision `revision` committed, for messages.
  std::string at(std::int64_t revision) const {
    std::string out;
    for (auto it = index.lower_bound({revision, std::int64_t{0}}); it != index.end() && it->first.first == revision;
         ++it)
      out += (out.empty() ? "" : ", ") + describe_event(events[it->second]);
    return out.empty() ? std::string("no event") : out;
  }

  const std::vector<kv::Event>& events;
  std::map<EventId, std::size_t> index;
  std::int64_t last_revision = 1;  // an empty store is at revision 1
};

// The event as committed: type, key, mod_revision, a put's value, and prev_kv when sent.
bool same_content(const kv::Event& got, const kv::Event& want) {
  if (got.type != want.type || got.kv.key != want.kv.key || rev(got) != rev(want)) return false;
  if (got.type == kv::Event::Type::put && got.kv.value != want.kv.value) return false;
  return !got.prev_kv || got.prev_kv == want.prev_kv;
}

// The deliveries between two resumptions, and the revision they were asked from.
struct Segment {
  std::size_t begin = 0;
  std::size_t end = 0;  // deliveries [begin, end)
  std::int64_t from = 0;
  bool resumed = false;
};

std::vector<Segment> segments_of(const WatchStream& stream) {
  std::vector<WatchStream::Resume> resumes = stream.resumes;
  std::stable_sort(resumes.begin(), resumes.end(),
                   [](const auto& a, const auto& b) { return a.at_delivery < b.at_delivery; });
  std::vector<Segment> out;
  Segment current{0, 0, stream.start_revision, false};
  for (const auto& resume : resumes) {
    const std::size_t at = std::max(std::min(resume.at_delivery, stream.deliveries.size()), current.begin);
    current.end = at;
    out.push_back(current);
    current = Segment{at, 0, resume.from_revision, true};
  }
  current.end = stream.deliveries.size();
  out.push_back(current);
  return out;
}

class StreamChecker {
 public:
  StreamChecker(const WatchStream& stream, const Truth& truth, std::int64_t compacted_before, WatchVerdict& verdict)
      : stream_(stream), truth_(truth), compacted_before_(compacted_before), verdict_(verdict),
        segments_(segments_of(stream)), position_(truth.events.size(), npos) {
    const kv::WatchRequest request{stream.key, stream.range_end, 0, false};
    for (std::size_t i = 0; i < truth.events.size(); ++i) {
      if (!kv::matches(request, truth.events[i])) continue;
      position_[i] = expected_.size();
      expected_.push_back(i);
    }
  }

  bool check() { return check_events() && check_gaps(); }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  bool fail(std::size_t delivery, const std::string& what) {
    verdict_.ok = false;
    verdict_.detail = fmt::format("watch w{} ({}) {}", stream_.watcher,
                                  describe_watch_range(stream_.key, stream_.range_end), what);
    verdict_.time_us = delivery < stream_.deliveries.size() ? stream_.deliveries[delivery].time_us : 0;
    return false;
  }

  const kv::Event& expected(std::size_t position) const { return truth_.events[expected_[position]]; }

  // The first expected position with revision >= revision.
  std::size_t first_at(std::int64_t revision) const {
    std::size_t p = 0;
    while (p < expected_.size() && rev(expected(p)) < revision) ++p;
    return p;
  }

  // Pass 1, event by event: compaction, cancellation, range, unique, start,
  // validity against truth, ordered.
  bool check_events() {
    const kv::WatchRequest request{stream_.key, stream_.range_end, 0, false};
    std::int64_t known_compact = compacted_before_;
    std::map<EventId, std::size_t> seen;  // -> delivery index (0-based; messages say #index + 1)
    std::optional<std::size_t> last;      // truth index of the last event received
    for (const Segment& segment : segments_) {
      const bool must_cancel = segment.from > 0 && segment.from < known_compact;
      const char* how = segment.resumed ? "resumed" : "started";
      std::optional<std::size_t> canceled_at;
      for (std::size_t d = segment.begin; d < segment.end; ++d) {
        const WatchDelivery& delivery = stream_.deliveries[d];
        if (delivery.canceled && delivery.compact_revision > 0 && !delivery.events.empty())
          return fail(d, fmt::format("was cancelled with compact revision {} in response #{}, which also carried {} "
                                     "event(s): not cancelled cleanly on compaction",
                                     delivery.compact_revision, d + 1, delivery.events.size()));
        for (const kv::Event& event : delivery.events) {
          ++verdict_.events_checked;
          const std::int64_t r = rev(event);
          const EventId id = id_of(event);
          if (canceled_at)
            return fail(d, fmt::format("received {} at revision {} after its watch was cancelled in response #{}: "
                                       "not valid (event after cancellation)",
                                       describe_event(event), r, *canceled_at + 1));
          if (must_cancel)
            return fail(d, fmt::format("{} from revision {}, below the compact revision {}, and received {} at "
                                       "revision {} instead of a cancellation with the compact revision: compacted "
                                       "watch not cancelled (compaction)",
                                       how, segment.from, known_compact, describe_event(event), r));
          if (!kv::matches(request, event))
            return fail(d, fmt::format("received {} at revision {}, outside its range: not valid",
                                       describe_event(event), r));
          if (const auto s = seen.find(id); s != seen.end()) {
            if (segment.resumed && s->second < segment.begin)
              return fail(d, fmt::format("resumed from revision {} and received revision {} ({}) again, first "
                                         "received in response #{}: not resumable (a duplicate: not unique)",
                                         segment.from, r, describe_event(event, false), s->second + 1));
            return fail(d, fmt::format("received revision {} ({}) twice, in responses #{} and #{}: not unique", r,
                                       describe_event(event, false), s->second + 1, d + 1));
          }
          if (segment.from > 0 && r < segment.from)
            return fail(d, fmt::format("{} from revision {} but received revision {} ({}): not valid (before its "
                                       "start revision)",
                                       how, segment.from, r, describe_event(event, false)));
          const auto it = truth_.index.find(id);
          if (it == truth_.index.end() || truth_.events[it->second].kv.key != event.kv.key) {
            if (r > truth_.last_revision)
              return fail(d, fmt::format("received {} at revision {}, which never committed (the last committed "
                                         "revision is {}): not valid",
                                         describe_event(event), r, truth_.last_revision));
            if (r < compacted_before_) continue;  // compacted away: the history may lack it
            return fail(d, fmt::format("received {} at revision {}, which never happened (revision {} committed "
                                       "{}): not valid",
                                       describe_event(event), r, r, truth_.at(r)));
          }
          const kv::Event& want = truth_.events[it->second];
          if (!same_content(event, want))
            return fail(d, fmt::format("received {} at revision {}, but revision {} committed {}: not valid (wrong "
                                       "event content)",
                                       describe_event(event), r, r, describe_event(want)));
          if (last && it->second < *last)
            return fail(d, fmt::format("received revision {} ({}) after revision {} ({}): not ordered", r,
                                       describe_event(event, false), rev(truth_.events[*last]),
                                       describe_event(truth_.events[*last], false)));
          seen.emplace(id, d);
          last = it->second;
        }
        if (!delivery.canceled) continue;
        canceled_at = d;
        const std::int64_t compact = delivery.compact_revision;
        if (compact <= 0) continue;
        if (segment.from <= 0 || segment.from >= compact)
          return fail(d, fmt::format("was cancelled with compact revision {} though it {} from {}, which that "
                                     "compaction keeps: bogus compaction cancel (compaction)",
                                     compact, how,
                                     segment.from > 0 ? fmt::format("revision {}", segment.from) : "now"));
        if (compact > truth_.last_revision)
          return fail(d, fmt::format("was cancelled with compact revision {}, beyond the last committed revision "
                                     "{}: bogus compaction cancel (compaction)",
                                     compact, truth_.last_revision));
        known_compact = std::max(known_compact, compact);
      }
    }
    return true;
  }

  // Pass 2, over the expected events of the range: reliable, atomic, resumable.
  bool check_gaps() {
    std::optional<std::size_t> cursor;  // the next expected position
    const kv::Event* last = nullptr;    // the last event received
    std::size_t last_delivery = 0;
    bool after_compaction = false;      // a compaction cancel excuses the gap up to the resumption
    for (const Segment& segment : segments_) {
      if (!cursor || after_compaction) {
        cursor = segment.from > 0 ? std::optional<std::size_t>(first_at(segment.from)) : std::nullopt;
        if (after_compaction) last = nullptr;
        after_compaction = false;
      }
      bool first_of_segment = true;
      for (std::size_t d = segment.begin; d < segment.end; ++d) {
        const WatchDelivery& delivery = stream_.deliveries[d];
        for (const kv::Event& event : delivery.events) {
          const auto it = truth_.index.find(id_of(event));
          if (it == truth_.index.end() || position_[it->second] == npos) continue;  // not judged (pass 1)
          const std::size_t p = position_[it->second];
          if (!cursor) cursor = first_at(rev(event));  // "from now": from the first revision received
          if (p < *cursor) continue;                   // a duplicate or out of order (pass 1)
          if (last != nullptr && last_delivery != d && rev(*last) == rev(event))
            return fail(d, fmt::format("received revision {} split across responses #{} ({}) and #{} ({}): not "
                                       "atomic",
                                       rev(event), last_delivery + 1, describe_event(*last, false), d + 1,
                                       describe_event(event, false)));
          if (p > *cursor && !report_gap(segment, first_of_segment, d, last, *cursor, p, event)) return false;
          cursor = p + 1;
          last = &event;
          last_delivery = d;
          first_of_segment = false;
        }
        if (delivery.canceled && delivery.compact_revision > 0) after_compaction = true;
      }
      // A response is whole: the revision it ended with must be complete.
      if (last != nullptr && cursor && *cursor < expected_.size() && rev(expected(*cursor)) == rev(*last))
        return fail(last_delivery,
                    fmt::format("received {} of revision {} without {} of the same revision (response #{} ended "
                                "there): not atomic",
                                describe_event(*last, false), rev(*last), describe_event(expected(*cursor), false),
                                last_delivery + 1));
    }
    return true;
  }

  // Expected positions [cursor, p) were skipped before `event` (at position p).
  bool report_gap(const Segment& segment, bool first_of_segment, std::size_t d, const kv::Event* last,
                  std::size_t cursor, std::size_t p, const kv::Event& event) {
    // Part of a revision missing: the rest of the previous one, or the start of this one.
    std::optional<std::size_t> partial;
    if (last != nullptr && rev(expected(cursor)) == rev(*last)) {
      partial = cursor;
    } else {
      for (std::size_t q = cursor; q < p; ++q)
        if (rev(expected(q)) == rev(event)) {
          partial = q;
          break;
        }
    }
    if (partial) {
      const kv::Event& got = rev(expected(*partial)) == rev(event) ? event : *last;
      return fail(d, fmt::format("received {} of revision {} without {} of the same revision: not atomic",
                                 describe_event(got, false), rev(got), describe_event(expected(*partial), false)));
    }
    const kv::Event& missed = expected(cursor);
    const std::string where = last != nullptr    ? fmt::format("between {} and {}", rev(*last), rev(event))
                              : segment.resumed ? fmt::format("before {}", rev(event))
                                                : fmt::format("after starting from revision {}, before {}",
                                                              segment.from, rev(event));
    const std::string more = p - cursor > 1 ? fmt::format(" (and {} more event(s))", p - cursor - 1) : "";
    if (segment.resumed && first_of_segment)
      return fail(d, fmt::format("resumed from revision {} and missed revision {} ({}) {}{}: not resumable (a gap: "
                                 "not reliable)",
                                 segment.from, rev(missed), describe_event(missed, false), where, more));
    return fail(d, fmt::format("missed revision {} ({}) {}{}: not reliable", rev(missed),
                               describe_event(missed, false), where, more));
  }

  const WatchStream& stream_;
  const Truth& truth_;
  std::int64_t compacted_before_;
  WatchVerdict& verdict_;
  std::vector<Segment> segments_;
  std::vector<std::size_t> expected_;  // truth indices of the events in the range, in order
  std::vector<std::size_t> position_;  // truth index -> position in expected_, or npos
};

}  // namespace

std::string describe_watch_range(const std::string& key, const std::string& range_end) {
  if (range_end.empty()) return fmt::format("key \"{}\"", printable(key));
  if (kv::is_from_key(range_end)) return fmt::format("keys from \"{}\"", printable(key));
  if (range_end == kv::prefix_end(key)) return fmt::format("prefix \"{}\"", printable(key));
  return fmt::format("range [\"{}\", \"{}\")", printable(key), printable(range_end));
}

std::string describe_event(const kv::Event& event, bool with_value) {
  if (event.type == kv::Event::Type::del) return fmt::format("delete {}", printable(event.kv.key));
  if (!with_value) return fmt::format("put {}", printable(event.kv.key));
  return fmt::format("put {}=\"{}\"", printable(event.kv.key), printable(event.kv.value));
}

WatchVerdict check_watch_streams(const std::vector<WatchStream>& streams, const std::vector<kv::Event>& truth,
                                 std::int64_t compacted_before) {
  WatchVerdict verdict;
  const Truth index(truth);
  for (const WatchStream& stream : streams) {
    StreamChecker checker(stream, index, compacted_before, verdict);
    if (!checker.check()) break;
  }
  return verdict;
}

}  // namespace raftsim::sim
