// The quorum report page: a header saying what is plotted and how it was
// made, the chart (quorum_chart.cpp), the numbers behind it, and which side
// of each partition can commit. The base style is the run report's; the
// script only checks the chart and lets the legend hide a series.
#include <fmt/format.h>

#include "sim/report/html.hpp"
#include "sim/report/quorum_report.hpp"

namespace raftsim::sim::report {

namespace {

const char* const kQuorumStyle = R"CSS(
:root { --even: #c2410c; --even-band: #fdeee2; --commits: #2f855a; --stalled: #c53030; }
#quorum-header .description { max-width: 1000px; }
h1 .subtitle { font-weight: 400; color: var(--muted); }
#quorum-header code, .command { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; }
.lesson { max-width: 1000px; margin: 4px 0 10px; }
.lesson strong { color: var(--even); }
#quorum-legend { font-size: 12.5px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 16px;
                 align-items: center; margin: 6px 0 2px; }
#quorum-legend svg { vertical-align: middle; margin-right: 4px; }
.legend-series { cursor: pointer; color: var(--ink); font-weight: 600; }
.legend-series.off { opacity: .35; text-decoration: line-through; }
#quorum-chart { display: block; max-width: 100%; height: auto; }
#quorum-chart .column.odd { fill: #fff; }
#quorum-chart .column.even { fill: var(--even-band); }
#quorum-chart .size-label { font-size: 13px; font-weight: 600; }
#quorum-chart .size-label.even, #quorum-chart .parity-label.even { fill: var(--even); }
#quorum-chart .parity-label { font-size: 10.5px; fill: var(--muted); }
#quorum-chart .tick-label, #quorum-chart .downtime-label { font-size: 11px; fill: var(--muted); }
#quorum-chart .axis { stroke: #9aa5b1; stroke-width: 1; }
#quorum-chart .grid { stroke: #e4e9ef; }
#quorum-chart .axis-title { font-size: 11.5px; fill: var(--muted); font-weight: 600; }
#quorum-chart .saw { fill: none; stroke: var(--series); stroke-width: 1.6; opacity: .55; }
#quorum-chart .point.analytic.odd { fill: var(--series); stroke: #fff; stroke-width: 1.2; }
#quorum-chart .point.analytic.even { fill: #fff; stroke: var(--series); stroke-width: 2.6; }
#quorum-chart .point.no-majority { fill: var(--series); opacity: .8; }
#quorum-chart .point.write-unavailable { fill: #fff; stroke: var(--series); stroke-width: 1.5; }
#quorum-chart .error-bar line { stroke: var(--series); stroke-width: 1.3; }
#quorum-chart .error-bar.write-unavailable line { stroke-dasharray: 3 2; }
#quorum-chart .ratio { font-size: 11px; font-weight: 700; fill: var(--even); paint-order: stroke;
                      stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
table.numbers { margin: 4px 0 14px; }
table.numbers caption { text-align: left; font-weight: 600; padding: 2px 0; }
table.numbers th, table.numbers td { padding: 2px 14px 2px 0; text-align: right; font-size: 13px; }
table.numbers th { color: var(--muted); font-weight: 500; }
table.numbers td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
table.numbers td.compare { text-align: left; font-family: inherit; }
table.numbers tr.even td { background: var(--even-band); }
table.numbers tr.even td.compare { color: var(--even); }
table#partitions-table th, table#partitions-table td { padding: 3px 16px 3px 0; text-align: left; font-size: 13px;
                                                       vertical-align: middle; }
table#partitions-table th { color: var(--muted); font-weight: 500; }
table#partitions-table tr.even td.nodes { color: var(--even); font-weight: 600; }
td.split { white-space: nowrap; }
td.split .dots { font-size: 15px; letter-spacing: 1px; }
td.split .majority-side { color: var(--commits); }
td.split .minority-side { color: #a3a9b1; }
td.split.stalls { background: #fde2e2; border-radius: 4px; padding-left: 6px; }
td.split.stalls .dots { color: var(--stalled); }
td.split .verdict { font-size: 12px; color: var(--muted); margin-left: 4px; }
td.split.stalls .verdict { color: var(--stalled); font-weight: 600; }
)CSS";

const char* const kQuorumScript = R"JS(
function main() {
  var chart = document.getElementById("quorum-chart");
  var expected = +chart.getAttribute("data-points"), drawn = chart.querySelectorAll(".point").length;
  if (drawn === 0 || drawn !== expected) throw new Error("the chart has " + drawn + " points, expected " + expected);
  Array.prototype.forEach.call(document.querySelectorAll(".legend-series"), function (key) {
    key.onclick = function () {
      var off = key.classList.toggle("off");
      var group = chart.querySelector('g.series[data-series="' + key.getAttribute("data-series") + '"]');
      if (group) group.style.display = off ? "none" : "";
    };
  });
}
)JS";

std::string number(double value) { return fmt::format("{:.4g}", value); }

std::string probabilities(const QuorumReport& report) {
  std::string out;
  for (const auto& series : report.series) out += fmt::format("{}{}", out.empty() ? "" : ", ", series.p);
  return out;
}

std::string duration_text(quorum::Micros us) {
  if (us % 3'600'000'000 == 0) return fmt::format("{}h", us / 3'600'000'000);
  if (us % 60'000'000 == 0) return fmt::format("{}m", us / 60'000'000);
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  return fmt::format("{:.3f}s", static_cast<double>(us) / 1e6);
}

// "At p = 0.05, 4 nodes are 1.93× as likely as 3 to have no majority, and 6 are 1.93× as likely as 5. "
std::string lesson(const QuorumSeries& series) {
  std::vector<const quorum::SizeRow*> evens;  // at most two, from 4 up (2 only when alone)
  for (const auto& row : series.rows)
    if (row.nodes % 2 == 0 && row.nodes >= 4 && row.ratio_to_one_fewer && evens.size() < 2) evens.push_back(&row);
  if (evens.empty())
    for (const auto& row : series.rows)
      if (row.nodes == 2 && row.ratio_to_one_fewer) evens.push_back(&row);
  if (evens.empty()) return "";
  const auto phrase = [](const quorum::SizeRow& row, bool first) {
    return fmt::format("<strong>{} {}are {:.3g}× as likely as {}</strong>", row.nodes, first ? "nodes " : "",
                       *row.ratio_to_one_fewer, row.nodes - 1);
  };
  std::string out = fmt::format("At p = {}, {}", series.p, phrase(*evens[0], true));
  if (evens.size() > 1) out += ", and " + phrase(*evens[1], false);
  return out + " to have no majority. ";
}

void header(std::string& out, const QuorumReport& report) {
  const bool several = report.series.size() > 1;
  out += "<header id=\"quorum-header\">\n<h1>raftsim quorum: <span class=\"subtitle\">why an odd number of "
         "members</span></h1>\n";
  out += fmt::format(
      "<p class=\"description\">Each node is down, independently, with probability p{}. A cluster of N nodes "
      "needs a majority, floor(N/2) + 1 of them, to elect a leader and commit, so it tolerates N minus that many "
      "failures. The chart plots, for each cluster size, the probability that it has no majority, "
      "P(no majority) = the sum over k &gt; tolerated of C(N,k) p<sup>k</sup> (1-p)<sup>N-k</sup>, on a log scale"
      "{}{}. Even sizes are shaded: each tolerates no more failures than the odd size below it but has one more "
      "node that can fail; the figure above an even size is how many times as likely it is to have no majority "
      "as one node fewer.</p>\n",
      several ? "" : fmt::format(" = {}", report.series.front().p),
      several ? " (one line per p)" : "", report.simulation ? ", with what the simulator measured beside it" : "");
  out += "<table id=\"quorum-facts\" class=\"facts\">\n";
  const auto fact = [&](std::string_view name, const std::string& value) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", name, escape_html(value));
  };
  fact(several ? "p values" : "p", probabilities(report));
  std::string sizes;
  for (const auto& row : report.series.front().rows) sizes += fmt::format("{}{}", sizes.empty() ? "" : ", ", row.nodes);
  fact("cluster sizes", sizes);
  fact("plotted", report.simulation ? "P(no majority) from the formula; simulated no majority and writes unavailable, "
                                      "each with its 95% interval"
                                    : "P(no majority) from the formula");
  if (report.simulation) {
    const auto& s = *report.simulation;
    fact("simulation", fmt::format("{} of simulated time per size in {} runs, seed {}, mean down {}", duration_text(s.duration),
                                   s.runs, s.seed, duration_text(s.mean_down)));
  }
  fact("command", report.command_line);
  out += "</table>\n</header>\n";
}

// A small inline SVG key for the legend, in the same classes as the chart.
std::string key(std::string_view shape, const std::string& colour) {
  return fmt::format("<svg width=\"16\" height=\"14\" viewBox=\"0 0 16 14\" style=\"--series:{}\">{}</svg>", colour,
                     shape);
}

void chart_section(std::string& out, const QuorumReport& report) {
  const QuorumChart chart = build_quorum_chart(report);
  out += "<section id=\"chart-section\">\n<h2>P(no majority) by cluster size</h2>\n";
  out += fmt::format("<p class=\"lesson\">{}An even size tolerates no more failures than the odd size below it "
                     "(4 nodes need 3, so they survive one failure, like 3), so the line goes up at every even "
                     "size.</p>\n",
                     lesson(report.series.front()));
  out += "<div id=\"quorum-legend\">";
  for (std::size_t s = 0; s < report.series.size(); ++s)
    out += fmt::format("<span class=\"legend-series\" data-series=\"{}\" title=\"click to hide or show\">{}p = {}</span>",
                       s, key("<line x1=\"0\" x2=\"16\" y1=\"7\" y2=\"7\" stroke=\"var(--series)\" stroke-width=\"2\"/>",
                              chart.colours[s]),
                       report.series[s].p);
  const std::string grey = "#52606d";
  out += fmt::format("<span>{}odd size</span>",
                     key("<circle cx=\"8\" cy=\"7\" r=\"5\" fill=\"var(--series)\"/>", grey));
  out += fmt::format("<span>{}even size (shaded column)</span>",
                     key("<circle cx=\"8\" cy=\"7\" r=\"4.5\" fill=\"#fff\" stroke=\"var(--series)\" stroke-width=\"2.4\"/>",
                         grey));
  if (chart.simulated) {
    out += fmt::format("<span>{}simulated no majority, 95% interval</span>",
                       key("<line x1=\"8\" x2=\"8\" y1=\"0\" y2=\"14\" stroke=\"var(--series)\"/>"
                           "<rect x=\"4.5\" y=\"3.5\" width=\"7\" height=\"7\" fill=\"var(--series)\"/>",
                           grey));
    out += fmt::format("<span>{}simulated writes unavailable (elections included), 95% interval</span>",
                       key("<line x1=\"8\" x2=\"8\" y1=\"0\" y2=\"14\" stroke=\"var(--series)\" stroke-dasharray=\"3 2\"/>"
                           "<path d=\"M8,2.5l4.5,7.5h-9z\" fill=\"#fff\" stroke=\"var(--series)\" stroke-width=\"1.5\"/>",
                           grey));
  }
  out += "</div>\n<div id=\"render-error\" hidden></div>\n";
  out += render_quorum_svg(chart, report);
  out += "<p class=\"note\">Hover a point for its numbers. Values below the lowest line are drawn on it.";
  if (chart.simulated)
    out += " An interval open at the bottom reaches zero: the simulated runs saw the event rarely or never, and a "
           "longer --duration narrows it.";
  out += "</p>\n</section>\n";
}

void numbers_section(std::string& out, const QuorumReport& report) {
  out += "<section id=\"numbers\">\n<h2>The numbers</h2>\n";
  for (std::size_t s = 0; s < report.series.size(); ++s) {
    const QuorumSeries& series = report.series[s];
    const bool simulated = !series.simulated.empty();
    out += fmt::format("<table class=\"numbers\" data-p=\"{}\"><caption>p = {}</caption>\n<tr><th>nodes</th>"
                       "<th>majority</th><th>tolerates</th><th>P(no majority)</th><th>downtime a year</th>{}"
                       "<th class=\"compare\">compared with one node fewer</th></tr>\n",
                       series.p, series.p,
                       simulated ? "<th>simulated no majority [95%]</th><th>writes unavailable [95%]</th>" : "");
    for (std::size_t i = 0; i < series.rows.size(); ++i) {
      const auto& row = series.rows[i];
      std::string sim;
      if (simulated) {
        const auto& lost = series.simulated[i].quorum_lost;
        const auto& wu = series.simulated[i].write_unavailable;
        sim = fmt::format("<td>{} [{}, {}]</td><td>{} [{}, {}]</td>", number(lost.mean), number(lost.lo),
                          number(lost.hi), number(wu.mean), number(wu.lo), number(wu.hi));
      }
      out += fmt::format("<tr class=\"size-row {}\" data-nodes=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td>{}<td class=\"compare\">{}</td></tr>\n",
                         row.nodes % 2 == 1 ? "odd" : "even", row.nodes, row.nodes, row.majority, row.tolerated,
                         number(row.p_unavailable), escape_html(quorum::downtime_per_year(row.p_unavailable)), sim,
                         escape_html(quorum::compare_text(row)));
    }
    out += "</table>\n";
  }
  out += "</section>\n";
}

std::string dots(int count, const char* side) {
  std::string out = fmt::format("<span class=\"{}\">", side);
  for (int i = 0; i < count; ++i) out += "&#9679;";  // a filled circle per node
  return out + "</span>";
}

void partitions_section(std::string& out, const QuorumReport& report) {
  out += "<section id=\"partitions\">\n<h2>Partitions: which side can commit</h2>\n"
         "<p class=\"description\">N nodes cut in two, a | b. Only a side with a majority can elect a leader and "
         "commit; the other side's writes wait. Every split of an odd cluster leaves one side with a majority; an "
         "even split of an even cluster leaves neither side able to commit, though every node is up "
         "(highlighted).</p>\n";
  if (report.partitions.empty()) {
    out += "<p class=\"none\">A single node cannot be split.</p>\n</section>\n";
    return;
  }
  std::size_t widest = 0;
  for (const auto& row : report.partitions) widest = std::max(widest, row.splits.size());
  out += "<table id=\"partitions-table\"><tr><th>nodes</th><th>majority</th>";
  for (std::size_t i = 0; i < widest; ++i) out += fmt::format("<th>split {}</th>", i + 1);
  out += "</tr>\n";
  for (const auto& row : report.partitions) {
    const bool even = row.even_split_stalls();
    out += fmt::format("<tr class=\"partition-row {}\" data-nodes=\"{}\"><td class=\"nodes\">{}</td><td>{}</td>",
                       even ? "even" : "odd", row.nodes, row.nodes, row.majority);
    for (const auto& split : row.splits) {
      const bool stalls = !split.larger_commits;
      out += fmt::format("<td class=\"split {}\" data-split=\"{}|{}\" title=\"{}\"><span class=\"dots\">{}|{}</span>"
                         "<span class=\"verdict\">{}</span></td>",
                         stalls ? "stalls" : "commits", split.smaller, split.larger, escape_html(split.text()),
                         dots(split.smaller, stalls ? "stalled-side" : "minority-side"),
                         dots(split.larger, stalls ? "stalled-side" : "majority-side"),
                         stalls ? "neither side commits" : fmt::format("the {}-side commits", split.larger));
    }
    for (std::size_t i = row.splits.size(); i < widest; ++i) out += "<td></td>";
    out += "</tr>\n";
  }
  out += "</table>\n</section>\n";
}

}  // namespace

std::string render_quorum_html(const QuorumReport& report) {
  std::string out;
  out.reserve(1 << 15);
  out += fmt::format("<!DOCTYPE html>\n<html lang=\"en\" data-render=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>raftsim quorum: P(no majority) by cluster size (p = {})</title>\n"
                     "<style>\n{}{}</style>\n</head>\n<body>\n",
                     escape_html(probabilities(report)), kReportStyle, kQuorumStyle);
  header(out, report);
  chart_section(out, report);
  numbers_section(out, report);
  partitions_section(out, report);
  out += fmt::format("<footer>Written by raftsim quorum. The formula's values are exact{}.</footer>\n<script>\n",
                     report.simulation ? "; the same --seed gives the same measurements" : "");
  out += kPageScriptStart;
  out += kQuorumScript;
  out += kPageScriptEnd;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

void write_quorum_report(const std::string& path, const QuorumReport& report) {
  write_file_atomically(path, render_quorum_html(report), "--report");
}

}  // namespace raftsim::sim::report
