#include "sim/simulation.hpp"

#include <algorithm>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/input_error.hpp"
#include "sim/report.hpp"

namespace raftsim::sim {

namespace {
// Bound on the work of one run (TigerBeetle keeps a limit on every loop):
// a run that would exceed it is an internal error, not a hang.
constexpr std::uint64_t kMaxEventsPerRun = 2'000'000'000ULL;
constexpr Micros kLogMatchingPeriod = 1'000'000;  // full pairwise log comparison, once a simulated second
}  // namespace

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::node_tick: return "tick";
    case EventKind::deliver: return "deliver";
    case EventKind::disk_synced: return "fsync";
    case EventKind::client_wakeup: return "client_wakeup";
    case EventKind::client_arrive: return "client_request";
    case EventKind::client_response: return "client_response";
    case EventKind::client_timeout: return "client_timeout";
    case EventKind::fault: return "fault";
    case EventKind::node_resume: return "resume";
    case EventKind::observe: return "observe";
    case EventKind::watcher_arrive: return "watch_request";
    case EventKind::watcher_receive: return "watch_response";
    case EventKind::watcher_check: return "watch_check";
    case EventKind::compactor_tick: return "compact";
    case EventKind::node_restart: return "restart";
    case EventKind::trigger_lapse: return "trigger_lapse";
  }
  return "?";
}

std::string RunResult::trace_hash_hex() const { return fmt::format("{:016x}", trace_hash); }

Simulation::Simulation(const scenario::Scenario& scenario, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      scheduler_(4096),
      network_(scenario.network, scenario.max_node_id(), scenario.seed),
      timeline_(scheduler_, trace_, options.explain),
      workload_(scenario, scheduler_, trace_, network_, hosts_,
                std::find(scenario.checks.begin(), scenario.checks.end(), "linearizability") != scenario.checks.end() ||
                    !options.history_path.empty() || options.observe),
      reflectors_(scenario, scheduler_, trace_, timeline_, hosts_,
                  std::find(scenario.checks.begin(), scenario.checks.end(), "watch") != scenario.checks.end()),
      faults_(scenario, scheduler_, trace_, timeline_, network_, hosts_, *this, options.observe),
      disk_random_(make_stream(scenario.seed, Stream::disk)),
      safety_(scenario.cluster.nodes),
      observer_(scenario, scheduler_, hosts_, network_, safety_, faults_, workload_, reflectors_, committed_membership_) {
  if (!options_.trace_path.empty()) trace_.open(options_.trace_path);
  network_.record_messages(options_.record_messages);
  const int all_nodes = scenario.max_node_id();
  hosts_.resize(static_cast<std::size_t>(all_nodes) + 1);
  observations_.resize(static_cast<std::size_t>(all_nodes));
  for (int id = 1; id <= all_nodes; ++id) {
    Host& host = hosts_[static_cast<std::size_t>(id)];
    host.id = static_cast<raft::NodeId>(id);
    host.timer_random = std::make_unique<Xoshiro256>(make_stream(scenario.seed, Stream::timers, static_cast<std::uint64_t>(id)));
  }
}

void Simulation::timeline(std::string text) { timeline_.say(std::move(text)); }

void Simulation::explain(std::string text) { timeline_.explain(std::move(text)); }

void Simulation::trace_event(const char* name, std::string_view fields) { trace_.write(scheduler_.now(), name, fields); }

void Simulation::schedule_tick(Host& host, Micros delay) {
  scheduler_.schedule_after(delay, EventKind::node_tick, host.id, 0, host.tick_generation);
}

void Simulation::on_tick(Host& host, std::uint64_t generation) {
  if (generation != host.tick_generation || !host_live(host)) return;
  host.node->tick();
  drive(host);
  // The next tick follows the node's own clock: a fast clock ticks sooner.
  const Micros period = scenario_.cluster.tick * 1'000'000 / (1'000'000 + host.drift_ppm);
  schedule_tick(host, std::max<Micros>(1, period));
}

void Simulation::deliver(std::uint32_t slot) {
  const raft::Message& message = network_.peek(slot);
  Host& host = hosts_[message.to];
  if (!network_.link_up(message.from, message.to) || !host.up) {
    // Lost on a cut link (also when cut while in flight) or at a crashed node.
    network_.take(slot);
    network_.count_drop();
    return;
  }
  if (host.paused) {
    // A frozen process does not read its socket: the message waits.
    scheduler_.schedule(host.paused_until, EventKind::deliver, slot);
    return;
  }
  raft::Message delivered = network_.take(slot);
  network_.count_delivered(slot, scheduler_.now());
  trace_.mix(static_cast<std::uint64_t>(delivered.type) | (std::uint64_t{delivered.from} << 8) |
             (std::uint64_t{delivered.to} << 16) | (delivered.term << 24));
  trace_.mix(delivered.log_index ^ (delivered.commit << 20) ^ (delivered.entries.size() << 48));
  if (trace_.writing())
    trace_event("deliver", fmt::format("\"type\":\"{}\",\"from\":\"n{}\",\"to\":\"n{}\",\"term\":{},\"index\":{},\"entries\":{},\"commit\":{},\"reject\":{}",
                                       raft::message_type_name(delivered.type), delivered.from, delivered.to,
                                       delivered.term, delivered.log_index, delivered.entries.size(),
                                       delivered.commit, delivered.reject));
  host.node->step(delivered);
  drive(host);
}

void Simulation::handle(const Event& event) {
  trace_.mix(static_cast<std::uint64_t>(event.time));
  trace_.mix(static_cast<std::uint64_t>(event.kind) | (std::uint64_t{event.a} << 8) | (std::uint64_t{event.b} << 40));
  switch (event.kind) {
    case EventKind::node_tick: on_tick(hosts_[event.a], event.payload); break;
    case EventKind::deliver: deliver(event.a); break;
    case EventKind::disk_synced: on_synced(hosts_[event.a], event.payload); break;
    case EventKind::client_wakeup: workload_.wakeup(event.a); break;
    case EventKind::client_arrive: client_arrive(event.a, event.b, event.payload); break;
    case EventKind::client_response: workload_.response(event.a); break;
    case EventKind::client_timeout: workload_.timeout(event.a, event.payload); break;
    case EventKind::fault: faults_.on_fault(event.a, static_cast<raft::NodeId>(event.b)); break;
    case EventKind::node_restart: faults_.on_restart_due(static_cast<raft::NodeId>(event.a), event.b, event.payload); break;
    case EventKind::trigger_lapse: faults_.on_lapse(event.a); break;
    case EventKind::node_resume: {
      Host& host = hosts_[event.a];
      if (host.paused && host.paused_until == event.time) {
        host.paused = false;
        observe_host_state(host);
        timeline(fmt::format("n{} resumes", host.id));
        ++host.tick_generation;
        schedule_tick(host, 1);
      }
      break;
    }
    case EventKind::observe: observer_.observe(event.a); break;
    case EventKind::watcher_arrive: reflectors_.arrive(event.a, event.payload); break;
    case EventKind::watcher_receive: reflectors_.receive(event.a); break;
    case EventKind::watcher_check: reflectors_.check(event.a); break;
    case EventKind::compactor_tick: compactor_tick(); break;
  }
}

RunResult Simulation::run(history::History* history_out) {
  if (history_out != nullptr) workload_.keep_history();
  for (int id = 1; id <= scenario_.cluster.nodes; ++id) {
    committed_membership_.voters.push_back(static_cast<raft::NodeId>(id));
    hosts_[static_cast<std::size_t>(id)].member = true;
    start_host(hosts_[static_cast<std::size_t>(id)]);
  }
  workload_.start();
  reflectors_.start();
  if (scenario_.workload.compact.every > 0)
    scheduler_.schedule(scenario_.workload.compact.every, EventKind::compactor_tick);
  faults_.start();
  observer_.schedule();

  Micros next_log_check = kLogMatchingPeriod;
  while (!scheduler_.empty() && scheduler_.next_time() <= scenario_.duration) {
    RAFTSIM_ASSERT(scheduler_.events_processed() < kMaxEventsPerRun, "run exceeded {} events", kMaxEventsPerRun);
    const Event event = scheduler_.pop();
    if (event.time >= next_log_check) {
      std::vector<std::pair<raft::NodeId, const raft::RaftLog*>> logs;
      for (std::size_t id = 1; id < hosts_.size(); ++id)
        if (hosts_[id].up) logs.emplace_back(hosts_[id].id, &hosts_[id].node->log());
      safety_.check_log_matching(scheduler_.now(), logs);
      forget_settled_entries();
      next_log_check += kLogMatchingPeriod;
    }
    handle(event);
  }

  faults_.finish();
  RunResult result;
  result.scenario = scenario_.name;
  result.seed = scenario_.seed;
  result.simulated_us = scenario_.duration;
  result.events = scheduler_.events_processed();
  result.bugs = raft::enabled_bug_names(scenario_.bugs);
  const history::History executed = workload_.keeps_history() ? workload_.executed_history() : history::History{};
  observer_.judge_checks(result, executed);
  observer_.judge_expectations(result, workload_.tally_all());
  summarise(result);
  result.trace_hash = trace_.hash();
  result.faults = faults_.take_records();
  result.network_changes = faults_.take_network_changes();
  result.messages = network_.take_records();
  result.messages_truncated = network_.records_truncated();
  trace_.close();
  if (!options_.history_path.empty()) {
    std::ofstream out(options_.history_path);
    if (!out) throw InputError(fmt::format("--history {}: cannot write", options_.history_path));
    history::write_jsonl(out, executed);
  }
  if (history_out != nullptr) *history_out = std::move(executed);
  return result;
}

void Simulation::forget_settled_entries() {
  // Indexes every member's snapshot covers can never be applied, compared or
  // asked of a leader again: the safety checker drops its record of them (the
  // durability check marks their requests committed first). The report draws
  // every committed entry, so it keeps them all.
  if (options_.observe) return;
  raft::LogIndex floor = std::numeric_limits<raft::LogIndex>::max();
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].started && hosts_[id].member) floor = std::min(floor, hosts_[id].disk.durable().snapshot_index);
  if (floor == std::numeric_limits<raft::LogIndex>::max()) return;
  safety_.forget_through(floor, [&](const raft::Entry& entry) { workload_.durability().committed(entry); });
}

RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options) {
  return run_scenario(scenario, options, nullptr);
}

RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, history::History* history) {
  Simulation simulation(scenario, options);
  return simulation.run(history);
}

}  // namespace raftsim::sim
