#pragma once
// Runs an experiment: every point's trials on worker threads (each trial a
// single-threaded simulation), then each point's distributions and the
// bounds. Trials are independent and their results are put in trial order
// before anything is summed, so the numbers do not depend on --jobs.
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "sim/experiment/experiment.hpp"
#include "sim/experiment/measures.hpp"
#include "sim/experiment/statistics.hpp"

namespace raftsim::experiment {

struct PointResult {
  std::array<Summary, kMeasureCount> summaries;            // [measure]
  std::array<std::vector<double>, kMeasureCount> samples;  // [measure], sorted (for the CDF curves)
  std::vector<TrialResult> failed;  // trials that failed a check or expectation (each a finding)
  std::uint64_t trials = 0;
  std::int64_t simulated_us = 0;
};

struct BoundResult {
  const Bound* bound = nullptr;
  std::size_t point = 0;
  double value = 0;
  bool ok = true;
};

struct ExperimentResult {
  std::vector<PointResult> points;  // in the experiment's order
  std::vector<BoundResult> bounds;  // every bound at every point
  std::uint64_t events = 0;
  bool pass() const;  // bounds held and no trial failed a check
};

struct RunProgress {
  std::uint64_t trials_done = 0;
  std::uint64_t trials_total = 0;
};

// `progress` is called after each trial, from worker threads, serialised.
ExperimentResult run_experiment(const Experiment& experiment, int jobs,
                                 const std::function<void(const RunProgress&)>& progress = {});

}  // namespace raftsim::experiment
