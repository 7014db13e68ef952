#include "sim/scenario/implementation.hpp"

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/node/raft_node.hpp"

namespace raftsim::scenario {

const char* implementation_name(RaftImplementation implementation) {
  return implementation == RaftImplementation::etcd ? "etcd" : "raftsim";
}

RaftImplementation parse_implementation(const std::string& name) {
  if (name == "raftsim") return RaftImplementation::raftsim;
  if (name == "etcd") return RaftImplementation::etcd;
  throw InputError(fmt::format("--raft: expected raftsim or etcd, got '{}'", name));
}

void use_implementation(Scenario& scenario, RaftImplementation implementation) {
  scenario.cluster.raft = implementation;
  check_implementation(scenario);
}

namespace {

[[noreturn]] void refuse(const Scenario& scenario, SourceMark mark, const char* key, const std::string& message) {
  if (mark.line > 0)
    throw InputError(fmt::format("{}:{}:{}: {}: {}", scenario.source_name, mark.line, mark.column, key, message));
  throw InputError(fmt::format("{}: {}: {}", scenario.source_name, key, message));
}

std::string millis(Micros us) { return us % 1000 == 0 ? fmt::format("{}ms", us / 1000) : fmt::format("{}us", us); }

}  // namespace

void check_implementation(const Scenario& scenario) {
  const ClusterSpec& c = scenario.cluster;
  if (c.raft != RaftImplementation::etcd) return;
  sim::require_etcd_raft();
  if (scenario.bugs.any())
    refuse(scenario, {}, "bugs",
           "planted bugs are raftsim's own and cannot be planted in etcd's raft: drop --bug and the file's "
           "`bugs:` (run --no-bugs), or run it on raftsim's core");
  if (c.election_timeout.max != 2 * c.election_timeout.min)
    refuse(scenario, c.election_timeout_mark, "cluster.election_timeout",
           fmt::format("etcd's raft draws its election timeout in [ElectionTick, 2*ElectionTick): with etcd write it "
                       "as [T, 2T], like [{}, {}] (etcd never draws the upper bound itself); got [{}, {}]",
                       millis(c.election_timeout.min), millis(2 * c.election_timeout.min),
                       millis(c.election_timeout.min), millis(c.election_timeout.max)));
  if (c.max_append_entries != 1 && (c.max_append_entries_mark.line > 0 || c.max_append_entries != ClusterSpec{}.max_append_entries))
    refuse(scenario, c.max_append_entries_mark, "cluster.max_append_entries",
           fmt::format("etcd's raft limits an append by bytes (MaxSizePerMsg), not by a count of entries; only 1 "
                       "means the same there (MaxSizePerMsg 0). Leave the key out for etcd's server default of 1 MiB; "
                       "got {}",
                       c.max_append_entries));
  if (c.early_vote_requests)
    refuse(scenario, c.early_vote_requests_mark, "cluster.early_vote_requests",
           "etcd's server sends a candidate's vote requests only after its term and vote are saved (raft.go: "
           "non-leader messages wait for the WAL); leave the key out or set it false");
  if (!c.lost_election_restarts_timer)
    refuse(scenario, c.lost_election_restarts_timer_mark, "cluster.lost_election_restarts_timer",
           "etcd's raft makes a candidate that lost a follower with a new timer (becomeFollower on VoteLost); "
           "leave the key out or set it true");
  if (c.read_mode == raft::ReadMode::lease && !c.check_quorum)
    refuse(scenario, {}, "cluster.read_mode",
           "etcd's raft requires check_quorum: true for lease reads (ReadOnlyLeaseBased), and refuses to start "
           "without it");
}

}  // namespace raftsim::scenario
