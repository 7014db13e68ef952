#pragma once
// A cursor over one line of a history file, for the small hand-written
// readers of the jsonl and EDN formats. Errors name file, line and column
// (both counted from 1) and what was expected there.
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace raftsim::history::detail {

class LineCursor {
 public:
  LineCursor(std::string_view line, const std::string& file, std::size_t line_number)
      : line_(line), file_(file), line_number_(line_number) {}

  bool at_end() const { return pos_ >= line_.size(); }
  char peek() const { return at_end() ? '\0' : line_[pos_]; }
  std::size_t position() const { return pos_; }
  std::string_view rest() const { return line_.substr(pos_); }
  void advance(std::size_t n = 1) { pos_ += n; }

  void skip_spaces() {
    while (!at_end() && (line_[pos_] == ' ' || line_[pos_] == '\t' || line_[pos_] == '\r')) ++pos_;
  }
  // Skips spaces, then consumes `c` if it is next.
  bool accept(char c) {
    skip_spaces();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool accept(std::string_view word) {
    skip_spaces();
    if (rest().substr(0, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void expect(char c, std::string_view what) {
    if (!accept(c)) fail(what);
  }

  [[noreturn]] void fail(std::string_view expected) const { fail_at(pos_, expected); }
  [[noreturn]] void fail_at(std::size_t pos, std::string_view expected) const {
    std::string found = at_end_of(pos) ? std::string("end of line")
                                       : fmt::format("`{}`", line_.substr(pos, 12));
    throw InputError(fmt::format("{}:{}:{}: expected {}, found {}", file_, line_number_, pos + 1,
                                 expected, found));
  }

 private:
  bool at_end_of(std::size_t pos) const { return pos >= line_.size(); }

  std::string_view line_;
  const std::string& file_;
  std::size_t line_number_;
  std::size_t pos_ = 0;
};

// Calls `f(line, line_number)` for every line of `text` (without its '\n').
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    f(text.substr(start, end - start), line_number);
    start = end + 1;
  }
}

}  // namespace raftsim::history::detail
