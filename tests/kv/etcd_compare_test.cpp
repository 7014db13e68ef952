// `raftsim kv -w json` against a real etcd 3.4 (Debian's etcd-server and
// etcd-client, which tools/setup installs for tools/test): each script in
// tests/kv/etcd runs through raftsim kv once and, command by command,
// through etcdctl against a fresh single-member etcd on 127.0.0.1; every
// response line must be the same but for cluster_id, member_id and
// raft_term. Without etcd installed the test says so and checks nothing,
// unless RAFTSIM_REQUIRE_ETCD=1 (tools/test sets it), where that fails.
// The same scripts also have golden transcripts (kv_cli_test.cpp style), so
// their outputs stay pinned where etcd is absent.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/run_command.hpp"

namespace {

using raftsim::test::run_command;

std::string etcd_scripts_dir() { return std::string(RAFTSIM_SOURCE_DIR) + "/tests/kv/etcd/"; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A script's commands, as raftsim kv reads them: one a line, comments and
// blank lines skipped; a `txn` takes the lines up to its third blank line
// (compares, success ops, failure ops), which etcdctl reads on stdin.
struct ScriptCommand {
  std::string line;
  std::string stdin_block;  // for txn
};

std::vector<ScriptCommand> split_script(const std::string& text) {
  std::vector<ScriptCommand> commands;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ScriptCommand command{line, {}};
    if (line == "txn") {
      int blanks = 0;
      std::string block_line;
      while (blanks < 3 && std::getline(in, block_line)) {
        if (block_line.empty()) ++blanks;
        command.stdin_block += block_line + "\n";
      }
    }
    commands.push_back(command);
  }
  return commands;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string normalised(const std::string& line) {
  static const std::regex ids("\"cluster_id\":[0-9]+,\"member_id\":[0-9]+,");
  static const std::regex term("\"raft_term\":[0-9]+");
  return std::regex_replace(std::regex_replace(line, ids, "\"cluster_id\":_,\"member_id\":_,"), term, "\"raft_term\":_");
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool installed(const char* program) {
  return run_command(std::string("command -v ") + program + " >/dev/null 2>&1").exit_code == 0;
}

// One etcd member on loopback ports of its own, in a data directory of its
// own; stopped (and its directory removed) when this goes out of scope.
class EtcdMember {
 public:
  EtcdMember() {
    const int base = 20000 + static_cast<int>(getpid() % 10000) * 2;
    endpoint_ = "127.0.0.1:" + std::to_string(base);
    const std::string peer = "http://127.0.0.1:" + std::to_string(base + 1);
    dir_ = std::filesystem::temp_directory_path() / ("raftsim-etcd-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string command = "etcd --name default --data-dir " + shell_quote((dir_ / "data").string()) +
                                " --listen-client-urls http://" + endpoint_ + " --advertise-client-urls http://" +
                                endpoint_ + " --listen-peer-urls " + peer + " --initial-advertise-peer-urls " + peer +
                                " --initial-cluster default=" + peer + " >" + shell_quote((dir_ / "etcd.log").string()) +
                                " 2>&1 & echo $!";
    pid_ = std::stoi(run_command(command).out);
    for (int attempt = 0; attempt < 100 && !healthy(); ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ~EtcdMember() {
    run_command("kill " + std::to_string(pid_) + " 2>/dev/null; wait " + std::to_string(pid_) + " 2>/dev/null");
    for (int attempt = 0; attempt < 50 && run_command("kill -0 " + std::to_string(pid_) + " 2>/dev/null").exit_code == 0;
         ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::filesystem::remove_all(dir_);
  }
  EtcdMember(const EtcdMember&) = delete;
  EtcdMember& operator=(const EtcdMember&) = delete;

  bool healthy() const { return run_command(etcdctl("endpoint health") + " >/dev/null 2>&1").exit_code == 0; }
  std::string etcdctl(const std::string& arguments) const {
    return "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint_ + " " + arguments;
  }
  std::string log() const { return read_file((dir_ / "etcd.log").string()); }

 private:
  std::string endpoint_;
  std::filesystem::path dir_;
  int pid_ = 0;
};

void compare_with_etcd(const std::string& name) {
  const std::string script = etcd_scripts_dir() + name;
  const std::vector<ScriptCommand> commands = split_script(read_file(script));
  const auto ours = run_command("'" + std::string(RAFTSIM_BINARY) + "' kv -w json " + shell_quote(script) + " 2>&1");
  const std::vector<std::string> our_lines = lines_of(ours.out);
  REQUIRE(our_lines.size() == commands.size());

  EtcdMember etcd;
  INFO("etcd log:\n" << etcd.log());
  REQUIRE(etcd.healthy());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const ScriptCommand& command = commands[i];
    std::string shell = etcd.etcdctl("-w json " + command.line) + " 2>&1";
    if (!command.stdin_block.empty()) shell = "printf '%s' " + shell_quote(command.stdin_block) + " | " + shell;
    std::vector<std::string> theirs;
    for (const std::string& line : lines_of(run_command(shell).out))
      if (line.rfind("{\"level\":", 0) != 0) theirs.push_back(line);  // the client's own retry log, on stderr
    INFO(name << ": " << command.line << "\n" << command.stdin_block);
    REQUIRE(theirs.size() == 1);
    CHECK(normalised(our_lines[i]) == normalised(theirs[0]));
  }
}

}  // namespace

TEST_CASE("kv -w json answers as etcdctl 3.4 against a real etcd: txn responses and sorting", "[kv][cli][etcd]") {
  if (!installed("etcd") || !installed("etcdctl")) {
    const bool required = std::getenv("RAFTSIM_REQUIRE_ETCD") != nullptr;
    if (required) FAIL("etcd and etcdctl are required (RAFTSIM_REQUIRE_ETCD) but not installed: run tools/setup --etcd");
    WARN("etcd or etcdctl not installed: nothing compared (tools/setup --etcd installs Debian's etcd 3.4)");
    return;
  }
  for (const char* name : {"sort.txt", "txn.txt"}) compare_with_etcd(name);
}

TEST_CASE("kv scripts checked against etcd keep their transcripts", "[kv][cli]") {
  for (const char* name : {"sort", "txn"}) {
    const auto run = run_command("cd '" + etcd_scripts_dir() + "' && '" + std::string(RAFTSIM_BINARY) + "' kv -w json " +
                                 std::string(name) + ".txt 2>&1");
    const std::string actual = run.out + "[exit " + std::to_string(run.exit_code) + "]\n";
    const std::string golden = etcd_scripts_dir() + name + ".json.out";
    if (std::getenv("RAFTSIM_REWRITE") != nullptr) std::ofstream(golden, std::ios::binary) << actual;
    INFO("golden file " << golden);
    CHECK(actual == read_file(golden));
  }
}
