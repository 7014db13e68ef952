#pragma once
// End-to-end tests: run a shell command (usually the raftsim binary) and
// take its output and exit status.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

namespace raftsim::test {

struct CommandRun {
  int exit_code = -1;
  std::string out;
};

// `command` runs under /bin/sh; add redirections such as " 2>&1" yourself.
inline CommandRun run_command(const std::string& command) {
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// `raftsim ARGUMENTS`, with stderr merged into the output unless `stderr_to` says otherwise.
inline CommandRun run_raftsim(const std::string& arguments, const std::string& stderr_to = "&1") {
  return run_command(std::string("'") + RAFTSIM_BINARY + "' " + arguments + " 2>" + stderr_to);
}

}  // namespace raftsim::test
