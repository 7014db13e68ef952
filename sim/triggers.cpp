// Triggered faults (`on:`): armed when their `at` comes, fired by the first
// matching Raft event after that, with the event's node as `subject`. The
// event is noticed in the middle of driving a node, so the fault is not
// applied there: it is scheduled for the same instant (or `delay` later) and
// applied from the event loop, before any message sent meanwhile can arrive
// (every link has a latency of at least a microsecond).
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
    if (now > armed.until) {
      timeline(fmt::format("lapsed: no {} within {}us for {}", scenario::trigger_name(f.trigger), f.within, text_of(f)));
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

void Simulation::end_crash(Host& host, std::uint64_t crashes) {
  // Only the crash that scheduled this restart: not a node restarted since
  // (and perhaps crashed again), nor one removed meanwhile.
  if (host.up || !host.member || host.crashes != crashes) return;
  restart_host(host);
  timeline(fmt::format("n{} restarts", host.id));
}

}  // namespace raftsim::sim
