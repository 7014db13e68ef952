#include "sim/report.hpp"

#include <fmt/format.h>

namespace raftsim::sim {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned char>(ch));
        else out += ch;
    }
  }
  return out + "\"";
}

static std::string seconds(std::int64_t us) { return fmt::format("{:8.3f}s", static_cast<double>(us) / 1e6); }

std::string format_text(const RunResult& result, const scenario::Scenario& scenario, Verbosity verbosity) {
  std::string out;
  if (verbosity != Verbosity::quiet) {
    out += fmt::format("scenario {} (seed {}, {} nodes{}, {:.1f}s simulated){}\n", result.scenario, result.seed,
                       scenario.cluster.nodes, result.raft == "etcd" ? ", etcd's raft 3.4.23" : "",
                       static_cast<double>(result.simulated_us) / 1e6,
                       result.bugs.empty() ? "" : fmt::format(", planted bugs: {}", fmt::join(result.bugs, ", ")));
    if (!scenario.description.empty()) out += fmt::format("  {}\n", scenario.description);
    out += "\ntimeline\n";
    std::size_t shown = 0;
    for (const auto& entry : result.timeline) {
      if (verbosity != Verbosity::verbose && shown >= 40) {
        out += fmt::format("  ... {} more (use -v)\n", result.timeline.size() - shown);
        break;
      }
      if (entry.explanation) {
        out += fmt::format("  {}    -> {}\n", std::string(9, ' '), entry.text);
        continue;
      }
      out += fmt::format("  {}  {}\n", seconds(entry.time_us), entry.text);
      ++shown;
    }
    const RunMetrics& m = result.metrics;
    out += "\nmetrics\n";
    out += fmt::format("  operations   {} ok, {} failed, {} unknown\n", m.ops_ok, m.ops_failed, m.ops_unknown);
    out += fmt::format("  elections    {}\n", m.elections);
    out += fmt::format("  messages     {} sent, {} dropped, {} duplicated\n", m.messages_sent, m.messages_dropped,
                       m.messages_duplicated);
    out += fmt::format("  commit index {}   fsyncs {}   events {}\n", m.commit_index, m.fsyncs, result.events);
    if (m.watch_events > 0 || m.watch_resumes > 0 || m.compactions > 0)
      out += fmt::format("  watches      {} events, {} resumed, {} listed again; {} compactions\n", m.watch_events,
                         m.watch_resumes, m.watch_relists, m.compactions);
    out += "\nnodes\n";
    for (const auto& node : result.nodes)
      out += fmt::format("  {:<4} {:<13} term {:<4} commit {:<7} applied {}\n", node.name, node.role, node.term,
                         node.commit_index, node.applied_index);
    out += "\nchecks\n";
  }
  for (const auto& check : result.checks) {
    const char* verdict = !check.judged ? "skip" : check.ok ? "ok" : "FAIL";
    if (verbosity == Verbosity::quiet && check.ok) continue;
    out += fmt::format("  {:<5} {:<21} {}\n", verdict, check.name, check.detail);
  }
  if (!result.expectations.empty() && verbosity != Verbosity::quiet) out += "\nexpectations\n";
  for (const auto& expectation : result.expectations) {
    if (verbosity == Verbosity::quiet && expectation.ok) continue;
    out += fmt::format("  {:<5} {:<40} {}\n", expectation.ok ? "ok" : "FAIL", expectation.text, expectation.detail);
  }
  out += fmt::format("\ntrace hash {}\nresult: {}\n", result.trace_hash_hex(), result.pass ? "pass" : "FAIL");
  return out;
}

std::string format_json(const RunResult& result) {
  std::string out = "{";
  out += fmt::format("\"scenario\":{},\"seed\":{},\"trace_hash\":\"{}\",\"simulated_us\":{},\"events\":{},\"result\":\"{}\"",
                     json_string(result.scenario), result.seed, result.trace_hash_hex(), result.simulated_us,
                     result.events, result.pass ? "pass" : "fail");
  out += fmt::format(",\"raft\":\"{}\"", result.raft);
  out += ",\"bugs\":[";
  for (std::size_t i = 0; i < result.bugs.size(); ++i) out += fmt::format("{}{}", i ? "," : "", json_string(result.bugs[i]));
  out += "],\"checks\":{";
  for (std::size_t i = 0; i < result.checks.size(); ++i) {
    const auto& check = result.checks[i];
    out += fmt::format("{}{}:{{\"ok\":{},\"judged\":{}", i ? "," : "", json_string(check.name), check.ok, check.judged);
    if (check.ops) out += fmt::format(",\"ops\":{}", *check.ops);
    if (!check.detail.empty()) out += fmt::format(",\"detail\":{}", json_string(check.detail));
    out += "}";
  }
  out += "},\"expectations\":[";
  for (std::size_t i = 0; i < result.expectations.size(); ++i) {
    const auto& e = result.expectations[i];
    out += fmt::format("{}{{\"text\":{},\"ok\":{},\"detail\":{}}}", i ? "," : "", json_string(e.text), e.ok,
                       json_string(e.detail));
  }
  const RunMetrics& m = result.metrics;
  out += fmt::format(
      "],\"metrics\":{{\"ops_ok\":{},\"ops_failed\":{},\"ops_unknown\":{},\"elections\":{},\"messages_sent\":{},"
      "\"messages_dropped\":{},\"messages_duplicated\":{},\"commit_index\":{},\"fsyncs\":{},\"watch_events\":{},"
      "\"watch_resumes\":{},\"watch_relists\":{},\"compactions\":{}}}",
      m.ops_ok, m.ops_failed, m.ops_unknown, m.elections, m.messages_sent, m.messages_dropped, m.messages_duplicated,
      m.commit_index, m.fsyncs, m.watch_events, m.watch_resumes, m.watch_relists, m.compactions);
  out += ",\"leaders\":[";
  for (std::size_t i = 0; i < result.leaders.size(); ++i) {
    const auto& l = result.leaders[i];
    out += fmt::format("{}{{\"term\":{},\"node\":{},\"elected_us\":{}}}", i ? "," : "", l.term, json_string(l.node),
                       l.elected_us);
  }
  out += "],\"nodes\":[";
  for (std::size_t i = 0; i < result.nodes.size(); ++i) {
    const auto& n = result.nodes[i];
    out += fmt::format("{}{{\"name\":{},\"role\":{},\"term\":{},\"commit_index\":{},\"applied_index\":{},\"up\":{}}}",
                       i ? "," : "", json_string(n.name), json_string(n.role), n.term, n.commit_index,
                       n.applied_index, n.up);
  }
  out += "]}";
  return out;
}

}  // namespace raftsim::sim
