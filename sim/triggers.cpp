// Triggered faults (`on:`): armed when their `at` comes, fired by the first
// (or `nth`) matching Raft event after that, with the event's node as
// `subject`. Every armed fault that matches an event fires on it. The event
// is noticed in the middle of driving a node, so the fault is not applied
// there: it is scheduled for the same instant (or `delay` later) and applied
// from the event loop. It is scheduled before the messages that follow from
// the event (the new leader's first appends, the vote itself) enter the
// network, and events of one instant run in the order they were scheduled, so
// with no delay it takes effect before any of them can arrive, even over a
// link with no latency.
#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "sim/scenario/emit.hpp"
#include "sim/simulation.hpp"

namespace raftsim::sim {

namespace {
std::string text_of(const scenario::Fault& f) { return f.text.empty() ? scenario::fault_yaml(f) : f.text; }
std::string ordinal(int n) {
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return fmt::format("{}{}", n, suffix);
}
}  // namespace

void Simulation::arm_fault(std::uint32_t fault) {
  const scenario::Fault& f = scenario_.faults[fault];
  const Micros until = f.within > 0 ? scheduler_.now() + f.within : std::numeric_limits<Micros>::max();
  armed_faults_.push_back({fault, until, f.nth});
  // The window's end: a fault still armed then lapses (said in the timeline).
  if (f.within > 0) scheduler_.schedule(until + 1, EventKind::trigger_lapse, fault);
  trace_.mix(0xa4a40000ULL ^ fault);
  timeline(fmt::format("armed: {} on the {} {}{}", text_of(f), f.nth == 1 ? "next" : ordinal(f.nth),
                       scenario::trigger_name(f.trigger), f.within > 0 ? fmt::format(" within {}us", f.within) : ""));
}

void Simulation::fire_triggers(scenario::Trigger trigger, raft::NodeId subject) {
  const Micros now = scheduler_.now();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < armed_faults_.size(); ++i) {
    ArmedFault armed = armed_faults_[i];
    const scenario::Fault& f = scenario_.faults[armed.fault];
    if (now > armed.until) {  // lapsed: its lapse event, due now, reports it
      armed_faults_[kept++] = armed;
      continue;
    }
    if (f.trigger != trigger || --armed.remaining > 0) {
      armed_faults_[kept++] = armed;
      continue;
    }
    trace_.mix(0xf14e0000ULL ^ (std::uint64_t{armed.fault} << 8) ^ subject);
    timeline(fmt::format("n{}: {} fires {}", subject, scenario::trigger_name(trigger), text_of(f)));
    scheduler_.schedule(now + f.delay, EventKind::fault, armed.fault, subject);
  }
  armed_faults_.resize(kept);
}

void Simulation::lapse_trigger(std::uint32_t fault) {
  const auto it = std::find_if(armed_faults_.begin(), armed_faults_.end(),
                               [&](const ArmedFault& armed) { return armed.fault == fault; });
  if (it == armed_faults_.end()) return;  // fired already
  const scenario::Fault& f = scenario_.faults[fault];
  timeline(fmt::format("lapsed: no {} within {}us for {}", scenario::trigger_name(f.trigger), f.within, text_of(f)));
  armed_faults_.erase(it);
}

void Simulation::report_armed_at_end() {
  for (const ArmedFault& armed : armed_faults_) {
    const scenario::Fault& f = scenario_.faults[armed.fault];
    timeline(fmt::format("never fired: {} (still waiting for the {} {} at the end)", text_of(f),
                         armed.remaining == 1 ? "next" : ordinal(armed.remaining), scenario::trigger_name(f.trigger)));
  }
}

void Simulation::end_crash(Host& host, std::uint64_t crashes) {
  // Only the crash that scheduled this restart: not a node restarted since
  // (and perhaps crashed again), nor one removed meanwhile.
  if (host.up || !host.member || host.crashes != crashes) return;
  restart_host(host);
  timeline(fmt::format("n{} restarts", host.id));
}

}  // namespace raftsim::sim
