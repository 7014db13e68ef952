// `raftsim experiment FILE.yaml` (CONTRACT §1, issue 16): a scenario template
// over a sweep of values x trials, as distributions. The work is in
// sim/experiment/ and the page in sim/report/; this file parses, checks and prints.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/experiment/output.hpp"
#include "sim/experiment/runner.hpp"
#include "sim/report/experiment_report.hpp"
#include "sim/report/html.hpp"
#include "sim/scenario/emit.hpp"
#include "tools/raftsim/commands.hpp"
#include "tools/raftsim/number_option.hpp"
#include "tools/raftsim/raft_option.hpp"

namespace raftsim::cli {

namespace {

struct ExperimentOptions {
  std::string file;
  bool json = false;
  bool csv = false;
  std::string report;
  int jobs = 0;
  std::optional<std::uint64_t> seed;
  std::optional<int> trials;
  std::string raft;
  std::string write_points;
  bool quiet = false;
};

// --write-points DIR: each point's scenario as a file, so that trial t of
// point K replays with `raftsim run DIR/point-K.yaml --seed SEED+t`.
void write_points(const experiment::Experiment& e, const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (std::size_t p = 0; p < e.points.size(); ++p) {
    const std::string params = experiment::point_label(e.points[p]);
    const std::string path = fmt::format("{}/point-{}.yaml", dir, p + 1);
    const std::string header = fmt::format(
        "point {} of experiment {} ({}): {}\ntrial t runs with seed {} + t: raftsim run {} --seed {}", p + 1, e.name,
        e.source_name, params, e.seed, path, e.seed);
    sim::report::write_file_atomically(path, scenario::to_yaml(e.points[p].scenario, header), "--write-points");
  }
}

int run_experiment_command(const ExperimentOptions& o) {
  if (o.json && o.csv) throw InputError("--json and --csv: choose one output for stdout");
  if (!o.report.empty()) sim::report::check_output_directory(o.report, "--report");
  experiment::Experiment e = experiment::load_experiment_file(o.file);
  if (o.seed) e.seed = *o.seed;
  if (o.trials) e.trials = *o.trials;
  for (auto& point : e.points) apply_raft_option(point.scenario, o.raft);
  if (!o.write_points.empty()) write_points(e, o.write_points);
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());

  // The progress line (wall-clock ETA: only the display reads the clock).
  const auto start = std::chrono::steady_clock::now();
  const bool terminal = isatty(STDERR_FILENO) && !o.quiet;
  const auto progress = [&](const experiment::RunProgress& p) {
    if (!terminal) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = seconds > 0 ? static_cast<double>(p.trials_done) / seconds : 0;
    const double remaining = static_cast<double>(p.trials_total - p.trials_done);
    fmt::print(stderr, "\r{}/{} trials, {:.1f} trials/s, ETA {:.0f}s   ", p.trials_done, p.trials_total, rate,
               rate > 0 ? remaining / rate : 0.0);
  };
  const experiment::ExperimentResult result = experiment::run_experiment(e, jobs, progress);
  if (terminal) fmt::print(stderr, "\r{:60}\r", "");

  if (o.json) fmt::print("{}", experiment::format_json(e, result));
  else if (o.csv) fmt::print("{}", experiment::format_csv(e, result));
  else fmt::print("{}", experiment::format_table(e, result));
  if ((o.json || o.csv) && !o.quiet && !result.pass()) fmt::print(stderr, "{}", experiment::format_table(e, result));
  if (!o.report.empty()) {
    std::string command = "raftsim experiment " + o.file;
    if (o.seed) command += fmt::format(" --seed {}", *o.seed);
    if (o.trials) command += fmt::format(" --trials {}", *o.trials);
    if (!o.raft.empty()) command += " --raft " + o.raft;
    sim::report::write_experiment_report(o.report, e, result, command);
  }
  return result.pass() ? 0 : 1;
}

}  // namespace

Action add_experiment_command(CLI::App& app) {
  auto options = std::make_shared<ExperimentOptions>();
  CLI::App* command = app.add_subcommand(
      "experiment",
      "Runs a scenario template over a parameter sweep x trials and reports distributions (downtime after a fault, "
      "time to the first leader, elections and split votes, availability, commit latency).\n"
      "Example: raftsim experiment scenarios/experiments/raft-figure16.yaml --jobs 2 --report figure16.html");
  command->add_option("file", options->file, "The experiment file (YAML: scenario, sweep or points, trials)")
      ->required();
  command->add_flag("--json", options->json, "Print one JSON object on stdout instead of the table");
  command->add_flag("--csv", options->csv, "Print CSV on stdout (one row per point and measure) instead of the table");
  one_value_per_use(command->add_option("--report", options->report,
                                        "Write an HTML page with CDF curves (log time axis), the table and the template"));
  one_value_per_use(command->add_option("--jobs", options->jobs, "Worker threads (default: the number of cores)"))
      ->check(whole_number(1, 1024));
  one_value_per_use(command->add_option("--seed", options->seed, "Overrides the file's seed (trial t runs with seed + t)"))
      ->check(whole_number(0, INT64_MAX));
  one_value_per_use(command->add_option("--trials", options->trials, "Overrides the file's trials per point"))
      ->check(whole_number(1, 1'000'000));
  one_value_per_use(command->add_option("--write-points", options->write_points,
                                        "Write each point's scenario to DIR/point-K.yaml (trial t replays with "
                                        "raftsim run DIR/point-K.yaml --seed SEED+t)"));
  add_raft_option(*command, options->raft);
  command->add_flag("-q,--quiet", options->quiet, "No progress line, no table on stderr");
  return [options] { return run_experiment_command(*options); };
}

}  // namespace raftsim::cli
