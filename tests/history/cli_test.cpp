// `raftsim check-history` end to end: output lines and exit codes.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/run_command.hpp"

namespace {

using Run = raftsim::test::CommandRun;

Run raftsim_cli(const std::string& arguments) { return raftsim::test::run_raftsim(arguments); }

const std::string porcupine = RAFTSIM_SHARED_DIR "/conformance/porcupine/";

}  // namespace

TEST_CASE("cli: check-history prints one verdict line per file, exit 0 or 1", "[history][cli]") {
  const Run ok = raftsim_cli("check-history " + porcupine + "kv/c01-ok.txt " + porcupine + "jepsen/etcd_002.log");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == porcupine + "kv/c01-ok.txt: linearizable\n" + porcupine + "jepsen/etcd_002.log: linearizable\n");

  const Run bad = raftsim_cli("check-history --format porcupine-kv --model kv " + porcupine + "kv/c01-bad.txt");
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.rfind(porcupine + "kv/c01-bad.txt: not linearizable\n", 0) == 0);
  CHECK(bad.out.find("client") != std::string::npos);  // the witness table's header
}

TEST_CASE("cli: check-history --json prints one object per file", "[history][cli]") {
  const Run run = raftsim_cli("check-history --json " + porcupine + "jepsen/etcd_000.log " + porcupine + "jepsen/etcd_002.log");
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("{\"file\": \"" + porcupine + "jepsen/etcd_000.log\", \"verdict\": \"not linearizable\", \"ops\": ") == 0);
  CHECK(run.out.find("{\"file\": \"" + porcupine + "jepsen/etcd_002.log\", \"verdict\": \"linearizable\", \"ops\": ") !=
        std::string::npos);
  CHECK(run.out.find("\"micros\": ") != std::string::npos);
}

TEST_CASE("cli: check-history exits 2 on bad input", "[history][cli]") {
  CHECK(raftsim_cli("check-history /nonexistent/file.jsonl").exit_code == 2);
  CHECK(raftsim_cli("check-history --model nope " + porcupine + "kv/c01-ok.txt").exit_code == 2);
  CHECK(raftsim_cli("check-history --timeout soon " + porcupine + "kv/c01-ok.txt").exit_code == 2);
  CHECK(raftsim_cli("check-history").exit_code == 2);
  const std::string path = "cli_test_bad.jsonl";
  {
    std::ofstream out(path);
    out << "{\"client\": 1, \"op\": \"get\"\n";
  }
  const Run run = raftsim_cli("check-history " + path);
  std::remove(path.c_str());
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("cli_test_bad.jsonl:1:") != std::string::npos);
}

TEST_CASE("cli: check-history --help shows an example", "[history][cli]") {
  const Run run = raftsim_cli("check-history --help");
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("Examples:") != std::string::npos);
  CHECK(run.out.find("raftsim check-history") != std::string::npos);
}
