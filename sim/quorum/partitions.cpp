#include "sim/quorum/partitions.hpp"

#include <fmt/format.h>

#include "sim/quorum/analytic.hpp"

namespace raftsim::quorum {

std::string Split::text() const {
  if (!larger_commits) return fmt::format("{}|{}: neither side", smaller, larger);
  return fmt::format("{}|{}: the {}-side", smaller, larger, larger);
}

std::vector<PartitionRow> partition_table(const std::vector<int>& sizes) {
  std::vector<PartitionRow> rows;
  for (int n : sizes) {
    if (n < 2) continue;
    PartitionRow row;
    row.nodes = n;
    row.majority = majority(n);
    for (int a = 1; a <= n / 2; ++a) {
      const int b = n - a;
      row.splits.push_back({a, b, b >= row.majority});
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace raftsim::quorum
