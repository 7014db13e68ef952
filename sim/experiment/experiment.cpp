#include "sim/experiment/experiment.hpp"

namespace raftsim::experiment {

const char* measure_name(Measure measure) {
  switch (measure) {
    case Measure::downtime: return "downtime";
    case Measure::first_leader: return "first_leader";
    case Measure::elections: return "elections";
    case Measure::split_votes: return "split_votes";
    case Measure::leader_changes: return "leader_changes";
    case Measure::availability: return "availability";
    case Measure::write_unavailable: return "write_unavailable";
    case Measure::commit_latency: return "commit_latency";
  }
  return "?";
}

std::optional<Measure> parse_measure(std::string_view name) {
  for (Measure measure : kAllMeasures)
    if (name == measure_name(measure)) return measure;
  return std::nullopt;
}

Unit measure_unit(Measure measure) {
  switch (measure) {
    case Measure::downtime:
    case Measure::first_leader:
    case Measure::commit_latency: return Unit::milliseconds;
    case Measure::availability:
    case Measure::write_unavailable: return Unit::fraction;
    default: return Unit::count;
  }
}

bool measure_needs_fault(Measure measure) {
  return measure == Measure::downtime || measure == Measure::elections || measure == Measure::split_votes;
}

bool measure_on_request(Measure measure) { return measure == Measure::write_unavailable; }

const char* statistic_name(Statistic statistic) {
  switch (statistic) {
    case Statistic::count: return "count";
    case Statistic::never: return "never";
    case Statistic::min: return "min";
    case Statistic::median: return "median";
    case Statistic::mean: return "mean";
    case Statistic::p90: return "p90";
    case Statistic::p99: return "p99";
    case Statistic::max: return "max";
    case Statistic::per_hour: return "per_hour";
  }
  return "?";
}

std::optional<Statistic> parse_statistic(std::string_view name) {
  for (Statistic statistic : {Statistic::count, Statistic::never, Statistic::min, Statistic::median, Statistic::mean,
                              Statistic::p90, Statistic::p99, Statistic::max, Statistic::per_hour})
    if (name == statistic_name(statistic)) return statistic;
  return std::nullopt;
}

}  // namespace raftsim::experiment
