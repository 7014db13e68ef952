#pragma once
// Minimises a failing scenario while it still fails the same check (delta
// debugging, Zeller's ddmin, over the fault list; then fewer nodes, clients
// and keys, a shorter run, a simpler network). Every candidate is written to
// YAML and read back before it runs, so the result replays from its file.
#include <cstdint>
#include <functional>
#include <string>

#include "sim/scenario/scenario.hpp"

namespace raftsim::fuzz {

// Runs `scenario` and names the check it fails: a check name, "expectations"
// when only an expectation failed, "internal-error" for a broken assertion,
// or "" when it passes.
std::string failing_check(const scenario::Scenario& scenario, std::string* detail = nullptr);

struct ShrinkResult {
  scenario::Scenario scenario;
  std::size_t runs = 0;
  std::string before;  // "12 faults, 5 nodes, 4 clients, 21s"
  std::string after;
};

std::string describe_size(const scenario::Scenario& scenario);

// `check` is what failing_check() said of `failing`. At most `max_runs` runs.
ShrinkResult shrink(const scenario::Scenario& failing, const std::string& check, std::size_t max_runs = 150);

}  // namespace raftsim::fuzz
