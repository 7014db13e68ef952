#include "sim/scenario/scenario.hpp"

#include <fmt/format.h>

namespace raftsim::scenario {

std::string NodeSelector::text() const {
  switch (kind) {
    case Kind::node: return fmt::format("n{}", node);
    case Kind::leader: return "leader";
    case Kind::follower: return "follower";
    case Kind::any: return "any";
    case Kind::crashed: return "crashed";
    case Kind::majority: return "majority";
    case Kind::minority: return "minority";
    case Kind::subject: return "subject";
  }
  return "?";
}

const char* trigger_name(Trigger trigger) {
  switch (trigger) {
    case Trigger::none: return "none";
    case Trigger::elected: return "elected";
    case Trigger::vote: return "vote";
    case Trigger::campaign: return "campaign";
  }
  return "?";
}

Micros default_liveness_bound(const ClusterSpec& cluster, const DiskSpec& disk) {
  return 4 * (cluster.election_timeout.max + disk.fsync.max) + 2 * cluster.heartbeat + 1'000'000;
}

static std::string format_duration(Micros us) {
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us % 1'000 == 0) return fmt::format("{}ms", us / 1'000);
  return fmt::format("{}us", us);
}

std::string Expectation::text() const {
  std::string nodes_text;
  for (const auto& node : nodes) nodes_text += fmt::format("{}{}", nodes_text.empty() ? "" : ",", node.text());
  switch (kind) {
    case Kind::no_commit:
      return fmt::format("no_commit {} during {}..{}", nodes_text, format_duration(during.min),
                         format_duration(during.max));
    case Kind::leader:
      return fmt::format("leader within {} after {}", format_duration(within), format_duration(after));
    case Kind::converged: return fmt::format("converged by {}", format_duration(by));
    case Kind::available: {
      std::string bound = min ? fmt::format("min {}", *min) : fmt::format("max {}", max.value_or(1.0));
      return fmt::format("available during {}..{} {}", format_duration(during.min), format_duration(during.max),
                         bound);
    }
    case Kind::violation: return fmt::format("violation {}", check);
  }
  return "?";
}

Micros latest_effect(const Fault& fault, Micros duration) {
  Micros latest = fault.at + fault.at_spread;
  if (fault.trigger != Trigger::none) latest = (fault.within > 0 ? fault.at + fault.at_spread + fault.within : duration) + fault.delay + fault.delay_spread;
  if (fault.kind == Fault::Kind::crash) latest += fault.down_for;
  if (fault.kind == Fault::Kind::pause) latest += fault.pause_for;
  return latest;
}

NetworkSpec apply_change(NetworkSpec spec, const NetworkChange& change) {
  if (change.latency) spec.latency = *change.latency;
  if (change.drop) spec.drop = *change.drop;
  if (change.duplicate) spec.duplicate = *change.duplicate;
  if (change.fifo) spec.fifo = *change.fifo;
  if (change.tail_probability) spec.tail_probability = *change.tail_probability;
  if (change.tail_latency) spec.tail_latency = *change.tail_latency;
  return spec;
}

const std::vector<std::string>& all_check_names() {
  static const std::vector<std::string> names = {
      "election_safety", "leader_append_only", "log_matching", "leader_completeness", "state_machine_safety",
      "durability",      "minority_no_commit", "linearizability", "watch",             "liveness",
  };
  return names;
}

}  // namespace raftsim::scenario
