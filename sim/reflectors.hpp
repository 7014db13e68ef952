#pragma once
// Reflectors (Kubernetes' list-then-watch clients) and the watches nodes
// serve them, as Kubernetes runs on etcd. This component owns all of it:
// each reflector's state, the watches each node serves (lost with the node
// on a crash), the responses in flight, and, for the watch check, what each
// reflector received and every committed event it is judged against. It
// reads the hosts (who is up, frozen, without a leader; a node's store) and
// changes none of them: it uses its own random stream and touches no Raft
// node, so reflectors change no Raft decision in a run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/store.hpp"
#include "core/kv/watch.hpp"
#include "sim/checks/watch_checker.hpp"
#include "sim/host.hpp"
#include "sim/random.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scheduler.hpp"
#include "sim/slot_pool.hpp"
#include "sim/timeline.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

class Reflectors {
 public:
  // `checked`: the watch check is on, so keep what it judges.
  Reflectors(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Timeline& timeline,
             const std::vector<Host>& hosts, bool checked);

  // Schedules each reflector's first list and its checks.
  void start();
  // Events.
  void arrive(std::uint32_t watcher, std::uint64_t generation);  // a list or watch request reaches its node
  void receive(std::uint32_t slot);                               // a watch response reaches its reflector
  void check(std::uint32_t watcher);                              // is its node down, frozen, leaderless?

  // What the hosts tell it: `host` applied an entry (its store moved one
  // revision), installed a snapshot, or crashed.
  void on_apply(const Host& host);
  void on_snapshot(const Host& host);
  // The watches it served are gone; their reflectors see the stream break.
  void on_crash(raft::NodeId node);

  CheckVerdict verdict() const;

  // For the liveness check: the newest revision with an event the
  // reflectors watch, applied anywhere so far.
  std::int64_t watched_revision() const { return watched_revision_; }
  // The first reflector that has not received every event up to `revision`
  // (re-listing after a compaction counts as receiving): who, through which
  // node, and since when; nullopt when all have.
  std::optional<std::string> lagging(std::int64_t revision) const;
  // Adds its counters (events, resumes, re-lists) to the run's metrics.
  void add_metrics(RunMetrics& metrics) const;

 private:
  // A watch a node serves to a reflector (etcd's server-side watcher).
  struct ServedWatch {
    std::uint32_t watcher = 0;
    std::uint64_t generation = 0;  // the reflector's attempt it answers
    kv::Watcher watch{kv::WatchRequest{}};
    bool skip_next_event = false;  // planted watch-gap: a resumed watch drops its first event
    Micros last_sent = 0;          // one gRPC stream: responses leave in order
  };
  struct Reflector {
    std::uint32_t id = 0;          // 1-based: w1 is 1
    raft::NodeId node = 1;         // the node it talks to now
    Xoshiro256 random{0};
    std::uint64_t generation = 0;  // of the current attempt; answers to older ones are dropped
    bool must_list = true;         // (re)list before watching
    bool listed_once = false;
    std::int64_t next_revision = 0;  // the first revision it has not received
    int leaderless_checks = 0;       // consecutive checks that found its node frozen or without a leader
    Micros last_event = -1;          // when it last received events (or listed)
  };
  struct ResponseInFlight {
    std::uint32_t watcher = 0;
    std::uint64_t generation = 0;
    WatchDelivery delivery;
  };

  void move(Reflector& reflector, const char* why);
  // The connection was refused or broke: try the next member after a backoff.
  void reconnect(Reflector& reflector);
  void send(ServedWatch& served, kv::WatchResponse response);
  void record_committed_events(const kv::Store& store);
  Micros latency(Reflector& reflector);

  const scenario::Scenario& scenario_;
  Scheduler& scheduler_;
  Trace& trace_;
  Timeline& timeline_;
  const std::vector<Host>& hosts_;
  const bool checked_;

  std::vector<Reflector> reflectors_;              // index 0 unused
  std::vector<std::vector<ServedWatch>> served_;   // [node]: the watches it serves
  SlotPool<ResponseInFlight> in_flight_;
  // For the watch check: what each reflector received, and every event of
  // every revision, recorded when the revision first applied anywhere.
  std::vector<WatchStream> streams_;
  std::vector<kv::Event> committed_events_;
  std::int64_t committed_events_revision_ = 1;
  std::int64_t watched_revision_ = 0;  // see watched_revision()
  std::uint64_t events_ = 0, resumes_ = 0, relists_ = 0;
};

}  // namespace raftsim::sim
