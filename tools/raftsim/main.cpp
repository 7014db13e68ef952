// raftsim: a deterministic simulator of a Raft key-value cluster.
// This file only wires the subcommands together and maps failures to exit codes.
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "core/assert.hpp"
#include "core/input_error.hpp"
#include "tools/raftsim/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"raftsim: a deterministic simulator of a Raft-based key-value cluster (etcd-style)"};
  app.set_version_flag("--version", RAFTSIM_VERSION);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, raftsim::cli::Action>> commands;
  auto remember = [&](raftsim::cli::Action action) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(action));
  };
  remember(raftsim::cli::add_run_command(app));
  remember(raftsim::cli::add_check_history_command(app));
  remember(raftsim::cli::add_kv_command(app));
  remember(raftsim::cli::add_fuzz_command(app));
  remember(raftsim::cli::add_shrink_command(app));
  remember(raftsim::cli::add_quorum_command(app));
  remember(raftsim::cli::add_experiment_command(app));
  remember(raftsim::cli::add_bugs_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints help and usage errors; usage errors are exit 2 by contract.
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }

  for (auto& [subcommand, action] : commands) {
    if (!subcommand->parsed()) continue;
    try {
      return action();
    } catch (const raftsim::InputError& error) {
      fmt::print(stderr, "error: {}\n", error.what());
      return 2;
    } catch (const raftsim::AssertionFailure& error) {
      fmt::print(stderr, "internal error: {}\n", error.what());
      return 3;
    } catch (const std::exception& error) {
      fmt::print(stderr, "internal error: {}\n", error.what());
      return 3;
    }
  }
  return 2;
}
