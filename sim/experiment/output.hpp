#pragma once
// An experiment's results as text: the table on stdout, --json (one object,
// issue 16's names: `points`, each with `params` and one object per measure
// with count, never, min_ms, median_ms, ...) and --csv (one row per point
// and measure).
#include <string>

#include "sim/experiment/experiment.hpp"
#include "sim/experiment/runner.hpp"

namespace raftsim::experiment {

std::string format_table(const Experiment& experiment, const ExperimentResult& result);
std::string format_json(const Experiment& experiment, const ExperimentResult& result);
std::string format_csv(const Experiment& experiment, const ExperimentResult& result);

// A point as its parameters: "cluster.nodes = 3, network.latency = [1ms, 2ms]".
std::string point_label(const Point& point);

// A number as the outputs write it: at most three decimals, no trailing zeros.
std::string format_number(double value);

// How a statistic is named in JSON: `median_ms` for times, `median` otherwise.
std::string json_statistic_name(Measure measure, Statistic statistic);

}  // namespace raftsim::experiment
