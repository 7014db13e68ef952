#pragma once
// Helpers shared by the simulator tests.
#include <string>

#include "sim/run.hpp"
#include "sim/scenario/loader.hpp"

namespace raftsim::test {

inline std::string repo_path(const std::string& relative) { return std::string(RAFTSIM_SOURCE_DIR) + "/" + relative; }

inline scenario::Scenario load(const std::string& relative) { return scenario::load_scenario_file(repo_path(relative)); }

inline sim::RunResult run_observed(const scenario::Scenario& scenario) {
  sim::RunOptions options;
  options.observe = true;
  return sim::run_scenario(scenario, options);
}

inline const sim::CheckVerdict* find_check(const sim::RunResult& result, const std::string& name) {
  for (const auto& check : result.checks)
    if (check.name == name) return &check;
  return nullptr;
}

// The commit index of node `index` (0-based) at time `at`, from its observations.
inline std::uint64_t commit_at(const sim::RunResult& result, std::size_t index, std::int64_t at) {
  std::uint64_t commit = 0;
  for (const auto& [time, value] : result.observations[index].commits) {
    if (time > at) break;
    commit = value;
  }
  return commit;
}

}  // namespace raftsim::test
