#pragma once
// The HTML page of `raftsim experiment --report FILE.html` (issue 16): for
// each time measure, one CDF curve per point on a log time axis (the form of
// the Raft paper's Figure 16), then the table and the template. One
// self-contained file: inline SVG and CSS, a few lines of script that check
// the curves and let the legend hide one; nothing fetched.
#include <string>
#include <vector>

#include "sim/experiment/experiment.hpp"
#include "sim/experiment/runner.hpp"

namespace raftsim::sim::report {

// One CDF curve: (time in ms, cumulative fraction of trials) steps.
struct CdfCurve {
  std::size_t point = 0;
  std::vector<std::pair<double, double>> steps;  // x ascending; y in (0, 1]
  double reached = 0;                            // the curve's final height (1 unless some trials never got there)
};

// A point's samples as a CDF over `total` trials (never-recovered ones keep
// the curve below 1), thinned to at most `max_steps` steps, always keeping
// the first and last.
CdfCurve cdf_curve(std::size_t point, const std::vector<double>& sorted, std::uint64_t total, std::size_t max_steps = 1500);

std::string render_experiment_html(const experiment::Experiment& experiment,
                                   const experiment::ExperimentResult& result, const std::string& command_line);

// Written atomically; throws InputError ("--report PATH: ...") when it cannot be.
void write_experiment_report(const std::string& path, const experiment::Experiment& experiment,
                             const experiment::ExperimentResult& result, const std::string& command_line);

}  // namespace raftsim::sim::report
