#include "sim/experiment/runner.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "sim/run.hpp"

namespace raftsim::experiment {

bool ExperimentResult::pass() const {
  for (const auto& bound : bounds)
    if (!bound.ok) return false;
  for (const auto& point : points)
    if (!point.failed.empty()) return false;
  return true;
}

namespace {

TrialResult run_trial(const Experiment& experiment, std::size_t point, int trial, std::uint64_t* events) {
  scenario::Scenario scenario = experiment.points[point].scenario;
  scenario.seed = trial_seed(experiment, trial);
  sim::RunOptions options;
  options.measure = true;
  for (Measure measure : experiment.measures)
    if (measure_on_request(measure)) options.observe = true;
  history::History history;
  const sim::RunResult result = sim::run_scenario(scenario, options, &history);
  *events = result.events;
  TrialResult measured = measure_trial(experiment, result, history);
  measured.trial = trial;
  return measured;
}

}  // namespace

ExperimentResult run_experiment(const Experiment& experiment, int jobs,
                                const std::function<void(const RunProgress&)>& progress) {
  const std::size_t trials = static_cast<std::size_t>(experiment.trials);
  const std::size_t total = experiment.points.size() * trials;
  std::vector<TrialResult> results(total);
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> events{0};
  std::mutex lock;
  RunProgress state;
  state.trials_total = total;
  std::exception_ptr error;
  const auto worker = [&] {
    try {
      for (;;) {
        const std::size_t job = next.fetch_add(1);
        if (job >= total) return;
        {
          std::lock_guard<std::mutex> guard(lock);
          if (error) return;
        }
        std::uint64_t trial_events = 0;
        results[job] = run_trial(experiment, job / trials, static_cast<int>(job % trials), &trial_events);
        events += trial_events;
        std::lock_guard<std::mutex> guard(lock);
        ++state.trials_done;
        if (progress) progress(state);
      }
    } catch (...) {
      std::lock_guard<std::mutex> guard(lock);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < std::max(1, jobs); ++j) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  if (error) std::rethrow_exception(error);

  ExperimentResult out;
  out.events = events;
  for (std::size_t p = 0; p < experiment.points.size(); ++p) {
    PointResult point;
    std::array<std::uint64_t, kMeasureCount> never{};
    for (std::size_t t = 0; t < trials; ++t) {
      TrialResult& trial = results[p * trials + t];
      ++point.trials;
      point.simulated_us += trial.simulated_us;
      for (std::size_t m = 0; m < kMeasureCount; ++m) {
        auto& into = point.samples[m];
        into.insert(into.end(), trial.samples[m].begin(), trial.samples[m].end());
        if (trial.never[m]) ++never[m];
      }
      if (!trial.pass) {
        trial.samples = {};
        point.failed.push_back(std::move(trial));
      }
    }
    const double hours = static_cast<double>(point.simulated_us) / 3.6e9;
    for (std::size_t m = 0; m < kMeasureCount; ++m) point.summaries[m] = summarise(point.samples[m], never[m], hours);
    out.points.push_back(std::move(point));
  }
  for (const Bound& bound : experiment.bounds)
    for (std::size_t p = 0; p < out.points.size(); ++p) {
      const double value = out.points[p].summaries[static_cast<std::size_t>(bound.measure)].value(bound.statistic);
      const bool ok = (!bound.min || value >= *bound.min) && (!bound.max || value <= *bound.max);
      out.bounds.push_back({&bound, p, value, ok});
    }
  return out;
}

}  // namespace raftsim::experiment
