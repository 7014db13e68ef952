// `raftsim kv` end to end: each script in tests/kv/scripts runs in both output
// formats and must print exactly its golden transcript (stdout and stderr
// merged, then the exit status). Regenerate with RAFTSIM_REWRITE=1 and review.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/run_command.hpp"

namespace {

struct Run {
  std::string output;
  int status = -1;
};

Run run_shell(const std::string& command) {
  const raftsim::test::CommandRun run = raftsim::test::run_command(command + " 2>&1");
  return {run.out, run.exit_code};
}

std::string raftsim_kv(const std::string& args) { return std::string("'") + RAFTSIM_BINARY + "' kv " + args; }

std::string scripts_dir() { return std::string(RAFTSIM_SOURCE_DIR) + "/tests/kv/scripts/"; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_golden(const std::string& name, const std::string& format) {
  // Run from the scripts folder with a relative name, so that error messages
  // (which name the script) do not depend on where the checkout lives.
  const Run run = run_shell("cd '" + scripts_dir() + "' && " + raftsim_kv("-w " + format + " " + name + ".txt"));
  const std::string actual = run.output + "[exit " + std::to_string(run.status) + "]\n";
  const std::string golden = scripts_dir() + name + "." + format + ".out";
  if (std::getenv("RAFTSIM_REWRITE") != nullptr) {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  INFO("golden file " << golden);
  CHECK(actual == read_file(golden));
}

}  // namespace

TEST_CASE("kv script basics: put, get and del with every flag", "[kv][cli]") {
  check_golden("basics", "simple");
  check_golden("basics", "json");
}

TEST_CASE("kv script print_value_only: simple prints values, json refuses", "[kv][cli]") {
  check_golden("print_value_only", "simple");
  check_golden("print_value_only", "json");
}

TEST_CASE("kv script compaction edges", "[kv][cli]") {
  check_golden("compaction", "simple");
  check_golden("compaction", "json");
}

TEST_CASE("kv script txn: every compare target, both branches, -i prompts", "[kv][cli]") {
  check_golden("txn", "simple");
  check_golden("txn", "json");
}

TEST_CASE("kv script watch: replay, prefix, range, prev-kv, cancel on compaction", "[kv][cli]") {
  check_golden("watch", "simple");
  check_golden("watch", "json");
}

TEST_CASE("kv script errors print etcd's text and exit 1 at the end", "[kv][cli]") {
  check_golden("errors", "simple");
  check_golden("errors", "json");
}

TEST_CASE("kv reads stdin when no script is given", "[kv][cli]") {
  const Run run = run_shell("printf 'put a 1\\nget a\\n' | " + raftsim_kv(""));
  CHECK(run.output == "OK\na\n1\n");
  CHECK(run.status == 0);
}

TEST_CASE("kv malformed script lines are exit 2 with the line number and no output", "[kv][cli]") {
  struct Case {
    const char* script;
    const char* message;
  };
  const Case cases[] = {
      {"put a 1\nfrobnicate x\n", ":2: unknown command \"frobnicate\""},
      {"put a\n", ":1: put command needs 1 argument"},
      {"get\n", ":1: get command needs one argument as key"},
      {"get a --prefix --from-key\n", ":1: `--prefix` and `--from-key` cannot be set at the same time"},
      {"get a --keys-only --count-only\n", ":1: `--keys-only` and `--count-only` cannot be set"},
      {"get a b --prefix\n", ":1: too many arguments"},
      {"get a --rev=x\n", ":1: invalid --rev \"x\""},
      {"get a --bogus\n", ":1: unknown flag: --bogus"},
      {"get a --sort-by=bogus\n", ":1: bad sort target bogus"},
      {"get a --prefix --order=up\n", ":1: bad sort order up"},
      {"put k -1\n", ":1: unknown shorthand flag: '1' in -1"},
      {"del\n", ":1: del command needs one argument"},
      {"compact\n", ":1: compaction command needs 1 argument"},
      {"watch a b --prefix\n", ":1: `range_end` and `--prefix` are mutually exclusive"},
      {"put \"a b\n", ":1: unterminated quoted string"},
      {"\n# c\ntxn\nvalue(k) = \"v\"\n\n\n\n", ":4: malformed comparison"},
      {"txn\nmod(\"k\") >= \"1\"\n", ":2: malformed comparison"},
      {"txn\nmod(\"k\") > \"x\"\n", ":2: invalid txn compare request"},
      {"txn\n\nput\n", ":3: invalid txn compare request: put"},
      {"txn\n\nput k\n", ":3: invalid txn request: put k"},
      {"txn\n\n\nwatch k v\n", ":4: invalid txn request"},
  };
  const std::string path = std::string(RAFTSIM_BINARY) + ".kv-malformed-test.txt";
  for (const Case& c : cases) {
    INFO("script " << c.script);
    std::ofstream(path, std::ios::binary) << c.script;
    const Run run = run_shell(raftsim_kv("'" + path + "'"));
    CHECK(run.status == 2);
    CHECK(run.output.rfind("error: " + path + ":", 0) == 0);
    CHECK(run.output.find(c.message) != std::string::npos);
    CHECK(run.output.find("OK") == std::string::npos);  // nothing ran
  }
  std::remove(path.c_str());
}

TEST_CASE("kv -w json refuses --print-value-only and unknown formats", "[kv][cli]") {
  CHECK(run_shell("printf 'get a --print-value-only\\n' | " + raftsim_kv("-w json")).status == 2);
  CHECK(run_shell(raftsim_kv("-w yaml /dev/null")).status == 2);
  CHECK(run_shell(raftsim_kv("/nonexistent/script")).status == 2);
}

TEST_CASE("kv --help shows the syntax and an example", "[kv][cli]") {
  const Run run = run_shell(raftsim_kv("--help"));
  CHECK(run.status == 0);
  CHECK(run.output.find("Example:") != std::string::npos);
  CHECK(run.output.find("watch KEY") != std::string::npos);
  CHECK(run.output.find("-w,--write-out") != std::string::npos);
}
