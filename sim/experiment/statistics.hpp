#pragma once
// A distribution's summary. Definitions (a hand computation in the tests
// checks them): `median` is the middle sample, or the mean of the two middle
// ones; p90 and p99 are nearest-rank percentiles (the smallest sample with
// at least that fraction of samples at or below it); `never` counts trials
// in which the measured thing did not happen within the run (they have no
// sample); `per_hour` is the samples' sum over the trials' simulated hours.
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/experiment/experiment.hpp"

namespace raftsim::experiment {

struct Summary {
  std::uint64_t count = 0;  // samples
  std::uint64_t never = 0;  // trials without a sample because it never happened
  double min = 0, median = 0, mean = 0, p90 = 0, p99 = 0, max = 0;  // 0 when no samples
  double per_hour = 0;
  // The value of one statistic (for bounds).
  double value(Statistic statistic) const;
};

// Sorts `samples` in place.
Summary summarise(std::vector<double>& samples, std::uint64_t never, double simulated_hours);

// The nearest-rank percentile of sorted samples, q in (0, 1].
double nearest_rank(const std::vector<double>& sorted, double q);

}  // namespace raftsim::experiment
