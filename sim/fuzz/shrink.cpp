#include "sim/fuzz/shrink.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/run.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"

namespace raftsim::fuzz {

using scenario::Fault;
using scenario::Scenario;

std::string failing_check(const Scenario& scenario, std::string* detail) {
  try {
    const sim::RunResult result = sim::run_scenario(scenario);
    for (const auto& check : result.checks) {
      if (!check.ok) {
        if (detail) *detail = check.detail;
        return check.name;
      }
    }
    for (const auto& expectation : result.expectations) {
      if (!expectation.ok) {
        if (detail) *detail = expectation.text + ": " + expectation.detail;
        return "expectations";
      }
    }
    return "";
  } catch (const AssertionFailure& failure) {
    if (detail) *detail = failure.what();
    return "internal-error";
  }
}

std::string describe_size(const Scenario& s) {
  return fmt::format("{} faults, {} nodes, {} clients, {:.1f}s", s.faults.size(), s.cluster.nodes, s.workload.clients,
                     static_cast<double>(s.duration) / 1e6);
}

namespace {

class Shrinker {
 public:
  Shrinker(const std::string& check, std::size_t max_runs) : check_(check), max_runs_(max_runs) {}

  // Round-trips through YAML, then runs: true when it still fails the same check.
  bool still_fails(const Scenario& candidate) {
    if (runs_ >= max_runs_) return false;
    ++runs_;
    Scenario replayed;
    try {
      replayed = scenario::parse_scenario(scenario::to_yaml(candidate), candidate.source_name);
    } catch (const std::exception&) {
      return false;  // e.g. a node name no longer valid for fewer nodes
    }
    replayed.bugs = candidate.bugs;
    return failing_check(replayed) == check_;
  }

  std::size_t runs() const { return runs_; }

  // A liveness failure is judged after the faults end: a heal, restart or
  // network change is what lets the cluster recover, and removing it would
  // trade the failure for another (a cluster left lossy or cut off).
  bool removable(const Fault& f) const {
    if (check_ != "liveness") return true;
    return f.kind != Fault::Kind::heal && f.kind != Fault::Kind::restart && f.kind != Fault::Kind::network;
  }

  // ddmin over the faults: remove chunks, halving the chunk size down to one.
  void shrink_faults(Scenario& best) {
    std::size_t chunk = std::max<std::size_t>(1, best.faults.size() / 2);
    while (chunk >= 1 && !best.faults.empty()) {
      bool removed = false;
      for (std::size_t start = 0; start < best.faults.size();) {
        Scenario candidate = best;
        const std::size_t end = std::min(start + chunk, candidate.faults.size());
        std::size_t kept = start;
        for (std::size_t i = start; i < end; ++i)
          if (!removable(best.faults[i])) candidate.faults[kept++] = best.faults[i];
        candidate.faults.erase(candidate.faults.begin() + static_cast<std::ptrdiff_t>(kept),
                               candidate.faults.begin() + static_cast<std::ptrdiff_t>(end));
        if (kept == end) {  // nothing in this chunk may go
          start += chunk;
          continue;
        }
        if (still_fails(candidate)) {
          best = std::move(candidate);
          removed = true;
        } else {
          start += chunk;
        }
        if (runs_ >= max_runs_) return;
      }
      if (!removed) {
        if (chunk == 1) break;
        chunk /= 2;
      }
    }
  }

  void try_change(Scenario& best, const std::function<bool(Scenario&)>& change) {
    Scenario candidate = best;
    if (!change(candidate)) return;
    if (still_fails(candidate)) best = std::move(candidate);
  }

 private:
  std::string check_;
  std::size_t max_runs_;
  std::size_t runs_ = 0;
};

}  // namespace

ShrinkResult shrink(const Scenario& failing, const std::string& check, std::size_t max_runs) {
  Shrinker shrinker(check, max_runs);
  Scenario best = failing;
  shrinker.shrink_faults(best);
  // Fewer nodes, when no fault names a node beyond the new size.
  for (int round = 0; round < 6 && best.cluster.nodes > 1; ++round) {
    const int before = best.cluster.nodes;
    shrinker.try_change(best, [](Scenario& s) {
      s.cluster.nodes -= 1;
      return true;
    });
    if (best.cluster.nodes == before) break;
  }
  for (int round = 0; round < 6 && best.workload.clients > 1; ++round) {
    const int before = best.workload.clients;
    shrinker.try_change(best, [](Scenario& s) {
      s.workload.clients -= 1;
      return true;
    });
    if (best.workload.clients == before) break;
  }
  shrinker.try_change(best, [](Scenario& s) {
    if (s.workload.keys == 1) return false;
    s.workload.keys = 1;
    return true;
  });
  // A shorter run: cut a quarter at a time while faults still fit.
  for (int round = 0; round < 6; ++round) {
    const auto before = best.duration;
    shrinker.try_change(best, [](Scenario& s) {
      scenario::Micros last = 0;
      for (const auto& f : s.faults) last = std::max(last, f.at);
      const scenario::Micros shorter = std::max(last + 1'000'000, s.duration * 3 / 4);
      if (shorter >= s.duration) return false;
      s.duration = shorter;
      if (s.workload.stop && *s.workload.stop > shorter) s.workload.stop = shorter;
      for (auto& e : s.expect) e.by = std::min(e.by, shorter);
      return true;
    });
    if (best.duration == before) break;
  }
  // A simpler network and disk.
  shrinker.try_change(best, [](Scenario& s) {
    if (s.network.tail_probability.never() && s.network.drop.never() && s.network.duplicate.never() && s.network.fifo)
      return false;
    s.network.tail_probability = {};
    s.network.drop = {};
    s.network.duplicate = {};
    s.network.fifo = true;
    return true;
  });
  ShrinkResult result;
  result.before = describe_size(failing);
  result.after = describe_size(best);
  result.scenario = std::move(best);
  result.runs = shrinker.runs();
  return result;
}

}  // namespace raftsim::fuzz
