// `raftsim fuzz`: many generated scenarios, checked, shrunk, written out (CONTRACT §1, §8; issue 7).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/fuzz/campaign.hpp"
#include "sim/report.hpp"
#include "sim/scenario/yaml_reader.hpp"
#include "tools/raftsim/commands.hpp"

namespace raftsim::cli {

namespace {

struct FuzzOptions {
  std::optional<std::uint64_t> seeds;
  std::string time;
  std::uint64_t seed_start = 0;
  std::string shard = "0/1";
  int jobs = 0;
  std::string nodes = "1,2,3,4,5,6,7";
  std::string out = "fuzz-failures";
  std::string junit;
  bool no_shrink = false;
  bool json = false;
  bool quiet = false;
  std::vector<std::string> bugs;
};

void write_junit(const std::string& path, const fuzz::CampaignReport& report, const fuzz::CampaignOptions& options,
                 double seconds) {
  const auto escape = [](const std::string& text) {
    std::string out;
    for (char ch : text) {
      if (ch == '<') out += "&lt;";
      else if (ch == '>') out += "&gt;";
      else if (ch == '&') out += "&amp;";
      else if (ch == '"') out += "&quot;";
      else out += ch;
    }
    return out;
  };
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    if (!out) throw InputError(fmt::format("--junit {}: cannot write", path));
    const std::string shard = fmt::format("shard {}/{}", options.shard_index, options.shard_count);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuite name=\"raftsim fuzz {}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", shard,
                       report.failures.empty() ? 1 : report.failures.size(), report.failures.size(), seconds);
    if (report.failures.empty()) {
      out << fmt::format("  <testcase classname=\"raftsim.fuzz\" name=\"{} seeds in {}\"/>\n", report.seeds_run, shard);
    }
    for (const auto& failure : report.failures) {
      out << fmt::format("  <testcase classname=\"raftsim.fuzz\" name=\"seed {}\">\n", failure.seed);
      out << fmt::format("    <failure message=\"{} failed\">{}\nreplay: raftsim run {}</failure>\n", escape(failure.check),
                         escape(failure.detail), escape(failure.file));
      out << "  </testcase>\n";
    }
    out << "</testsuite>\n";
  }
  std::rename(temporary.c_str(), path.c_str());
}

int fuzz(const FuzzOptions& o) {
  fuzz::CampaignOptions options;
  options.seed_start = o.seed_start;
  options.seeds = o.seeds;
  options.out_dir = o.out;
  options.shrink = !o.no_shrink;
  options.version = RAFTSIM_VERSION;
  options.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  unsigned long long index = 0, count = 0;
  char slash = 0;
  if (std::sscanf(o.shard.c_str(), "%llu%c%llu", &index, &slash, &count) != 3 || slash != '/' || count == 0 ||
      index >= count)
    throw InputError(fmt::format("--shard {}: expected I/N with 0 <= I < N, like 0/4", o.shard));
  options.shard_index = index;
  options.shard_count = count;
  options.generator.nodes.clear();
  for (std::size_t at = 0; at <= o.nodes.size();) {
    const std::size_t comma = std::min(o.nodes.find(',', at), o.nodes.size());
    const std::string item = o.nodes.substr(at, comma - at);
    int value = 0;
    if (std::sscanf(item.c_str(), "%d", &value) != 1 || value < 1 || value > 15 || std::to_string(value) != item)
      throw InputError(fmt::format("--nodes {}: expected cluster sizes from 1 to 15 separated by commas, like 3,5", o.nodes));
    options.generator.nodes.push_back(value);
    at = comma + 1;
  }
  for (const auto& bug : o.bugs)
    if (!raft::enable_bug(options.bugs, bug)) throw InputError(fmt::format("--bug {}: no such planted bug (see `raftsim bugs`)", bug));
  std::optional<std::int64_t> budget_us;
  if (!o.time.empty()) {
    budget_us = scenario::parse_duration(o.time);
    if (!budget_us || *budget_us <= 0) throw InputError(fmt::format("--time {}: expected a duration like 60s or 5m", o.time));
  }
  if (!options.seeds && !budget_us) options.seeds = 100;

  // Wall-clock time is read here only, for the budget and the report; it
  // never reaches a simulation.
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const auto stop = [&] { return budget_us && elapsed() * 1e6 >= static_cast<double>(*budget_us); };
  const bool terminal = isatty(STDERR_FILENO) && !o.quiet;
  std::mutex print_lock;
  const auto progress = [&](const fuzz::Progress& p) {
    if (!terminal) return;
    const double seconds = elapsed();
    const double rate = seconds > 0 ? static_cast<double>(p.seeds_done) / seconds : 0;
    std::string eta;
    if (options.seeds && rate > 0) {
      const double remaining = static_cast<double>(*options.seeds) / static_cast<double>(options.shard_count) -
                               static_cast<double>(p.seeds_done);
      eta = fmt::format(", ETA {:.0f}s", std::max(0.0, remaining / rate));
    } else if (budget_us) {
      eta = fmt::format(", {:.0f}s left", std::max(0.0, static_cast<double>(*budget_us) / 1e6 - seconds));
    }
    std::lock_guard<std::mutex> guard(print_lock);
    fmt::print(stderr, "\r{} seeds, {:.1f} seeds/s, {} failures{}   ", p.seeds_done, rate, p.failures, eta);
  };
  const fuzz::CampaignReport report = fuzz::run_campaign(options, stop, progress);
  const double seconds = elapsed();
  if (terminal) fmt::print(stderr, "\n");
  const double rate = seconds > 0 ? static_cast<double>(report.seeds_run) / seconds : 0;

  std::string text = fmt::format("fuzz: {} seeds (shard {}/{}, {} jobs) in {:.1f}s, {:.1f} seeds/s, {:.2f} M events/s; {} failures\n",
                                 report.seeds_run, options.shard_index, options.shard_count, options.jobs, seconds, rate,
                                 seconds > 0 ? static_cast<double>(report.events) / seconds / 1e6 : 0.0,
                                 report.failures.size());
  for (const auto& f : report.failures)
    text += fmt::format("  seed {}: {} failed: {}\n    shrunk {} -> {}; replay: raftsim run {}\n", f.seed, f.check,
                        f.detail.substr(0, f.detail.find('\n')), f.size_before, f.size_after,
                        f.file.empty() ? "(not written)" : f.file);
  if (o.json) {
    if (!o.quiet) fmt::print(stderr, "{}", text);
    std::string failures;
    for (const auto& f : report.failures)
      failures += fmt::format("{}{{\"seed\":{},\"check\":{},\"file\":{},\"detail\":{}}}", failures.empty() ? "" : ",",
                              f.seed, sim::json_string(f.check), sim::json_string(f.file), sim::json_string(f.detail));
    std::string nodes;
    for (int n : options.generator.nodes) nodes += fmt::format("{}{}", nodes.empty() ? "" : ",", n);
    fmt::print("{{\"seeds_run\":{},\"failures\":[{}],\"seeds_per_second\":{:.3f},\"events\":{},\"seconds\":{:.3f},"
               "\"options\":{{\"seed_start\":{},\"seeds\":{},\"time\":{},\"shard\":\"{}/{}\",\"jobs\":{},\"nodes\":[{}],"
               "\"shrink\":{},\"bugs\":[{}]}}}}\n",
               report.seeds_run, failures, rate, report.events, seconds, options.seed_start,
               options.seeds ? std::to_string(*options.seeds) : "null", o.time.empty() ? "null" : sim::json_string(o.time),
               options.shard_index, options.shard_count, options.jobs, nodes, options.shrink,
               [&] {
                 std::string bugs;
                 for (const auto& b : o.bugs) bugs += fmt::format("{}{}", bugs.empty() ? "" : ",", sim::json_string(b));
                 return bugs;
               }());
  } else if (!o.quiet || !report.failures.empty()) {
    fmt::print("{}", text);
  }
  if (!o.junit.empty()) write_junit(o.junit, report, options, seconds);
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

Action add_fuzz_command(CLI::App& app) {
  auto o = std::make_shared<FuzzOptions>();
  CLI::App* command = app.add_subcommand("fuzz", "Run many generated scenarios, check every invariant, shrink failures");
  command->footer(
      "Examples:\n"
      "  raftsim fuzz --seeds 200                      # seeds 0..199 on every core\n"
      "  raftsim fuzz --time 60s --bug commit-old-term  # show that the fuzzer finds a planted bug\n"
      "  raftsim fuzz --time 10m --shard 2/8 --junit fuzz.xml --out failures/   # one CI shard of eight\n"
      "Each failure is written, shrunk, as OUT/seed-<seed>.yaml; `raftsim run` replays it. Beside it,\n"
      "OUT/seed-<seed>.html pictures the replay (as `raftsim run FILE --report`).\n"
      "Exit codes: 0 no failure, 1 failures found, 2 bad input, 3 internal error.");
  command->add_option("--seeds", o->seeds, "How many seeds the campaign covers (default 100 without --time)");
  command->add_option("--time", o->time, "Run until this much wall time has passed, like 60s or 10m");
  command->add_option("--seed-start", o->seed_start, "The first seed");
  command->add_option("--shard", o->shard, "I/N: run only the seeds with seed % N == I");
  command->add_option("--jobs", o->jobs, "Worker threads (default: the number of cores)");
  command->add_option("--nodes", o->nodes, "Cluster sizes to draw from, like 3,5 (default 1..7)");
  command->add_option("--out", o->out, "Directory for failure files and their HTML reports (default fuzz-failures)");
  command->add_option("--junit", o->junit, "Write a JUnit XML report here");
  command->add_option("--bug", o->bugs, "Plant a bug (repeatable)");
  command->add_flag("--no-shrink", o->no_shrink, "Write failures as generated, without shrinking");
  command->add_flag("--json", o->json, "Print the summary as JSON on stdout");
  command->add_flag("-q,--quiet", o->quiet, "Print only failures");
  return [o] { return fuzz(*o); };
}

}  // namespace raftsim::cli
