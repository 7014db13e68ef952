#include "sim/scenario/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace raftsim::scenario {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<Micros> parse_duration(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::int64_t whole = 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > 100'000'000'000LL) return std::nullopt;
    whole = whole * 10 + (text[i++] - '0');
    ++digits;
  }
  std::int64_t fraction = 0, fraction_scale = 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (fraction_scale >= 1'000'000'000LL) return std::nullopt;
      fraction = fraction * 10 + (text[i++] - '0');
      fraction_scale *= 10;
      ++digits;
    }
  }
  if (digits == 0) return std::nullopt;
  const std::string_view unit = text.substr(i);
  std::int64_t scale = 0;
  if (unit == "us") scale = 1;
  else if (unit == "ms") scale = 1'000;
  else if (unit == "s") scale = 1'000'000;
  else if (unit == "m") scale = 60'000'000;
  else if (unit == "h") scale = 3'600'000'000LL;
  else return std::nullopt;
  // Whole microseconds only: 1.5us is finer than the clock.
  if ((fraction * scale) % fraction_scale != 0) return std::nullopt;
  const std::int64_t value = whole * scale + fraction * scale / fraction_scale;
  return negative ? -value : value;
}

SourceMark YamlReader::mark(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

void YamlReader::fail_at(SourceMark mark, std::string_view key, std::string_view message) const {
  if (mark.line > 0) {
    throw InputError(fmt::format("{}:{}:{}: {}: {}", source_, mark.line, mark.column, key, message));
  }
  throw InputError(fmt::format("{}: {}: {}", source_, key, message));
}

void YamlReader::fail(const YAML::Node& node, std::string_view key, std::string_view message) const {
  fail_at(mark(node), key, message);
}

std::string YamlReader::describe(const YAML::Node& node) const {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return fmt::format("'{}'", node.Scalar());
}

void YamlReader::require_map(const YAML::Node& node, std::string_view key) const {
  if (!node.IsMap()) fail(node, key, fmt::format("expected a map of keys, got {}", describe(node)));
}

void YamlReader::check_keys(const YAML::Node& map, std::string_view path,
                            std::initializer_list<std::string_view> allowed) const {
  require_map(map, path.empty() ? "scenario" : path);
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) fail(it->first, path, "keys must be plain words");
    const std::string name = it->first.Scalar();
    const std::string full = path.empty() ? name : fmt::format("{}.{}", path, name);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) fail(it->first, full, "key given twice");
    seen.push_back(name);
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string_view best;
    std::size_t best_distance = 3;
    for (std::string_view candidate : allowed) {
      const std::size_t distance = edit_distance(name, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    std::string known;
    for (std::string_view candidate : allowed) known += fmt::format("{}{}", known.empty() ? "" : ", ", candidate);
    if (!best.empty()) fail(it->first, full, fmt::format("unknown key (did you mean '{}'?)", best));
    fail(it->first, full, fmt::format("unknown key (expected one of: {})", known));
  }
}

std::int64_t YamlReader::integer(const YAML::Node& node, std::string_view key, std::int64_t min,
                                 std::int64_t max) const {
  if (!node.IsScalar()) fail(node, key, fmt::format("expected an integer from {} to {}, got {}", min, max, describe(node)));
  const std::string& text = node.Scalar();
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    fail(node, key, fmt::format("expected an integer from {} to {}, got {}", min, max, describe(node)));
  if (value < min || value > max)
    fail(node, key, fmt::format("expected an integer from {} to {}, got {}", min, max, value));
  return value;
}

double YamlReader::number(const YAML::Node& node, std::string_view key, double min, double max) const {
  double value = 0;
  bool ok = node.IsScalar();
  if (ok) {
    const std::string& text = node.Scalar();
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    ok = error == std::errc() && end == text.data() + text.size();
  }
  if (!ok) fail(node, key, fmt::format("expected a number from {} to {}, got {}", min, max, describe(node)));
  if (!(value >= min && value <= max))
    fail(node, key, fmt::format("expected a number from {} to {}, got {}", min, max, node.Scalar()));
  return value;
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view key) const {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  fail(node, key, fmt::format("expected true or false, got {}", describe(node)));
}

std::string YamlReader::string(const YAML::Node& node, std::string_view key) const {
  if (!node.IsScalar()) fail(node, key, fmt::format("expected text, got {}", describe(node)));
  return node.Scalar();
}

Micros YamlReader::duration(const YAML::Node& node, std::string_view key, Micros min, Micros max,
                            bool allow_negative) const {
  const auto expected = [&] {
    return fmt::format("expected a duration with a unit (us, ms, s, m, h), like 250ms or 1.5s, got {}",
                       describe(node));
  };
  if (!node.IsScalar()) fail(node, key, expected());
  const auto value = parse_duration(node.Scalar());
  if (!value) fail(node, key, expected());
  if (*value < 0 && !allow_negative) fail(node, key, fmt::format("expected a duration of at least 0, got {}", node.Scalar()));
  if (*value < min || *value > max)
    fail(node, key, fmt::format("expected a duration from {}us to {}us, got {}", min, max, node.Scalar()));
  return *value;
}

TimeRange YamlReader::time_range(const YAML::Node& node, std::string_view key, Micros min, Micros max) const {
  if (!node.IsSequence() || node.size() != 2)
    fail(node, key, fmt::format("expected a range [min, max] of two durations, like [1ms, 5ms], got {}", describe(node)));
  TimeRange range{duration(node[0], key, min, max), duration(node[1], key, min, max)};
  if (range.min > range.max) fail(node, key, "expected min <= max in the range [min, max]");
  return range;
}

Probability YamlReader::probability(const YAML::Node& node, std::string_view key) const {
  return Probability::from_double(number(node, key, 0.0, 1.0));
}

}  // namespace raftsim::scenario
