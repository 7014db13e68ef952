// `raftsim kv [SCRIPT] [-w json|simple]`: drives one MVCC store with etcdctl
// commands, one a line, and prints what etcdctl would print.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/core.h>

#include "core/input_error.hpp"
#include "core/kv/store.hpp"
#include "tools/raftsim/commands.hpp"
#include "tools/raftsim/kv_print.hpp"
#include "tools/raftsim/kv_script.hpp"

namespace raftsim::cli {
namespace {

struct KvOptions {
  std::string script;
  std::string write_out = "simple";
};

constexpr const char* kv_footer = R"(Commands (etcdctl syntax; one a line; '#' starts a comment):
  put KEY VALUE [--prev-kv]
  get KEY [RANGE_END] [--prefix|--from-key] [--rev=N] [--limit=N]
      [--sort-by=KEY|VERSION|CREATE|MODIFY|VALUE] [--order=ASCEND|DESCEND]
      [--keys-only|--count-only] [--print-value-only]
  del KEY [RANGE_END] [--prefix|--from-key] [--prev-kv]
  compact N                    (also: compaction N)
  txn [-i]                     then compares, a blank line, success ops, a blank
                               line, failure ops, a blank line, as `etcdctl txn`
  watch KEY [RANGE_END] [--prefix] [--rev=N] [--prev-kv]
                               prints the events from revision N up to now

Output is what etcdctl prints; errors print "Error: <etcd's text>" on stderr.
Sorting is etcd's: a sorted range is sorted whole (Go's sort.Sort, ties as etcd
leaves them), then cut to --limit. Differences: --count-only (etcd 3.5's) prints
the count; no leases. Exit status: 0 ok, 1 some command failed, 2 malformed script.

Example:
  printf 'put foo bar\nput foo baz\nget foo --rev=2\ncompact 3\nget foo --rev=2\n' | raftsim kv
  OK
  OK
  foo
  bar
  compacted revision 3
  Error: etcdserver: mvcc: required revision has been compacted

  raftsim kv -w json tests/kv/scripts/txn.txt
)";

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  fmt::print(stderr, "{}\n", message);
  std::fflush(stderr);
}

int run_kv(const KvOptions& options) {
  using kv_script::Format;
  const Format format = options.write_out == "json" ? Format::json : Format::simple;

  std::string text;
  std::string source = "<stdin>";
  if (options.script.empty() || options.script == "-") {
    text = read_all(std::cin);
  } else {
    std::ifstream file(options.script, std::ios::binary);
    if (!file) throw InputError(fmt::format("{}: cannot open the script", options.script));
    text = read_all(file);
    source = options.script;
  }
  // Parse everything first: a malformed line prints nothing and exits 2.
  const std::vector<kv_script::Command> commands = kv_script::parse_script(text, source, format);

  kv::Store store;
  bool failed = false;
  for (const kv_script::Command& command : commands) {
    if (command.kind == kv_script::Command::Kind::watch) {
      const kv::WatchResponse response = store.events_since(command.watch);
      fmt::print("{}", kv_print::format_watch(response, format));
      if (response.canceled) {
        // etcdctl's printWatchCh, then its exit once the channel closes.
        print_error(fmt::format("watch was canceled ({})", kv::error_compacted));
        print_error("Error: watch is canceled by the server");
        failed = true;
      }
      continue;
    }
    if (command.txn_prompts) {
      fmt::print("compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n");
    }
    const kv::Response response = store.apply(command.request);
    if (const auto* error = std::get_if<kv::Error>(&response)) {
      print_error("Error: " + error->message);
      failed = true;
      continue;
    }
    fmt::print("{}", kv_print::format_response(command, response, format));
  }
  std::fflush(stdout);
  return failed ? 1 : 0;
}

}  // namespace

Action add_kv_command(CLI::App& app) {
  auto options = std::make_shared<KvOptions>();
  CLI::App* kv = app.add_subcommand(
      "kv", "Drive one etcd-style MVCC store with etcdctl commands, one a line (stdin when no SCRIPT)");
  kv->add_option("SCRIPT", options->script, "Script of etcdctl commands; '-' or none reads stdin");
  kv->add_option("-w,--write-out", options->write_out, "Output format, as etcdctl's --write-out")
      ->check(CLI::IsMember({"simple", "json"}))
      ->capture_default_str();
  kv->footer(kv_footer);
  return [options] { return run_kv(*options); };
}

}  // namespace raftsim::cli
