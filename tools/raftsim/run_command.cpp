// `raftsim run [SCENARIO.yaml]`: run one scenario and report it (CONTRACT §1, §8).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/input_error.hpp"
#include "sim/report.hpp"
#include "sim/report/report.hpp"
#include "sim/run.hpp"
#include "sim/scenario/loader.hpp"
#include "tools/raftsim/commands.hpp"
#include "tools/raftsim/number_option.hpp"
#include "tools/raftsim/raft_option.hpp"

namespace raftsim::cli {

namespace {
struct RunOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> bugs;
  bool no_bugs = false;
  std::string raft;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool explain = false;
  std::string trace;
  std::string history;
  std::string report;
};

int run(const RunOptions& options) {
  scenario::Scenario scenario =
      options.file.empty() ? scenario::quickstart_scenario() : scenario::load_scenario_file(options.file);
  if (options.seed) scenario.seed = *options.seed;
  if (options.no_bugs) scenario.bugs = {};
  for (const auto& bug : options.bugs) {
    if (!raft::enable_bug(scenario.bugs, bug)) {
      std::vector<std::string> names;
      for (const auto& info : raft::all_bugs()) names.emplace_back(info.name);
      throw InputError(fmt::format("--bug {}: no such planted bug (expected one of: {})", bug, fmt::join(names, ", ")));
    }
  }
  apply_raft_option(scenario, options.raft);
  sim::RunOptions run_options;
  run_options.trace_path = options.trace;
  run_options.history_path = options.history;
  run_options.explain = options.explain;
  if (!options.report.empty()) run_options = sim::report::with_recording(run_options);
  sim::RunResult result;
  history::History history;
  try {
    // The whole history only for the report: without it, a run without the
    // linearizability check keeps no more of it than it needs.
    result = sim::run_scenario(scenario, run_options, options.report.empty() ? nullptr : &history);
  } catch (const AssertionFailure& failure) {
    std::string bugs = options.no_bugs ? " --no-bugs" : "";
    for (const auto& bug : options.bugs) bugs += " --bug " + bug;
    if (!options.raft.empty()) bugs += " --raft " + options.raft;
    fmt::print(stderr, "internal error: {}\n  scenario {} ({}), seed {}\n  reproduce: raftsim run {} --seed {}{}\n",
               failure.what(), scenario.name, scenario.source_name, scenario.seed,
               options.file.empty() ? "" : options.file, scenario.seed, bugs);
    return 3;
  }
  if (!options.report.empty()) sim::report::write_report(options.report, scenario, result, history);
  const auto verbosity = options.quiet ? sim::Verbosity::quiet
                         : options.verbose || options.explain ? sim::Verbosity::verbose
                                                               : sim::Verbosity::normal;
  const std::string text = sim::format_text(result, scenario, verbosity);
  if (options.json) {
    if (!options.quiet) fmt::print(stderr, "{}", text);
    fmt::print("{}\n", sim::format_json(result));
  } else {
    fmt::print("{}", text);
  }
  return result.pass ? 0 : 1;
}
}  // namespace

Action add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand("run", "Run one scenario (the built-in quickstart when no file is given)");
  command->footer(
      "Examples:\n"
      "  raftsim run                                   # the quickstart: 5 nodes, a minority partition\n"
      "  raftsim run scenarios/minority-partition.yaml --seed 42 --json\n"
      "  raftsim run scenarios/bugs/local-read.yaml --trace run.jsonl   # the file plants its bug (bugs: [local-read])\n"
      "  raftsim run scenarios/bugs/local-read.yaml --no-bugs         # the same run, clean\n"
      "  raftsim run scenarios/minority-partition.yaml --report run.html   # pictures of the run\n"
      "Exit codes: 0 pass, 1 a check or expectation failed, 2 bad input, 3 internal error.");
  command->add_option("scenario", options->file, "Scenario file (YAML; every key: docs/reference.md)");
  command->add_option("--seed", options->seed, "Override the scenario's seed")->check(whole_number(0, INT64_MAX));
  one_value_per_use(command->add_option("--bug", options->bugs, "Plant a bug (repeatable); `raftsim bugs` lists them"));
  add_raft_option(*command, options->raft);
  command->add_flag("--no-bugs", options->no_bugs,
                    "Plant none of the bugs the file's `bugs:` names (run a bug demonstration clean); --bug still adds");
  command->add_flag("--json", options->json, "Print the summary as JSON on stdout (human text to stderr)");
  command->add_option("--trace", options->trace, "Write the run's events (client requests and responses, message deliveries, role changes, commits, watch events, the timeline) as JSON lines to this file");
  command->add_option("--history", options->history, "Write the client history (jsonl, see docs/reference.md) to this file");
  command->add_option("--report", options->report,
                      "Write a self-contained HTML report with pictures of the run (nodes, partitions, faults, "
                      "client operations, messages) to this file");
  command->add_flag("-q,--quiet", options->quiet, "Print only failures, the trace hash and the verdict");
  command->add_flag("-v,--verbose", options->verbose, "Print the whole timeline");
  command->add_flag("--explain", options->explain, "Narrate the run in plain sentences: who wins which term with whose votes, which side of a partition can commit and why");
  return [options] { return run(*options); };
}

}  // namespace raftsim::cli
