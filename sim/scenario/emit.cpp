#include "sim/scenario/emit.hpp"

#include <sstream>

#include <fmt/format.h>

namespace raftsim::scenario {

namespace {

std::string duration(Micros us) {
  if (us != 0 && us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us != 0 && us % 1'000 == 0) return fmt::format("{}ms", us / 1'000);
  return fmt::format("{}us", us);
}
std::string range(const TimeRange& r) { return fmt::format("[{}, {}]", duration(r.min), duration(r.max)); }
std::string probability(Probability p) {
  // Nine decimals hold parts per billion exactly.
  return fmt::format("{}.{:09}", p.parts_per_billion / Probability::kScale, p.parts_per_billion % Probability::kScale);
}
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out + "\"";
}
std::string nodes(const NodeList& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", list[i].text());
  return out + "]";
}
const char* read_mode(raft::ReadMode mode) {
  switch (mode) {
    case raft::ReadMode::read_index: return "read_index";
    case raft::ReadMode::lease: return "lease";
    case raft::ReadMode::serializable: return "serializable";
  }
  return "read_index";
}
const char* named(NamedPartition p) {
  switch (p) {
    case NamedPartition::random_halves: return "random-halves";
    case NamedPartition::majority_ring: return "majority-ring";
    case NamedPartition::bridge: return "bridge";
    case NamedPartition::isolate_leader: return "isolate-leader";
  }
  return "random-halves";
}

std::string network_fields(const NetworkChange& c) {
  std::string out;
  const auto add = [&](const std::string& field) { out += fmt::format("{}{}", out.empty() ? "" : ", ", field); };
  if (c.latency) add("latency: " + range(*c.latency));
  if (c.drop) add("drop: " + probability(*c.drop));
  if (c.duplicate) add("duplicate: " + probability(*c.duplicate));
  if (c.fifo) add(fmt::format("fifo: {}", *c.fifo));
  if (c.tail_probability || c.tail_latency) {
    std::string tail;
    if (c.tail_probability) tail += "probability: " + probability(*c.tail_probability);
    if (c.tail_latency) tail += fmt::format("{}latency: {}", tail.empty() ? "" : ", ", range(*c.tail_latency));
    add("tail: {" + tail + "}");
  }
  return "{" + out + "}";
}

std::string fault_action(const Fault& f);

// The fault as a flow map: its action, then what times it.
std::string fault(const Fault& f) {
  std::string out = fault_action(f);
  std::string extra;
  if (f.kind == Fault::Kind::crash && f.down_for > 0) extra += ", for: " + duration(f.down_for);
  if (f.trigger != Trigger::none) {
    extra += fmt::format(", on: {}", trigger_name(f.trigger));
    if (f.within > 0) extra += ", within: " + duration(f.within);
    if (f.delay_spread > 0) extra += fmt::format(", delay: [{}, {}]", duration(f.delay), duration(f.delay + f.delay_spread));
    else if (f.delay > 0) extra += ", delay: " + duration(f.delay);
    if (f.nth > 1) extra += fmt::format(", nth: {}", f.nth);
  }
  out.insert(out.size() - 1, extra);  // before the closing brace
  return out;
}

std::string fault_action(const Fault& f) {
  using Kind = Fault::Kind;
  const std::string at = f.at_spread > 0 ? fmt::format("at: [{}, {}]", duration(f.at), duration(f.at + f.at_spread))
                                         : "at: " + duration(f.at);
  switch (f.kind) {
    case Kind::partition_groups: {
      std::string groups;
      for (std::size_t g = 0; g < f.groups.size(); ++g) groups += fmt::format("{}{}", g ? ", " : "", nodes(f.groups[g]));
      return fmt::format("{{{}, partition: [{}]}}", at, groups);
    }
    case Kind::partition_one_way: return fmt::format("{{{}, partition: {{from: {}, to: {}}}}}", at, nodes(f.from), nodes(f.to));
    case Kind::partition_named: return fmt::format("{{{}, partition: {}}}", at, named(f.named));
    case Kind::heal: return fmt::format("{{{}, heal: true}}", at);
    case Kind::crash: return fmt::format("{{{}, crash: {}, lose_unsynced: {}}}", at, nodes(f.nodes), f.lose_unsynced);
    case Kind::restart: return fmt::format("{{{}, restart: {}}}", at, nodes(f.nodes));
    case Kind::isolate: return fmt::format("{{{}, isolate: {}}}", at, f.node.text());
    case Kind::pause: return fmt::format("{{{}, pause: {{node: {}, for: {}}}}}", at, f.node.text(), duration(f.pause_for));
    case Kind::clock_skew:
      return fmt::format("{{{}, clock: {{node: {}, skew: {}{}}}}}", at, f.node.text(), f.skew < 0 ? "-" : "",
                         duration(f.skew < 0 ? -f.skew : f.skew));
    case Kind::clock_drift:
      return fmt::format("{{{}, clock: {{node: {}, drift: {}{}.{:06}}}}}", at, f.node.text(), f.drift_ppm < 0 ? "-" : "",
                         (f.drift_ppm < 0 ? -f.drift_ppm : f.drift_ppm) / 1'000'000,
                         (f.drift_ppm < 0 ? -f.drift_ppm : f.drift_ppm) % 1'000'000);
    case Kind::network: return fmt::format("{{{}, network: {}}}", at, network_fields(f.network));
    case Kind::transfer: return fmt::format("{{{}, transfer: {{to: {}}}}}", at, f.node.text());
    case Kind::add_node: return fmt::format("{{{}, add_node: {}}}", at, f.node.text());
    case Kind::promote: return fmt::format("{{{}, promote: {}}}", at, f.node.text());
    case Kind::remove_node: return fmt::format("{{{}, remove_node: {}}}", at, f.node.text());
  }
  return "{}";
}

std::string expectation(const Expectation& e) {
  switch (e.kind) {
    case Expectation::Kind::no_commit:
      return fmt::format("no_commit: {{nodes: {}, during: {}}}", nodes(e.nodes), range(e.during));
    case Expectation::Kind::leader: return fmt::format("leader: {{within: {}, after: {}}}", duration(e.within), duration(e.after));
    case Expectation::Kind::converged: return fmt::format("converged: {{by: {}}}", duration(e.by));
    case Expectation::Kind::available:
      return e.min ? fmt::format("available: {{during: {}, min: {}}}", range(e.during), *e.min)
                   : fmt::format("available: {{during: {}, max: {}}}", range(e.during), e.max.value_or(1.0));
    case Expectation::Kind::violation: return "violation: " + e.check;
  }
  return "";
}

}  // namespace

std::string fault_yaml(const Fault& f) { return fault(f); }

std::string to_yaml(const Scenario& s, const std::string& header) {
  std::ostringstream out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) out << "# " << line << "\n";
  out << "name: " << quoted(s.name) << "\n";
  if (!s.description.empty()) out << "description: " << quoted(s.description) << "\n";
  out << "seed: " << s.seed << "\n";
  if (const auto bugs = raft::enabled_bug_names(s.bugs); !bugs.empty())
    out << fmt::format("bugs: [{}]\n", fmt::join(bugs, ", "));
  out << "duration: " << duration(s.duration) << "\n";
  const ClusterSpec& c = s.cluster;
  // etcd's raft has no count of entries per append: the key is written only
  // when it says what etcd can do (1), as the loader requires.
  const bool etcd = c.raft == RaftImplementation::etcd;
  const std::string raft = etcd ? "raft: etcd, " : "";
  const std::string appends =
      !etcd || c.max_append_entries == 1 ? fmt::format("max_append_entries: {}, ", c.max_append_entries) : "";
  std::string early = c.early_vote_requests ? "early_vote_requests: true, " : "";
  if (!c.lost_election_restarts_timer) early += "lost_election_restarts_timer: false, ";
  out << fmt::format(
      "cluster: {{{}nodes: {}, election_timeout: {}, heartbeat: {}, tick: {}, prevote: {}, check_quorum: {}, "
      "{}read_mode: {}, snapshot_every: {}, {}max_inflight: {}}}\n",
      raft, c.nodes, range(c.election_timeout), duration(c.heartbeat), duration(c.tick), c.prevote, c.check_quorum,
      early, read_mode(c.read_mode), c.snapshot_every, appends, c.max_inflight);
  const NetworkSpec& n = s.network;
  out << fmt::format("network: {{latency: {}, tail: {{probability: {}, latency: {}}}, drop: {}, duplicate: {}, fifo: {}}}\n",
                     range(n.latency), probability(n.tail_probability), range(n.tail_latency), probability(n.drop),
                     probability(n.duplicate), n.fifo);
  out << fmt::format("disk: {{fsync: {}}}\n", range(s.disk.fsync));
  const WorkloadSpec& w = s.workload;
  out << fmt::format(
      "workload: {{clients: {}, think: {}, keys: {}, ops: {{get: {}, put: {}, delete: {}, cas: {}{}}}, timeout: {}, "
      "watchers: {}, retry_conflicts: {}{}{}}}\n",
      w.clients, range(w.think), w.keys, w.ops.get, w.ops.put, w.ops.del, w.ops.cas,
      w.ops.txn > 0 ? fmt::format(", txn: {}", w.ops.txn) : "", duration(w.timeout), w.watchers,
      w.retry_conflicts,
      w.compact.every > 0 ? fmt::format(", compact: {{every: {}, keep: {}}}", duration(w.compact.every), w.compact.keep)
                          : "",
      w.stop ? ", stop: " + duration(*w.stop) : "");
  if (!s.faults.empty()) {
    out << "faults:\n";
    for (const Fault& f : s.faults) out << "  - " << fault(f) << "\n";
  }
  if (s.liveness_bound) out << "liveness_bound: " << duration(*s.liveness_bound) << "\n";
  out << "checks: [";
  for (std::size_t i = 0; i < s.checks.size(); ++i) out << (i ? ", " : "") << s.checks[i];
  out << "]\n";
  if (!s.expect.empty()) {
    out << "expect:\n";
    for (const Expectation& e : s.expect) out << "  - " << expectation(e) << "\n";
  }
  return out.str();
}

}  // namespace raftsim::scenario
