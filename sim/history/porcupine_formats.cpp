// The two history formats of Porcupine's test data (see
// tests/data/porcupine/README.md and docs/reference.md), read as Porcupine's own test parsers do:
// events in file order (the line order is the only clock), an invocation
// left without a completion at the end of the file has an unknown outcome,
// and Jepsen's `:info` completions are ignored (so the operation stays
// unknown).
#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "sim/history/history.hpp"
#include "sim/history/line_cursor.hpp"

namespace raftsim::history {
namespace {

using detail::LineCursor;

enum class EventType { invoke, ok, fail, info };

std::optional<EventType> parse_event_type(std::string_view word) {
  if (word == ":invoke") return EventType::invoke;
  if (word == ":ok") return EventType::ok;
  if (word == ":fail") return EventType::fail;
  if (word == ":info") return EventType::info;
  return std::nullopt;
}

// Pairs invocations with completions by process. Times are event numbers.
class Pairing {
 public:
  // Starts an operation for `process`; an operation it still has open (which
  // Jepsen never does) is left with an unknown outcome.
  void invoke(int process, Operation op) {
    op.client = process;
    op.call_us = ++clock_;
    op.outcome = Outcome::unknown;
    open_[process] = history_.size();
    history_.push_back(std::move(op));
  }
  // The open operation of `process`, or nullptr.
  Operation* complete(int process, Outcome outcome) {
    const auto it = open_.find(process);
    if (it == open_.end()) return nullptr;
    Operation& op = history_[it->second];
    open_.erase(it);
    op.return_us = ++clock_;
    op.outcome = outcome;
    return &op;
  }
  History take() { return std::move(history_); }

 private:
  History history_;
  std::map<int, std::size_t> open_;
  std::int64_t clock_ = 0;
};

// Plain loops rather than find_first_of, which calls memchr for each character.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view next_word(std::string_view& rest) {
  std::size_t start = 0;
  while (start < rest.size() && is_blank(rest[start])) ++start;
  std::size_t end = start;
  while (end < rest.size() && !is_blank(rest[end])) ++end;
  const std::string_view word = rest.substr(start, end - start);
  rest.remove_prefix(end);
  return word;
}

std::optional<int> parse_process(std::string_view word) {
  int value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size() || value < 0) return std::nullopt;
  return value;
}

// "[4 2]" -> ("4", "2")
std::pair<std::string, std::string> parse_cas_pair(std::string_view text, LineCursor& in,
                                                   std::size_t column) {
  std::string_view rest = text;
  const std::size_t open = rest.find('[');
  const std::size_t close = rest.rfind(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    in.fail_at(column, "a compare-and-set pair like [4 2]");
  rest = rest.substr(open + 1, close - open - 1);
  const std::string_view expect = next_word(rest);
  const std::string_view value = next_word(rest);
  if (expect.empty() || value.empty() || !next_word(rest).empty())
    in.fail_at(column, "a compare-and-set pair like [4 2]");
  return {std::string(expect), std::string(value)};
}

std::optional<std::string> nil_or_value(std::string_view word) {
  if (word == "nil") return std::nullopt;
  return std::string(word);
}

}  // namespace

// Lines of interest: `INFO  jepsen.util - 3	:invoke	:read	nil`. Anything
// else (other loggers, lines about other functions) is noise, as for Porcupine.
History parse_porcupine_etcd(std::string_view text, const std::string& name, LineCounts* counts) {
  Pairing pairing;
  LineCounts local;
  LineCounts& count = counts ? *counts : local;
  count = {};
  const auto skip = [&](std::string_view line, std::size_t line_number) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank lines are not noise
    if (count.skipped++ == 0) count.first_skipped = line_number;
  };
  detail::for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    count.lines = line_number;
    const std::size_t marker = line.find("jepsen.util - ");
    if (marker == std::string_view::npos) return skip(line, line_number);
    std::string_view rest = line.substr(marker + 14);
    const auto process = parse_process(next_word(rest));
    const auto type = parse_event_type(next_word(rest));
    const std::string_view f = next_word(rest);
    if (!process || !type || (f != ":read" && f != ":write" && f != ":cas")) return skip(line, line_number);
    // The value is the rest of the line: `nil`, `4` or `[4 2]`.
    std::size_t value_column = line.size() - rest.size();
    while (value_column < line.size() && (line[value_column] == ' ' || line[value_column] == '\t')) ++value_column;
    std::string_view word = line.substr(value_column);
    while (!word.empty() && is_blank(word.back())) word.remove_suffix(1);
    LineCursor in(line, name, line_number);

    if (*type == EventType::invoke) {
      Operation op;
      op.key = "r";
      if (f == ":read") {
        op.kind = OpKind::get;
      } else if (f == ":write") {
        if (word.empty()) in.fail_at(value_column, "the value written");
        op.kind = OpKind::put;
        op.value = std::string(word);
      } else {
        op.kind = OpKind::cas;
        auto [expect, value_written] = parse_cas_pair(word, in, value_column);
        op.expect = nil_or_value(expect);
        op.value = std::move(value_written);
      }
      pairing.invoke(*process, std::move(op));
      return;
    }
    if (*type == EventType::info) return;  // unknown outcome: stays open
    Operation* op = pairing.complete(*process, *type == EventType::ok ? Outcome::ok : Outcome::fail);
    if (op == nullptr) return;  // a completion without invocation: noise, as for Porcupine
    if (op->kind == OpKind::get && op->outcome == Outcome::ok) {
      if (word.empty()) in.fail_at(value_column, "the value read (or nil)");
      op->value = nil_or_value(word);
    }
  });
  return pairing.take();
}

namespace {

// One EDN map of keywords to integers, keywords, strings or nil.
struct EdnValue {
  enum class Type { integer, keyword, string, nil } type = Type::nil;
  // Keyword (with its colon) or string contents: a view of the line, or of
  // `unescaped` for a string with escapes (so an EdnValue is never moved).
  std::string_view text;
  std::string unescaped;
  std::int64_t integer = 0;
  std::size_t column = 0;
  bool present = false;  // the map has this field
};

void read_edn_string(LineCursor& in, EdnValue& value) {
  in.expect('"', "`\"` starting a string");
  // Most strings have no escapes: they are views of the line.
  const std::string_view rest = in.rest();
  std::size_t plain = 0;
  while (plain < rest.size() && rest[plain] != '"' && rest[plain] != '\\') ++plain;
  if (plain < rest.size() && rest[plain] == '"') {
    value.text = rest.substr(0, plain);
    in.advance(plain + 1);
    return;
  }
  std::string& out = value.unescaped;
  out.assign(rest.substr(0, plain));
  in.advance(plain);
  for (;;) {
    if (in.at_end()) in.fail("`\"` closing the string");
    const char c = in.peek();
    in.advance();
    if (c == '"') break;
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = in.peek();
    in.advance();
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      default: in.fail_at(in.position() - 1, "an escape (\\n \\t \\r \\\" \\\\)");
    }
  }
  value.text = out;
}

bool is_space(char c) { return c == ' ' || c == ',' || c == '\t' || c == '\r'; }
void skip_edn_space(LineCursor& in) {
  while (!in.at_end() && is_space(in.peek())) in.advance();
}

// A view of the line.
std::string_view read_keyword(LineCursor& in) {
  skip_edn_space(in);
  if (in.peek() != ':') in.fail("a keyword like :process");
  const std::string_view rest = in.rest();
  std::size_t length = 0;
  while (length < rest.size() && !is_space(rest[length]) && rest[length] != '}') ++length;
  in.advance(length);
  return rest.substr(0, length);
}

void read_edn_value(LineCursor& in, EdnValue& value) {
  skip_edn_space(in);
  value.type = EdnValue::Type::nil;
  value.column = in.position();
  const char c = in.peek();
  if (c == '"') {
    value.type = EdnValue::Type::string;
    read_edn_string(in, value);
  } else if (c == ':') {
    value.type = EdnValue::Type::keyword;
    value.text = read_keyword(in);
  } else if (in.rest().substr(0, 3) == "nil") {
    in.advance(3);
  } else {
    const std::string_view rest = in.rest();
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value.integer);
    if (error != std::errc() || end == rest.data()) in.fail("a string, keyword, integer or nil");
    value.type = EdnValue::Type::integer;
    in.advance(static_cast<std::size_t>(end - rest.data()));
  }
}

}  // namespace

// Lines like `{:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"}`.
// A key never written reads as "" in these histories, whereas raftsim's kv
// model tells an absent key from an empty value; so a get of "" becomes a get
// of an absent key, a put of "" a delete, and an append of "" (a no-op that
// constrains nothing) is left out.
History parse_porcupine_kv(std::string_view text, const std::string& name) {
  Pairing pairing;
  detail::for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    if (std::all_of(line.begin(), line.end(), is_blank)) return;
    LineCursor in(line, name, line_number);
    skip_edn_space(in);
    in.expect('{', "`{` starting an EDN map");
    EdnValue process, type, f, key, value, other;
    skip_edn_space(in);
    while (in.peek() != '}') {
      if (in.at_end()) in.fail("`}` closing the map");
      const std::size_t key_column = in.position();
      const std::string_view field = read_keyword(in);
      EdnValue* slot = field == ":process" ? &process
                       : field == ":type"  ? &type
                       : field == ":f"     ? &f
                       : field == ":key"   ? &key
                       : field == ":value" ? &value
                                           : nullptr;
      const bool again = slot != nullptr && slot->present;
      read_edn_value(in, slot == nullptr || again ? other : *slot);
      if (again) in.fail_at(key_column, fmt::format("no second {}", field));
      if (slot != nullptr) slot->present = true;
      skip_edn_space(in);
    }
    in.advance();
    skip_edn_space(in);
    if (!in.at_end()) in.fail("end of line after the map");
    const std::size_t end = in.position();
    if (!process.present || process.type != EdnValue::Type::integer || process.integer < 0)
      in.fail_at(process.present ? process.column : end, ":process with a non-negative integer");
    const std::optional<EventType> event = type.present && type.type == EdnValue::Type::keyword
                                               ? parse_event_type(type.text)
                                               : std::nullopt;
    if (!event) in.fail_at(type.present ? type.column : end, ":type :invoke, :ok, :fail or :info");
    if (!f.present || (f.text != ":get" && f.text != ":put" && f.text != ":append"))
      in.fail_at(f.present ? f.column : end, ":f :get, :put or :append");
    const int client = static_cast<int>(process.integer);

    if (*event == EventType::invoke) {
      if (!key.present || key.type != EdnValue::Type::string)
        in.fail_at(key.present ? key.column : end, ":key with a string");
      Operation op;
      op.key = key.text;
      if (f.text == ":get") {
        op.kind = OpKind::get;
      } else {
        if (!value.present || value.type != EdnValue::Type::string)
          in.fail_at(value.present ? value.column : end, ":value with a string");
        op.kind = f.text == ":put" ? OpKind::put : OpKind::append;
        op.value = std::string(value.text);
      }
      pairing.invoke(client, std::move(op));
      return;
    }
    if (*event == EventType::info) return;
    Operation* op = pairing.complete(client, *event == EventType::ok ? Outcome::ok : Outcome::fail);
    if (op == nullptr) return;
    if (op->kind == OpKind::get && op->outcome == Outcome::ok) {
      if (!value.present || value.type == EdnValue::Type::integer || value.type == EdnValue::Type::keyword)
        in.fail_at(value.present ? value.column : end, ":value with the string read (or nil)");
      if (value.type == EdnValue::Type::string && !value.text.empty()) op->value = std::string(value.text);
    }
  });
  History history = pairing.take();
  std::erase_if(history, [](const Operation& op) {
    return op.kind == OpKind::append && op.value && op.value->empty();
  });
  for (Operation& op : history) {
    if (op.kind == OpKind::put && op.value && op.value->empty()) {
      op.kind = OpKind::del;
      op.value.reset();
    }
  }
  return history;
}

}  // namespace raftsim::history
