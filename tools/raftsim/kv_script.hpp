#pragma once
// `raftsim kv` scripts: one etcdctl command a line, parsed with etcdctl's own
// rules (Argify tokenising, pflag-style flags, ParseCompare for txn compares)
// into store requests. The whole script is parsed before anything runs, so a
// malformed line is exit 2 with its line number and no output at all.
#include <string>
#include <string_view>
#include <vector>

#include "core/kv/request.hpp"
#include "core/kv/watch.hpp"

namespace raftsim::cli::kv_script {

enum class Format { simple, json };

struct Command {
  enum class Kind { request, watch };
  int line = 0;                       // 1-based line of the command in the script
  std::string text{};                 // the command line as written
  Kind kind = Kind::request;
  raftsim::kv::Request request{};     // for Kind::request
  raftsim::kv::WatchRequest watch{};  // for Kind::watch
  bool print_value_only = false;      // get --print-value-only
  bool txn_prompts = false;           // txn -i: print etcdctl's interactive prompts
};

// Splits one line as etcdctl's Argify does: "double quoted" (Go escapes),
// 'single quoted' (verbatim) or bare words separated by white space.
// Throws std::invalid_argument with a message on bad quoting.
std::vector<std::string> argify(std::string_view line);

// Parses etcdctl's txn compare syntax, e.g. `mod("k") > "3"` (ParseCompare).
raftsim::kv::Compare parse_compare(std::string_view line);

// Parses a whole script; throws raftsim::InputError naming `source` and the
// line on the first malformed command.
std::vector<Command> parse_script(std::string_view text, std::string_view source, Format format);

}  // namespace raftsim::cli::kv_script
