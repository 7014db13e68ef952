#pragma once
// What one trial measured: for each measure, its samples (one per trial, or
// one per operation for commit latency) and whether it never happened
// within the run (no recovery, no leader).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/experiment.hpp"
#include "sim/history/history.hpp"
#include "sim/run_result.hpp"

namespace raftsim::experiment {

inline constexpr std::size_t kMeasureCount = std::size(kAllMeasures);

struct TrialResult {
  int trial = 0;
  std::uint64_t seed = 0;
  bool pass = true;
  std::string failure;  // the first failing check or expectation, when not
  std::int64_t simulated_us = 0;
  std::array<std::vector<double>, kMeasureCount> samples;  // [measure]: ms for times
  std::array<bool, kMeasureCount> never{};                 // [measure]: did not happen within the run
};

// Reads the measures off a run made with RunOptions::measure.
TrialResult measure_trial(const Experiment& experiment, const sim::RunResult& result, const history::History& history);

}  // namespace raftsim::experiment
