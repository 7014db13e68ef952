#include "sim/experiment/output.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/report.hpp"

namespace raftsim::experiment {

namespace {

constexpr Statistic kShown[] = {Statistic::min, Statistic::median, Statistic::mean,
                                Statistic::p90, Statistic::p99,    Statistic::max};

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::milliseconds: return "ms";
    case Unit::count: return "count";
    case Unit::fraction: return "fraction";
  }
  return "";
}

std::string cell(const Summary& summary, Statistic statistic) {
  if (summary.count == 0) return "-";
  return format_number(summary.value(statistic));
}

// A long value (a whole faults list) cut for the table; --json and --csv keep it whole.
std::string shortened(const std::string& value) {
  constexpr std::size_t kWidest = 40;
  return value.size() <= kWidest ? value : value.substr(0, kWidest - 3) + "...";
}

// Every parameter any point sets, in order of first appearance.
std::vector<std::string> param_paths(const Experiment& experiment) {
  std::vector<std::string> paths;
  for (const auto& point : experiment.points)
    for (const auto& [path, value] : point.params)
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  return paths;
}

// The point's value for `path`, or "" where it keeps the template's.
std::string param_value(const Point& point, const std::string& path) {
  for (const auto& [p, value] : point.params)
    if (p == path) return value;
  return "";
}


}  // namespace

std::string point_label(const Point& point) {
  std::string out;
  for (const auto& [path, value] : point.params) out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", path, value);
  return out;
}

std::string format_number(double value) {
  std::string text = fmt::format("{:.3f}", value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

std::string json_statistic_name(Measure measure, Statistic statistic) {
  const bool time = measure_unit(measure) == Unit::milliseconds && statistic != Statistic::count &&
                    statistic != Statistic::never;
  return fmt::format("{}{}", statistic_name(statistic), time ? "_ms" : "");
}

std::string format_table(const Experiment& experiment, const ExperimentResult& result) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  const std::vector<std::string> paths = param_paths(experiment);
  header = paths;
  for (const char* name : {"measure", "unit", "count", "never", "min", "median", "mean", "p90", "p99", "max", "per_hour"})
    header.emplace_back(name);
  rows.push_back(header);
  for (std::size_t p = 0; p < experiment.points.size(); ++p) {
    const Point& point = experiment.points[p];
    for (Measure measure : experiment.measures) {
      const Summary& s = result.points[p].summaries[static_cast<std::size_t>(measure)];
      std::vector<std::string> row;
      for (const auto& path : paths) row.push_back(shortened(param_value(point, path)));
      row.emplace_back(measure_name(measure));
      row.emplace_back(unit_name(measure_unit(measure)));
      row.push_back(std::to_string(s.count));
      row.push_back(std::to_string(s.never));
      for (Statistic statistic : kShown) row.push_back(cell(s, statistic));
      row.push_back(measure_unit(measure) == Unit::count && s.count > 0 ? format_number(s.per_hour) : "-");
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  std::string out = fmt::format("{}: {} point{} x {} trials (seeds {}..{}, raft {})\n", experiment.name,
                                experiment.points.size(), experiment.points.size() == 1 ? "" : "s", experiment.trials,
                                experiment.seed, trial_seed(experiment, experiment.trials - 1),
                                scenario::implementation_name(experiment.points.front().scenario.cluster.raft));
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool text_column = c + 9 < header.size();  // the last nine are numbers
      line += text_column ? fmt::format("{:<{}}  ", row[c], widths[c]) : fmt::format("{:>{}}  ", row[c], widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (std::size_t p = 0; p < result.points.size(); ++p)
    for (const auto& trial : result.points[p].failed)
      out += fmt::format("FAILED: point {} ({}) seed {}: {}\n", p + 1, point_label(experiment.points[p]), trial.seed,
                         trial.failure);
  for (const auto& bound : result.bounds)
    out += fmt::format("{}: {} at point {} ({}): {}\n", bound.ok ? "bound held" : "BOUND EXCEEDED", bound.bound->text,
                       bound.point + 1, point_label(experiment.points[bound.point]), format_number(bound.value));
  return out;
}

std::string format_json(const Experiment& experiment, const ExperimentResult& result) {
  std::string out = fmt::format("{{\"experiment\": {}, \"file\": {}, \"seed\": {}, \"trials\": {}, \"raft\": \"{}\", "
                                "\"events\": {}, \"result\": \"{}\", \"points\": [",
                                sim::json_string(experiment.name), sim::json_string(experiment.source_name), experiment.seed,
                                experiment.trials,
                                scenario::implementation_name(experiment.points.front().scenario.cluster.raft),
                                result.events, result.pass() ? "pass" : "fail");
  for (std::size_t p = 0; p < experiment.points.size(); ++p) {
    const Point& point = experiment.points[p];
    std::string params;
    for (const auto& [path, value] : point.params)
      params += fmt::format("{}{}: {}", params.empty() ? "" : ", ", sim::json_string(path), sim::json_string(value));
    out += fmt::format("{}{{\"params\": {{{}}}, \"trials\": {}, \"simulated_us\": {}", p ? ", " : "", params,
                       result.points[p].trials, result.points[p].simulated_us);
    for (Measure measure : experiment.measures) {
      const Summary& s = result.points[p].summaries[static_cast<std::size_t>(measure)];
      out += fmt::format(", {}: {{\"count\": {}, \"never\": {}", sim::json_string(measure_name(measure)), s.count, s.never);
      for (Statistic statistic : kShown)
        out += fmt::format(", \"{}\": {}", json_statistic_name(measure, statistic),
                           s.count ? format_number(s.value(statistic)) : "null");
      if (measure_unit(measure) == Unit::count) out += fmt::format(", \"per_hour\": {}", format_number(s.per_hour));
      out += "}";
    }
    out += ", \"failures\": [";
    for (std::size_t f = 0; f < result.points[p].failed.size(); ++f) {
      const auto& trial = result.points[p].failed[f];
      out += fmt::format("{}{{\"seed\": {}, \"check\": {}}}", f ? ", " : "", trial.seed, sim::json_string(trial.failure));
    }
    out += "]}";
  }
  out += "], \"bounds\": [";
  for (std::size_t b = 0; b < result.bounds.size(); ++b) {
    const auto& bound = result.bounds[b];
    out += fmt::format("{}{{\"bound\": {}, \"point\": {}, \"value\": {}, \"ok\": {}}}", b ? ", " : "",
                       sim::json_string(bound.bound->text), bound.point + 1, format_number(bound.value),
                       bound.ok ? "true" : "false");
  }
  return out + "]}\n";
}

std::string format_csv(const Experiment& experiment, const ExperimentResult& result) {
  std::string out = "point";
  const std::vector<std::string> paths = param_paths(experiment);
  for (const auto& path : paths) out += "," + csv_field(path);
  out += ",measure,unit,count,never,min,median,mean,p90,p99,max,per_hour\n";
  for (std::size_t p = 0; p < experiment.points.size(); ++p) {
    const Point& point = experiment.points[p];
    for (Measure measure : experiment.measures) {
      const Summary& s = result.points[p].summaries[static_cast<std::size_t>(measure)];
      out += std::to_string(p + 1);
      for (const auto& path : paths) out += "," + csv_field(param_value(point, path));
      out += fmt::format(",{},{},{},{}", measure_name(measure), unit_name(measure_unit(measure)), s.count, s.never);
      for (Statistic statistic : kShown) out += "," + (s.count ? format_number(s.value(statistic)) : std::string());
      out += "," + (measure_unit(measure) == Unit::count && s.count ? format_number(s.per_hour) : std::string()) + "\n";
    }
  }
  return out;
}

}  // namespace raftsim::experiment
