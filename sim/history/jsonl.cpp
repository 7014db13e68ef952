// raftsim's own history format (CONTRACT §5): one JSON object a line, in any
// order. A small hand-written reader: objects of strings, integers and nulls
// (unknown fields may hold any JSON value and are skipped).
#include <charconv>
#include <ostream>

#include <fmt/format.h>

#include "sim/history/history.hpp"
#include "sim/history/line_cursor.hpp"

namespace raftsim::history {
namespace {

using detail::LineCursor;

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::uint32_t read_hex4(LineCursor& in) {
  std::uint32_t code = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = in.peek();
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint32_t>(c - 'A' + 10);
    else in.fail("four hex digits after \\u");
    code = code * 16 + digit;
    in.advance();
  }
  return code;
}

// After the opening quote; consumes the closing quote.
std::string read_string_body(LineCursor& in) {
  std::string out;
  for (;;) {
    if (in.at_end()) in.fail("`\"` closing the string");
    const char c = in.peek();
    in.advance();
    if (c == '"') return out;
    if (static_cast<unsigned char>(c) < 0x20) in.fail_at(in.position() - 1, "no control character inside a string");
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = in.peek();
    in.advance();
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t code = read_hex4(in);
        if (code >= 0xD800 && code < 0xDC00 && in.accept("\\u")) {
          const std::uint32_t low = read_hex4(in);
          if (low < 0xDC00 || low >= 0xE000) in.fail("a low surrogate after a high surrogate");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, code);
        break;
      }
      default: in.fail_at(in.position() - 1, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    }
  }
}

std::string read_string(LineCursor& in, std::string_view what) {
  if (!in.accept('"')) in.fail(what);
  return read_string_body(in);
}

std::optional<std::string> read_string_or_null(LineCursor& in, std::string_view what) {
  if (in.accept("null")) return std::nullopt;
  return read_string(in, what);
}

std::int64_t read_integer(LineCursor& in, std::string_view what) {
  in.skip_spaces();
  const std::string_view rest = in.rest();
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (error != std::errc() || end == rest.data()) in.fail(what);
  const std::size_t length = static_cast<std::size_t>(end - rest.data());
  if (length < rest.size() && (rest[length] == '.' || rest[length] == 'e' || rest[length] == 'E'))
    in.fail(what);
  in.advance(length);
  return value;
}

std::optional<std::int64_t> read_integer_or_null(LineCursor& in, std::string_view what) {
  if (in.accept("null")) return std::nullopt;
  return read_integer(in, what);
}

// Skips any JSON value (for fields this version does not know).
void skip_value(LineCursor& in, int depth = 0) {
  if (depth > 64) in.fail("a less deeply nested value");
  in.skip_spaces();
  const char c = in.peek();
  if (c == '"') {
    in.advance();
    read_string_body(in);
  } else if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    in.advance();
    if (in.accept(close)) return;
    do {
      if (c == '{') {
        read_string(in, "a field name in quotes");
        in.expect(':', "`:` after the field name");
      }
      skip_value(in, depth + 1);
    } while (in.accept(','));
    in.expect(close, c == '{' ? "`,` or `}`" : "`,` or `]`");
  } else if (in.accept("null") || in.accept("true") || in.accept("false")) {
  } else {
    const std::size_t start = in.position();
    while (!in.at_end() && std::string_view("+-0123456789.eE").find(in.peek()) != std::string_view::npos)
      in.advance();
    if (in.position() == start) in.fail("a JSON value");
  }
}

struct Seen {
  std::size_t value = 0, expect = 0, return_us = 0, outcome = 0, op = 0;  // columns, 0 = absent
  bool client = false, key = false, call = false;
};

Operation parse_line(LineCursor& in) {
  Operation op;
  Seen seen;
  in.expect('{', "`{` starting an operation");
  if (!in.accept('}')) {
    do {
      in.skip_spaces();
      const std::size_t field_pos = in.position();
      const std::string field = read_string(in, "a field name in quotes");
      in.expect(':', "`:` after the field name");
      in.skip_spaces();
      const std::size_t value_pos = in.position() + 1;
      auto once = [&](bool& flag) {
        if (flag) in.fail_at(field_pos, fmt::format("no second `{}` field", field));
        flag = true;
      };
      auto once_at = [&](std::size_t& column) {
        if (column != 0) in.fail_at(field_pos, fmt::format("no second `{}` field", field));
        column = value_pos;
      };
      if (field == "client") {
        once(seen.client);
        const std::int64_t client = read_integer(in, "an integer client id");
        if (client < 0 || client > 1'000'000'000) in.fail_at(value_pos - 1, "a client id from 0 to 1e9");
        op.client = static_cast<int>(client);
      } else if (field == "op") {
        once_at(seen.op);
        const std::string name = read_string(in, "an op name in quotes");
        if (name == "get") op.kind = OpKind::get;
        else if (name == "put") op.kind = OpKind::put;
        else if (name == "delete") op.kind = OpKind::del;
        else if (name == "cas") op.kind = OpKind::cas;
        else if (name == "append") op.kind = OpKind::append;
        else in.fail_at(value_pos - 1, "op \"get\", \"put\", \"delete\", \"cas\" or \"append\"");
      } else if (field == "key") {
        once(seen.key);
        op.key = read_string(in, "the key as a string");
      } else if (field == "value") {
        once_at(seen.value);
        op.value = read_string_or_null(in, "the value as a string or null");
      } else if (field == "expect") {
        once_at(seen.expect);
        op.expect = read_string_or_null(in, "the expected value as a string or null");
      } else if (field == "call_us") {
        once(seen.call);
        op.call_us = read_integer(in, "call_us as an integer");
      } else if (field == "return_us") {
        once_at(seen.return_us);
        op.return_us = read_integer_or_null(in, "return_us as an integer or null");
      } else if (field == "outcome") {
        once_at(seen.outcome);
        const std::string name = read_string(in, "an outcome in quotes");
        if (name == "ok") op.outcome = Outcome::ok;
        else if (name == "fail") op.outcome = Outcome::fail;
        else if (name == "unknown") op.outcome = Outcome::unknown;
        else in.fail_at(value_pos - 1, "outcome \"ok\", \"fail\" or \"unknown\"");
      } else if (field == "revision") {
        op.revision = read_integer_or_null(in, "revision as an integer or null");
      } else if (field == "mod_revision") {
        op.mod_revision = read_integer_or_null(in, "mod_revision as an integer or null");
      } else {
        skip_value(in);
      }
    } while (in.accept(','));
    in.expect('}', "`,` or `}`");
  }
  in.skip_spaces();
  if (!in.at_end()) in.fail("end of line after the operation");

  const std::size_t end = in.position();
  if (!seen.client) in.fail_at(end, "a \"client\" field");
  if (seen.op == 0) in.fail_at(end, "an \"op\" field");
  if (!seen.key) in.fail_at(end, "a \"key\" field");
  if (!seen.call) in.fail_at(end, "a \"call_us\" field");
  if (seen.outcome == 0) in.fail_at(end, "an \"outcome\" field");
  const bool writes = op.kind == OpKind::put || op.kind == OpKind::append || op.kind == OpKind::cas;
  if (writes && !op.value)
    in.fail_at(seen.value ? seen.value - 1 : end, fmt::format("a string \"value\" for {}", to_string(op.kind)));
  if (op.kind == OpKind::get && op.outcome == Outcome::ok && seen.value == 0)
    in.fail_at(end, "a \"value\" field (string, or null for an absent key) for a get with outcome ok");
  if (op.outcome == Outcome::unknown && op.return_us)
    in.fail_at(seen.return_us - 1, "\"return_us\": null with outcome unknown");
  if (op.outcome != Outcome::unknown && !op.return_us)
    in.fail_at(seen.return_us ? seen.return_us - 1 : end,
               fmt::format("an integer \"return_us\" with outcome {}", to_string(op.outcome)));
  if (op.return_us && *op.return_us < op.call_us)
    in.fail_at(seen.return_us - 1, "return_us no earlier than call_us");
  return op;
}

void write_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out += c;
    }
  }
  out += '"';
}

void write_optional_string(std::string& out, const std::optional<std::string>& text) {
  if (text) write_json_string(out, *text);
  else out += "null";
}

}  // namespace

History parse_jsonl(std::string_view text, const std::string& name) {
  History history;
  detail::for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    LineCursor in(line, name, line_number);
    history.push_back(parse_line(in));
  });
  return history;
}

void write_jsonl(std::ostream& out, const History& history) {
  std::string line;
  for (const Operation& op : history) {
    line.clear();
    line += fmt::format("{{\"client\": {}, \"op\": \"{}\", \"key\": ", op.client, to_string(op.kind));
    write_json_string(line, op.key);
    if (op.kind == OpKind::cas || op.expect) {
      line += ", \"expect\": ";
      write_optional_string(line, op.expect);
    }
    if (op.value || (op.kind == OpKind::get && op.outcome == Outcome::ok)) {
      line += ", \"value\": ";
      write_optional_string(line, op.value);
    }
    line += fmt::format(", \"call_us\": {}, \"return_us\": ", op.call_us);
    line += op.return_us ? fmt::format("{}", *op.return_us) : std::string("null");
    line += fmt::format(", \"outcome\": \"{}\"", to_string(op.outcome));
    if (op.revision) line += fmt::format(", \"revision\": {}", *op.revision);
    if (op.mod_revision) line += fmt::format(", \"mod_revision\": {}", *op.mod_revision);
    line += "}\n";
    out << line;
  }
}

}  // namespace raftsim::history
