#include "sim/quorum/analytic.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace raftsim::quorum {

int majority(int nodes) { return nodes / 2 + 1; }

int tolerated(int nodes) { return nodes - majority(nodes); }

double binomial_coefficient(int n, int k) {
  RAFTSIM_ASSERT(n >= 0 && n <= 64 && k >= 0 && k <= n, "binomial C({}, {})", n, k);
  // Multiplicative formula in integers: each partial product C(n-k+i, i) is
  // itself an integer, so the division is exact.
  unsigned __int128 c = 1;
  for (int i = 1; i <= k; ++i) c = c * static_cast<unsigned>(n - k + i) / static_cast<unsigned>(i);
  return static_cast<double>(static_cast<std::uint64_t>(c));
}

double p_unavailable(int nodes, double p) {
  RAFTSIM_ASSERT(nodes >= 1 && nodes <= 64, "cluster size {}", nodes);
  RAFTSIM_ASSERT(p >= 0 && p <= 1, "probability {}", p);
  const auto power = [](double base, int exponent) {
    double result = 1;
    for (int i = 0; i < exponent; ++i) result *= base;
    return result;
  };
  double sum = 0;
  // From the largest k down: the smallest terms first, for the least rounding.
  for (int k = nodes; k > tolerated(nodes); --k)
    sum += binomial_coefficient(nodes, k) * power(p, k) * power(1 - p, nodes - k);
  return sum;
}

std::vector<SizeRow> size_table(const std::vector<int>& sizes, double p) {
  std::vector<SizeRow> rows;
  for (int n : sizes) {
    SizeRow row;
    row.nodes = n;
    row.majority = majority(n);
    row.tolerated = tolerated(n);
    row.p_unavailable = p_unavailable(n, p);
    if (n > 1) {
      const double fewer = p_unavailable(n - 1, p);
      if (fewer > 0) row.ratio_to_one_fewer = row.p_unavailable / fewer;
    }
    rows.push_back(row);
  }
  return rows;
}

std::string downtime_per_year(double fraction) {
  const double hours = fraction * 24 * 365.25;
  if (hours == 0) return "none";
  if (hours >= 24 * 2) return fmt::format("{:.0f} days", hours / 24);
  if (hours >= 2) return fmt::format("{:.0f} hours", hours);
  if (hours * 60 >= 2) return fmt::format("{:.0f} minutes", hours * 60);
  return fmt::format("{:.0f} seconds", hours * 3600);
}

std::string compare_text(const SizeRow& row) {
  if (row.nodes <= 1) return "";
  const int fewer = row.nodes - 1;
  if (!row.ratio_to_one_fewer) return fmt::format("never down, as {}", fewer);
  const double ratio = *row.ratio_to_one_fewer;
  // Equal when they round to the same one-decimal figure either way.
  if (fmt::format("{:.1f}", ratio) == "1.0" && fmt::format("{:.1f}", 1 / ratio) == "1.0")
    return fmt::format("as likely to be down as {}", fewer);
  if (ratio > 1) return fmt::format("{:.3g}× as likely to be down as {}", ratio, fewer);
  if (ratio == 0) return fmt::format("never down, unlike {}", fewer);
  return fmt::format("{:.3g}× less likely to be down than {}", 1 / ratio, fewer);
}

}  // namespace raftsim::quorum
