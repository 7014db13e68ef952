// The command line as users type it: options and positional arguments in
// any order, one value per use of a repeatable option, and numbers that
// cannot mean anything refused with exit 2 and the expected range.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/run_command.hpp"

namespace {

using raftsim::test::run_raftsim;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string bug_file = RAFTSIM_SOURCE_DIR "/scenarios/bugs/quorum-off-by-one.yaml";
const std::string plain_file = RAFTSIM_SOURCE_DIR "/scenarios/teach/one-node.yaml";

}  // namespace

TEST_CASE("run: --bug takes one value, before or after the scenario file", "[cli]") {
  for (const std::string& arguments : {"run --bug no-truncate " + plain_file + " -q",
                                      "run " + plain_file + " --bug no-truncate -q",
                                      "run --bug no-truncate --bug local-read " + plain_file + " -q"}) {
    INFO(arguments);
    const auto run = run_raftsim(arguments + " --json", "/dev/null");
    CHECK(run.exit_code == 0);
    CHECK(contains(run.out, "\"scenario\":\"teach-one-node\""));
    CHECK(contains(run.out, "\"no-truncate\""));
  }
  const auto both = run_raftsim("run --bug no-truncate --bug local-read " + plain_file + " --json", "/dev/null");
  CHECK(contains(both.out, "\"bugs\":[\"no-truncate\",\"local-read\"]"));
  // A name that is not a bug is still refused, by name.
  const auto unknown = run_raftsim("run --bug nonsense " + plain_file);
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.out, "--bug nonsense: no such planted bug"));
}

TEST_CASE("run: a bug scenario plants the bug it names, and --no-bugs runs it clean", "[cli][bugs]") {
  const auto planted = run_raftsim("run " + bug_file + " --json", "/dev/null");
  CHECK(planted.exit_code == 0);
  CHECK(contains(planted.out, "\"bugs\":[\"quorum-off-by-one\"]"));
  CHECK(contains(planted.out, "\"minority_no_commit\":{\"ok\":false"));
  // The same after --bug in either order (planting it twice is planting it once).
  CHECK(run_raftsim("run --bug quorum-off-by-one " + bug_file + " -q").exit_code == 0);
  CHECK(run_raftsim("run " + bug_file + " --bug quorum-off-by-one -q").exit_code == 0);

  const auto clean = run_raftsim("run " + bug_file + " --no-bugs --json", "/dev/null");
  INFO(clean.out);
  CHECK(clean.exit_code == 1);  // the expected violation does not happen
  CHECK(contains(clean.out, "\"bugs\":[]"));
  CHECK(contains(clean.out, "\"minority_no_commit\":{\"ok\":true"));
  const std::string checks = clean.out.substr(0, clean.out.find("\"expectations\""));
  CHECK_FALSE(contains(checks, "\"ok\":false"));  // no check failed, only the expectation
}

TEST_CASE("fuzz: the summary's replay line names the planted bugs, as the file's header does", "[cli][fuzz]") {
  const std::string out = "cli_fuzz_replay";
  std::filesystem::remove_all(out);
  const auto run = run_raftsim("fuzz --bug quorum-off-by-one --seeds 2 --jobs 1 --nodes 3 --no-shrink --out " + out);
  INFO(run.out);
  CHECK(run.exit_code == 1);
  CHECK(contains(run.out, "replay: raftsim run " + out + "/seed-0.yaml --bug quorum-off-by-one\n"));
  std::string header;
  {
    std::ifstream in(out + "/seed-0.yaml");
    header.assign(std::istreambuf_iterator<char>(in), {});
  }
  CHECK(contains(header, "# replay: raftsim run " + out + "/seed-0.yaml --bug quorum-off-by-one\n"));
  CHECK(contains(header, "\nbugs: [quorum-off-by-one]\n"));
  std::filesystem::remove_all(out);
}

TEST_CASE("shrink and quorum: repeatable options take one value per use", "[cli]") {
  // shrink --bug NAME FILE: the file is the positional argument, not a second bug.
  const std::string out = "cli_shrink_order.yaml";
  const auto shrink = run_raftsim("shrink --bug quorum-off-by-one " + bug_file + " --max-runs 3 -o " + out);
  INFO(shrink.out);
  CHECK(shrink.exit_code == 1);
  CHECK(std::filesystem::exists(out));
  std::filesystem::remove(out);
  // quorum --nodes 3 4: one value (a comma list) per use; 4 is an extra argument.
  CHECK(run_raftsim("quorum --nodes 3 --nodes 4 --json").exit_code == 0);
  const auto extra = run_raftsim("quorum --nodes 3 4");
  CHECK(extra.exit_code == 2);
  CHECK(contains(extra.out, "4"));
}

TEST_CASE("numeric options refuse what they cannot mean, with exit 2 and the range", "[cli]") {
  const std::pair<std::string, std::string> cases[] = {
      {"fuzz --seeds -3", "--seeds: got -3, expected a whole number from 1 to"},
      {"fuzz --seeds 0", "--seeds: got 0, expected a whole number from 1 to"},
      {"fuzz --seeds 3x", "--seeds: got 3x"},
      {"fuzz --jobs -1 --seeds 1", "--jobs: got -1, expected a whole number from 1 to 256"},
      {"fuzz --jobs 0 --seeds 1", "--jobs: got 0, expected a whole number from 1 to 256"},
      {"fuzz --seed-start -1 --seeds 1", "--seed-start: got -1, expected a whole number from 0 to"},
      {"fuzz --print-scenario -5", "--print-scenario: got -5"},
      {"run --seed -1", "--seed: got -1, expected a whole number from 0 to 9223372036854775807"},
      {"fuzz --seed-start 9223372036854775800 --seeds 100", "the last seed would pass 9223372036854775807"},
      {"run --seed 18446744073709551615", "--seed: got 18446744073709551615"},
      {"shrink " + bug_file + " --max-runs 0", "--max-runs: got 0, expected a whole number from 1 to"},
      {"shrink " + bug_file + " --max-runs -2", "--max-runs: got -2"},
      {"quorum --simulate --seed -1", "--seed: got -1, expected a whole number from 0 to"},
      {"quorum --simulate --jobs -1", "--jobs: got -1, expected a whole number from 1 to 256"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto run = run_raftsim(arguments);
    INFO(arguments << "\n" << run.out);
    CHECK(run.exit_code == 2);
    CHECK(contains(run.out, message));
  }
}

TEST_CASE("the quickstart judges every check, liveness included, and fits one screen", "[cli][quickstart]") {
  const auto run = run_raftsim("run", "/dev/null");
  INFO(run.out);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "\n  ok    liveness "));
  CHECK_FALSE(contains(run.out, "\n  skip "));
  CHECK_FALSE(contains(run.out, "not judged"));
  std::size_t lines = 0;
  for (char c : run.out) lines += c == '\n' ? 1 : 0;
  CHECK(lines <= 50);
}
