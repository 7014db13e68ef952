// The witness of a failed check as a readable table.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sim/history/history.hpp"

namespace raftsim::history {
namespace {

std::string show(const std::optional<std::string>& value) {
  return value ? fmt::format("\"{}\"", *value) : std::string("absent");
}

std::string describe_value(const Operation& op) {
  switch (op.kind) {
    case OpKind::get:
      return op.outcome == Outcome::ok ? fmt::format("-> {}", show(op.value)) : std::string("->");
    case OpKind::put:
    case OpKind::append: return show(op.value);
    case OpKind::del: return "";
    case OpKind::cas: return fmt::format("{} -> {}", show(op.expect), show(op.value));
    case OpKind::txn: return "";
  }
  return "";
}

}  // namespace

std::string format_witness_table(const History& history, const CheckResult& result) {
  using Row = std::array<std::string, 7>;
  std::vector<Row> rows;
  rows.push_back({"client", "op", "key", "value", "call", "return", "outcome"});
  for (const std::size_t i : result.witness) {
    if (i >= history.size()) continue;
    const Operation& op = history[i];
    rows.push_back({fmt::format("{}", op.client), std::string(to_string(op.kind)), op.key,
                    describe_value(op), fmt::format("{}", op.call_us),
                    op.return_us ? fmt::format("{}", *op.return_us) : std::string("-"),
                    std::string(to_string(op.outcome))});
  }
  std::array<std::size_t, 7> width{};
  for (const Row& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const Row& row : rows) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool right = c == 0 || c == 4 || c == 5;  // numbers
      line += right ? fmt::format("{:>{}}", row[c], width[c]) : fmt::format("{:<{}}", row[c], width[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  if (!result.explanation.empty()) out += fmt::format("  {}\n", result.explanation);
  return out;
}

}  // namespace raftsim::history
