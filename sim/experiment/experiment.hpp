#pragma once
// An experiment file (`raftsim experiment FILE.yaml`, issue 16): a scenario
// template, the points to run it at (a sweep over scenario values, or a list
// of points), trials per point, what to measure and bounds on the results.
//
//   experiment.hpp          the file, loaded and validated (this header)
//   experiment_loader.cpp   YAML -> Experiment; each point's scenario is loaded
//                           from the template with the point's values put in,
//                           so an error names the line and column in the file
//   measures.*              what one trial measured
//   statistics.*            a distribution's summary (min, median, p99, ...)
//   runner.*                trials on worker threads, per-point results, bounds
//   output.*                the table, --json and --csv
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace raftsim::experiment {

using scenario::Micros;

// What an experiment measures. Times are reported in milliseconds.
enum class Measure : std::uint8_t {
  downtime,        // from the measured fault until a leader elected after it has reached every live node it can reach
  first_leader,    // from the start until the first leader is elected
  elections,       // terms campaigned in from the measured fault until recovery
  split_votes,     // of those, the terms that elected no leader
  leader_changes,  // leaders elected after the first (without faults: false elections)
  availability,    // fraction of client operations started after the fault (or the start) that succeeded
  write_unavailable,  // fraction of time after the fault (or the first leader) with no live majority or no serving leader
  commit_latency,  // each successful write's latency, call to return (all trials pooled)
};
inline constexpr Measure kAllMeasures[] = {Measure::downtime,       Measure::first_leader, Measure::elections,
                                           Measure::split_votes,    Measure::leader_changes, Measure::availability,
                                           Measure::write_unavailable, Measure::commit_latency};
const char* measure_name(Measure measure);
std::optional<Measure> parse_measure(std::string_view name);
enum class Unit : std::uint8_t { milliseconds, count, fraction };
Unit measure_unit(Measure measure);
// Needs a fault to count from.
bool measure_needs_fault(Measure measure);
// Measured only when asked for (`measure:`): it needs every node's role and
// commit history (RunOptions::observe), slower and larger.
bool measure_on_request(Measure measure);

// A statistic of a point's distribution, as bounds and the JSON name them.
enum class Statistic : std::uint8_t { count, never, min, median, mean, p90, p99, max, per_hour };
const char* statistic_name(Statistic statistic);
std::optional<Statistic> parse_statistic(std::string_view name);

// `bounds: {downtime.median: {max: 400ms}}`: every point must hold it, or
// the experiment exits 1.
struct Bound {
  Measure measure = Measure::downtime;
  Statistic statistic = Statistic::median;
  std::optional<double> min, max;  // milliseconds for times, else plain numbers
  std::string text;                // as written: "downtime.median <= 400ms"
  scenario::SourceMark mark;
};

// One point: the template with these values put in.
struct Point {
  std::vector<std::pair<std::string, std::string>> params;  // (path, value as written), in the file's order
  scenario::Scenario scenario;
};

struct Experiment {
  std::string name = "unnamed";
  std::string description;
  std::string source_name;
  std::string source_text;
  std::uint64_t seed = 1;  // trial t of every point runs with seed + t
  int trials = 0;
  // Which fault the fault measures count from: an index into each point's
  // faults (time order, as loaded); unset: the first fault that fires.
  std::optional<std::size_t> fault;
  std::vector<Measure> measures;  // in kAllMeasures order
  // `window: [from, to]`: where availability and write_unavailable are
  // measured; unset: from the fault (or the start, or the first leader) to the end.
  std::optional<scenario::TimeRange> window;
  std::vector<Point> points;
  std::vector<Bound> bounds;
  std::string template_text;  // the `scenario:` block as written, for the report
};

// Throws InputError (exit 2) naming file:line:col, the key and what was expected.
Experiment load_experiment_file(const std::string& path);
Experiment parse_experiment(const std::string& text, const std::string& source_name);

// The seed of trial `trial` (0-based).
inline std::uint64_t trial_seed(const Experiment& experiment, int trial) {
  return experiment.seed + static_cast<std::uint64_t>(trial);
}

}  // namespace raftsim::experiment
