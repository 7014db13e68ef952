// Parsing of `raftsim kv` scripts with etcdctl's rules. References are to
// etcd's etcdctl/ctlv3/command/*.go.
#include "tools/raftsim/kv_script.hpp"

#include <charconv>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "core/kv/key_range.hpp"

namespace raftsim::cli::kv_script {
namespace kv = raftsim::kv;

namespace {

// A usage error inside one command; parse_script adds file and line.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A Go quoted string ("..." with Go's escapes, or `raw`) starting at s[pos],
// as fmt's %q verb reads it. Advances pos past the closing quote.
std::string go_unquote(std::string_view s, std::size_t& pos) {
  if (pos >= s.size() || (s[pos] != '"' && s[pos] != '`')) {
    throw std::invalid_argument("expected a quoted string");
  }
  const char quote = s[pos++];
  std::string out;
  if (quote == '`') {
    const std::size_t end = s.find('`', pos);
    if (end == std::string_view::npos) throw std::invalid_argument("unterminated raw string");
    out = std::string(s.substr(pos, end - pos));
    pos = end + 1;
    return out;
  }
  while (true) {
    if (pos >= s.size() || s[pos] == '\n') throw std::invalid_argument("unterminated quoted string");
    const char c = s[pos++];
    if (c == '"') return out;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (pos >= s.size()) throw std::invalid_argument("unterminated quoted string");
    const char e = s[pos++];
    auto hex = [&](int digits) {
      std::uint32_t v = 0;
      for (int i = 0; i < digits; ++i) {
        const int d = pos < s.size() ? hex_digit(s[pos]) : -1;
        if (d < 0) throw std::invalid_argument("bad escape in quoted string");
        v = v * 16 + static_cast<std::uint32_t>(d);
        ++pos;
      }
      return v;
    };
    switch (e) {
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': out.push_back('\\'); break;
      case '"': out.push_back('"'); break;
      case 'x': out.push_back(static_cast<char>(hex(2))); break;
      case 'u': append_utf8(out, hex(4)); break;
      case 'U': append_utf8(out, hex(8)); break;
      default:
        if (e >= '0' && e <= '7') {
          std::uint32_t v = static_cast<std::uint32_t>(e - '0');
          for (int i = 0; i < 2; ++i) {
            if (pos >= s.size() || s[pos] < '0' || s[pos] > '7') throw std::invalid_argument("bad octal escape");
            v = v * 8 + static_cast<std::uint32_t>(s[pos++] - '0');
          }
          if (v > 255) throw std::invalid_argument("bad octal escape");
          out.push_back(static_cast<char>(v));
        } else {
          throw std::invalid_argument(fmt::format("unknown escape \\{}", e));
        }
    }
  }
}

std::int64_t parse_int(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '+') ++begin;  // strconv.ParseInt accepts a sign
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw UsageError(fmt::format("invalid {} {:?}: expected an integer", what, std::string(text)));
  }
  return value;
}

// --- flags, as spf13/pflag parses them -----------------------------------------

struct FlagSpec {
  bool boolean = true;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // flag -> value ("true" for set booleans)
  bool has(const std::string& name) const {
    auto it = values.find(name);
    return it != values.end() && it->second == "true";
  }
  std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

ParsedArgs parse_flags(const std::vector<std::string>& args, std::size_t first,
                       const std::map<std::string, FlagSpec>& specs,
                       const std::map<char, std::string>& shorthands = {}) {
  ParsedArgs parsed;
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      parsed.positional.insert(parsed.positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                               args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name;
    std::optional<std::string> value;
    if (arg[1] == '-') {
      const std::size_t eq = arg.find('=');
      name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) value = arg.substr(eq + 1);
      if (specs.count(name) == 0) throw UsageError(fmt::format("unknown flag: --{}", name));
    } else {
      auto it = arg.size() == 2 ? shorthands.find(arg[1]) : shorthands.end();
      if (it == shorthands.end()) {
        throw UsageError(fmt::format("unknown shorthand flag: '{}' in {}", arg[1], arg));
      }
      name = it->second;
    }
    const FlagSpec& spec = specs.at(name);
    if (spec.boolean) {
      if (value && *value != "true" && *value != "false") {
        throw UsageError(fmt::format("invalid argument {:?} for \"--{}\" flag: expected true or false", *value, name));
      }
      parsed.values[name] = value.value_or("true");
    } else {
      if (!value) {
        if (i + 1 >= args.size()) throw UsageError(fmt::format("flag needs an argument: --{}", name));
        value = args[++i];
      }
      parsed.values[name] = *value;
    }
  }
  return parsed;
}

// --- the commands ----------------------------------------------------------------

// strings.ToUpper for the ASCII words etcdctl compares against.
std::string to_upper(std::string text) {
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

kv::PutRequest parse_put(const std::vector<std::string>& args) {
  const ParsedArgs p = parse_flags(args, 1,
                                   {{"prev-kv", {}}, {"ignore-value", {}}, {"ignore-lease", {}},
                                    {"lease", {false}}});
  if (p.has("ignore-value") || p.has("ignore-lease") || p.get("lease").value_or("0") != "0") {
    throw UsageError("leases and --ignore-value/--ignore-lease are not modelled by raftsim");
  }
  if (p.positional.size() != 2) {
    throw UsageError("put command needs 1 argument and input from stdin or 2 arguments"
                     " (raftsim: give the value as the second argument)");
  }
  kv::PutRequest put;
  put.key = p.positional[0];
  put.value = p.positional[1];
  put.prev_kv = p.has("prev-kv");
  return put;
}

struct GetOp {
  kv::RangeRequest range;
  bool print_value_only = false;
};

GetOp parse_get(const std::vector<std::string>& args) {
  const ParsedArgs p = parse_flags(
      args, 1,
      {{"consistency", {false}}, {"order", {false}}, {"sort-by", {false}}, {"limit", {false}},
       {"max-bytes", {false}}, {"prefix", {}}, {"from-key", {}}, {"rev", {false}}, {"keys-only", {}},
       {"count-only", {}}, {"print-value-only", {}}});
  // getGetOp's checks, in its order.
  if (p.positional.empty()) {
    throw UsageError("get command needs one argument as key and an optional argument as range_end");
  }
  if (p.has("prefix") && p.has("from-key")) {
    throw UsageError("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  if (p.has("keys-only") && p.has("count-only")) {
    throw UsageError("`--keys-only` and `--count-only` cannot be set at the same time, choose one");
  }
  const std::string consistency = p.get("consistency").value_or("l");
  if (consistency != "l" && consistency != "s") {
    throw UsageError(fmt::format("unknown consistency flag {:?}", consistency));
  }
  if (p.get("max-bytes").value_or("0") != "0") throw UsageError("--max-bytes is not modelled by raftsim");
  if (p.positional.size() > 2) {
    throw UsageError("get command needs one argument as key and an optional argument as range_end");
  }
  GetOp op;
  kv::RangeRequest& r = op.range;
  r.key = p.positional[0];
  if (p.positional.size() > 1) {
    if (p.has("prefix") || p.has("from-key")) {
      throw UsageError("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    r.range_end = p.positional[1];
  }
  if (auto limit = p.get("limit")) r.limit = parse_int(*limit, "--limit");
  if (auto rev = p.get("rev")) {
    const std::int64_t v = parse_int(*rev, "--rev");
    if (v > 0) r.revision = v;  // etcdctl only sends --rev when positive
  }
  // getGetOp's sort flags, case-insensitive, then clientv3.WithSort: sorting
  // by key ascending is what the server does anyway, so it sends no order.
  const std::string order = to_upper(p.get("order").value_or(""));
  if (order == "ASCEND") r.sort_order = kv::SortOrder::ascend;
  else if (order == "DESCEND") r.sort_order = kv::SortOrder::descend;
  else if (!order.empty()) throw UsageError(fmt::format("bad sort order {}", *p.get("order")));
  const std::string target = to_upper(p.get("sort-by").value_or(""));
  if (target == "CREATE") r.sort_target = kv::SortTarget::create;
  else if (target == "MODIFY") r.sort_target = kv::SortTarget::mod;
  else if (target == "VALUE") r.sort_target = kv::SortTarget::value;
  else if (target == "VERSION") r.sort_target = kv::SortTarget::version;
  else if (target != "KEY" && !target.empty()) throw UsageError(fmt::format("bad sort target {}", *p.get("sort-by")));
  if (r.sort_target == kv::SortTarget::key && r.sort_order == kv::SortOrder::ascend) r.sort_order = kv::SortOrder::none;
  if (p.has("prefix")) {
    if (r.key.empty()) {
      r.key = std::string(1, '\0');
      r.range_end = kv::from_key_end();
    } else {
      r.range_end = kv::prefix_end(r.key);
    }
  }
  if (p.has("from-key")) {
    if (r.key.empty()) r.key = std::string(1, '\0');
    r.range_end = kv::from_key_end();
  }
  r.keys_only = p.has("keys-only");
  r.count_only = p.has("count-only");
  op.print_value_only = p.has("print-value-only");
  return op;
}

kv::DeleteRangeRequest parse_del(const std::vector<std::string>& args) {
  const ParsedArgs p = parse_flags(args, 1, {{"prefix", {}}, {"prev-kv", {}}, {"from-key", {}}, {"range", {}}});
  if (p.positional.empty() || p.positional.size() > 2) {
    throw UsageError("del command needs one argument as key and an optional argument as range_end");
  }
  if (p.has("prefix") && p.has("from-key")) {
    throw UsageError("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  kv::DeleteRangeRequest d;
  d.key = p.positional[0];
  if (p.positional.size() > 1) {
    if (p.has("prefix") || p.has("from-key")) {
      throw UsageError("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    d.range_end = p.positional[1];  // etcdctl would also warn and wait 2 s without --range
  }
  if (p.has("prefix")) {
    if (d.key.empty()) {
      d.key = std::string(1, '\0');
      d.range_end = kv::from_key_end();
    } else {
      d.range_end = kv::prefix_end(d.key);
    }
  }
  d.prev_kv = p.has("prev-kv");
  if (p.has("from-key")) {
    if (d.key.empty()) d.key = std::string(1, '\0');
    d.range_end = kv::from_key_end();
  }
  return d;
}

kv::CompactionRequest parse_compact(const std::vector<std::string>& args) {
  const ParsedArgs p = parse_flags(args, 1, {{"physical", {}}});
  if (p.positional.size() != 1) throw UsageError("compaction command needs 1 argument");
  return kv::CompactionRequest{parse_int(p.positional[0], "revision")};
}

kv::WatchRequest parse_watch(const std::vector<std::string>& args) {
  const ParsedArgs p = parse_flags(args, 1,
                                   {{"prefix", {}}, {"rev", {false}}, {"prev-kv", {}}, {"interactive", {}},
                                    {"progress-notify", {}}},
                                   {{'i', "interactive"}});
  if (p.has("interactive") || p.has("progress-notify")) {
    throw UsageError("watch -i and --progress-notify are not modelled by raftsim");
  }
  if (p.positional.empty() || p.positional.size() > 2) throw UsageError("bad number of arguments");
  kv::WatchRequest w;
  w.key = p.positional[0];
  if (p.positional.size() == 2) {
    if (p.has("prefix")) throw UsageError("`range_end` and `--prefix` are mutually exclusive");
    w.range_end = p.positional[1];
  }
  if (p.has("prefix")) {
    if (w.key.empty()) {
      w.key = std::string(1, '\0');
      w.range_end = kv::from_key_end();
    } else {
      w.range_end = kv::prefix_end(w.key);
    }
  }
  if (auto rev = p.get("rev")) w.start_revision = parse_int(*rev, "--rev");
  w.prev_kv = p.has("prev-kv");
  return w;
}

// etcdctl's parseRequestUnion: a txn op is a put, get or del command line.
kv::RequestOp parse_txn_op(std::string_view line) {
  std::vector<std::string> args;
  try {
    args = argify(line);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("invalid txn request: {} ({})", line, e.what()));
  }
  if (args.size() < 2) throw UsageError(fmt::format("invalid txn compare request: {}", line));
  try {
    if (args[0] == "put") return kv::RequestOp{parse_put(args)};
    if (args[0] == "get") return kv::RequestOp{parse_get(args).range};
    if (args[0] == "del") return kv::RequestOp{parse_del(args)};
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("invalid txn request: {} ({})", line, e.what()));
  }
  throw UsageError(fmt::format("invalid txn request: {} (ops are get, put or del)", line));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string> argify(std::string_view line) {
  std::vector<std::string> args;
  std::size_t pos = 0;
  while (true) {
    while (pos < line.size() && is_space(line[pos])) ++pos;
    if (pos >= line.size()) return args;
    if (line[pos] == '"') {
      args.push_back(go_unquote(line, pos));
    } else if (line[pos] == '\'') {
      const std::size_t end = line.find('\'', pos + 1);
      if (end == std::string_view::npos) throw std::invalid_argument("unterminated single quote");
      args.emplace_back(line.substr(pos + 1, end - pos - 1));
      pos = end + 1;
    } else {
      const std::size_t start = pos;
      while (pos < line.size() && !is_space(line[pos])) ++pos;
      args.emplace_back(line.substr(start, pos - start));
    }
  }
}

// etcdctl's ParseCompare: TARGET("key") OP "value", read with Go's
// fmt.Sscanf(rest, "%q) %s %q", ...).
kv::Compare parse_compare(std::string_view line) {
  const std::size_t paren = line.find('(');
  if (paren == std::string_view::npos) throw std::invalid_argument(fmt::format("malformed comparison: {}", line));
  const std::string_view target = line.substr(0, paren);
  const std::string_view rest = line.substr(paren + 1);
  std::size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < rest.size() && is_space(rest[pos])) ++pos;
  };
  std::string key, op, value;
  try {
    skip_spaces();
    key = go_unquote(rest, pos);
    if (pos >= rest.size() || rest[pos] != ')') throw std::invalid_argument("expected ')'");
    ++pos;
    skip_spaces();
    const std::size_t start = pos;
    while (pos < rest.size() && !is_space(rest[pos])) ++pos;
    op = std::string(rest.substr(start, pos - start));
    if (op.empty()) throw std::invalid_argument("expected an operator");
    skip_spaces();
    value = go_unquote(rest, pos);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("malformed comparison: {} ({})", line, e.what()));
  }

  kv::Compare c;
  c.key = key;
  if (op == "=") c.result = kv::Compare::Result::equal;
  else if (op == "!=") c.result = kv::Compare::Result::not_equal;
  else if (op == "<") c.result = kv::Compare::Result::less;
  else if (op == ">") c.result = kv::Compare::Result::greater;
  else throw std::invalid_argument(fmt::format("malformed comparison: {} (unknown op {:?}; use =, !=, < or >)", line, op));

  auto number = [&] {
    try {
      return parse_int(value, "number");
    } catch (const UsageError&) {
      throw std::invalid_argument(fmt::format("invalid txn compare request: {}", line));
    }
  };
  if (target == "ver" || target == "version") {
    c.target = kv::Compare::Target::version;
    c.number = number();
  } else if (target == "c" || target == "create") {
    c.target = kv::Compare::Target::create;
    c.number = number();
  } else if (target == "m" || target == "mod") {
    c.target = kv::Compare::Target::mod;
    c.number = number();
  } else if (target == "val" || target == "value") {
    c.target = kv::Compare::Target::value;
    c.value = value;
  } else if (target == "lease") {
    throw std::invalid_argument(fmt::format("malformed comparison: {} (leases are not modelled by raftsim)", line));
  } else {
    throw std::invalid_argument(fmt::format("malformed comparison: {} (unknown target {})", line, target));
  }
  return c;
}

std::vector<Command> parse_script(std::string_view text, std::string_view source, Format format) {
  // Split into lines, keeping 1-based numbers.
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }

  std::vector<Command> commands;
  std::size_t i = 0;
  int current_line = 0;
  auto fail = [&](const std::string& message) -> InputError {
    return InputError(fmt::format("{}:{}: {}", source, current_line, message));
  };
  while (i < lines.size()) {
    current_line = static_cast<int>(i) + 1;
    const std::string_view line = trim(lines[i++]);
    if (line.empty() || line.front() == '#') continue;

    Command command;
    command.line = current_line;
    command.text = std::string(line);
    std::vector<std::string> args;
    try {
      args = argify(line);
    } catch (const std::invalid_argument& e) {
      throw fail(e.what());
    }
    const std::string& name = args.at(0);
    try {
      if (name == "put") {
        command.request = parse_put(args);
      } else if (name == "get") {
        GetOp op = parse_get(args);
        command.request = std::move(op.range);
        command.print_value_only = op.print_value_only;
        if (command.print_value_only && format != Format::simple) {
          throw UsageError("print-value-only is only for `--write-out=simple`");
        }
      } else if (name == "del") {
        command.request = parse_del(args);
      } else if (name == "compact" || name == "compaction") {
        command.request = parse_compact(args);
      } else if (name == "watch") {
        command.kind = Command::Kind::watch;
        command.watch = parse_watch(args);
      } else if (name == "txn") {
        const ParsedArgs p = parse_flags(args, 1, {{"interactive", {}}}, {{'i', "interactive"}});
        if (!p.positional.empty()) throw UsageError("txn command does not accept argument");
        command.txn_prompts = p.has("interactive");
        // readCompares, then readOps twice: each block ends at a blank line
        // (or at the end of the script). Comment lines inside are skipped.
        kv::TxnRequest txn;
        for (int block = 0; block < 3; ++block) {
          while (i < lines.size()) {
            current_line = static_cast<int>(i) + 1;
            const std::string_view body = trim(lines[i++]);
            if (body.empty()) break;
            if (body.front() == '#') continue;
            if (block == 0) {
              try {
                txn.compare.push_back(parse_compare(body));
              } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
              }
            } else {
              (block == 1 ? txn.success : txn.failure).push_back(parse_txn_op(body));
            }
          }
        }
        command.request = std::move(txn);
      } else {
        throw UsageError(fmt::format("unknown command {:?} (expected put, get, del, txn, compact or watch)", name));
      }
    } catch (const UsageError& e) {
      throw fail(e.what());
    }
    commands.push_back(std::move(command));
  }
  return commands;
}

}  // namespace raftsim::cli::kv_script
