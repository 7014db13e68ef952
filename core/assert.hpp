#pragma once
// Always-on assertions. Unlike `assert`, NDEBUG does not remove them: a broken
// invariant in raftsim is a bug in raftsim, and the CLI turns it into exit 3
// with the seed and scenario that reproduce it.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace raftsim {

// Thrown by RAFTSIM_ASSERT. Deliberately not derived from InputError: the two
// map to different exit codes (3 versus 2).
class AssertionFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] inline void assertion_failed(const char* expression, const char* file, int line,
                                          const std::string& detail) {
  throw AssertionFailure(fmt::format("assertion failed: {} at {}:{}{}{}", expression, file, line,
                                     detail.empty() ? "" : ": ", detail));
}

}  // namespace raftsim

// RAFTSIM_ASSERT(cond) or RAFTSIM_ASSERT(cond, "format {}", args...)
#define RAFTSIM_ASSERT(cond, ...)                                                       \
  do {                                                                                  \
    if (!(cond)) [[unlikely]]                                                           \
      ::raftsim::assertion_failed(#cond, __FILE__, __LINE__,                            \
                                  ::raftsim::detail_assert_message(__VA_ARGS__));       \
  } while (false)

namespace raftsim {
inline std::string detail_assert_message() { return {}; }
template <typename... Args>
std::string detail_assert_message(fmt::format_string<Args...> format, Args&&... args) {
  return fmt::format(format, std::forward<Args>(args)...);
}
}  // namespace raftsim
