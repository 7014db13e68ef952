// Placeholder until the simulator lands.
#include "tools/raftsim/commands.hpp"
namespace raftsim::cli {
Action add_run_command(CLI::App& app) {
  app.add_subcommand("run", "Run one scenario");
  return [] { return 2; };
}
}  // namespace raftsim::cli
