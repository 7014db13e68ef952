// `raftsim quorum` end to end: the table, --json (CONTRACT §8), bad input.
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/run_command.hpp"

namespace {

using Run = raftsim::test::CommandRun;

Run raftsim_cli(const std::string& arguments, bool with_stderr = false) {
  return raftsim::test::run_raftsim(arguments, with_stderr ? "&1" : "/dev/null");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("quorum prints the table by size and the partitions", "[quorum][cli]") {
  const auto run = raftsim_cli("quorum");
  CHECK(run.exit_code == 0);
  INFO(run.out);
  CHECK(contains(run.out, "P(no majority)"));
  CHECK(contains(run.out, "0.00725"));
  CHECK(contains(run.out, "1.95× as likely to be down as 1"));
  CHECK(contains(run.out, "13.4× less likely to be down than 2"));
  CHECK(contains(run.out, "4 nodes (majority 3): 1|3: the 3-side, 2|2: neither side"));
  CHECK(contains(run.out, "5 nodes (majority 3): 1|4: the 4-side, 2|3: the 3-side\n"));
  CHECK(contains(run.out, "    7 "));
  CHECK(!contains(run.out, "    8 "));
}

TEST_CASE("quorum --json has the shape of CONTRACT §8", "[quorum][cli]") {
  const auto run = raftsim_cli("quorum --json --max 5");
  CHECK(run.exit_code == 0);
  INFO(run.out);
  CHECK(run.out.rfind("{\"p\":0.05,\"sizes\":[{\"nodes\":1,\"majority\":1,\"tolerated\":0,\"p_unavailable\":0.05,", 0) == 0);
  CHECK(contains(run.out, "{\"nodes\":3,\"majority\":2,\"tolerated\":1,\"p_unavailable\":0.00725,"));
  CHECK(contains(run.out, "{\"nodes\":4,\"majority\":3,\"tolerated\":1,\"p_unavailable\":0.01401875,"));
  CHECK(contains(run.out, "\"partitions\":[{\"nodes\":2,"));
  CHECK(contains(run.out, "{\"a\":2,\"b\":2,\"commits\":null}"));
  CHECK(contains(run.out, "{\"a\":2,\"b\":3,\"commits\":\"3-side\"}"));
  CHECK(!contains(run.out, "\"nodes\":6"));
  CHECK(!contains(run.out, "simulated"));
  CHECK(run.out.back() == '\n');
  CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);
}

TEST_CASE("quorum --json with several p values prints an array, one object per p", "[quorum][cli]") {
  const auto run = raftsim_cli("quorum --json --p 0.01,0.05 --p 0.1 --nodes 3");
  CHECK(run.exit_code == 0);
  INFO(run.out);
  CHECK(run.out.rfind("[{\"p\":0.01,\"sizes\":[{\"nodes\":3,", 0) == 0);
  CHECK(contains(run.out, "},{\"p\":0.05,\"sizes\":[{\"nodes\":3,\"majority\":2,\"tolerated\":1,\"p_unavailable\":0.00725,"));
  CHECK(contains(run.out, "},{\"p\":0.1,\"sizes\":[{\"nodes\":3,\"majority\":2,\"tolerated\":1,\"p_unavailable\":0.028,"));
  CHECK(run.out.substr(run.out.size() - 3) == "}]\n");
}

TEST_CASE("quorum --simulate --json adds the simulated fractions and their intervals", "[quorum][cli][simulate]") {
  const auto run = raftsim_cli("quorum --simulate --json --nodes 3 --p 0.2 --mttr 1s --duration 40s --runs 2 --seed 5 --jobs 1");
  CHECK(run.exit_code == 0);
  INFO(run.out);
  CHECK(run.out.rfind("{\"p\":0.2,\"sizes\":[{\"nodes\":3,\"majority\":2,\"tolerated\":1,\"p_unavailable\":0.104,", 0) == 0);
  CHECK(contains(run.out, "\"simulated_quorum_lost\":"));
  CHECK(contains(run.out, "\"simulated_quorum_lost_ci95\":["));
  CHECK(contains(run.out, "\"simulated_write_unavailable\":"));
  CHECK(contains(run.out, "\"simulated_write_unavailable_ci95\":["));
  CHECK(contains(run.out, "\"simulation\":{\"seed\":5,\"duration_us\":40000000,\"runs\":2,"));
  // Deterministic: the same command prints the same numbers.
  CHECK(raftsim_cli("quorum --simulate --json --nodes 3 --p 0.2 --mttr 1s --duration 40s --runs 2 --seed 5 --jobs 2").out ==
        run.out);
}

TEST_CASE("quorum rejects bad input with exit 2 and names the option", "[quorum][cli]") {
  const std::pair<const char*, const char*> cases[] = {
      {"--p 1.5", "--p 1.5"},
      {"--p -0.1", "--p -0.1"},
      {"--p 0.05,x", "--p x"},
      {"--p nan", "--p nan"},
      {"--max 0", "--max 0"},
      {"--max 16", "--max 16"},
      {"--nodes 3,0", "--nodes 0"},
      {"--nodes 3,16", "--nodes 16"},
      {"--simulate --duration 0s", "--duration 0s"},
      {"--simulate --duration 25h", "--duration 25h"},
      {"--simulate --duration soon", "--duration soon"},
      {"--simulate --mttr 0s", "--mttr 0s"},
      {"--simulate --runs 1", "--runs 1"},
      {"--simulate --duration 5s --runs 10", "at least 1s per run"},
      {"--duration 1h", "--simulate"},
      {"--seed 3", "--simulate"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto run = raftsim_cli(std::string("quorum ") + arguments, true);
    INFO(arguments << "\n" << run.out);
    CHECK(run.exit_code == 2);
    CHECK(contains(run.out, message));
  }
}

TEST_CASE("quorum --help shows an example", "[quorum][cli]") {
  const auto run = raftsim_cli("quorum --help");
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "Examples:"));
  CHECK(contains(run.out, "raftsim quorum --simulate"));
  CHECK(contains(run.out, "95% intervals"));
}

TEST_CASE("quorum --report writes a self-contained chart and still prints the table", "[quorum][cli][report]") {
  const std::string path = "quorum_cli_test.html";
  std::filesystem::remove(path);
  const auto run = raftsim_cli("quorum --p 0.01,0.05 --max 5 --report " + path);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "P(no majority)"));
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const std::string html = read_text(path);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<svg id=\"quorum-chart\""));
  CHECK(contains(html, "data-points=\"10\""));  // 5 sizes, 2 p values
  CHECK(contains(html, "<th>command</th><td>raftsim quorum --max 5 --p 0.01,0.05 --report " + path + "</td>"));
  CHECK_FALSE(contains(html, "<g class=\"error-bar"));
  // Nothing fetched: no http(s) but the SVG namespace, no external resources.
  CHECK_FALSE(contains(html, "https:"));
  for (std::size_t at = html.find("http:"); at != std::string::npos; at = html.find("http:", at + 1))
    CHECK(html.compare(at, 26, "http://www.w3.org/2000/svg") == 0);
  CHECK_FALSE(contains(html, "<link"));
  CHECK_FALSE(contains(html, " src="));
  // --json is unchanged by --report.
  CHECK(raftsim_cli("quorum --json --max 5 --report " + path).out == raftsim_cli("quorum --json --max 5").out);
  std::filesystem::remove(path);
}

TEST_CASE("quorum --simulate --report draws the simulated fractions with error bars", "[quorum][cli][report][simulate]") {
  const std::string path = "quorum_cli_simulate_test.html";
  std::filesystem::remove(path);
  const auto run = raftsim_cli("quorum --simulate --nodes 3,4 --p 0.2 --mttr 1s --duration 20s --runs 2 --jobs 1 --report " + path);
  CHECK(run.exit_code == 0);
  REQUIRE(std::filesystem::exists(path));
  const std::string html = read_text(path);
  CHECK(contains(html, "data-points=\"6\""));  // 2 sizes x (formula, no majority, writes unavailable)
  CHECK(contains(html, "<g class=\"error-bar no-majority\" data-nodes=\"3\""));
  CHECK(contains(html, "<g class=\"error-bar write-unavailable\" data-nodes=\"4\""));
  CHECK(contains(html, "<th>simulation</th><td>20s of simulated time per size in 2 runs, seed 1, mean down 1s</td>"));
  CHECK(contains(html, "--simulate --duration 20s"));
  std::filesystem::remove(path);
}

TEST_CASE("quorum --report into a missing directory: exit 2 at once, nothing written", "[quorum][cli][report]") {
  const std::string directory = "quorum_cli_no_such_directory";
  std::filesystem::remove_all(directory);
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& arguments : {"quorum --report " + directory + "/q.html",
                                      // Checked before simulating: no hour of simulation lost to a typo.
                                      "quorum --simulate --duration 24h --report " + directory + "/q.html"}) {
    const auto run = raftsim_cli(arguments, true);
    INFO(arguments << "\n" << run.out);
    CHECK(run.exit_code == 2);
    CHECK(contains(run.out, "--report " + directory + "/q.html: no such directory"));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  CHECK_FALSE(std::filesystem::exists(directory));
  const auto run = raftsim_cli("quorum --report .", true);
  CHECK(run.exit_code == 2);
  CHECK(contains(run.out, "--report .: expected a file name"));
}
