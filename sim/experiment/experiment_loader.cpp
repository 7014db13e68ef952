// Loads an experiment file. Each point's scenario is the template read again
// with the point's values put in place, and loaded by the scenario loader
// itself: a value it refuses is reported at the value's line and column.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/experiment/output.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace raftsim::experiment {

namespace {

using scenario::SourceMark;
using scenario::YamlReader;

constexpr int kMaxTrials = 1'000'000;
constexpr std::size_t kMaxPoints = 10'000;

// A value as written in the file, on one line: `75ms`, `[150ms, 155ms]`.
std::string value_text(const YAML::Node& value) {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  out << value;
  return out.c_str();
}

// One step of a parameter path: a key, perhaps with a list index (`faults[0]`).
struct PathStep {
  std::string key;
  std::optional<std::size_t> index;
};

std::vector<PathStep> parse_path(const YamlReader& in, const YAML::Node& key_node, const std::string& path) {
  std::vector<PathStep> steps;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    PathStep step;
    const std::size_t bracket = part.find('[');
    if (bracket != std::string::npos) {
      const std::string digits = part.substr(bracket + 1, part.size() - bracket - 2);
      if (part.back() != ']' || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
          digits.size() > 6)
        in.fail(key_node, path, "expected a path like cluster.election_timeout or faults[0].at");
      step.index = static_cast<std::size_t>(std::stoul(digits));
      part = part.substr(0, bracket);
    }
    if (part.empty()) in.fail(key_node, path, "expected a path like cluster.election_timeout or faults[0].at");
    step.key = part;
    steps.push_back(std::move(step));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return steps;
}

// Puts `value` at `path` in `root` (the template). Returns whether a key had
// to be made (the template left it at its default).
bool put_value(const YamlReader& in, YAML::Node root, const YAML::Node& key_node, const std::string& path,
               const YAML::Node& value) {
  const std::vector<PathStep> steps = parse_path(in, key_node, path);
  if (steps.front().key == "seed")
    in.fail(key_node, path, "trials choose the seed (the experiment's seed + the trial's number); sweep something else");
  bool made = false;
  YAML::Node node;
  node.reset(root);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const PathStep& step = steps[s];
    const bool last = s + 1 == steps.size();
    if (!node.IsMap()) in.fail(key_node, path, fmt::format("the template has no map at '{}'", step.key));
    if (!node[step.key]) {
      if (step.index) in.fail(key_node, path, fmt::format("the template has no list '{}' to index", step.key));
      made = true;
      if (last) {
        node[step.key] = value;
        return made;
      }
      node[step.key] = YAML::Node(YAML::NodeType::Map);
    }
    YAML::Node next = node[step.key];
    if (step.index) {
      if (!next.IsSequence() || *step.index >= next.size())
        in.fail(key_node, path,
                fmt::format("the template's '{}' has {} entries: index {} is past its end (indexes count from 0)",
                            step.key, next.IsSequence() ? next.size() : 0, *step.index));
      if (last) {
        next[*step.index] = value;
        return made;
      }
      node.reset(next[*step.index]);  // rebinds (assignment would overwrite the node's content)
      continue;
    }
    if (last) {
      node[step.key] = value;
      return made;
    }
    node.reset(next);
  }
  return made;
}

// The points' assignments: (key node, path, value node) per parameter.
struct Assignment {
  YAML::Node key;
  std::string path;
  YAML::Node value;
};

std::vector<std::vector<Assignment>> assignments(const YamlReader& in, const YAML::Node& root) {
  std::vector<std::vector<Assignment>> points;
  if (const YAML::Node sweep = root["sweep"]) {
    in.require_map(sweep, "sweep");
    points.emplace_back();
    for (auto it = sweep.begin(); it != sweep.end(); ++it) {
      const std::string path = in.string(it->first, "sweep");
      const YAML::Node values = it->second;
      if (!values.IsSequence() || values.size() == 0)
        in.fail(values, "sweep." + path, "expected a list of values to try, like [3, 5, 7]");
      std::vector<std::vector<Assignment>> next;
      for (const auto& point : points)
        for (std::size_t v = 0; v < values.size(); ++v) {
          next.push_back(point);
          next.back().push_back({it->first, path, values[v]});
        }
      points = std::move(next);
      if (points.size() > kMaxPoints) in.fail(it->first, "sweep", fmt::format("more than {} points", kMaxPoints));
    }
    if (points.front().empty()) in.fail(sweep, "sweep", "expected at least one parameter and its values");
    return points;
  }
  const YAML::Node list = root["points"];
  if (!list.IsSequence() || list.size() == 0)
    in.fail(list, "points", "expected a list of points, each a map like {cluster.nodes: 3}");
  if (list.size() > kMaxPoints) in.fail(list, "points", fmt::format("more than {} points", kMaxPoints));
  for (std::size_t p = 0; p < list.size(); ++p) {
    const std::string where = fmt::format("points[{}]", p);
    in.require_map(list[p], where);
    points.emplace_back();
    for (auto it = list[p].begin(); it != list[p].end(); ++it)
      points.back().push_back({it->first, in.string(it->first, where), it->second});
    if (points.back().empty()) in.fail(list[p], where, "expected at least one parameter, like {cluster.nodes: 3}");
  }
  return points;
}

// The `scenario:` block's lines, as written.
std::string block_text(const std::string& text, const YAML::Node& root, const std::string& key) {
  int first = -1, next = -1;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const int line = it->first.Mark().line;
    if (it->first.Scalar() == key) first = line;
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const int line = it->first.Mark().line;
    if (line > first && (next < 0 || line < next)) next = line;
  }
  std::istringstream lines(text);
  std::string line, out;
  for (int number = 0; std::getline(lines, line); ++number)
    if (number >= first && (next < 0 || number < next)) out += line + "\n";
  while (out.size() > 1 && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

void parse_bounds(const YamlReader& in, const YAML::Node& node, Experiment& out) {
  in.require_map(node, "bounds");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = in.string(it->first, "bounds");
    const std::string key = "bounds." + name;
    const std::size_t dot = name.find('.');
    const auto measure = parse_measure(name.substr(0, dot));
    const auto statistic = dot == std::string::npos ? std::nullopt : parse_statistic(name.substr(dot + 1));
    if (!measure || !statistic)
      in.fail(it->first, key,
              "expected MEASURE.STATISTIC, like downtime.median or commit_latency.p99 (measures: downtime, "
              "first_leader, elections, split_votes, leader_changes, availability, write_unavailable, commit_latency; "
              "statistics: "
              "count, never, min, median, mean, p90, p99, max, per_hour)");
    if (std::find(out.measures.begin(), out.measures.end(), *measure) == out.measures.end())
      in.fail(it->first, key, fmt::format("the experiment does not measure {} (see `measure:`)", measure_name(*measure)));
    const Unit unit = measure_unit(*measure);
    if (*statistic == Statistic::per_hour && unit != Unit::count)
      in.fail(it->first, key, "per_hour is a rate of counts: elections, split_votes or leader_changes");
    Bound bound;
    bound.measure = *measure;
    bound.statistic = *statistic;
    bound.mark = in.mark(it->first);
    in.check_keys(it->second, key, {"min", "max"});
    if (!it->second["min"] && !it->second["max"]) in.fail(it->second, key, "expected {max: VALUE} or {min: VALUE}");
    const bool in_time = unit == Unit::milliseconds && *statistic != Statistic::count && *statistic != Statistic::never;
    std::string limits;
    for (const char* side : {"min", "max"}) {
      const YAML::Node value = it->second[side];
      if (!value) continue;
      const std::string value_key = fmt::format("{}.{}", key, side);
      const double number = in_time ? static_cast<double>(in.duration(value, value_key, 0, 24LL * 3'600'000'000)) / 1000.0
                            : unit == Unit::fraction && *statistic != Statistic::count && *statistic != Statistic::never
                                ? in.number(value, value_key, 0, 1)
                                : in.number(value, value_key, 0, 1e12);
      (std::string_view(side) == "min" ? bound.min : bound.max) = number;
      limits += fmt::format("{}{} {}", limits.empty() ? "" : ", ", std::string_view(side) == "min" ? ">=" : "<=",
                            value.Scalar());
    }
    bound.text = fmt::format("{} {}", name, limits);
    out.bounds.push_back(std::move(bound));
  }
}

}  // namespace

Experiment parse_experiment(const std::string& text, const std::string& source_name) {
  const auto load = [&] {
    try {
      return YAML::Load(text);
    } catch (const YAML::Exception& error) {
      throw InputError(fmt::format("{}:{}:{}: not valid YAML: {}", source_name, error.mark.line + 1,
                                   error.mark.column + 1, error.msg));
    }
  };
  const YamlReader in(source_name);
  const YAML::Node root = load();
  Experiment out;
  out.source_name = source_name;
  out.source_text = text;
  try {
    in.check_keys(root, "", {"name", "description", "seed", "trials", "fault", "measure", "window", "scenario", "sweep",
                             "points", "bounds"});
    if (root["name"]) out.name = in.string(root["name"], "name");
    if (root["description"]) out.description = in.string(root["description"], "description");
    if (root["seed"]) out.seed = static_cast<std::uint64_t>(in.integer(root["seed"], "seed", 0, INT64_MAX));
    if (!root["trials"]) in.fail(root, "trials", "missing: how many runs per point, like `trials: 100`");
    out.trials = static_cast<int>(in.integer(root["trials"], "trials", 1, kMaxTrials));
    if (!root["scenario"]) in.fail(root, "scenario", "missing: the scenario template (a scenario, as in a scenario file)");
    in.require_map(root["scenario"], "scenario");
    if (!root["sweep"] == !root["points"])
      in.fail(root, "sweep", "expected either `sweep:` (values per parameter, every combination) or `points:` (a list)");
    out.template_text = block_text(text, root, "scenario");

    const auto points = assignments(in, root);
    for (std::size_t p = 0; p < points.size(); ++p) {
      // The template read afresh, so each point's values keep their marks.
      YAML::Node fresh = load();
      const auto fresh_points = assignments(in, fresh);
      Point point;
      SourceMark made_at{};
      for (const Assignment& a : fresh_points[p]) {
        if (put_value(in, fresh["scenario"], a.key, a.path, a.value) && made_at.line == 0) made_at = in.mark(a.key);
        point.params.emplace_back(a.path, value_text(a.value));
      }
      try {
        point.scenario = scenario::parse_scenario_node(fresh["scenario"], source_name, text);
      } catch (const InputError& error) {
        // A key the template did not have is unmarked: point at the parameter.
        std::string what = error.what();
        const std::string bare = source_name + ": ";
        if (what.rfind(bare, 0) == 0 && made_at.line > 0)
          what = fmt::format("{}:{}:{}: {}", source_name, made_at.line, made_at.column, what.substr(bare.size()));
        throw InputError(fmt::format("{} (at the point {})", what, point_label(point)));
      }
      out.points.push_back(std::move(point));
    }

    const bool faults = std::all_of(out.points.begin(), out.points.end(),
                                    [](const Point& point) { return !point.scenario.faults.empty(); });
    if (root["fault"]) {
      std::size_t fewest = SIZE_MAX;
      for (const auto& point : out.points) fewest = std::min(fewest, point.scenario.faults.size());
      if (!faults) in.fail(root["fault"], "fault", "the template has no faults to count from");
      out.fault = static_cast<std::size_t>(in.integer(root["fault"], "fault", 1, static_cast<std::int64_t>(fewest))) - 1;
    }
    if (root["measure"]) {
      const YAML::Node list = root["measure"];
      if (!list.IsSequence() || list.size() == 0)
        in.fail(list, "measure", "expected a list of measures, like [downtime, elections]");
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string name = in.string(list[i], "measure");
        const auto measure = parse_measure(name);
        if (!measure)
          in.fail(list[i], "measure",
                  fmt::format("unknown measure '{}' (expected downtime, first_leader, elections, split_votes, "
                              "leader_changes, availability, write_unavailable or commit_latency)", name));
        if (measure_needs_fault(*measure) && !faults)
          in.fail(list[i], "measure", fmt::format("{} counts from a fault, and the template has none", name));
        if (std::find(out.measures.begin(), out.measures.end(), *measure) == out.measures.end())
          out.measures.push_back(*measure);
      }
      std::vector<Measure> ordered;
      for (Measure measure : kAllMeasures)
        if (std::find(out.measures.begin(), out.measures.end(), measure) != out.measures.end()) ordered.push_back(measure);
      out.measures = std::move(ordered);
    } else {
      for (Measure measure : kAllMeasures)
        if ((faults || !measure_needs_fault(measure)) && !measure_on_request(measure)) out.measures.push_back(measure);
    }
    if (root["window"]) {
      Micros shortest = INT64_MAX;
      for (const auto& point : out.points) shortest = std::min(shortest, point.scenario.duration);
      out.window = in.time_range(root["window"], "window", 0, shortest);
      if (out.window->min == out.window->max) in.fail(root["window"], "window", "expected a window longer than zero");
    }
    if (root["bounds"]) parse_bounds(in, root["bounds"], out);
  } catch (const YAML::Exception& error) {
    throw InputError(fmt::format("{}:{}:{}: {}", source_name, error.mark.line + 1, error.mark.column + 1, error.msg));
  }
  return out;
}

Experiment load_experiment_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(fmt::format("{}: cannot read the experiment file", path));
  std::ostringstream text;
  text << file.rdbuf();
  return parse_experiment(text.str(), path);
}

}  // namespace raftsim::experiment
