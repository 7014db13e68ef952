#pragma once
// Which side of a network partition can still elect a leader and commit:
// only a side holding a majority of the voters. A cluster of N nodes split
// in two (a | b, a <= b): the b-side commits when b >= majority(N), that is
// when a < b; an even split of an even cluster leaves neither side.
#include <string>
#include <vector>

namespace raftsim::quorum {

struct Split {
  int smaller = 0;  // a
  int larger = 0;   // b, a <= b, a + b = N
  bool larger_commits = false;  // false: neither side can commit
  std::string text() const;     // "2|3: the 3-side", "2|2: neither side"
};

struct PartitionRow {
  int nodes = 0;
  int majority = 0;
  std::vector<Split> splits;  // a = 1 .. N/2
  bool even_split_stalls() const { return nodes % 2 == 0; }
};

// One row per size of at least 2 nodes (a single node cannot be split), in the order given.
std::vector<PartitionRow> partition_table(const std::vector<int>& sizes);

}  // namespace raftsim::quorum
