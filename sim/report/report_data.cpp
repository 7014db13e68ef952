#include "sim/report/report_data.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "core/raft/message.hpp"

namespace raftsim::sim::report {

namespace {

using Micros = std::int64_t;

std::string shorten(const std::string& text, std::size_t most = 24) {
  return text.size() <= most ? text : text.substr(0, most - 1) + "~";
}

std::string value_text(const std::optional<std::string>& value) { return value ? shorten(*value) : "nil"; }

// Role spans and term marks from the role changes and up/down states. A node
// is drawn with no role while down; it restarts as a follower.
void build_roles(Lane& lane, const NodeObservations& seen, Micros end, std::size_t most) {
  struct Step {
    Micros time;
    int order;  // at one instant: up, then role changes, then down
    const RoleObservation* role;
    HostState state;
  };
  std::vector<Step> steps;
  for (const auto& role : seen.roles) steps.push_back({role.time_us, 1, &role, HostState::up});
  for (const auto& [time, state] : seen.states)
    steps.push_back({time, state == HostState::up ? 0 : state == HostState::down ? 2 : 1, nullptr, state});
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return std::tie(a.time, a.order) < std::tie(b.time, b.order); });
  bool up = false;
  std::string role = "follower";
  std::uint64_t term = 0;
  Micros since = 0;
  std::uint64_t marked_term = 0;
  const auto close = [&](Micros at) {
    if (!up || at <= since) return;
    if (!lane.roles.empty() && lane.roles.back().role == role && lane.roles.back().term == term &&
        lane.roles.back().end_us == since) {
      lane.roles.back().end_us = at;
    } else if (lane.roles.size() < most) {
      lane.roles.push_back({since, at, role, term});
    } else {
      lane.roles.back().end_us = at;  // beyond the cap: stretch the last span
    }
  };
  for (const Step& step : steps) {
    if (step.role != nullptr) {
      close(step.time);
      role = step.role->role;
      term = step.role->term;
      since = step.time;
      if (term != marked_term) {
        lane.terms.push_back({step.time, term});
        marked_term = term;
      }
      continue;
    }
    if (step.state == HostState::up && !up) {
      up = true;
      role = "follower";
      since = step.time;
    } else if (step.state == HostState::down && up) {
      close(step.time);
      up = false;
    }
  }
  close(end);
}

void build_states(Lane& lane, const NodeObservations& seen, Micros end) {
  // Before its first state a node had not started: drawn as down.
  HostState state = HostState::down;
  Micros since = 0;
  for (const auto& [time, next] : seen.states) {
    if (next == state) continue;
    if (state != HostState::up && time > since) lane.states.push_back({since, time, state});
    state = next;
    since = time;
  }
  if (state != HostState::up && end > since) lane.states.push_back({since, end, state});
}

void build_commits(Lane& lane, const NodeObservations& seen, Micros end, std::size_t most) {
  const auto& commits = seen.commits;
  if (commits.size() <= most) {
    for (const auto& [time, index] : commits) lane.commits.push_back({time, index});
    return;
  }
  // Keep the last value in each of `most` equal slices of the run.
  const Micros width = std::max<Micros>(1, (end + static_cast<Micros>(most) - 1) / static_cast<Micros>(most));
  for (const auto& [time, index] : commits) {
    if (!lane.commits.empty() && lane.commits.back().time_us / width == time / width && lane.commits.size() > 1) {
      lane.commits.back() = {time, index};
    } else {
      lane.commits.push_back({time, index});
    }
  }
}

void build_cuts(std::vector<Lane>& lanes, const std::vector<NetworkChangeRecord>& changes, Micros end) {
  for (std::size_t c = 0; c < changes.size(); ++c) {
    const Micros start = changes[c].time_us;
    const Micros stop = c + 1 < changes.size() ? changes[c + 1].time_us : end;
    if (changes[c].cut.empty() || stop <= start) continue;
    std::map<std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>, int> sides;
    for (std::size_t n = 0; n < lanes.size(); ++n) {
      const auto id = static_cast<std::uint32_t>(n + 1);
      CutSpan span{start, stop, {}, {}, 0};
      for (const auto& [from, to] : changes[c].cut) {
        if (from == id) span.cannot_send_to.push_back(to);
        if (to == id) span.cannot_hear_from.push_back(from);
      }
      if (span.cannot_send_to.empty() && span.cannot_hear_from.empty()) continue;
      const auto key = std::make_pair(span.cannot_send_to, span.cannot_hear_from);
      const auto found = sides.find(key);
      span.side = found != sides.end() ? found->second : static_cast<int>(sides.size());
      if (found == sides.end()) sides.emplace(key, span.side);
      auto& cuts = lanes[n].cuts;
      if (!cuts.empty() && cuts.back().end_us == start && cuts.back().cannot_send_to == span.cannot_send_to &&
          cuts.back().cannot_hear_from == span.cannot_hear_from) {
        cuts.back().end_us = stop;
      } else {
        cuts.push_back(std::move(span));
      }
    }
  }
}

std::vector<TimeSpan> merge(std::vector<TimeSpan> spans, Micros end) {
  for (auto& s : spans) s = {std::clamp<Micros>(s.start_us, 0, end), std::clamp<Micros>(s.end_us, 0, end)};
  std::sort(spans.begin(), spans.end(),
            [](const TimeSpan& a, const TimeSpan& b) { return std::tie(a.start_us, a.end_us) < std::tie(b.start_us, b.end_us); });
  std::vector<TimeSpan> merged;
  for (const auto& s : spans) {
    if (s.end_us <= s.start_us) continue;
    if (!merged.empty() && s.start_us <= merged.back().end_us) {
      merged.back().end_us = std::max(merged.back().end_us, s.end_us);
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

bool overlaps(const std::vector<TimeSpan>& spans, Micros start, Micros end) {
  for (const auto& s : spans)
    if (start < s.end_us && end >= s.start_us) return true;
  return false;
}

}  // namespace

std::string_view fault_kind_name(const scenario::Fault& fault) {
  using Kind = scenario::Fault::Kind;
  switch (fault.kind) {
    case Kind::partition_groups:
    case Kind::partition_one_way:
    case Kind::partition_named: return "partition";
    case Kind::heal: return "heal";
    case Kind::crash: return "crash";
    case Kind::restart: return "restart";
    case Kind::isolate: return "isolate";
    case Kind::pause: return "pause";
    case Kind::clock_skew:
    case Kind::clock_drift: return "clock";
    case Kind::network: return "network";
    case Kind::transfer: return "transfer";
    case Kind::add_node:
    case Kind::promote:
    case Kind::remove_node: return "membership";
  }
  return "fault";
}

std::string operation_label(const history::Operation& op) {
  using history::OpKind;
  const bool ok = op.outcome == history::Outcome::ok;
  switch (op.kind) {
    case OpKind::get: return ok ? fmt::format("get {} -> {}", op.key, value_text(op.value)) : fmt::format("get {}", op.key);
    case OpKind::put: return fmt::format("put {}={}", op.key, value_text(op.value));
    case OpKind::del: return fmt::format("delete {}", op.key);
    case OpKind::cas:
      return fmt::format("cas {} {}->{}", op.key, value_text(op.expect), value_text(op.value));
    case OpKind::append: return fmt::format("append {} {}", op.key, value_text(op.value));
    case OpKind::txn: return fmt::format("txn ({})", op.key);
  }
  return "?";
}

ReportData build_report_data(const scenario::Scenario& scenario, const RunResult& result,
                             const history::History& history, const Limits& limits) {
  ReportData data;
  const Micros end = std::max<Micros>(1, result.simulated_us);
  data.scenario = result.scenario;
  data.description = scenario.description;
  data.source_name = scenario.source_name;
  data.source_text = scenario.source_text;
  data.seed = result.seed;
  data.trace_hash = result.trace_hash_hex();
  data.duration_us = end;
  data.events = result.events;
  data.pass = result.pass;
  data.bugs = result.bugs;
  for (const auto& check : result.checks) data.checks.push_back({check.name, check.ok, check.judged, check.detail});
  for (const auto& e : result.expectations) data.expectations.push_back({e.text, e.ok, true, e.detail});
  const RunMetrics& m = result.metrics;
  data.metrics = {{"ops_ok", m.ops_ok},         {"ops_failed", m.ops_failed},
                  {"ops_unknown", m.ops_unknown}, {"elections", m.elections},
                  {"messages_sent", m.messages_sent}, {"messages_dropped", m.messages_dropped},
                  {"commit_index", m.commit_index}};

  for (std::size_t n = 0; n < result.observations.size(); ++n) {
    Lane lane;
    lane.node = fmt::format("n{}", n + 1);
    build_roles(lane, result.observations[n], end, limits.role_spans);
    build_states(lane, result.observations[n], end);
    build_commits(lane, result.observations[n], end, limits.commit_points);
    data.lanes.push_back(std::move(lane));
  }
  build_cuts(data.lanes, result.network_changes, end);
  for (const auto& fault : result.faults)
    data.faults.push_back({fault.time_us, std::string(fault_kind_name(scenario.faults.at(fault.fault))), fault.text});

  // Violations: the smallest failing set of operations, named by the checker.
  std::vector<bool> witness(history.size(), false);
  for (const auto& check : result.checks) {
    if (check.ok || check.witness.empty()) continue;
    Violation violation{check.name, check.detail, {}, {end, 0}};
    for (std::size_t id : check.witness) {
      if (id >= history.size()) continue;
      witness[id] = true;
      violation.ops.push_back(id);
      const auto& op = history[id];
      violation.span.start_us = std::min(violation.span.start_us, op.call_us);
      violation.span.end_us = std::max(violation.span.end_us, op.return_us.value_or(end));
    }
    data.violations.push_back(std::move(violation));
  }

  // Which stretches carry every operation and message: the whole run when it
  // fits, else windows around the faults and violations, narrowed until they fit.
  const auto& messages = result.messages;
  data.messages_recorded = !messages.empty() || result.messages_truncated;
  data.messages_total = messages.size();
  data.ops_total = history.size();
  std::vector<TimeSpan> detail{{0, end}};
  if (history.size() > limits.operations || messages.size() > limits.messages) {
    for (const Micros pad : {4'000'000, 2'000'000, 1'000'000, 500'000, 200'000, 100'000, 50'000}) {
      std::vector<TimeSpan> spans{{0, pad}};
      for (const auto& fault : data.faults) spans.push_back({fault.time_us - pad / 2, fault.time_us + pad});
      for (const auto& v : data.violations) spans.push_back({v.span.start_us - pad / 4, v.span.end_us + pad / 4});
      detail = merge(std::move(spans), end);
      std::size_t ops = 0, sent = 0;
      for (const auto& op : history) ops += overlaps(detail, op.call_us, op.return_us.value_or(end)) ? 1 : 0;
      for (const auto& message : messages) sent += overlaps(detail, message.sent_us, message.sent_us) ? 1 : 0;
      if (ops <= limits.operations && sent <= limits.messages) break;
    }
  }
  data.detail = detail;
  for (std::size_t id = 0; id < history.size(); ++id) {
    const auto& op = history[id];
    const Micros op_end = op.return_us.value_or(end);
    if (!witness[id] && (data.ops.size() >= limits.operations || !overlaps(detail, op.call_us, op_end))) continue;
    data.ops.push_back({id, op.client, op.call_us, op_end, op.return_us.has_value(), op.outcome, operation_label(op), witness[id]});
  }
  std::stable_sort(data.ops.begin(), data.ops.end(), [](const ClientOp& a, const ClientOp& b) { return a.call_us < b.call_us; });
  for (const auto& message : messages) {
    if (data.messages.size() >= limits.messages) break;
    if (!overlaps(detail, message.sent_us, message.sent_us)) continue;
    data.messages.push_back({message.sent_us, message.delivered_us, message.from, message.to,
                             raft::message_type_name(static_cast<raft::MessageType>(message.type)), message.entries});
  }

  const int clients = scenario.workload.clients;
  const bool binned = data.ops.size() < history.size();
  data.bin_us = binned ? std::max<Micros>(1, (end + static_cast<Micros>(limits.client_bins) - 1) /
                                                 static_cast<Micros>(limits.client_bins))
                       : 0;
  for (int c = 1; c <= clients; ++c) {
    ClientLane lane{c, {}};
    if (binned) lane.bins.assign(static_cast<std::size_t>((end + data.bin_us - 1) / data.bin_us), {});
    data.clients.push_back(std::move(lane));
  }
  if (binned) {
    for (const auto& op : history) {
      if (op.client < 1 || op.client > clients) continue;
      auto& bins = data.clients[static_cast<std::size_t>(op.client - 1)].bins;
      const auto b = std::min(bins.size() - 1, static_cast<std::size_t>(std::clamp<Micros>(op.call_us, 0, end) / data.bin_us));
      ClientBin& bin = bins[b];
      (op.outcome == history::Outcome::ok ? bin.ok : op.outcome == history::Outcome::fail ? bin.fail : bin.unknown) += 1;
    }
  }
  return data;
}

}  // namespace raftsim::sim::report
