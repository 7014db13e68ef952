// `raftsim bugs`: the planted bugs (CONTRACT §4) and the check that catches each.
#include <fmt/format.h>

#include "core/raft/bugs.hpp"
#include "tools/raftsim/commands.hpp"

namespace raftsim::cli {

Action add_bugs_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("bugs", "List the planted bugs and the check that catches each");
  command->footer("Example:\n  raftsim bugs\n  raftsim run scenarios/bugs/local-read.yaml            # the file plants its bug (bugs: [local-read])\n"
                  "  raftsim run FILE --bug local-read                      # plant a bug in any scenario");
  return [] {
    for (const auto& bug : raft::all_bugs())
      fmt::print("{}\n    the mistake: {}\n    caught by:   {}\n", bug.name, bug.mistake, bug.caught_by);
    return 0;
  };
}

}  // namespace raftsim::cli
