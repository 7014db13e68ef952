#pragma once
// A fuzzing campaign: many generated scenarios, one per seed, on worker
// threads (each simulation stays single-threaded), sharded by seed so a CI
// matrix splits one campaign with no overlap. Each failure is shrunk and
// written as a plain scenario file that `raftsim run` replays.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/bugs.hpp"
#include "sim/fuzz/generator.hpp"

namespace raftsim::fuzz {

struct CampaignOptions {
  std::uint64_t seed_start = 0;
  std::optional<std::uint64_t> seeds;  // how many seeds of the campaign; unbounded when unset (then stop() decides)
  std::uint64_t shard_index = 0;       // this process runs the seeds with seed % shard_count == shard_index
  std::uint64_t shard_count = 1;
  int jobs = 1;
  GeneratorOptions generator;
  raft::Bugs bugs;
  std::string out_dir;  // where failure files go; empty: nowhere
  bool shrink = true;
  std::string version;  // written into failure files
};

struct Failure {
  std::uint64_t seed = 0;
  std::string check;   // the failing check, "expectations" or "internal-error"
  std::string detail;
  std::string file;    // the replayable scenario, when written
  std::string size_before, size_after;
};

struct Progress {
  std::uint64_t seeds_done = 0;
  std::uint64_t failures = 0;
  std::uint64_t events = 0;
};

struct CampaignReport {
  std::uint64_t seeds_run = 0;
  std::uint64_t events = 0;
  std::int64_t simulated_us = 0;  // simulated time of the seeds run (a run that failed an assertion counts none)
  std::vector<Failure> failures;  // ordered by seed
};

// Runs the campaign. `stop` is polled between seeds (a time budget, Ctrl-C);
// `progress` is called after each seed, from worker threads, serialised.
CampaignReport run_campaign(const CampaignOptions& options, const std::function<bool()>& stop,
                            const std::function<void(const Progress&)>& progress);

// The command that replays a failure file: `raftsim run FILE --bug NAME...`,
// naming the planted bugs as the campaign's --bug did (the file's `bugs:`
// says the same, so the file alone also replays it).
std::string replay_command(const std::string& file, const raft::Bugs& bugs);

// One seed: generate, write to YAML, read back, run. Empty check when it passes.
Failure run_seed(std::uint64_t seed, const CampaignOptions& options, std::uint64_t* events = nullptr,
                 std::int64_t* simulated_us = nullptr);

}  // namespace raftsim::fuzz
