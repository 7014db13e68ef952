// The report page: everything but the picture is plain HTML written here
// (header, verdicts, the violation and its operations, faults, the scenario
// text); the picture is inline SVG that the page's script draws from the
// embedded JSON, so a long run can be zoomed without a huge file.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/report/html.hpp"
#include "sim/report/report.hpp"
#include "sim/report/report_json.hpp"

namespace raftsim::sim::report {

// report_script.cpp
extern const char* const kReportScript;

namespace {

constexpr std::size_t kWitnessRows = 40;  // rows of a violation's table; all are outlined in the picture

std::string seconds(std::int64_t us) { return fmt::format("{:.3f}s", static_cast<double>(us) / 1e6); }

void verdict_rows(std::string& out, const std::vector<Verdict>& verdicts) {
  for (const auto& v : verdicts) {
    const char* status = !v.ok ? "fail" : v.judged ? "ok" : "unjudged";
    const char* mark = !v.ok ? "FAIL" : v.judged ? "ok" : "n/a";
    out += fmt::format("<tr class=\"verdict-row {}\"><td class=\"mark\">{}</td><td class=\"name\">{}</td>"
                       "<td class=\"detail\">{}</td></tr>\n",
                       status, mark, escape_html(v.name), escape_html(v.detail));
  }
}

void header(std::string& out, const ReportData& data) {
  out += fmt::format("<header id=\"header\">\n<h1>raftsim <span class=\"scenario-name\">{}</span> "
                     "<span id=\"result\" class=\"badge {}\">{}</span></h1>\n",
                     escape_html(data.scenario), data.pass ? "pass" : "fail", data.pass ? "pass" : "fail");
  if (!data.description.empty()) out += fmt::format("<p class=\"description\">{}</p>\n", escape_html(data.description));
  out += "<table id=\"summary\" class=\"facts\">\n";
  const auto fact = [&](std::string_view name, const std::string& value) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", name, escape_html(value));
  };
  fact("scenario file", data.source_name);
  fact("seed", fmt::format("{}", data.seed));
  fact("trace hash", data.trace_hash);
  fact("simulated", seconds(data.duration_us));
  fact("events", fmt::format("{}", data.events));
  fact("planted bugs", data.bugs.empty() ? "none" : fmt::format("{}", fmt::join(data.bugs, ", ")));
  std::string metrics;
  for (const auto& [name, value] : data.metrics) metrics += fmt::format("{}{} {}", metrics.empty() ? "" : ", ", name, value);
  fact("metrics", metrics);
  out += "</table>\n<section id=\"checks\"><h2>Checks</h2>\n<table class=\"verdicts\">\n";
  verdict_rows(out, data.checks);
  out += "</table></section>\n<section id=\"expectations\"><h2>Expectations</h2>\n";
  if (data.expectations.empty()) out += "<p class=\"none\">The scenario states no expectations.</p>\n";
  else {
    out += "<table class=\"verdicts\">\n";
    verdict_rows(out, data.expectations);
    out += "</table>\n";
  }
  out += "</section>\n</header>\n";
}

void violations(std::string& out, const ReportData& data) {
  if (data.violations.empty()) return;
  out += "<section id=\"violations\">\n";
  for (std::size_t i = 0; i < data.violations.size(); ++i) {
    const Violation& v = data.violations[i];
    out += fmt::format("<div class=\"violation\" id=\"violation-{}\"><h2>{} violated</h2>\n"
                       "<p>No order of these {} operations is consistent with what each returned and with "
                       "real time (an operation takes effect between its call and its return): they are "
                       "outlined in red in the picture. "
                       "<button class=\"show-violation\" data-violation=\"{}\">show them</button></p>\n"
                       "<table class=\"witness-ops\"><tr><th>op</th><th>client</th><th>operation</th><th>call</th>"
                       "<th>return</th><th>outcome</th></tr>\n",
                       i, escape_html(v.check), v.ops.size(), i);
    std::size_t rows = 0;
    for (const auto& op : data.ops) {
      if (std::find(v.ops.begin(), v.ops.end(), op.id) == v.ops.end()) continue;
      if (++rows > kWitnessRows) continue;
      out += fmt::format("<tr class=\"witness-op\" data-op=\"{}\"><td>#{}</td><td>c{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td><td class=\"outcome-{}\">{}</td></tr>\n",
                         op.id, op.id, op.client, escape_html(op.label), seconds(op.call_us),
                         op.returned ? seconds(op.end_us) : "-", history::to_string(op.outcome),
                         history::to_string(op.outcome));
    }
    if (rows > kWitnessRows)
      out += fmt::format("<tr class=\"witness-more\"><td colspan=\"6\">... and {} more</td></tr>\n", rows - kWitnessRows);
    out += fmt::format("</table>\n<details><summary>the checker's explanation</summary>"
                       "<pre class=\"explanation\">{}</pre></details></div>\n",
                       escape_html(v.explanation));
  }
  out += "</section>\n";
}

void picture(std::string& out, const ReportData& data) {
  out += "<section id=\"picture\">\n<div id=\"controls\">"
         "<button id=\"zoom-all\" title=\"the whole run\">whole run</button>"
         "<button id=\"zoom-in\" title=\"zoom in (mouse wheel on the picture)\">+</button>"
         "<button id=\"zoom-out\" title=\"zoom out\">&minus;</button>"
         "<button id=\"pan-left\" title=\"earlier\">&larr;</button>"
         "<button id=\"pan-right\" title=\"later\">&rarr;</button>"
         "<label><input type=\"checkbox\" id=\"show-arrows\" checked> messages</label>"
         "<label><input type=\"checkbox\" id=\"show-heartbeats\"> heartbeats</label>"
         "<span id=\"window-label\"></span></div>\n"
         "<svg id=\"overview\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"the whole run\"></svg>\n"
         "<div id=\"chart-box\"><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
         "aria-label=\"nodes and clients over time\"></svg></div>\n"
         "<p id=\"hint\">Drag across the strip above or the picture to choose a window; the mouse wheel zooms. "
         "Message arrows appear in windows of 2 s or less. Hover anything for details.</p>\n"
         "<noscript><p class=\"error\">The picture is drawn by JavaScript; the rest of this page reads "
         "without it.</p></noscript>\n";
  out += "<div id=\"legend\">"
         "<span class=\"key role-follower\"></span>follower "
         "<span class=\"key role-pre-candidate\"></span>pre-candidate "
         "<span class=\"key role-candidate\"></span>candidate "
         "<span class=\"key role-leader\"></span>leader "
         "<span class=\"key state-down\"></span>crashed / not started "
         "<span class=\"key state-paused\"></span>paused "
         "<span class=\"key commit\"></span>commit index "
         "<span class=\"key cut\"></span>links cut (colour: side) "
         "<span class=\"key cut-oneway\"></span>one-way cut "
         "<span class=\"key op-ok\"></span>op ok "
         "<span class=\"key op-fail\"></span>op failed "
         "<span class=\"key op-unknown\"></span>op unknown "
         "<span class=\"key op-witness\"></span>not linearizable</div>\n";
  if (data.ops.size() < data.ops_total || (data.messages_recorded && data.messages.size() < data.messages_total))
    out += fmt::format("<p id=\"sampling\" class=\"note\">A long run: {} of {} operations and {} of {} messages are "
                       "embedded, those near faults and violations (shaded in the strip above); elsewhere "
                       "clients are drawn as counts.</p>\n",
                       data.ops.size(), data.ops_total, data.messages.size(), data.messages_total);
  out += "</section>\n";
}

void faults(std::string& out, const ReportData& data) {
  out += "<section id=\"faults\"><h2>Faults</h2>\n";
  if (data.faults.empty()) {
    out += "<p class=\"none\">No faults fired.</p></section>\n";
    return;
  }
  out += "<table class=\"fault-list\"><tr><th>time</th><th>kind</th><th>what happened</th></tr>\n";
  for (std::size_t i = 0; i < data.faults.size(); ++i) {
    const FaultMark& f = data.faults[i];
    out += fmt::format("<tr class=\"fault-row\" data-fault=\"{}\"><td>{}</td><td class=\"fault-kind {}\">{}</td><td>{}</td></tr>\n",
                       i, seconds(f.time_us), escape_html(f.kind), escape_html(f.kind), escape_html(f.text));
  }
  out += "</table></section>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

void write_file_atomically(const std::string& path, std::string_view text, std::string_view option) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    if (!out) throw InputError(fmt::format("{} {}: cannot write", option, path));
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw InputError(fmt::format("{} {}: cannot write", option, path));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw InputError(fmt::format("{} {}: cannot write", option, path));
  }
}

void check_output_directory(const std::string& path, std::string_view option) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (path.empty() || std::filesystem::is_directory(path, error))
    throw InputError(fmt::format("{} {}: expected a file name", option, path));
  if (!parent.empty() && !std::filesystem::is_directory(parent, error))
    throw InputError(fmt::format("{} {}: no such directory {}", option, path, parent.string()));
}

std::string render_html(const ReportData& data) {
  std::string out;
  out.reserve(1 << 16);
  out += fmt::format("<!DOCTYPE html>\n<html lang=\"en\" data-render=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>raftsim report: {} (seed {})</title>\n<style>\n{}</style>\n</head>\n<body>\n",
                     escape_html(data.scenario), data.seed, kReportStyle);
  out += "<div id=\"render-error\" hidden></div>\n";
  header(out, data);
  violations(out, data);
  picture(out, data);
  faults(out, data);
  out += fmt::format("<section id=\"scenario-text\"><h2>Scenario <span class=\"file\">{}</span></h2>\n<pre>{}</pre></section>\n",
                     escape_html(data.source_name), escape_html(data.source_text));
  out += "<footer>Written by raftsim. Same scenario, seed and binary: the same run, event for event.</footer>\n";
  out += "<script type=\"application/json\" id=\"raftsim-data\">";
  out += report_json(data);
  out += "</script>\n<script>\n";
  out += kPageScriptStart;
  out += kReportScript;
  out += kPageScriptEnd;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

RunOptions with_recording(RunOptions options) {
  options.observe = true;
  options.record_messages = kRecordMessages;
  return options;
}

void write_report(const std::string& path, const scenario::Scenario& scenario, const RunResult& result,
                  const history::History& history) {
  write_file_atomically(path, render_html(build_report_data(scenario, result, history)), "--report");
}

}  // namespace raftsim::sim::report
