// The quorum report (`raftsim quorum --report`, issue #9): the chart's layout
// as data (a point per size and p, odd and even told apart, error bars only
// with simulated data), the page's structure, partition rows, escaping, and
// that nothing is fetched.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "sim/quorum/analytic.hpp"
#include "sim/quorum/partitions.hpp"
#include "sim/report/quorum_report.hpp"

using namespace raftsim;
using sim::report::PointKind;

namespace {

std::vector<int> sizes_up_to(int max) {
  std::vector<int> sizes;
  for (int n = 1; n <= max; ++n) sizes.push_back(n);
  return sizes;
}

sim::report::QuorumReport analytic_report(const std::vector<double>& ps, int max) {
  sim::report::QuorumReport report;
  for (double p : ps) report.series.push_back({p, quorum::size_table(sizes_up_to(max), p), {}});
  report.partitions = quorum::partition_table(sizes_up_to(max));
  report.command_line = "raftsim quorum --report q.html";
  return report;
}

// Made-up measurements around the formula's values (no simulator needed):
// the no-majority interval of the largest size reaches zero, as it does
// when the runs rarely lose their majority.
sim::report::QuorumReport simulated_report(const std::vector<double>& ps, int max) {
  auto report = analytic_report(ps, max);
  quorum::SimulateOptions options;
  options.runs = 10;
  report.simulation = options;
  for (auto& series : report.series)
    for (const auto& row : series.rows) {
      quorum::SimulatedSize sim;
      sim.nodes = row.nodes;
      const double v = row.p_unavailable;
      sim.quorum_lost = {v * 1.1, row.nodes == max ? 0 : v * 0.7, v * 1.5, {}};
      sim.write_unavailable = {v * 2 + 0.005, v * 1.5 + 0.004, v * 2.5 + 0.006, {}};
      sim.runs_with_quorum_loss = 7;
      series.simulated.push_back(sim);
    }
  return report;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

const sim::report::ChartPoint& analytic_point(const sim::report::QuorumChart& chart, std::size_t series, int nodes) {
  for (const auto& point : chart.points)
    if (point.series == series && point.nodes == nodes && point.kind == PointKind::analytic) return point;
  throw std::runtime_error("no analytic point for " + std::to_string(nodes) + " nodes");
}

}  // namespace

TEST_CASE("quorum chart: one analytic point per size and p, odd and even sizes told apart", "[report][quorum]") {
  const auto report = analytic_report({0.01, 0.05, 0.1}, 7);
  const auto chart = sim::report::build_quorum_chart(report);
  REQUIRE(chart.columns.size() == 7);
  CHECK_FALSE(chart.simulated);
  CHECK(chart.points.size() == 3 * 7);
  CHECK(chart.colours.size() == 3);
  CHECK(std::set<std::string>(chart.colours.begin(), chart.colours.end()).size() == 3);
  std::set<std::pair<std::size_t, int>> seen;
  for (const auto& point : chart.points) {
    CHECK(point.kind == PointKind::analytic);
    CHECK_FALSE(point.error_bar);
    CHECK(point.odd == (point.nodes % 2 == 1));
    CHECK(seen.insert({point.series, point.nodes}).second);
    const auto& column = chart.columns[static_cast<std::size_t>(point.nodes - 1)];
    CHECK(column.nodes == point.nodes);
    CHECK(column.odd == point.odd);
    CHECK(point.x > column.x0);
    CHECK(point.x < column.x1);
    CHECK(point.y >= chart.top);
    CHECK(point.y <= chart.bottom);
    CHECK(point.value == quorum::p_unavailable(point.nodes, report.series[point.series].p));
    CHECK_FALSE(point.below_axis);
  }
  // The lesson in pixels (y grows downwards): 2 above 1, 4 above 3, 6 above 5,
  // and each odd size below the even size before it.
  for (std::size_t s = 0; s < 3; ++s)
    for (int n = 2; n <= 7; ++n) {
      INFO("p = " << report.series[s].p << ", " << n << " nodes");
      if (n % 2 == 0) CHECK(analytic_point(chart, s, n).y < analytic_point(chart, s, n - 1).y);
      else CHECK(analytic_point(chart, s, n).y > analytic_point(chart, s, n - 1).y);
    }
  // A ratio above every even size, none above odd ones.
  CHECK(chart.ratios.size() == 3 * 3);
  for (const auto& ratio : chart.ratios) {
    CHECK(ratio.nodes % 2 == 0);
    CHECK(ratio.ratio > 1.8);
    CHECK(ratio.ratio < 2.0);
  }
  // Decades from 1 down to under the smallest value (p = 0.01, 7 nodes: 3.4e-7).
  REQUIRE(!chart.ticks.empty());
  CHECK(chart.ticks.front().value == 1);
  CHECK(chart.ticks.front().y == chart.top);
  CHECK(chart.ticks.back().value == chart.floor);
  CHECK(chart.floor == Approx(1e-7));
  CHECK(chart.ticks.back().y == chart.bottom);
}

TEST_CASE("quorum chart: with simulated data, error bars beside each analytic point", "[report][quorum]") {
  const auto report = simulated_report({0.05, 0.1}, 5);
  const auto chart = sim::report::build_quorum_chart(report);
  CHECK(chart.simulated);
  CHECK(chart.points.size() == 2 * 5 * 3);
  for (const auto& point : chart.points) {
    INFO(point.nodes << " nodes, series " << point.series << ", " << sim::report::point_kind_name(point.kind));
    CHECK(point.error_bar == (point.kind != PointKind::analytic));
    if (!point.error_bar) continue;
    const auto& analytic = analytic_point(chart, point.series, point.nodes);
    CHECK(point.x > analytic.x);  // beside it, in the same column
    const auto& column = chart.columns[static_cast<std::size_t>(point.nodes - 1)];
    CHECK(point.x < column.x1);
    CHECK(point.lo <= point.value);
    CHECK(point.value <= point.hi);
    CHECK(point.y_hi <= point.y);
    CHECK(point.y <= point.y_lo);
  }
  // A lower bound of zero reaches the axis' floor.
  for (const auto& point : chart.points)
    if (point.kind == PointKind::no_majority && point.nodes == 5) {
      CHECK(point.lo == 0);
      CHECK(point.y_lo == chart.bottom);
    }
  const std::string html = sim::report::render_quorum_html(report);
  CHECK(count(html, "<g class=\"error-bar no-majority\"") == 10);
  CHECK(count(html, "<g class=\"error-bar write-unavailable\"") == 10);
  CHECK(count(html, "<rect class=\"point no-majority") == 10);
  CHECK(count(html, "<path class=\"point write-unavailable") == 10);
  CHECK(count(html, "simulated no majority, 95% interval") == 1);  // the legend
  CHECK(count(html, "<th>simulated no majority [95%]</th>") == 2);  // a table per p
}

TEST_CASE("quorum report: the page's structure without simulation", "[report][quorum]") {
  const auto report = analytic_report({0.01, 0.05}, 7);
  const std::string html = sim::report::render_quorum_html(report);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "data-render=\"pending\"") == 1);
  CHECK(count(html, "<svg id=\"quorum-chart\"") == 1);
  CHECK(count(html, "data-points=\"14\"") == 1);
  CHECK(count(html, "<circle class=\"point analytic odd") == 2 * 4);
  CHECK(count(html, "<circle class=\"point analytic even") == 2 * 3);
  CHECK(count(html, "<rect class=\"column even\"") == 3);
  CHECK(count(html, "<rect class=\"column odd\"") == 4);
  CHECK(count(html, "<polyline class=\"saw\"") == 2);
  CHECK(count(html, "<g class=\"series\"") == 2);
  CHECK(count(html, "class=\"legend-series\"") == 2);
  CHECK(count(html, "<g class=\"error-bar") == 0);
  CHECK(count(html, "simulated") == 0);
  // The header: p, what is plotted, the command line.
  CHECK(count(html, "<th>p values</th><td>0.01, 0.05</td>") == 1);
  CHECK(count(html, "<th>plotted</th><td>P(no majority) from the formula</td>") == 1);
  CHECK(count(html, "<th>command</th><td>raftsim quorum --report q.html</td>") == 1);
  CHECK(count(html, "4 nodes are 1.99× as likely as 3") == 1);  // the lesson, for the first p
  // The numbers: a table per p, a row per size.
  CHECK(count(html, "<table class=\"numbers\"") == 2);
  CHECK(count(html, "<tr class=\"size-row ") == 14);
}

TEST_CASE("quorum report: a partition row per size, the even splits of even sizes highlighted", "[report][quorum]") {
  const auto report = analytic_report({0.05}, 7);
  const std::string html = sim::report::render_quorum_html(report);
  CHECK(count(html, "<tr class=\"partition-row ") == 6);  // 2..7: one node cannot be split
  CHECK(count(html, "<tr class=\"partition-row even\"") == 3);
  CHECK(count(html, "<tr class=\"partition-row odd\"") == 3);
  // Exactly one split stalls in each even cluster (a|a), none in odd ones.
  CHECK(count(html, "<td class=\"split stalls\"") == 3);
  CHECK(count(html, "<td class=\"split stalls\" data-split=\"1|1\"") == 1);
  CHECK(count(html, "<td class=\"split stalls\" data-split=\"2|2\"") == 1);
  CHECK(count(html, "<td class=\"split stalls\" data-split=\"3|3\"") == 1);
  CHECK(count(html, "<td class=\"split commits\" data-split=\"2|3\" title=\"2|3: the 3-side\"") == 1);
  // 2: 1 split, 3: 1, 4: 2, 5: 2, 6: 3, 7: 3.
  CHECK(count(html, "<td class=\"split ") == 12);
  const auto single = sim::report::render_quorum_html(analytic_report({0.05}, 1));
  CHECK(count(single, "<tr class=\"partition-row ") == 0);
  CHECK(count(single, "A single node cannot be split.") == 1);
}

TEST_CASE("quorum report: self-contained, nothing fetched", "[report][quorum]") {
  for (const auto& report : {analytic_report({0.05}, 15), simulated_report({0.01, 0.05, 0.1}, 9)}) {
    const std::string html = sim::report::render_quorum_html(report);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find(" src=") == std::string::npos);
    CHECK(html.find("https:") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    for (std::size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1))
      CHECK(html.compare(at, 5, "url(#") == 0);  // only the page's own patterns
    CHECK(html.find("fetch(") == std::string::npos);
    CHECK(html.find("XMLHttpRequest") == std::string::npos);
    for (std::size_t at = html.find("http:"); at != std::string::npos; at = html.find("http:", at + 1))
      CHECK(html.compare(at, 26, "http://www.w3.org/2000/svg") == 0);  // only the SVG namespace
    CHECK(count(html, "<script") == 1);
    CHECK(count(html, "</script>") == 1);
    CHECK(html.size() < 200'000);
  }
}

TEST_CASE("quorum report: the command line is escaped", "[report][quorum]") {
  auto report = analytic_report({0.05}, 3);
  report.command_line = "raftsim quorum --report '</script><b>x</b> & \"q\".html'";
  const std::string html = sim::report::render_quorum_html(report);
  CHECK(html.find("<b>x</b>") == std::string::npos);
  CHECK(count(html, "&#39;&lt;/script&gt;&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;.html&#39;") == 1);
  CHECK(count(html, "</script>") == 1);
}

TEST_CASE("quorum chart: values too small for the axis sit on its floor", "[report][quorum]") {
  // p = 0: never down, every value is zero; the axis still shows decades.
  const auto zero = sim::report::build_quorum_chart(analytic_report({0}, 5));
  CHECK(zero.floor == Approx(1e-4));
  for (const auto& point : zero.points) {
    CHECK(point.below_axis);
    CHECK(point.y == zero.bottom);
  }
  CHECK(zero.ratios.empty());
  // p = 0.001 and 15 nodes: 6e-21, under the lowest decade drawn (1e-16).
  const auto tiny = sim::report::build_quorum_chart(analytic_report({0.001}, 15));
  CHECK(tiny.floor == Approx(1e-16));
  CHECK(analytic_point(tiny, 0, 15).below_axis);
  CHECK(analytic_point(tiny, 0, 15).y == tiny.bottom);
  CHECK_FALSE(analytic_point(tiny, 0, 3).below_axis);
}
