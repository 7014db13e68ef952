#pragma once
// The HTML report of `raftsim quorum --report FILE.html` (issue #9): the
// availability table as a chart, in one self-contained file (inline SVG and
// CSS, a few lines of JavaScript that only mark the page drawn, nothing
// fetched).
//
//   quorum_chart.cpp    what is drawn where (QuorumChart: pure data, unit-tested)
//                       and that data as inline SVG
//   quorum_report.cpp   the page: header, chart, the numbers, the partition table
//
// The chart: one column per cluster size, even sizes shaded; P(no majority)
// on a log scale, one line per p, so the saw-tooth (4 above 3, 6 above 5)
// is the first thing seen; with --simulate, the simulated fractions with
// their 95% intervals as error bars beside each analytic point.
#include <optional>
#include <string>
#include <vector>

#include "sim/quorum/analytic.hpp"
#include "sim/quorum/partitions.hpp"
#include "sim/quorum/simulate.hpp"

namespace raftsim::sim::report {

// One p: its table and, with --simulate, its measurements.
struct QuorumSeries {
  double p = 0;
  std::vector<quorum::SizeRow> rows;             // one per size, ascending
  std::vector<quorum::SimulatedSize> simulated;  // empty, or one per size in the order of rows
};

struct QuorumReport {
  std::vector<QuorumSeries> series;  // one per p, in the order given
  std::vector<quorum::PartitionRow> partitions;
  std::optional<quorum::SimulateOptions> simulation;  // set with --simulate (its p is per series)
  std::string command_line;                           // what produced it, shown in the header
};

enum class PointKind { analytic, no_majority, write_unavailable };
std::string_view point_kind_name(PointKind kind);  // "analytic", "no-majority", "write-unavailable"

// Everything below is in the SVG's pixels; y grows downwards.
struct ChartPoint {
  std::size_t series = 0;  // index into QuorumReport::series
  int nodes = 0;
  PointKind kind = PointKind::analytic;
  bool odd = true;             // odd cluster size
  double value = 0;            // the probability or the simulated mean
  bool error_bar = false;      // simulated: [lo, hi] is the 95% interval
  double lo = 0, hi = 0;
  bool below_axis = false;     // value under the axis' floor (zero, say): drawn on the floor
  double x = 0, y = 0;
  double y_lo = 0, y_hi = 0;   // error bar ends (y_lo below, on the floor when lo is under it)
  std::string tooltip;
};

struct ChartColumn {
  int nodes = 0;
  bool odd = true;
  double x0 = 0, x1 = 0;  // the column's band
  double centre = 0;
};

struct ChartTick {
  double value = 0;  // a power of ten
  double y = 0;
  std::string label;     // "0.01", "1e-5"
  std::string downtime;  // per year: "4 days"
};

// An even size's ratio to the odd size below it, written above its point.
struct ChartRatio {
  std::size_t series = 0;
  int nodes = 0;
  double ratio = 0;
  double x = 0, y = 0;
  std::string text;  // "×1.93"
};

struct QuorumChart {
  double width = 0, height = 0;
  double left = 0, top = 0, right = 0, bottom = 0;  // the plot area
  double floor = 0;  // the axis' lowest value, a power of ten
  std::vector<ChartColumn> columns;
  std::vector<ChartTick> ticks;
  std::vector<ChartPoint> points;  // by series, then size, then kind
  std::vector<ChartRatio> ratios;
  std::vector<std::string> colours;  // one per series
  bool simulated = false;
};

// Lays the chart out; pure, deterministic.
QuorumChart build_quorum_chart(const QuorumReport& report, double width = 980, double height = 470);

// The chart as an inline <svg> element.
std::string render_quorum_svg(const QuorumChart& chart, const QuorumReport& report);

// The whole page.
std::string render_quorum_html(const QuorumReport& report);

// Writes the page (a temporary file renamed into place: never half-written).
// Throws InputError ("--report PATH: ...") when it cannot be written.
void write_quorum_report(const std::string& path, const QuorumReport& report);

}  // namespace raftsim::sim::report
