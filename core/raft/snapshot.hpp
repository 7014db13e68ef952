#pragma once
// A state-machine snapshot (§7): everything up to `index`, and the
// membership in force there, so a node restored from it knows its cluster.
#include <memory>
#include <string>

#include "core/raft/membership.hpp"
#include "core/raft/types.hpp"

namespace raftsim::raft {

struct Snapshot {
  LogIndex index = 0;
  Term term = 0;
  std::shared_ptr<const std::string> data;
  Membership membership;
};

}  // namespace raftsim::raft
