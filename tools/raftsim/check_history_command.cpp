// Placeholder until the linearizability checker lands (issue 5).
#include "tools/raftsim/commands.hpp"
namespace raftsim::cli {
Action add_check_history_command(CLI::App& app) {
  app.add_subcommand("check-history", "Check an external history for linearizability (not built yet)");
  return [] { return 2; };
}
}  // namespace raftsim::cli
