// The measures of one trial, from a run made with RunOptions::measure (its
// campaigns, leaders with their establishment, fault records) and its
// client history.
#include "sim/experiment/measures.hpp"

#include <algorithm>

#include "sim/quorum/simulate.hpp"

namespace raftsim::experiment {

namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

bool is_write(history::OpKind kind) { return kind != history::OpKind::get; }

}  // namespace

TrialResult measure_trial(const Experiment& experiment, const sim::RunResult& result, const history::History& history) {
  TrialResult trial;
  trial.seed = result.seed;
  trial.simulated_us = result.simulated_us;
  trial.pass = result.pass;
  for (const auto& check : result.checks)
    if (!check.ok && trial.failure.empty()) trial.failure = check.name;
  for (const auto& expectation : result.expectations)
    if (!expectation.ok && trial.failure.empty()) trial.failure = "expect: " + expectation.text;

  // The fault counted from: its first firing.
  std::optional<std::int64_t> fault_us;
  for (const auto& fault : result.faults)
    if (!experiment.fault || fault.fault == *experiment.fault) {
      fault_us = fault.time_us;
      break;
    }

  const auto put = [&](Measure measure, double value) { trial.samples[static_cast<std::size_t>(measure)].push_back(value); };
  const auto never = [&](Measure measure) { trial.never[static_cast<std::size_t>(measure)] = true; };
  for (Measure measure : experiment.measures) {
    switch (measure) {
      case Measure::first_leader:
        if (result.leaders.empty()) never(measure);
        else put(measure, ms(result.leaders.front().elected_us));
        break;
      case Measure::leader_changes:
        put(measure, static_cast<double>(result.leaders.empty() ? 0 : result.leaders.size() - 1));
        break;
      case Measure::downtime:
      case Measure::elections:
      case Measure::split_votes: {
        if (!fault_us) {
          never(measure);  // the fault never fired (a trigger that never came)
          break;
        }
        // Recovery: the first leader elected at or after the fault whose
        // heartbeat or append reached every live node it could reach.
        const sim::LeaderRecord* recovered = nullptr;
        for (const auto& leader : result.leaders)
          if (leader.elected_us >= *fault_us && leader.established_us >= 0) {
            recovered = &leader;
            break;
          }
        if (measure == Measure::downtime) {
          if (recovered) put(measure, ms(recovered->established_us - *fault_us));
          else never(measure);
          break;
        }
        // Terms campaigned in from the fault to the recovering leader's election.
        const std::int64_t until = recovered ? recovered->elected_us : result.simulated_us;
        std::vector<std::uint64_t> terms;
        for (const auto& campaign : result.campaigns)
          if (campaign.time_us >= *fault_us && campaign.time_us <= until) terms.push_back(campaign.term);
        std::sort(terms.begin(), terms.end());
        terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
        const auto elections = static_cast<double>(terms.size());
        if (measure == Measure::elections) put(measure, elections);
        else put(measure, recovered && elections > 0 ? elections - 1 : elections);
        if (!recovered) never(measure);
        break;
      }
      case Measure::availability: {
        // In the file's `window`, else from the fault (or the start) to the end.
        const std::int64_t from = experiment.window ? experiment.window->min : fault_us.value_or(0);
        const std::int64_t to = experiment.window ? experiment.window->max : result.simulated_us;
        std::size_t called = 0, ok = 0;
        for (const auto& op : history) {
          if (op.call_us < from || op.call_us > to) continue;
          ++called;
          if (op.outcome == history::Outcome::ok) ++ok;
        }
        if (called == 0) never(measure);
        else put(measure, static_cast<double>(ok) / static_cast<double>(called));
        break;
      }
      case Measure::write_unavailable: {
        const std::int64_t from = experiment.window ? experiment.window->min
                                  : fault_us    ? *fault_us
                                  : result.leaders.empty() ? 0
                                                           : result.leaders.front().elected_us;
        const std::int64_t to = experiment.window ? experiment.window->max : result.simulated_us;
        if (from >= to || result.observations.empty()) {
          never(measure);
          break;
        }
        put(measure, quorum::measure(result.observations, from, to).write_unavailable);
        break;
      }
      case Measure::commit_latency:
        for (const auto& op : history)
          if (is_write(op.kind) && op.outcome == history::Outcome::ok && op.return_us)
            put(measure, ms(*op.return_us - op.call_us));
        break;
    }
  }
  return trial;
}

}  // namespace raftsim::experiment
