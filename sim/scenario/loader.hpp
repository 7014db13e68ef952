#pragma once
// Loads and validates scenario files (CONTRACT §3). Validation is complete
// before anything runs: a returned Scenario is runnable.
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario.hpp"

namespace raftsim::scenario {

// Throws raftsim::InputError naming file, line, column, key and what was expected.
Scenario load_scenario_file(const std::string& path);
Scenario parse_scenario(const std::string& text, const std::string& source_name);
// A document already read (an experiment's template with a sweep's values
// put in): errors point at the nodes' marks in `source_name`.
Scenario parse_scenario_node(const YAML::Node& root, const std::string& source_name, const std::string& source_text);

// The built-in quickstart (scenarios/quickstart.yaml, compiled in).
Scenario quickstart_scenario();

}  // namespace raftsim::scenario
