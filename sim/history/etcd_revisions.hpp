#pragma once
// The etcd model's checks across keys: revisions are one global counter, so
// they must agree with real time, and two writes cannot create the same one.
#include <optional>
#include <string>
#include <vector>

#include "sim/history/history.hpp"

namespace raftsim::history::detail {

struct RevisionViolation {
  std::vector<std::size_t> ops;  // indexes into the history, ascending
  std::string explanation;
};

std::optional<RevisionViolation> check_revisions(const History& history);

}  // namespace raftsim::history::detail
