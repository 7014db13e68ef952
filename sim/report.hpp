#pragma once
// How a run is shown: the human summary and the JSON object of CONTRACT §8.
#include <string>

#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::sim {

enum class Verbosity { quiet, normal, verbose };

std::string format_text(const RunResult& result, const scenario::Scenario& scenario, Verbosity verbosity);
std::string format_json(const RunResult& result);

// A JSON string literal, escaped.
std::string json_string(std::string_view text);

}  // namespace raftsim::sim
