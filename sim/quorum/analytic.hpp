#pragma once
// Quorum math for `raftsim quorum` (issue 8): how many nodes a majority needs,
// how many failures a cluster tolerates, and how likely it is to have no live
// majority when every node is down independently with probability p.
// Plain structs, so that the CLI prints them and a report can draw them.
#include <optional>
#include <string>
#include <vector>

namespace raftsim::quorum {

// The most nodes a cluster may have here (CONTRACT §9: 1-15 work well).
inline constexpr int kMaxNodes = 15;

int majority(int nodes);   // floor(n/2) + 1
int tolerated(int nodes);  // n - majority = floor((n-1)/2)

// C(n, k), exact (n <= 64 fits a double exactly up to C(64, 32) ~ 1.8e18 < 2^63;
// here n <= 15).
double binomial_coefficient(int n, int k);

// P(more than tolerated(n) of n nodes are down), each down independently
// with probability p: the sum over k > tolerated of C(n,k) p^k (1-p)^(n-k),
// summed from the tail, so that tiny probabilities keep their digits.
double p_unavailable(int nodes, double p);

struct SizeRow {
  int nodes = 0;
  int majority = 0;
  int tolerated = 0;
  double p_unavailable = 0;
  // p_unavailable(n) / p_unavailable(n - 1); empty for n = 1 or when n - 1 is never down.
  std::optional<double> ratio_to_one_fewer;
};

// One row per size, in the order given.
std::vector<SizeRow> size_table(const std::vector<int>& sizes, double p);

// The fraction of a year `fraction` is, in words: "18 days", "10 hours",
// "102 minutes", "none".
std::string downtime_per_year(double fraction);

// "2.0× as likely to be down as 1", "13.4× less likely to be down than 2",
// "as likely to be down as 1"; empty for a single node.
std::string compare_text(const SizeRow& row);

}  // namespace raftsim::quorum
