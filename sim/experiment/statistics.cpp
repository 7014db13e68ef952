#include "sim/experiment/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace raftsim::experiment {

double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  // ceil(q * n) computed in integers where q is a whole percent, to avoid 0.9 * 10 = 9.000000000000002.
  const auto n = static_cast<std::uint64_t>(sorted.size());
  const auto percent = static_cast<std::uint64_t>(std::llround(q * 100));
  const std::uint64_t rank = std::max<std::uint64_t>(1, (percent * n + 99) / 100);
  return sorted[std::min<std::uint64_t>(rank, n) - 1];
}

Summary summarise(std::vector<double>& samples, std::uint64_t never, double simulated_hours) {
  Summary s;
  s.count = samples.size();
  s.never = never;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  s.min = samples.front();
  s.max = samples.back();
  s.median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  double sum = 0;
  for (double sample : samples) sum += sample;  // sorted order: the same sum whatever order trials finished in
  s.mean = sum / static_cast<double>(n);
  s.p90 = nearest_rank(samples, 0.90);
  s.p99 = nearest_rank(samples, 0.99);
  s.per_hour = simulated_hours > 0 ? sum / simulated_hours : 0;
  return s;
}

double Summary::value(Statistic statistic) const {
  switch (statistic) {
    case Statistic::count: return static_cast<double>(count);
    case Statistic::never: return static_cast<double>(never);
    case Statistic::min: return min;
    case Statistic::median: return median;
    case Statistic::mean: return mean;
    case Statistic::p90: return p90;
    case Statistic::p99: return p99;
    case Statistic::max: return max;
    case Statistic::per_hour: return per_hour;
  }
  return 0;
}

}  // namespace raftsim::experiment
