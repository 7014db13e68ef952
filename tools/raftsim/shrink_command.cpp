// `raftsim shrink FAILING.yaml`: minimise a failing scenario, keeping the failing check.
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/fuzz/shrink.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"
#include "tools/raftsim/commands.hpp"
#include "tools/raftsim/number_option.hpp"
#include "tools/raftsim/raft_option.hpp"

namespace raftsim::cli {

namespace {
struct ShrinkOptions {
  std::string file;
  std::string out;
  std::vector<std::string> bugs;
  bool no_bugs = false;
  std::string raft;
  std::size_t max_runs = 300;
};

int shrink(const ShrinkOptions& o) {
  scenario::Scenario scenario = scenario::load_scenario_file(o.file);
  if (o.no_bugs) scenario.bugs = {};
  for (const auto& bug : o.bugs)
    if (!raft::enable_bug(scenario.bugs, bug)) throw InputError(fmt::format("--bug {}: no such planted bug", bug));
  apply_raft_option(scenario, o.raft);
  std::string detail;
  const std::string check = fuzz::failing_check(scenario, &detail);
  if (check.empty()) {
    fmt::print(stderr, "{}: passes; nothing to shrink\n", o.file);
    return 0;
  }
  fmt::print(stderr, "{}: fails {} ({}); shrinking...\n", o.file, check, detail.substr(0, detail.find('\n')));
  const fuzz::ShrinkResult result = fuzz::shrink(scenario, check, o.max_runs);
  const bool yaml_name = o.file.size() > 5 && o.file.compare(o.file.size() - 5, 5, ".yaml") == 0;
  const std::string out = !o.out.empty() ? o.out : (yaml_name ? o.file.substr(0, o.file.size() - 5) : o.file) + ".shrunk.yaml";
  const std::string temporary = out + ".tmp";
  {
    std::ofstream file(temporary);
    if (!file) throw InputError(fmt::format("{}: cannot write", out));
    file << scenario::to_yaml(result.scenario, fmt::format("shrunk from {} ({} -> {}); still fails `{}`", o.file,
                                                              result.before, result.after, check));
  }
  std::rename(temporary.c_str(), out.c_str());
  fmt::print("{} -> {}: {} -> {} in {} runs; still fails {}\n", o.file, out, result.before, result.after, result.runs,
             check);
  return 1;
}
}  // namespace

Action add_shrink_command(CLI::App& app) {
  auto o = std::make_shared<ShrinkOptions>();
  CLI::App* command = app.add_subcommand("shrink", "Minimise a failing scenario while it fails the same check");
  command->footer("Example:\n  raftsim shrink fuzz-failures/seed-42.yaml -o small.yaml --bug commit-old-term\n"
                  "Exit codes: 1 the (shrunk) scenario fails, 0 it passed to begin with, 2 bad input.");
  command->add_option("file", o->file, "The failing scenario")->required();
  command->add_option("-o,--out", o->out, "Where to write the result (default FILE.shrunk.yaml)");
  one_value_per_use(command->add_option("--bug", o->bugs, "Plant a bug (repeatable), as for the run that failed"));
  command->add_flag("--no-bugs", o->no_bugs, "Plant none of the bugs the file's `bugs:` names");
  add_raft_option(*command, o->raft);
  command->add_option("--max-runs", o->max_runs, "At most this many runs while shrinking")->check(whole_number(1, 1000000));
  return [o] { return shrink(*o); };
}

}  // namespace raftsim::cli
