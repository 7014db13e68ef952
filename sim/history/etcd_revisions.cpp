// Cross-key revision checks of the etcd model (see etcd_revisions.hpp).
#include "sim/history/etcd_revisions.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

namespace raftsim::history::detail {
namespace {

// A successful put, cas or append creates exactly the revision its response
// carries (a delete may remove nothing and then creates none).
bool creates_revision(const Operation& op) {
  return op.outcome == Outcome::ok && op.revision &&
         (op.kind == OpKind::put || op.kind == OpKind::append || op.kind == OpKind::cas);
}

}  // namespace

std::optional<RevisionViolation> check_revisions(const History& history) {
  // Two writes with one revision.
  std::map<std::int64_t, std::size_t> creator;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!creates_revision(history[i])) continue;
    const auto [it, inserted] = creator.emplace(*history[i].revision, i);
    if (!inserted)
      return RevisionViolation{{it->second, i},
                               fmt::format("two writes both created revision {}", *history[i].revision)};
  }

  // Real time: if A returned before B was called, B's header revision is at
  // least A's, and above it when both created a revision.
  std::vector<std::size_t> known;
  for (std::size_t i = 0; i < history.size(); ++i)
    if (history[i].revision && history[i].return_us && history[i].outcome != Outcome::unknown) known.push_back(i);
  std::vector<std::size_t> by_return = known, by_call = known;
  std::sort(by_return.begin(), by_return.end(), [&](std::size_t a, std::size_t b) {
    return std::pair(*history[a].return_us, a) < std::pair(*history[b].return_us, b);
  });
  std::sort(by_call.begin(), by_call.end(), [&](std::size_t a, std::size_t b) {
    return std::pair(history[a].call_us, a) < std::pair(history[b].call_us, b);
  });
  // Sweep calls in time order, keeping the highest revision among ops that
  // returned strictly earlier (and the highest created one, for writes).
  std::optional<std::size_t> highest, highest_created;
  std::size_t r = 0;
  for (const std::size_t b : by_call) {
    const Operation& op = history[b];
    while (r < by_return.size() && *history[by_return[r]].return_us < op.call_us) {
      const std::size_t a = by_return[r++];
      if (!highest || *history[a].revision > *history[*highest].revision) highest = a;
      if (creates_revision(history[a]) &&
          (!highest_created || *history[a].revision > *history[*highest_created].revision))
        highest_created = a;
    }
    if (highest && *history[*highest].revision > *op.revision) {
      return RevisionViolation{
          {std::min(*highest, b), std::max(*highest, b)},
          fmt::format("revision went back in real time: an operation returned at revision {} before "
                      "another was called that saw revision {}",
                      *history[*highest].revision, *op.revision)};
    }
    if (creates_revision(op) && highest_created && *history[*highest_created].revision >= *op.revision) {
      return RevisionViolation{
          {std::min(*highest_created, b), std::max(*highest_created, b)},
          fmt::format("a write created revision {} after another write had already created revision {}",
                      *op.revision, *history[*highest_created].revision)};
    }
  }
  return std::nullopt;
}

}  // namespace raftsim::history::detail
