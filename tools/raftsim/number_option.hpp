#pragma once
// Numeric command-line options that reject what they cannot mean (a negative
// count, a seed that would wrap, zero jobs) with exit 2 and the expected
// range, before any conversion can wrap: CLI11 alone reads "-1" into an
// unsigned option as 2^64-1.
#include <charconv>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace raftsim::cli {

// A validator for a whole number in [min, max], checked on the text as typed.
inline CLI::Validator whole_number(std::int64_t min, std::int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end && !text.empty() && value >= min && value <= max) return {};
        return fmt::format("got {}, expected a whole number from {} to {}", text, min, max);
      },
      fmt::format("INT in [{} - {}]", min, max));
}

// Options that take one value per use: `--bug a FILE` leaves FILE to the
// positional argument instead of reading it as a second bug.
inline CLI::Option* one_value_per_use(CLI::Option* option) { return option->allow_extra_args(false); }

}  // namespace raftsim::cli
