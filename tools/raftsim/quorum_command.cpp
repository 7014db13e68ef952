// `raftsim quorum`: quorum math by cluster size (CONTRACT §1, §8; issue 8).
// The numbers come from sim/quorum/, the --report page from sim/report/; this file parses, checks and prints.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/quorum/analytic.hpp"
#include "sim/quorum/partitions.hpp"
#include "sim/quorum/simulate.hpp"
#include "sim/report/html.hpp"
#include "sim/report/quorum_report.hpp"
#include "sim/scenario/yaml_reader.hpp"
#include "tools/raftsim/commands.hpp"
#include "tools/raftsim/number_option.hpp"
#include "tools/raftsim/raft_option.hpp"
#include "sim/node/raft_node.hpp"

namespace raftsim::cli {

namespace {

struct QuorumOptions {
  int max = 7;
  std::vector<std::string> nodes;
  std::vector<std::string> p;
  bool json = false;
  bool simulate = false;
  std::string duration = "8h";
  std::uint64_t seed = 1;
  int runs = 10;
  std::string mttr = "10s";
  int jobs = 0;
  std::string raft;
  std::string report;
  std::string command_line;  // as parsed, for the report's header
};

// The command line as CLI11 parsed it (each given option with its values),
// for the report's header: it reproduces the report.
std::string parsed_command_line(const CLI::App& command) {
  const auto quoted = [](const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                "-_.,/:=+@%") == std::string::npos)
      return word;
    std::string out = "'";
    for (char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
  };
  std::string out = "raftsim quorum";
  for (const CLI::Option* option : command.get_options()) {
    if (option->count() == 0) continue;
    out += " " + option->get_name();
    if (option->get_expected_max() == 0) continue;  // a flag
    std::string values;
    for (const auto& value : option->results()) values += (values.empty() ? "" : ",") + value;
    out += " " + quoted(values);
  }
  return out;
}

// Splits "a,b" items (CLI11 already split on commas; a repeated option adds items).
std::vector<double> parse_probabilities(const std::vector<std::string>& items) {
  std::vector<double> out;
  for (const auto& item : items) {
    double value = 0;
    std::size_t used = 0;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || !(value >= 0 && value <= 1))
      throw InputError(fmt::format("--p {}: expected probabilities in [0, 1], like 0.05 or 0.01,0.05,0.1", item));
    out.push_back(value);
  }
  if (out.empty()) out.push_back(0.05);
  return out;
}

std::vector<int> parse_sizes(const QuorumOptions& o) {
  std::vector<int> sizes;
  if (o.nodes.empty()) {
    if (o.max < 1 || o.max > quorum::kMaxNodes)
      throw InputError(fmt::format("--max {}: expected a cluster size from 1 to {}", o.max, quorum::kMaxNodes));
    for (int n = 1; n <= o.max; ++n) sizes.push_back(n);
    return sizes;
  }
  for (const auto& item : o.nodes) {
    int value = 0;
    std::size_t used = 0;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || value < 1 || value > quorum::kMaxNodes)
      throw InputError(fmt::format("--nodes {}: expected cluster sizes from 1 to {}, like 3,4", item, quorum::kMaxNodes));
    if (std::find(sizes.begin(), sizes.end(), value) == sizes.end()) sizes.push_back(value);
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

quorum::Micros parse_positive_duration(const std::string& option, const std::string& text) {
  const auto value = scenario::parse_duration(text);
  if (!value || *value <= 0 || *value > 24LL * 3600 * 1'000'000)
    throw InputError(fmt::format("{} {}: expected a duration from 1us to 24h, like 30m or 2h", option, text));
  return *value;
}

std::string number(double value) { return fmt::format("{:.4g}", value); }
std::string json_number(double value) { return fmt::format("{:.10g}", value); }

std::string duration_text(quorum::Micros us) {
  if (us % 3'600'000'000 == 0) return fmt::format("{}h", us / 3'600'000'000);
  if (us % 60'000'000 == 0) return fmt::format("{}m", us / 60'000'000);
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  return fmt::format("{:.3f}s", static_cast<double>(us) / 1e6);
}

void print_sizes(const std::vector<quorum::SizeRow>& rows, double p) {
  fmt::print("Each node is down, independently, with probability p = {}.\n", p);
  fmt::print("A cluster of N nodes needs a majority, floor(N/2) + 1 of them, to elect a leader and commit.\n\n");
  fmt::print("nodes  majority  tolerates  P(no majority)  downtime a year  compared with one node fewer\n");
  for (const auto& row : rows) {
    std::string line = fmt::format("{:>5}  {:>8}  {:>9}  {:>14}  {:>15}  {}", row.nodes, row.majority, row.tolerated,
                                   number(row.p_unavailable), quorum::downtime_per_year(row.p_unavailable),
                                   quorum::compare_text(row));
    while (line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  }
}

void print_partitions(const std::vector<quorum::PartitionRow>& rows) {
  if (rows.empty()) return;
  fmt::print("\nPartitions: N nodes cut in two (a|b). Only a side with a majority can elect a leader and commit.\n");
  for (const auto& row : rows) {
    std::string splits;
    for (const auto& split : row.splits) splits += fmt::format("{}{}", splits.empty() ? "" : ", ", split.text());
    fmt::print("{:>5} nodes (majority {}): {}{}\n", row.nodes, row.majority, splits,
               row.even_split_stalls() ? "   <- an even split stops every write" : "");
  }
}

// Whether the formula's value lies in the simulated interval; judged only when
// at least half of the runs lost their majority at some point (else the runs'
// fractions are mostly zeros and the t interval means little).
std::string verdict(double analytic, const quorum::SimulatedSize& sim, int runs) {
  const bool judged = analytic == 0 || 2 * sim.runs_with_quorum_loss >= runs;
  if (!judged) return fmt::format("rare {}/{}", sim.runs_with_quorum_loss, runs);
  return analytic >= sim.quorum_lost.lo && analytic <= sim.quorum_lost.hi ? "agrees" : "differs";
}

void print_simulated(const std::vector<quorum::SizeRow>& rows, const std::vector<quorum::SimulatedSize>& simulated,
                     const quorum::SimulateOptions& s, double seconds) {
  fmt::print("\nSimulated: every node crashes and restarts at random, down a fraction {} of the time (mean down {}),\n"
             "{} of simulated time per size in {} runs, seed {}, with clients writing all along ({:.1f}s):\n\n",
             s.p, duration_text(s.mean_down), duration_text(s.duration), s.runs, s.seed, seconds);
  fmt::print("nodes  P(no majority)  simulated no majority [95%]           writes unavailable [95%]          crashes  elections\n");
  for (std::size_t i = 0; i < simulated.size(); ++i) {
    const auto& sim = simulated[i];
    const auto& lost = sim.quorum_lost;
    const auto& wu = sim.write_unavailable;
    fmt::print("{:>5}  {:>14}  {:<36}  {:<32}  {:>7}  {:>9}\n", sim.nodes, number(rows[i].p_unavailable),
               fmt::format("{} [{}, {}] {}", number(lost.mean), number(lost.lo), number(lost.hi),
                           verdict(rows[i].p_unavailable, sim, s.runs)),
               fmt::format("{} [{}, {}]", number(wu.mean), number(wu.lo), number(wu.hi)), sim.crashes, sim.elections);
  }
  fmt::print("\nno majority: fewer than N/2+1 nodes up. writes unavailable: no node is up, leading, with an entry of\n"
             "its own term committed, and a majority up; elections after a leader's crash add to it.\n"
             "95% intervals over independent runs, mean ± t·s/√runs. \"agrees\": the formula's value is inside;\n"
             "\"rare k/R\": only k of R runs lost their majority at all, too few to judge (try a longer --duration).\n");
}

std::string json_estimate(const std::string& name, const quorum::Estimate& e) {
  return fmt::format(",\"{0}\":{1},\"{0}_ci95\":[{2},{3}]", name, json_number(e.mean), json_number(e.lo),
                     json_number(e.hi));
}

std::string json_table(double p, const std::vector<quorum::SizeRow>& rows, const std::vector<quorum::PartitionRow>& parts,
                       const std::vector<quorum::SimulatedSize>* simulated, const quorum::SimulateOptions& s) {
  std::string sizes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string item = fmt::format("{{\"nodes\":{},\"majority\":{},\"tolerated\":{},\"p_unavailable\":{}", row.nodes,
                                   row.majority, row.tolerated, json_number(row.p_unavailable));
    item += fmt::format(",\"ratio_to_one_fewer\":{}",
                        row.ratio_to_one_fewer ? json_number(*row.ratio_to_one_fewer) : std::string("null"));
    if (simulated != nullptr) {
      const auto& sim = (*simulated)[i];
      item += json_estimate("simulated_quorum_lost", sim.quorum_lost);
      item += json_estimate("simulated_write_unavailable", sim.write_unavailable);
      item += fmt::format(",\"simulated_us\":{},\"runs_with_quorum_loss\":{},\"crashes\":{},\"elections\":{},\"ops_ok\":{}",
                          sim.measured_us, sim.runs_with_quorum_loss, sim.crashes, sim.elections, sim.ops_ok);
    }
    sizes += (sizes.empty() ? "" : ",") + item + "}";
  }
  std::string partitions;
  for (const auto& row : parts) {
    std::string splits;
    for (const auto& split : row.splits)
      splits += fmt::format("{}{{\"a\":{},\"b\":{},\"commits\":{}}}", splits.empty() ? "" : ",", split.smaller,
                            split.larger, split.larger_commits ? fmt::format("\"{}-side\"", split.larger) : "null");
    partitions += fmt::format("{}{{\"nodes\":{},\"majority\":{},\"splits\":[{}]}}", partitions.empty() ? "" : ",",
                              row.nodes, row.majority, splits);
  }
  std::string out = fmt::format("{{\"p\":{},\"sizes\":[{}],\"partitions\":[{}]", json_number(p), sizes, partitions);
  if (simulated != nullptr)
    out += fmt::format(",\"simulation\":{{\"seed\":{},\"duration_us\":{},\"runs\":{},\"mean_down_us\":{},\"warmup_us\":{}}}",
                       s.seed, s.duration, s.runs, s.mean_down, s.warmup);
  return out + "}";
}

int quorum_command(const QuorumOptions& o) {
  const std::vector<double> probabilities = parse_probabilities(o.p);
  const std::vector<int> sizes = parse_sizes(o);
  quorum::SimulateOptions s;
  s.sizes = sizes;
  s.seed = o.seed;
  if (o.simulate) {
    s.duration = parse_positive_duration("--duration", o.duration);
    s.mean_down = parse_positive_duration("--mttr", o.mttr);
    if (o.runs < 2 || o.runs > 1000) throw InputError(fmt::format("--runs {}: expected 2 to 1000 runs", o.runs));
    s.runs = o.runs;
    if (s.duration / s.runs < 1'000'000)
      throw InputError(fmt::format("--duration {}: expected at least 1s per run ({} runs)", o.duration, o.runs));
    if (o.jobs < 0) throw InputError(fmt::format("--jobs {}: expected a positive number", o.jobs));
    s.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (!o.raft.empty()) s.raft = scenario::parse_implementation(o.raft);
    if (s.raft == scenario::RaftImplementation::etcd) sim::require_etcd_raft();
  }
  const auto partitions = quorum::partition_table(sizes);
  // Before any simulation, so that a typo in the path costs nothing.
  if (!o.report.empty()) sim::report::check_output_directory(o.report, "--report");
  sim::report::QuorumReport report;
  report.partitions = partitions;
  report.command_line = o.command_line;
  if (o.simulate) report.simulation = s;

  // Wall-clock time is read only for the progress line and the report; it never reaches a simulation.
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const bool terminal = o.simulate && isatty(STDERR_FILENO);
  std::string json;
  bool checks_held = true;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    const auto rows = quorum::size_table(sizes, p);
    std::vector<quorum::SimulatedSize> simulated;
    double seconds = 0;
    if (o.simulate) {
      s.p = p;
      const auto before = elapsed();
      simulated = quorum::simulate(s, [&](const quorum::SimulateProgress& progress) {
        if (!terminal) return;
        const double t = elapsed() - before;
        const double eta = t / progress.runs_done * (progress.runs_total - progress.runs_done);
        fmt::print(stderr, "\rsimulating p = {}: {}/{} runs, {:.0f}s, ETA {:.0f}s   ", p, progress.runs_done,
                   progress.runs_total, t, eta);
      });
      if (terminal) fmt::print(stderr, "\r{:60}\r", "");
      seconds = elapsed() - before;
      for (const auto& size : simulated)
        for (const auto& failure : size.failed_checks) {
          checks_held = false;
          fmt::print(stderr, "check failed: {}\n", failure);
        }
    }
    if (!o.report.empty()) report.series.push_back({p, rows, simulated});
    if (o.json) {
      json += (json.empty() ? "" : ",") + json_table(p, rows, partitions, o.simulate ? &simulated : nullptr, s);
      continue;
    }
    if (i > 0) fmt::print("\n");
    print_sizes(rows, p);
    if (i + 1 == probabilities.size()) print_partitions(partitions);
    if (o.simulate) print_simulated(rows, simulated, s, seconds);
  }
  if (!o.report.empty()) sim::report::write_quorum_report(o.report, report);
  // One p: the object of CONTRACT §8. Several: an array of such objects, one per p, in the order given.
  if (o.json) fmt::print("{}\n", probabilities.size() == 1 ? json : "[" + json + "]");
  return checks_held ? 0 : 1;
}

}  // namespace

Action add_quorum_command(CLI::App& app) {
  auto o = std::make_shared<QuorumOptions>();
  CLI::App* command = app.add_subcommand(
      "quorum", "Quorum math: majority, failures tolerated, availability by cluster size; --simulate measures it");
  command->footer(
      "Examples:\n"
      "  raftsim quorum                          # 1..7 nodes, each down 5% of the time\n"
      "  raftsim quorum --p 0.01,0.05,0.1 --max 9\n"
      "  raftsim quorum --json                   # {\"p\": 0.05, \"sizes\": [{\"nodes\": 3, ...}], ...}\n"
      "  raftsim quorum --simulate --nodes 3,4 --duration 2h --seed 7\n"
      "  raftsim quorum --p 0.01,0.05 --report quorum.html   # the table as a chart\n"
      "\n"
      "P(no majority) is exact: the sum over k > tolerated of C(n,k) p^k (1-p)^(n-k).\n"
      "With several p values, --json prints an array of objects, one per p.\n"
      "\n"
      "--simulate runs the simulator: each node crashes and restarts at random (exponential up and down\n"
      "periods from raftsim's seeded generator, mean down --mttr, mean up mttr·(1-p)/p, so a node is down a\n"
      "fraction p of the time), while clients write. It measures, after a warm-up of 5s per run:\n"
      "  no majority         the fraction of time fewer than N/2+1 nodes are up (the formula's prediction);\n"
      "  writes unavailable  the fraction of time in which no node is up, leader, has committed an entry of\n"
      "                      its own term, with a majority of nodes up (elections make it larger).\n"
      "95% intervals: --duration is split into --runs independent runs (own seeds); the interval is\n"
      "mean ± t(0.975, runs-1)·s/√runs over the runs' fractions. Same --seed, same numbers, whatever --jobs.\n"
      "\n"
      "Exit codes: 0 done, 1 a safety check failed during --simulate, 2 bad input, 3 internal error.");
  command->add_option("--max", o->max, "Cluster sizes 1..MAX (1 to 15; default 7)");
  one_value_per_use(command->add_option("--nodes", o->nodes, "Only these cluster sizes, like 3,4 (instead of --max)")->delimiter(','));
  one_value_per_use(
      command->add_option("--p", o->p, "Probability that a node is down (default 0.05); several: 0.01,0.05 or repeated")
          ->delimiter(','));
  command->add_flag("--json", o->json, "Print JSON on stdout (fields: docs/reference.md, JSON output)");
  CLI::Option* simulate = command->add_flag("--simulate", o->simulate, "Also measure availability with the simulator");
  command->add_option("--duration", o->duration, "Simulated time per cluster size, over all runs (default 8h)")
      ->needs(simulate);
  command->add_option("--runs", o->runs, "Independent runs per size, for the 95% interval (default 10)")->needs(simulate);
  command->add_option("--mttr", o->mttr, "Mean time a crashed node stays down (default 10s)")->needs(simulate);
  command->add_option("--seed", o->seed, "Seed of the simulation (default 1)")->check(whole_number(0, INT64_MAX))->needs(simulate);
  command->add_option("--jobs", o->jobs, "Worker threads for --simulate (default: the number of cores)")
      ->check(whole_number(1, 256))
      ->needs(simulate);
  add_raft_option(*command, o->raft)->needs(simulate);
  command->add_option("--report", o->report,
                      "Write the table as a chart, with the partitions, to this self-contained HTML file");
  return [o, command] {
    o->command_line = parsed_command_line(*command);
    return quorum_command(*o);
  };
}

}  // namespace raftsim::cli
