#pragma once
// Bad input from a user (a scenario file, a history file, a command line).
// The CLI prints the message and exits 2. The message must say where (file,
// line, column when known), which key, and what was expected.
#include <stdexcept>

namespace raftsim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace raftsim
