// Reflectors and the watches nodes serve them, as Kubernetes runs on etcd.
//
// A reflector lists the keys (a serializable range over the workload's key
// prefix, as the API server's cache does), then watches the prefix from the
// list's revision + 1 on the same node. The node feeds the watch from every
// entry it applies, one response per revision (so a revision is never split),
// in order. The reflector resumes from the revision after the last one it
// received when its node is down, frozen or without a leader (etcd's
// WithRequireLeader, which Kubernetes uses), on the next node (after three checks that find it frozen or without a leader); and lists again
// when a watch is cancelled because its start revision was compacted.
//
// Everything here uses the watchers' own random stream and never touches a
// Raft node, so adding reflectors changes no Raft decision in a run.
#include "sim/reflectors.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/kv/key_range.hpp"

namespace raftsim::sim {

namespace {
constexpr const char* kWatchPrefix = "k";  // the workload's keys are k0, k1, ...
constexpr int kLeaderlessChecks = 3;       // checks are workload.timeout apart
// A refused connection (the member is down) is retried at the next member
// after this long, as etcd's client backs off between endpoints.
constexpr Micros kReconnectBackoff = 100'000;
}  // namespace

Reflectors::Reflectors(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Timeline& timeline,
                       const std::vector<Host>& hosts, bool checked)
    : scenario_(scenario), scheduler_(scheduler), trace_(trace), timeline_(timeline), hosts_(hosts), checked_(checked) {}

Micros Reflectors::latency(Reflector& reflector) {
  return uniform_int(reflector.random, scenario_.network.latency.min, scenario_.network.latency.max);
}

void Reflectors::start() {
  served_.resize(hosts_.size());
  const int count = scenario_.workload.watchers;
  reflectors_.resize(static_cast<std::size_t>(count) + 1);
  streams_.resize(static_cast<std::size_t>(count));
  for (int w = 1; w <= count; ++w) {
    Reflector& watcher = reflectors_[static_cast<std::size_t>(w)];
    watcher.id = static_cast<std::uint32_t>(w);
    // Spread from the last node down, so that clients and reflectors share nodes less.
    watcher.node = static_cast<raft::NodeId>(scenario_.cluster.nodes - (w - 1) % scenario_.cluster.nodes);
    watcher.random = make_stream(scenario_.seed, Stream::watchers, static_cast<std::uint64_t>(w));
    WatchStream& stream = streams_[static_cast<std::size_t>(w - 1)];
    stream.watcher = w;
    stream.key = kWatchPrefix;
    stream.range_end = kv::prefix_end(kWatchPrefix);
    const Micros start = uniform_int(watcher.random, 0, std::max<Micros>(scenario_.workload.think.max, 1'000));
    scheduler_.schedule(start, EventKind::watcher_arrive, watcher.id, 0, watcher.generation);
    scheduler_.schedule(start + scenario_.workload.timeout, EventKind::watcher_check, watcher.id);
  }
}

void Reflectors::arrive(std::uint32_t watcher_id, std::uint64_t generation) {
  Reflector& watcher = reflectors_[watcher_id];
  if (generation != watcher.generation) return;
  const Host& host = hosts_[watcher.node];
  if (!host.up) {
    reconnect(watcher);  // refused
    return;
  }
  if (host.paused) {
    scheduler_.schedule(host.paused_until, EventKind::watcher_arrive, watcher_id, 0, generation);
    return;
  }
  WatchStream& stream = streams_[watcher_id - 1];
  const kv::Store& store = host.machine.store;
  const bool resumed = watcher.listed_once && !watcher.must_list;
  if (watcher.must_list) {
    // The list: everything under the prefix at the node's revision.
    const std::int64_t listed_at = store.revision();
    if (!watcher.listed_once) {
      stream.start_revision = listed_at + 1;
    } else {
      if (checked_) stream.resumes.push_back({stream.deliveries.size(), listed_at + 1});
      ++relists_;
      timeline_.say(fmt::format("w{} lists again at n{} (revision {}) after its watch was compacted away", watcher_id,
                           host.id, listed_at));
    }
    watcher.listed_once = true;
    watcher.must_list = false;
    watcher.next_revision = listed_at + 1;
    watcher.last_event = scheduler_.now();
  } else if (checked_) {
    stream.resumes.push_back({stream.deliveries.size(), watcher.next_revision});
  }
  kv::WatchRequest request;
  request.key = kWatchPrefix;
  request.range_end = kv::prefix_end(kWatchPrefix);
  request.start_revision = watcher.next_revision;
  ServedWatch served;
  served.watcher = watcher_id;
  served.generation = generation;
  served.watch = kv::Watcher(request);
  served.skip_next_event = resumed && scenario_.bugs.watch_gap;
  served.last_sent = scheduler_.now();
  kv::WatchResponse first = served.watch.start(store);
  served_[host.id].push_back(std::move(served));
  trace_.mix(0x3a7c0000ULL ^ (std::uint64_t{watcher_id} << 40) ^ static_cast<std::uint64_t>(watcher.next_revision));
  if (trace_.writing())
    trace_.write(scheduler_.now(), "watch", fmt::format("\"watcher\":\"w{}\",\"node\":\"n{}\",\"from\":{}", watcher_id, host.id,
                                     watcher.next_revision));
  send(served_[host.id].back(), std::move(first));
}

void Reflectors::send(ServedWatch& served, kv::WatchResponse response) {
  if (served.skip_next_event && !response.events.empty()) {
    // Planted watch-gap: the first event after a resumption's start is lost.
    response.events.erase(response.events.begin());
    served.skip_next_event = false;
  }
  if (response.events.empty() && !response.canceled) return;
  Reflector& watcher = reflectors_[served.watcher];
  const std::uint32_t slot = in_flight_.acquire();
  ResponseInFlight& in_flight = in_flight_[slot];
  in_flight.watcher = served.watcher;
  in_flight.generation = served.generation;
  in_flight.delivery.events = std::move(response.events);
  in_flight.delivery.canceled = response.canceled;
  in_flight.delivery.compact_revision = response.compact_revision;
  const Micros arrives = std::max(scheduler_.now() + latency(watcher), served.last_sent);
  served.last_sent = arrives;
  scheduler_.schedule(arrives, EventKind::watcher_receive, slot);
}

void Reflectors::receive(std::uint32_t slot) {
  ResponseInFlight in_flight = in_flight_.release(slot);
  Reflector& watcher = reflectors_[in_flight.watcher];
  if (in_flight.generation != watcher.generation) return;  // from a watch it has given up
  WatchDelivery& delivery = in_flight.delivery;
  delivery.time_us = scheduler_.now();
  if (!delivery.events.empty()) {
    watcher.next_revision = std::max(watcher.next_revision, delivery.events.back().kv.mod_revision + 1);
    watcher.last_event = scheduler_.now();
  }
  events_ += delivery.events.size();
  trace_.mix(0x3a7d0000ULL ^ (std::uint64_t{in_flight.watcher} << 40) ^ (delivery.events.size() << 20) ^
             static_cast<std::uint64_t>(watcher.next_revision));
  if (trace_.writing())
    trace_.write(scheduler_.now(), "watch_response", fmt::format("\"watcher\":\"w{}\",\"events\":{},\"next\":{},\"canceled\":{}",
                                              in_flight.watcher, delivery.events.size(), watcher.next_revision,
                                              delivery.canceled));
  const bool compacted = delivery.canceled && delivery.compact_revision > 0;
  // What it received is kept only for the watch check.
  if (checked_) streams_[in_flight.watcher - 1].deliveries.push_back(std::move(delivery));
  if (compacted) {
    // The history it needs is gone: list again (same node), then watch from there.
    watcher.must_list = true;
    ++watcher.generation;
    scheduler_.schedule_after(latency(watcher), EventKind::watcher_arrive, watcher.id, 0, watcher.generation);
  }
}

void Reflectors::check(std::uint32_t watcher_id) {
  Reflector& watcher = reflectors_[watcher_id];
  const Host& host = hosts_[watcher.node];
  if (!host.member || !host.up) {
    move(watcher, "is down");
  } else if (host.paused) {
    // A frozen process keeps its connections open: the client's keepalive
    // gives up after a while.
    if (++watcher.leaderless_checks >= kLeaderlessChecks) move(watcher, "does not answer (frozen)");
  } else if (host.node->leader() == raft::kNoNode) {
    // etcd's server cancels a WithRequireLeader watch once its member has
    // been without a leader for a while (three checks in etcd's monitorLeader).
    if (++watcher.leaderless_checks >= kLeaderlessChecks) move(watcher, "has had no leader for a while");
  } else {
    watcher.leaderless_checks = 0;
  }
  scheduler_.schedule_after(scenario_.workload.timeout, EventKind::watcher_check, watcher_id);
}

void Reflectors::move(Reflector& watcher, const char* why) {
  const raft::NodeId from = watcher.node;
  watcher.leaderless_checks = 0;
  watcher.node = next_member(hosts_, watcher.node);
  ++watcher.generation;
  if (!watcher.must_list) {
    ++resumes_;
    timeline_.say(fmt::format("w{}: n{} {}; resumes its watch at n{} from revision {}", watcher.id, from, why,
                         watcher.node, watcher.next_revision));
  }
  scheduler_.schedule_after(latency(watcher), EventKind::watcher_arrive, watcher.id, 0, watcher.generation);
}

void Reflectors::reconnect(Reflector& watcher) {
  // Waiting for the next check instead left a reflector whose member came
  // back in between without a watch for good (the liveness check found it).
  watcher.node = next_member(hosts_, watcher.node);
  ++watcher.generation;
  scheduler_.schedule_after(kReconnectBackoff + latency(watcher), EventKind::watcher_arrive, watcher.id, 0,
                            watcher.generation);
}

void Reflectors::on_crash(raft::NodeId node) {
  // A crashed member's streams break at once: each reflector it served
  // reconnects (a watch still on its way there is refused on arrival).
  for (const ServedWatch& served : served_[node]) {
    Reflector& watcher = reflectors_[served.watcher];
    if (served.generation == watcher.generation && watcher.node == node) reconnect(watcher);
  }
  served_[node].clear();
}

void Reflectors::on_apply(const Host& host) {
  if (reflectors_.size() <= 1) return;
  const kv::Store& store = host.machine.store;
  record_committed_events(store);
  std::vector<ServedWatch>& watches = served_[host.id];
  std::size_t kept = 0;
  for (std::size_t i = 0; i < watches.size(); ++i) {
    ServedWatch& served = watches[i];
    if (served.generation != reflectors_[served.watcher].generation || served.watch.canceled()) continue;  // gone
    kv::WatchResponse response;
    response.header.revision = store.revision();
    response.events = served.watch.on_apply(store);
    send(served, std::move(response));
    if (kept != i) watches[kept] = std::move(served);
    ++kept;
  }
  watches.resize(kept);
}

void Reflectors::on_snapshot(const Host& host) {
  for (ServedWatch& served : served_[host.id]) {
    if (served.generation != reflectors_[served.watcher].generation || served.watch.canceled()) continue;
    send(served, served.watch.sync(host.machine.store));
  }
}

void Reflectors::record_committed_events(const kv::Store& store) {
  // Replicas apply the same entries in the same order: the first to reach a
  // revision has the events that revision committed.
  if (store.revision() <= committed_events_revision_) return;
  RAFTSIM_ASSERT(store.revision() == committed_events_revision_ + 1,
                 "revision {} applied before revision {} was seen anywhere", store.revision(),
                 committed_events_revision_ + 1);
  if (checked_)
    committed_events_.insert(committed_events_.end(), store.last_events().begin(), store.last_events().end());
  committed_events_revision_ = store.revision();
  for (const kv::Event& event : store.last_events())
    if (event.kv.key.rfind(kWatchPrefix, 0) == 0) watched_revision_ = store.revision();
}

std::optional<std::string> Reflectors::lagging(std::int64_t revision) const {
  for (std::size_t w = 1; w < reflectors_.size(); ++w) {
    const Reflector& reflector = reflectors_[w];
    if (reflector.next_revision > revision) continue;
    return fmt::format("w{} (watching through n{}) received revisions up to {}, not {}; {}", reflector.id,
                       reflector.node, reflector.next_revision - 1, revision,
                       reflector.last_event < 0
                           ? std::string("it never listed")
                           : fmt::format("its last events came at {:.3f}s",
                                         static_cast<double>(reflector.last_event) / 1e6));
  }
  return std::nullopt;
}

CheckVerdict Reflectors::verdict() const {
  CheckVerdict verdict;
  verdict.name = "watch";
  if (streams_.empty()) {
    verdict.judged = false;
    verdict.detail = "not judged: the workload runs no watchers (workload.watchers: 0)";
    return verdict;
  }
  const WatchVerdict result = check_watch_streams(streams_, committed_events_);
  verdict.ok = result.ok;
  verdict.ops = result.events_checked;
  verdict.detail = result.ok ? fmt::format("{} events over {} watchers ({} resumed, {} listed again)",
                                           result.events_checked, streams_.size(), resumes_, relists_)
                             : fmt::format("at {:.3f}s: {}", static_cast<double>(result.time_us) / 1e6, result.detail);
  return verdict;
}

void Reflectors::add_metrics(RunMetrics& metrics) const {
  metrics.watch_events += events_;
  metrics.watch_resumes += resumes_;
  metrics.watch_relists += relists_;
}

}  // namespace raftsim::sim
