#pragma once
// Each subcommand lives in its own file and adds itself to the app. The
// returned action runs when that subcommand was chosen and yields the exit
// code (CONTRACT §1: 0 pass, 1 finding, 2 bad input, 3 internal error).
#include <functional>

#include <CLI/CLI.hpp>

namespace raftsim::cli {

using Action = std::function<int()>;

Action add_run_command(CLI::App& app);
Action add_check_history_command(CLI::App& app);
Action add_kv_command(CLI::App& app);
Action add_bugs_command(CLI::App& app);
Action add_fuzz_command(CLI::App& app);
Action add_shrink_command(CLI::App& app);
Action add_quorum_command(CLI::App& app);
Action add_experiment_command(CLI::App& app);

}  // namespace raftsim::cli
