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

Run raftsim_cli(const std::string& arguments, const std::string& stderr_to = "&1") {
  return raftsim::test::run_raftsim(arguments, stderr_to);
}

const std::string porcupine = RAFTSIM_TEST_DATA_DIR "/porcupine/";

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

TEST_CASE("cli: a history with no operation is the wrong file: exit 2 with the lines read and the format tried",
          "[history][cli]") {
  const std::string empty = "cli_test_empty.jsonl";
  const std::string unrelated = "cli_test_unrelated.log";
  std::ofstream(empty) << "";
  std::ofstream(unrelated) << "hello\nthis is not a history\n\nat all\n";
  const Run empty_run = raftsim_cli("check-history " + empty);
  const Run unrelated_run = raftsim_cli("check-history --format porcupine-etcd " + unrelated);
  const Run guessed_run = raftsim_cli("check-history " + unrelated);
  std::remove(empty.c_str());
  std::remove(unrelated.c_str());
  CHECK(empty_run.exit_code == 2);
  CHECK(empty_run.out.find("no operation in 0 lines read as jsonl") != std::string::npos);
  INFO(unrelated_run.out);
  CHECK(unrelated_run.exit_code == 2);
  CHECK(unrelated_run.out.find("no operation in 4 lines read as porcupine-etcd") != std::string::npos);
  CHECK(unrelated_run.out.find("linearizable") == std::string::npos);
  CHECK(guessed_run.exit_code == 2);
  CHECK(guessed_run.out.find("cannot tell the history format") != std::string::npos);
}

TEST_CASE("cli: porcupine-etcd lines that match no pattern are counted and reported", "[history][cli]") {
  const std::string path = "cli_test_noisy.log";
  {
    std::ifstream in(porcupine + "jepsen/etcd_002.log");
    std::ofstream out(path);
    out << "a line from another logger\n\n" << in.rdbuf() << "INFO  jepsen.util - 3\t:frobnicate\t:read\tnil\n";
  }
  const Run run = raftsim_cli("check-history " + path);
  const Run json = raftsim_cli("check-history --json " + path, "/dev/null");
  std::remove(path.c_str());
  INFO(run.out);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find(path + ": 2 of 157 lines match no porcupine-etcd pattern and were skipped (the first: line 1)") !=
        std::string::npos);
  CHECK(run.out.find(path + ": linearizable") != std::string::npos);
  CHECK(json.out.find("\"lines\": 157, \"lines_skipped\": 2") != std::string::npos);
}
