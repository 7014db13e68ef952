#pragma once
// Writes a Scenario back as a plain YAML file that the loader reads to the
// same Scenario: the fuzzer's failure files and the shrinker's output, so a
// failure replays with `raftsim run` even after the generator changes.
#include <string>

#include "sim/scenario/scenario.hpp"

namespace raftsim::scenario {

// `header` lines are written first as YAML comments.
// One fault as the flow map to_yaml writes: `{at: 5s, crash: [leader], ...}`.
std::string fault_yaml(const Fault& fault);

std::string to_yaml(const Scenario& scenario, const std::string& header = "");

}  // namespace raftsim::scenario
