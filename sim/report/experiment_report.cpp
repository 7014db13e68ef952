// The experiment page: a header (what was run, how), one CDF chart per time
// measure, the numbers and the template.
#include "sim/report/experiment_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/experiment/output.hpp"
#include "sim/report/html.hpp"

namespace raftsim::sim::report {

namespace {

using experiment::Measure;

const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                                "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#ad494a"};

const char* const kExperimentStyle = R"CSS(
.cdf { display: block; max-width: 100%; height: auto; margin: 4px 0 2px; }
.cdf .axis { stroke: #9aa5b1; stroke-width: 1; }
.cdf .grid { stroke: #dde3ea; }
.cdf .tick-label { font-size: 11px; fill: var(--muted); }
.cdf .axis-title { font-size: 11.5px; fill: var(--muted); font-weight: 600; }
.cdf .plot { fill: #e8edf2; }
.cdf .curve { fill: none; stroke-width: 2.2; }
.legend { font-size: 12.5px; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 2px 0 16px; }
.legend-point { cursor: pointer; font-weight: 600; }
.legend-point.off { opacity: .35; text-decoration: line-through; }
.legend-point .swatch { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 5px; }
table.numbers th, table.numbers td { padding: 2px 12px 2px 0; text-align: right; font-size: 12.5px; }
table.numbers th { color: var(--muted); font-weight: 500; }
table.numbers td.text { text-align: left; }
pre.template { background: #f6f8fa; padding: 8px 12px; font-size: 12px; max-width: 1000px; overflow-x: auto; }
)CSS";

const char* const kExperimentScript = R"JS(
function main() {
  Array.prototype.forEach.call(document.querySelectorAll("svg.cdf"), function (chart) {
    var expected = +chart.getAttribute("data-curves"), drawn = chart.querySelectorAll(".curve").length;
    if (drawn !== expected) throw new Error(chart.id + " has " + drawn + " curves, expected " + expected);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".legend-point"), function (key) {
    key.onclick = function () {
      var off = key.classList.toggle("off");
      var selector = '.curve[data-point="' + key.getAttribute("data-point") + '"]';
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (curve) {
        curve.style.display = off ? "none" : "";
      });
    };
  });
}
)JS";


std::string tick_label(double ms) {
  if (ms >= 1000) return fmt::format("{}s", experiment::format_number(ms / 1000));
  return fmt::format("{}ms", experiment::format_number(ms));
}

// One chart: the CDF of `measure` at every point.
std::string chart(const experiment::Experiment& e, const experiment::ExperimentResult& result, Measure measure) {
  const auto m = static_cast<std::size_t>(measure);
  const double width = 900, height = 380, left = 56, right = 880, top = 14, bottom = 330;
  double lo = 1e300, hi = 0;
  for (const auto& point : result.points)
    for (double x : point.samples[m]) {
      if (x > 0) lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  if (hi <= 0) return "";  // nothing to draw
  if (lo > hi) lo = hi;
  const double floor_exp = std::floor(std::log10(lo)), ceil_exp = std::max(floor_exp + 1, std::ceil(std::log10(hi)));
  const auto x_of = [&](double ms) {
    const double v = std::log10(std::max(ms, std::pow(10.0, floor_exp)));
    return left + (v - floor_exp) / (ceil_exp - floor_exp) * (right - left);
  };
  const auto y_of = [&](double fraction) { return bottom - fraction * (bottom - top); };
  std::size_t curves = 0;
  std::string body = fmt::format("<rect class=\"plot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", left, top,
                                 right - left, bottom - top);
  for (int p = 0; p <= 4; ++p) {
    const double y = y_of(p / 4.0);
    body += fmt::format("<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                        "<text class=\"tick-label\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}%</text>\n",
                        left, right, y, y, left - 6, y + 4, p * 25);
  }
  for (double exp = floor_exp; exp <= ceil_exp; ++exp) {
    for (int k = 1; k <= 9; ++k) {
      const double ms = k * std::pow(10.0, exp);
      if (exp == ceil_exp && k > 1) break;
      const double x = x_of(ms);
      body += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"{}/>", x, x, top, bottom,
                          k == 1 ? "" : " stroke-dasharray=\"2 3\"");
      if (k == 1 || k == 2 || k == 5)
        body += fmt::format("<text class=\"tick-label\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x,
                            bottom + 16, tick_label(ms));
    }
    body += "\n";
  }
  body += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><line class=\"axis\" x1=\"{}\" "
                      "x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n",
                      left, right, bottom, bottom, left, left, top, bottom);
  body += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} (ms, log scale)</text>\n",
                      (left + right) / 2, height - 18, experiment::measure_name(measure));
  body += fmt::format("<text class=\"axis-title\" x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" "
                      "text-anchor=\"middle\">cumulative percent of {}</text>\n",
                      (top + bottom) / 2, (top + bottom) / 2,
                      measure == Measure::commit_latency ? "writes" : "trials");
  for (std::size_t p = 0; p < result.points.size(); ++p) {
    const auto& point = result.points[p];
    const auto& samples = point.samples[m];
    if (samples.empty()) continue;
    const std::uint64_t total = measure == Measure::commit_latency ? samples.size() : point.trials;
    const CdfCurve curve = cdf_curve(p, samples, total);
    std::string path;
    double previous_y = y_of(0);
    for (const auto& [x, y] : curve.steps) {
      const double sx = x_of(x), sy = y_of(y);
      path += fmt::format("{}{:.1f},{:.1f} {:.1f},{:.1f}", path.empty() ? "M" : " L", sx, previous_y, sx, sy);
      previous_y = sy;
    }
    path += fmt::format(" L{:.1f},{:.1f}", right, previous_y);
    body += fmt::format("<path class=\"curve\" data-point=\"{}\" stroke=\"{}\" d=\"{}\"><title>{}: {} of {} reached"
                        "</title></path>\n",
                        p, kColours[p % std::size(kColours)], path, escape_html(experiment::point_label(e.points[p])),
                        samples.size(), total);
    ++curves;
  }
  return fmt::format("<h2>{}</h2>\n<svg class=\"cdf\" id=\"cdf-{}\" data-curves=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" "
                     "height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n{}</svg>\n",
                     experiment::measure_name(measure), experiment::measure_name(measure), curves, width, height, width,
                     height, body);
}

std::string table(const experiment::Experiment& e, const experiment::ExperimentResult& result) {
  std::string out = "<h2>Numbers</h2>\n<table class=\"numbers\" id=\"numbers\">\n<tr><th class=\"text\">point</th>"
                    "<th class=\"text\">measure</th><th>count</th><th>never</th><th>min</th><th>median</th><th>mean</th>"
                    "<th>p90</th><th>p99</th><th>max</th></tr>\n";
  for (std::size_t p = 0; p < e.points.size(); ++p)
    for (Measure measure : e.measures) {
      const auto& s = result.points[p].summaries[static_cast<std::size_t>(measure)];
      const bool time = experiment::measure_unit(measure) == experiment::Unit::milliseconds;
      out += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}{}</td><td>{}</td><td>{}</td>",
                         escape_html(experiment::point_label(e.points[p])), experiment::measure_name(measure), time ? " (ms)" : "",
                         s.count, s.never);
      for (double value : {s.min, s.median, s.mean, s.p90, s.p99, s.max})
        out += fmt::format("<td>{}</td>", s.count ? experiment::format_number(value) : "-");
      out += "</tr>\n";
    }
  return out + "</table>\n";
}

}  // namespace

CdfCurve cdf_curve(std::size_t point, const std::vector<double>& sorted, std::uint64_t total, std::size_t max_steps) {
  CdfCurve curve;
  curve.point = point;
  if (sorted.empty() || total == 0) return curve;
  const std::size_t n = sorted.size();
  const std::size_t stride = std::max<std::size_t>(1, (n + max_steps - 1) / max_steps);
  for (std::size_t i = 0; i < n; ++i) {
    // The last of equal samples carries the step; thinned, every stride-th and the last.
    if (i + 1 < n && (sorted[i + 1] == sorted[i] || (i + 1) % stride != 0)) continue;
    curve.steps.emplace_back(sorted[i], static_cast<double>(i + 1) / static_cast<double>(total));
  }
  curve.reached = static_cast<double>(n) / static_cast<double>(total);
  return curve;
}

std::string render_experiment_html(const experiment::Experiment& e, const experiment::ExperimentResult& result,
                                   const std::string& command_line) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\" data-render=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>raftsim experiment: {}</title>\n<style>{}{}</style>\n</head>\n<body>\n",
      escape_html(e.name), kReportStyle, kExperimentStyle);
  out += fmt::format("<header>\n<h1>raftsim experiment: {}</h1>\n<p class=\"description\">{}</p>\n", escape_html(e.name),
                     escape_html(e.description));
  out += fmt::format("<p>{} point{} × {} trials (seeds {}..{}), raft {}; result: <strong>{}</strong>. "
                     "<code class=\"command\">{}</code></p>\n</header>\n",
                     e.points.size(), e.points.size() == 1 ? "" : "s", e.trials, e.seed,
                     experiment::trial_seed(e, e.trials - 1),
                     scenario::implementation_name(e.points.front().scenario.cluster.raft),
                     result.pass() ? "pass" : "fail", escape_html(command_line));
  out += "<div class=\"legend\">";
  for (std::size_t p = 0; p < e.points.size(); ++p)
    out += fmt::format("<span class=\"legend-point\" data-point=\"{}\"><span class=\"swatch\" style=\"background:{}\">"
                       "</span>{}</span>",
                       p, kColours[p % std::size(kColours)], escape_html(experiment::point_label(e.points[p])));
  out += "</div>\n";
  for (Measure measure : e.measures)
    if (experiment::measure_unit(measure) == experiment::Unit::milliseconds) out += chart(e, result, measure);
  out += table(e, result);
  if (!result.bounds.empty()) {
    out += "<h2>Bounds</h2>\n<ul id=\"bounds\">\n";
    for (const auto& bound : result.bounds)
      out += fmt::format("<li>{}: {} at {}: {}</li>\n", bound.ok ? "held" : "<strong>EXCEEDED</strong>",
                         escape_html(bound.bound->text), escape_html(experiment::point_label(e.points[bound.point])),
                         experiment::format_number(bound.value));
    out += "</ul>\n";
  }
  out += fmt::format("<h2>Template</h2>\n<pre class=\"template\">{}</pre>\n", escape_html(e.template_text));
  out += "<script>\n";
  out += kPageScriptStart;
  out += kExperimentScript;
  out += kPageScriptEnd;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

void write_experiment_report(const std::string& path, const experiment::Experiment& e,
                             const experiment::ExperimentResult& result, const std::string& command_line) {
  write_file_atomically(path, render_experiment_html(e, result, command_line), "--report");
}

}  // namespace raftsim::sim::report
