#pragma once
// Typed, validating access to a YAML document. Every error names the file,
// line and column, the key (as a dotted path), what was expected and what was
// found, and is thrown as raftsim::InputError (exit 2). Unknown keys are
// errors with a "did you mean" hint.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/random.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::scenario {

class YamlReader {
 public:
  explicit YamlReader(std::string source_name) : source_(std::move(source_name)) {}

  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const YAML::Node& node, std::string_view key, std::string_view message) const;
  [[noreturn]] void fail_at(SourceMark mark, std::string_view key, std::string_view message) const;

  SourceMark mark(const YAML::Node& node) const;

  // The map at `key`; every key in it must be one of `allowed`.
  void require_map(const YAML::Node& node, std::string_view key) const;
  void check_keys(const YAML::Node& map, std::string_view path, std::initializer_list<std::string_view> allowed) const;

  std::int64_t integer(const YAML::Node& node, std::string_view key, std::int64_t min, std::int64_t max) const;
  double number(const YAML::Node& node, std::string_view key, double min, double max) const;
  bool boolean(const YAML::Node& node, std::string_view key) const;
  std::string string(const YAML::Node& node, std::string_view key) const;
  // A duration with a unit: 250us, 150ms, 2s, 1.5s, 2m, 1h. `allow_negative` for clock skews.
  Micros duration(const YAML::Node& node, std::string_view key, Micros min, Micros max,
                  bool allow_negative = false) const;
  // [min, max] of durations, min <= max.
  TimeRange time_range(const YAML::Node& node, std::string_view key, Micros min, Micros max) const;
  Probability probability(const YAML::Node& node, std::string_view key) const;

 private:
  std::string describe(const YAML::Node& node) const;
  std::string source_;
};

// Parses "1.5s" and friends; nullopt when malformed. Exposed for tests.
std::optional<Micros> parse_duration(std::string_view text);

// Edit distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace raftsim::scenario
