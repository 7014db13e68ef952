#include "sim/fuzz/campaign.hpp"

#include <algorithm>
#include <exception>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/input_error.hpp"
#include "sim/fuzz/shrink.hpp"
#include "sim/report/report.hpp"
#include "sim/run.hpp"
#include "sim/scenario/emit.hpp"
#include "sim/scenario/loader.hpp"

namespace raftsim::fuzz {

namespace {

scenario::Scenario replayable(std::uint64_t seed, const CampaignOptions& options) {
  // The run uses exactly what the file will say: generate, write, read back.
  const scenario::Scenario generated = generate_scenario(seed, options.generator);
  scenario::Scenario scenario = scenario::parse_scenario(scenario::to_yaml(generated), fmt::format("seed-{}.yaml", seed));
  scenario.bugs = options.bugs;
  return scenario;
}

// The HTML report of the failure file's replay, beside it (seed-N.html).
void write_failure_report(const std::string& html_path, const std::string& yaml_path, const std::string& yaml_text,
                          const CampaignOptions& options) {
  scenario::Scenario replay = scenario::parse_scenario(yaml_text, yaml_path);
  replay.bugs = options.bugs;
  history::History history;
  sim::RunResult result;
  try {
    result = sim::run_scenario(replay, sim::report::with_recording({}), &history);
  } catch (const AssertionFailure&) {
    return;  // an internal error leaves no run to draw
  }
  sim::report::write_report(html_path, replay, result, history);
}

void write_failure(Failure& failure, const scenario::Scenario& scenario, const CampaignOptions& options) {
  if (options.out_dir.empty()) return;
  std::filesystem::create_directories(options.out_dir);
  const std::string path = fmt::format("{}/seed-{}.yaml", options.out_dir, failure.seed);
  std::string header = fmt::format("raftsim {} fuzz failure: seed {} fails check `{}`\n{}\nreplay: {}\nshrunk from {} to {}",
                                   options.version, failure.seed, failure.check,
                                   failure.detail.substr(0, failure.detail.find('\n')), replay_command(path, options.bugs),
                                   failure.size_before, failure.size_after);
  // Write to a temporary name, then rename: never a half-written file.
  const std::string temporary = path + ".tmp";
  const std::string text = scenario::to_yaml(scenario, header);
  {
    std::ofstream out(temporary);
    if (!out) throw InputError(fmt::format("--out {}: cannot write {}", options.out_dir, path));
    out << text;
  }
  std::filesystem::rename(temporary, path);
  failure.file = path;
  write_failure_report(fmt::format("{}/seed-{}.html", options.out_dir, failure.seed), path, text, options);
}

}  // namespace

std::string replay_command(const std::string& file, const raft::Bugs& bugs) {
  const auto names = raft::enabled_bug_names(bugs);
  return fmt::format("raftsim run {}{}", file, names.empty() ? "" : fmt::format(" --bug {}", fmt::join(names, " --bug ")));
}

Failure run_seed(std::uint64_t seed, const CampaignOptions& options, std::uint64_t* events, std::int64_t* simulated_us) {
  Failure failure;
  failure.seed = seed;
  scenario::Scenario scenario = replayable(seed, options);
  try {
    const sim::RunResult result = sim::run_scenario(scenario);
    if (events) *events = result.events;
    if (simulated_us) *simulated_us = result.simulated_us;
    for (const auto& check : result.checks)
      if (!check.ok && failure.check.empty()) failure.check = check.name, failure.detail = check.detail;
    if (failure.check.empty() && !result.pass) failure.check = "expectations";
  } catch (const AssertionFailure& error) {
    failure.check = "internal-error";
    failure.detail = error.what();
  }
  if (failure.check.empty()) return failure;
  failure.size_before = describe_size(scenario);
  failure.size_after = failure.size_before;
  if (options.shrink) {
    ShrinkResult shrunk = shrink(scenario, failure.check);
    failure.size_after = shrunk.after;
    scenario = std::move(shrunk.scenario);
  }
  write_failure(failure, scenario, options);
  return failure;
}

CampaignReport run_campaign(const CampaignOptions& options, const std::function<bool()>& stop,
                            const std::function<void(const Progress&)>& progress) {
  RAFTSIM_ASSERT(options.shard_count >= 1 && options.shard_index < options.shard_count, "bad shard");
  std::atomic<std::uint64_t> next{0};
  std::mutex lock;
  CampaignReport report;
  Progress state;
  std::exception_ptr error;  // the first exception of any worker, rethrown after the join
  const auto worker = [&] {
    try {
    for (;;) {
      if (stop && stop()) return;
      const std::uint64_t offset = next.fetch_add(1);
      if (options.seeds && offset >= *options.seeds) return;
      const std::uint64_t seed = options.seed_start + offset;
      if (seed % options.shard_count != options.shard_index) continue;
      std::uint64_t events = 0;
      std::int64_t simulated_us = 0;
      Failure failure = run_seed(seed, options, &events, &simulated_us);
      std::lock_guard<std::mutex> guard(lock);
      ++report.seeds_run;
      report.events += events;
      report.simulated_us += simulated_us;
      ++state.seeds_done;
      state.events += events;
      if (!failure.check.empty()) {
        ++state.failures;
        report.failures.push_back(std::move(failure));
      }
      if (progress) progress(state);
    }
    } catch (...) {
      std::lock_guard<std::mutex> guard(lock);
      if (!error) error = std::current_exception();
    }
  };
  const int jobs = std::max(1, options.jobs);
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  if (error) std::rethrow_exception(error);
  std::sort(report.failures.begin(), report.failures.end(),
            [](const Failure& a, const Failure& b) { return a.seed < b.seed; });
  return report;
}

}  // namespace raftsim::fuzz
