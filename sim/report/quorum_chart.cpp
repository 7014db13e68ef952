// The quorum report's chart: where each point goes (build_quorum_chart, pure
// data) and that layout as inline SVG (render_quorum_svg). No script draws
// anything: the SVG is complete as written.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/report/html.hpp"
#include "sim/report/quorum_report.hpp"

namespace raftsim::sim::report {

namespace {

// Series colours, one per p (cycled beyond six); none is the even columns' orange.
constexpr const char* kColours[] = {"#1d4e89", "#2a9d8f", "#8e6cc0", "#c0587e", "#6a994e", "#b5651d"};

constexpr int kLowestExponent = -16;  // below 1e-16, values are drawn on the floor

std::string number(double value) { return fmt::format("{:.4g}", value); }

std::string decade_label(int exponent) {
  if (exponent >= -3) return fmt::format("{:g}", std::pow(10.0, exponent));
  return fmt::format("1e{}", exponent);
}

// The lowest power of ten on the axis: under the smallest positive value
// drawn (with a little room), at most 0.1 so that at least one decade shows.
int floor_exponent(const QuorumReport& report) {
  double smallest = 0;
  const auto consider = [&](double value) {
    if (value > 0 && (smallest == 0 || value < smallest)) smallest = value;
  };
  for (const auto& series : report.series) {
    for (const auto& row : series.rows) consider(row.p_unavailable);
    for (const auto& sim : series.simulated) {
      consider(sim.quorum_lost.mean);
      consider(sim.quorum_lost.hi);
      consider(sim.write_unavailable.mean);
      consider(sim.write_unavailable.hi);
    }
  }
  if (smallest == 0) return -4;
  const double decades = std::log10(smallest);
  int exponent = static_cast<int>(std::floor(decades));
  if (decades - exponent < 0.15) --exponent;
  return std::clamp(exponent, kLowestExponent, -1);
}

std::string analytic_tooltip(const quorum::SizeRow& row, double p) {
  std::string text = fmt::format("{} nodes (majority {}, tolerates {}), p = {}: P(no majority) = {}, {} a year",
                                 row.nodes, row.majority, row.tolerated, p, number(row.p_unavailable),
                                 quorum::downtime_per_year(row.p_unavailable));
  const std::string compare = quorum::compare_text(row);
  if (!compare.empty()) text += "; " + compare;
  return text;
}

std::string simulated_tooltip(PointKind kind, const quorum::SimulatedSize& sim, const quorum::SizeRow& row, double p,
                              int runs) {
  const quorum::Estimate& e = kind == PointKind::no_majority ? sim.quorum_lost : sim.write_unavailable;
  std::string text = fmt::format("{} nodes, p = {}: simulated {} {}, 95% interval [{}, {}]", sim.nodes, p,
                                 kind == PointKind::no_majority ? "no majority" : "writes unavailable",
                                 number(e.mean), number(e.lo), number(e.hi));
  if (kind == PointKind::no_majority)
    text += fmt::format("; the formula says {}; {} of {} runs lost their majority", number(row.p_unavailable),
                        sim.runs_with_quorum_loss, runs);
  else
    text += fmt::format("; {} crashes, {} elections", sim.crashes, sim.elections);
  return text;
}

}  // namespace

std::string_view point_kind_name(PointKind kind) {
  switch (kind) {
    case PointKind::analytic: return "analytic";
    case PointKind::no_majority: return "no-majority";
    case PointKind::write_unavailable: return "write-unavailable";
  }
  return "analytic";
}

QuorumChart build_quorum_chart(const QuorumReport& report, double width, double height) {
  RAFTSIM_ASSERT(!report.series.empty(), "a quorum chart needs at least one p");
  QuorumChart chart;
  chart.width = width;
  chart.height = height;
  chart.left = 70;
  chart.right = width - 118;  // room for "downtime a year"
  chart.top = 30;             // room for the ratio above a point near 1
  chart.bottom = height - 50; // sizes, and odd / even under them
  const int exponent = floor_exponent(report);
  chart.floor = std::pow(10.0, exponent);
  const double plot_height = chart.bottom - chart.top;
  const auto y_of = [&](double value) {
    if (value <= chart.floor) return chart.bottom;
    return chart.top + (-std::log10(std::min(value, 1.0))) / -exponent * plot_height;
  };
  constexpr double kSecondsAYear = 365.25 * 24 * 3600;
  for (int e = 0; e >= exponent; --e) {
    const double value = std::pow(10.0, e);
    // Under a second a year, only the first such line says so.
    std::string downtime = quorum::downtime_per_year(value);
    if (value * kSecondsAYear < 1)
      downtime = chart.ticks.empty() || chart.ticks.back().value * kSecondsAYear >= 1 ? "< 1 second" : "";
    chart.ticks.push_back({value, y_of(value), decade_label(e), downtime});
  }

  const auto& sizes = report.series.front().rows;
  const double column_width = (chart.right - chart.left) / static_cast<double>(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    ChartColumn column;
    column.nodes = sizes[i].nodes;
    column.odd = column.nodes % 2 == 1;
    column.x0 = chart.left + static_cast<double>(i) * column_width;
    column.x1 = column.x0 + column_width;
    column.centre = (column.x0 + column.x1) / 2;
    chart.columns.push_back(column);
  }

  chart.simulated = std::any_of(report.series.begin(), report.series.end(),
                                [](const QuorumSeries& s) { return !s.simulated.empty(); });
  // Within a column, a slot per series and kind: the analytic point, then the
  // simulated no-majority and writes-unavailable fractions beside it.
  const std::size_t kinds = chart.simulated ? 3 : 1;
  const std::size_t slots = report.series.size() * kinds;
  const double slot_width = std::min(column_width * 0.8 / static_cast<double>(slots), chart.simulated ? 15.0 : 22.0);
  const int runs = report.simulation ? report.simulation->runs : 0;

  for (std::size_t s = 0; s < report.series.size(); ++s) {
    const QuorumSeries& series = report.series[s];
    RAFTSIM_ASSERT(series.rows.size() == sizes.size(), "every p has the same sizes");
    RAFTSIM_ASSERT(series.simulated.empty() || series.simulated.size() == series.rows.size(),
                   "simulated sizes match the table");
    chart.colours.emplace_back(kColours[s % std::size(kColours)]);
    for (std::size_t i = 0; i < series.rows.size(); ++i) {
      const quorum::SizeRow& row = series.rows[i];
      const ChartColumn& column = chart.columns[i];
      RAFTSIM_ASSERT(row.nodes == column.nodes, "every p has the same sizes");
      const auto slot_x = [&](std::size_t kind) {
        const double slot = static_cast<double>(s * kinds + kind);
        return column.centre + (slot - static_cast<double>(slots - 1) / 2) * slot_width;
      };
      ChartPoint point;
      point.series = s;
      point.nodes = row.nodes;
      point.odd = column.odd;
      point.kind = PointKind::analytic;
      point.value = point.lo = point.hi = row.p_unavailable;
      point.below_axis = row.p_unavailable < chart.floor;
      point.x = slot_x(0);
      point.y = point.y_lo = point.y_hi = y_of(row.p_unavailable);
      point.tooltip = analytic_tooltip(row, series.p);
      chart.points.push_back(point);
      if (!point.odd && row.ratio_to_one_fewer && !point.below_axis)
        chart.ratios.push_back({s, row.nodes, *row.ratio_to_one_fewer, point.x, point.y - 11,
                                fmt::format("×{:.3g}", *row.ratio_to_one_fewer)});
      if (series.simulated.empty()) continue;
      const quorum::SimulatedSize& sim = series.simulated[i];
      RAFTSIM_ASSERT(sim.nodes == row.nodes, "simulated sizes match the table");
      for (const PointKind kind : {PointKind::no_majority, PointKind::write_unavailable}) {
        const quorum::Estimate& e = kind == PointKind::no_majority ? sim.quorum_lost : sim.write_unavailable;
        ChartPoint bar;
        bar.series = s;
        bar.nodes = row.nodes;
        bar.odd = column.odd;
        bar.kind = kind;
        bar.value = e.mean;
        bar.error_bar = true;
        bar.lo = e.lo;
        bar.hi = e.hi;
        bar.below_axis = e.mean < chart.floor;
        bar.x = slot_x(kind == PointKind::no_majority ? 1 : 2);
        bar.y = y_of(e.mean);
        bar.y_lo = y_of(e.lo);
        bar.y_hi = y_of(e.hi);
        bar.tooltip = simulated_tooltip(kind, sim, row, series.p, runs);
        chart.points.push_back(bar);
      }
    }
  }
  return chart;
}

std::string render_quorum_svg(const QuorumChart& chart, const QuorumReport& report) {
  std::string out;
  std::string ps;
  for (const auto& series : report.series) ps += fmt::format("{}{}", ps.empty() ? "" : ", ", series.p);
  out += fmt::format("<svg id=\"quorum-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
                     "width=\"{0}\" height=\"{1}\" role=\"img\" data-points=\"{2}\" aria-label=\"{3}\">\n",
                     chart.width, chart.height, chart.points.size(),
                     escape_html(fmt::format("P(no majority) by cluster size, log scale, p = {}", ps)));
  // Columns: even sizes shaded, their labels in the even colour.
  out += "<g class=\"columns\">\n";
  for (const auto& column : chart.columns) {
    const char* parity = column.odd ? "odd" : "even";
    out += fmt::format("<rect class=\"column {}\" data-nodes=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                       "height=\"{:.1f}\"/>\n",
                       parity, column.nodes, column.x0, chart.top, column.x1 - column.x0, chart.bottom - chart.top);
    out += fmt::format("<text class=\"size-label {0}\" x=\"{1:.1f}\" y=\"{2:.1f}\" text-anchor=\"middle\">{3}</text>"
                       "<text class=\"parity-label {0}\" x=\"{1:.1f}\" y=\"{4:.1f}\" text-anchor=\"middle\">{0}</text>\n",
                       parity, column.centre, chart.bottom + 17, column.nodes, chart.bottom + 31);
  }
  out += "</g>\n<g class=\"axes\">\n";
  for (const auto& tick : chart.ticks) {
    out += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                       "<text class=\"tick-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
                       "<text class=\"downtime-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                       chart.left, chart.right, tick.y, tick.y, chart.left - 7, tick.y + 4, escape_html(tick.label),
                       chart.right + 7, tick.y + 4, escape_html(tick.downtime));
  }
  out += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
                     "<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{3:.1f}\" y2=\"{2:.1f}\"/>\n",
                     chart.left, chart.right, chart.bottom, chart.top);
  const double middle = (chart.top + chart.bottom) / 2;
  out += fmt::format("<text class=\"axis-title\" transform=\"translate(16 {0:.1f}) rotate(-90)\" text-anchor=\"middle\">"
                     "P(no majority), log scale</text>"
                     "<text class=\"axis-title\" transform=\"translate({1:.1f} {0:.1f}) rotate(90)\" "
                     "text-anchor=\"middle\">downtime a year</text>"
                     "<text class=\"axis-title\" x=\"{2:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">cluster size (nodes)</text>\n",
                     middle, chart.width - 12, (chart.left + chart.right) / 2, chart.height - 4);
  out += "</g>\n";

  for (std::size_t s = 0; s < report.series.size(); ++s) {
    const std::string& colour = chart.colours[s];
    out += fmt::format("<g class=\"series\" data-series=\"{}\" data-p=\"{}\" style=\"--series:{}\">\n", s,
                       report.series[s].p, colour);
    // The saw-tooth: the analytic points joined in size order.
    std::string line;
    for (const auto& point : chart.points)
      if (point.series == s && point.kind == PointKind::analytic)
        line += fmt::format("{}{:.1f},{:.1f}", line.empty() ? "" : " ", point.x, point.y);
    out += fmt::format("<polyline class=\"saw\" points=\"{}\"/>\n", line);
    for (const auto& point : chart.points) {
      if (point.series != s) continue;
      const std::string classes = fmt::format("point {} {}{}", point_kind_name(point.kind), point.odd ? "odd" : "even",
                                              point.below_axis ? " below-axis" : "");
      const std::string data = fmt::format("data-nodes=\"{}\" data-value=\"{:.6g}\"", point.nodes, point.value);
      const std::string title = fmt::format("<title>{}</title>", escape_html(point.tooltip));
      if (point.error_bar) {
        // Open at the bottom (no cap) when the interval reaches below the axis.
        const bool open = point.lo < chart.floor;
        out += fmt::format("<g class=\"error-bar {}\" data-nodes=\"{}\" data-lo=\"{:.6g}\" data-hi=\"{:.6g}\">{}"
                           "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                           "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>",
                           point_kind_name(point.kind), point.nodes, point.lo, point.hi, title, point.x, point.x,
                           point.y_hi, point.y_lo, point.x - 3.5, point.x + 3.5, point.y_hi, point.y_hi);
        if (!open)
          out += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>", point.x - 3.5,
                             point.x + 3.5, point.y_lo, point.y_lo);
        out += "</g>\n";
      }
      switch (point.kind) {
        case PointKind::analytic:
          out += fmt::format("<circle class=\"{}\" {} cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5.5\">{}</circle>\n", classes,
                             data, point.x, point.y, title);
          break;
        case PointKind::no_majority:
          out += fmt::format("<rect class=\"{}\" {} x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\">{}</rect>\n",
                             classes, data, point.x - 3.5, point.y - 3.5, title);
          break;
        case PointKind::write_unavailable:
          out += fmt::format("<path class=\"{}\" {} d=\"M{:.1f},{:.1f}l4.5,7.5h-9z\">{}</path>\n", classes, data,
                             point.x, point.y - 4.5, title);
          break;
      }
    }
    for (const auto& ratio : chart.ratios)
      if (ratio.series == s)
        out += fmt::format("<text class=\"ratio\" data-nodes=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">"
                           "<title>{} nodes are {:.3g}× as likely to have no majority as {}</title>{}</text>\n",
                           ratio.nodes, ratio.x, ratio.y, ratio.nodes, ratio.ratio, ratio.nodes - 1,
                           escape_html(ratio.text));
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace raftsim::sim::report
