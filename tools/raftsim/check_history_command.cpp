// `raftsim check-history [--format F] [--model M] [--timeout T] [--json] FILE...`:
// check recorded histories for linearizability (CONTRACT §5). The library
// never reads a clock; this command measures wall time and turns --timeout
// into a deadline the checker polls.
#include <chrono>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/history/history.hpp"
#include "tools/raftsim/commands.hpp"

namespace raftsim::cli {

namespace {

namespace h = raftsim::history;

struct CheckHistoryOptions {
  std::vector<std::string> files;
  std::string format;
  std::string model;
  std::string timeout = "60s";
  bool json = false;
};

// "60s", "500ms", "2m", or a plain number of seconds.
std::chrono::milliseconds parse_timeout(const std::string& text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t ms_per_unit = 0;
  if (unit.empty() || unit == "s") ms_per_unit = 1000;
  else if (unit == "ms") ms_per_unit = 1;
  else if (unit == "m") ms_per_unit = 60'000;
  if (error != std::errc() || end == text.data() || ms_per_unit == 0 || number <= 0 ||
      number > INT64_MAX / 60'000)
    throw InputError(fmt::format("--timeout {}: expected a positive duration like 60s, 500ms or 2m", text));
  return std::chrono::milliseconds(number * ms_per_unit);
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int check_histories(const CheckHistoryOptions& options) {
  std::optional<h::Format> format;
  if (!options.format.empty()) {
    format = h::parse_format(options.format);
    if (!format)
      throw InputError(fmt::format("--format {}: expected porcupine-etcd, porcupine-kv or jsonl", options.format));
  }
  std::optional<h::Model> model;
  if (!options.model.empty()) {
    model = h::parse_model(options.model);
    if (!model) throw InputError(fmt::format("--model {}: expected register, kv or etcd", options.model));
  }
  const auto timeout = parse_timeout(options.timeout);

  bool all_linearizable = true;
  for (const std::string& file : options.files) {
    const auto started = std::chrono::steady_clock::now();
    const h::LoadedHistory loaded = h::load_history(file, format);
    if (loaded.counts.skipped > 0)
      fmt::print(stderr, "{}: {} of {} lines match no {} pattern and were skipped (the first: line {})\n", file,
                 loaded.counts.skipped, loaded.counts.lines, h::to_string(loaded.format), loaded.counts.first_skipped);
    const auto deadline = started + timeout;
    h::CheckOptions check_options;
    check_options.should_stop = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
    check_options.want_witness = !options.json;  // the witness is only printed as text
    const h::CheckResult result =
        h::check(loaded.history, model.value_or(h::default_model(loaded.format)), check_options);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    if (result.verdict != h::Verdict::linearizable) all_linearizable = false;

    if (options.json) {
      fmt::print("{{\"file\": {}, \"verdict\": \"{}\", \"ops\": {}, \"micros\": {}, \"lines\": {}, \"lines_skipped\": {}}}\n",
                 json_string(file), h::to_string(result.verdict), result.ops, micros, loaded.counts.lines,
                 loaded.counts.skipped);
    } else if (result.verdict == h::Verdict::linearizable) {
      fmt::print("{}: linearizable\n", file);
    } else if (result.verdict == h::Verdict::unknown) {
      fmt::print("{}: unknown (timed out)\n", file);
    } else {
      fmt::print("{}: not linearizable\n{}", file, h::format_witness_table(loaded.history, result));
    }
    std::fflush(stdout);
  }
  return all_linearizable ? 0 : 1;
}

}  // namespace

Action add_check_history_command(CLI::App& app) {
  auto options = std::make_shared<CheckHistoryOptions>();
  CLI::App* command = app.add_subcommand("check-history", "Check recorded histories for linearizability");
  command->footer(
      "Examples:\n"
      "  raftsim check-history run-history.jsonl\n"
      "  raftsim check-history --format porcupine-etcd --model register tests/data/porcupine/jepsen/*.log\n"
      "  raftsim check-history --json --timeout 10s tests/data/porcupine/kv/c50-ok.txt\n"
      "Formats are told from the content when --format is omitted; the model defaults to register for\n"
      "porcupine-etcd and kv for porcupine-kv and jsonl.\n"
      "Exit codes: 0 all linearizable, 1 some not linearizable or timed out, 2 bad input.");
  command->add_option("files", options->files, "History files")->required();
  command->add_option("--format", options->format, "porcupine-etcd, porcupine-kv or jsonl (default: from the content)");
  command->add_option("--model", options->model, "register, kv or etcd (default: from the format)");
  command->add_option("--timeout", options->timeout, "Give up on a file after this long (e.g. 60s, 500ms, 2m)")
      ->capture_default_str();
  command->add_flag("--json", options->json, "One JSON object per file: file, verdict, ops, micros, lines, lines_skipped");
  return [options] { return check_histories(*options); };
}

}  // namespace raftsim::cli
