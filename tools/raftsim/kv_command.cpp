// Placeholder until the MVCC store lands (issue 6).
#include "tools/raftsim/commands.hpp"
namespace raftsim::cli {
Action add_kv_command(CLI::App& app) {
  app.add_subcommand("kv", "Drive one MVCC store with etcdctl syntax (not built yet)");
  return [] { return 2; };
}
}  // namespace raftsim::cli
