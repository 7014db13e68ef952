// docs/reference.md is the users' reference, kept true here: every key the
// scenario loader accepts is in it, every option of every subcommand's
// --help is in that subcommand's section, and nothing in the repository
// points to files outside it (a user's clone has nothing beside it).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/run_command.hpp"

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::filesystem::path source_dir = RAFTSIM_SOURCE_DIR;

std::string reference() { return read_file(source_dir / "docs/reference.md"); }

// The section of the reference under `### raftsim NAME`, up to the next heading of that level or above.
std::string section(const std::string& text, const std::string& heading) {
  const std::size_t start = text.find("\n" + heading + "\n");
  if (start == std::string::npos) return {};
  std::size_t end = text.find("\n### ", start + 1);
  const std::size_t next_chapter = text.find("\n## ", start + 1);
  if (next_chapter < end) end = next_chapter;
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST_CASE("the reference names every scenario key the loader accepts", "[cli][docs]") {
  // The loader lists what it accepts in its check_keys calls: (node, "path", {"key", ...}).
  const std::string loader = read_file(source_dir / "sim/scenario/loader.cpp");
  const std::string doc = reference();
  REQUIRE_FALSE(doc.empty());
  const std::regex call(R"(check_keys\(\s*\w+\s*,\s*([^,]+?)\s*,\s*\{([^}]*)\}\))");
  const std::regex quoted("\"([a-z_]+)\"");
  std::size_t keys = 0;
  for (auto it = std::sregex_iterator(loader.begin(), loader.end(), call); it != std::sregex_iterator(); ++it) {
    const std::string path_argument = (*it)[1];
    const std::string list = (*it)[2];
    // A literal path ("cluster", "workload.ops") is named in full; a computed
    // one (a fault or an expectation) by the key alone.
    std::string prefix;
    if (path_argument.size() > 2 && path_argument.front() == '"') prefix = path_argument.substr(1, path_argument.size() - 2) + ".";
    if (path_argument.find(".tail") != std::string::npos) prefix = "network.tail.";
    for (auto key = std::sregex_iterator(list.begin(), list.end(), quoted); key != std::sregex_iterator(); ++key) {
      const std::string name = prefix + (*key)[1].str();
      INFO("scenario key " << name);
      if (!prefix.empty()) {
        CHECK(doc.find("`" + name + "`") != std::string::npos);
      } else {  // under a fault or an expectation: `on`, or a path ending in it, like `faults[].network.drop`
        const std::regex named("`([a-z_\\[\\].]*\\.)?" + name + "`");
        CHECK(std::regex_search(doc, named));
      }
      ++keys;
    }
  }
  CHECK(keys >= 80);  // the regex still finds the loader's lists
}

TEST_CASE("the reference names every option of every subcommand, in its section", "[cli][docs]") {
  const std::string doc = reference();
  const std::regex option(R"((?:^|[\s,])(--[a-z][a-z0-9-]*))");
  for (const std::string command : {"run", "fuzz", "shrink", "check-history", "quorum", "experiment", "kv", "bugs"}) {
    const std::string text = section(doc, "### raftsim " + command);
    INFO("section ### raftsim " << command);
    REQUIRE_FALSE(text.empty());
    const auto help = raftsim::test::run_raftsim(command + " --help");
    REQUIRE(help.exit_code == 0);
    // Only the Options block: the footer's examples repeat options already listed.
    const std::size_t options_at = help.out.find("Options:");
    REQUIRE(options_at != std::string::npos);
    const std::size_t footer = help.out.find("\n\n", options_at);
    const std::string block = help.out.substr(options_at, footer == std::string::npos ? std::string::npos : footer - options_at);
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(block.begin(), block.end(), option); it != std::sregex_iterator(); ++it)
      names.insert((*it)[1]);
    CHECK(names.size() >= 1);
    for (const std::string& name : names) {
      if (name == "--help") continue;
      INFO("option " << name);
      CHECK(text.find("`" + name) != std::string::npos);
    }
  }
}

TEST_CASE("nothing in the repository points outside it", "[cli][docs]") {
  // Spelled in two parts, so that this file does not name it.
  const std::string outside = std::string("../") + "shared";
  std::size_t files = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(source_dir); it != std::filesystem::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name == ".git" || name.rfind("build", 0) == 0 || name == "data")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->file_size() > 2'000'000) continue;
    const std::string text = read_file(it->path());
    INFO(it->path().string());
    CHECK(text.find(outside) == std::string::npos);
    ++files;
  }
  CHECK(files > 100);
}
