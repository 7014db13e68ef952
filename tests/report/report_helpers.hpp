#pragma once
// Helpers shared by the report tests.
#include <algorithm>
#include <string>

#include "../sim/scenario_helpers.hpp"  // repo_path, load
#include "sim/report/report.hpp"
#include "sim/report/report_data.hpp"

namespace raftsim::test {

struct Reported {
  sim::RunResult result;
  history::History history;
  sim::report::ReportData data;
};

inline Reported run_reported(const scenario::Scenario& scenario, const sim::report::Limits& limits = {}) {
  Reported r;
  r.result = sim::run_scenario(scenario, sim::report::with_recording({}), &r.history);
  r.data = sim::report::build_report_data(scenario, r.result, r.history, limits);
  return r;
}

inline const sim::report::Lane& lane(const sim::report::ReportData& data, const std::string& node) {
  for (const auto& l : data.lanes)
    if (l.node == node) return l;
  throw std::runtime_error("no lane " + node);
}

// The role span of `lane` covering time `t`, or "" when none (down, not started).
inline std::string role_at(const sim::report::Lane& lane, std::int64_t t) {
  for (const auto& span : lane.roles)
    if (span.start_us <= t && t < span.end_us) return span.role;
  return "";
}

inline constexpr std::int64_t kSecond = 1'000'000;

}  // namespace raftsim::test
