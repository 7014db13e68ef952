#include "sim/simulation.hpp"

#include <algorithm>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/input_error.hpp"
#include "sim/node/raft_node.hpp"
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
    case EventKind::member_stop: return "member_stop";
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
      safety_(scenario.cluster.nodes),
      cluster_(scenario, options_, scheduler_, trace_, network_, timeline_, safety_),
      workload_(scenario, scheduler_, trace_, network_, cluster_.hosts(),
                std::find(scenario.checks.begin(), scenario.checks.end(), "linearizability") != scenario.checks.end() ||
                    !options.history_path.empty() || options.observe || options.measure),
      reflectors_(scenario, scheduler_, trace_, timeline_, cluster_.hosts(),
                  std::find(scenario.checks.begin(), scenario.checks.end(), "watch") != scenario.checks.end()),
      faults_(scenario, scheduler_, trace_, timeline_, network_, cluster_.hosts(), cluster_,
              options.observe || options.measure),
      observer_(scenario, scheduler_, cluster_.hosts(), network_, safety_, faults_, workload_, reflectors_,
                cluster_.committed_membership(), cluster_.last_leader_change()) {
  cluster_.connect(workload_, reflectors_, faults_);
  if (!options_.trace_path.empty()) trace_.open(options_.trace_path);
  network_.record_messages(options_.record_messages);
}

void Simulation::handle(const Event& event) {
  trace_.mix(static_cast<std::uint64_t>(event.time));
  trace_.mix(static_cast<std::uint64_t>(event.kind) | (std::uint64_t{event.a} << 8) | (std::uint64_t{event.b} << 40));
  switch (event.kind) {
    case EventKind::node_tick: cluster_.on_tick(event.a, event.payload); break;
    case EventKind::deliver: cluster_.deliver(event.a); break;
    case EventKind::disk_synced: cluster_.on_synced(event.a, event.payload); break;
    case EventKind::node_resume: cluster_.on_resume(event.a, event.time); break;
    case EventKind::client_arrive: cluster_.client_arrive(event.a, event.b, event.payload); break;
    case EventKind::compactor_tick: cluster_.compactor_tick(); break;
    case EventKind::client_wakeup: workload_.wakeup(event.a); break;
    case EventKind::client_response: workload_.response(event.a); break;
    case EventKind::client_timeout: workload_.timeout(event.a, event.payload); break;
    case EventKind::fault: faults_.on_fault(event.a, static_cast<raft::NodeId>(event.b)); break;
    case EventKind::node_restart: faults_.on_restart_due(static_cast<raft::NodeId>(event.a), event.b, event.payload); break;
    case EventKind::trigger_lapse: faults_.on_lapse(event.a); break;
    case EventKind::member_stop: cluster_.on_member_stop(static_cast<raft::NodeId>(event.a)); break;
    case EventKind::observe: observer_.observe(event.a); break;
    case EventKind::watcher_arrive: reflectors_.arrive(event.a, event.payload); break;
    case EventKind::watcher_receive: reflectors_.receive(event.a); break;
    case EventKind::watcher_check: reflectors_.check(event.a); break;
  }
}

RunResult Simulation::run(history::History* history_out) {
  if (history_out != nullptr) workload_.keep_history();
  cluster_.start();
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
      cluster_.check_logs();
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
  result.raft = scenario::implementation_name(scenario_.cluster.raft);
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
  for (const Host& host : cluster_.hosts())
    if (host.started && host.member) floor = std::min(floor, host.disk.durable().snapshot_index);
  if (floor == std::numeric_limits<raft::LogIndex>::max()) return;
  safety_.forget_through(floor, [&](const raft::Entry& entry) { workload_.durability().committed(entry); });
}

RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options) {
  return run_scenario(scenario, options, nullptr);
}

RunResult run_scenario(const scenario::Scenario& scenario, const RunOptions& options, history::History* history) {
  if (scenario.cluster.raft == scenario::RaftImplementation::etcd) {
    RunResult result;
    run_hosted_by_etcd_bridge([&] {
      Simulation simulation(scenario, options);
      result = simulation.run(history);
    });
    return result;
  }
  Simulation simulation(scenario, options);
  return simulation.run(history);
}

}  // namespace raftsim::sim
