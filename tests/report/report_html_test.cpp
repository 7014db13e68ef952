// The report page: its structure (a golden outline, not the bytes), that it
// is self-contained and escapes what it quotes, that recording changes no
// run, and that `run --report` and `fuzz` write it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/raft/bugs.hpp"
#include "report_helpers.hpp"
#include "sim/fuzz/campaign.hpp"

using namespace raftsim;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string page_static_part(const std::string& html) { return html.substr(0, html.find("<script")); }

// A normalised outline of the page: each element with an id or class, in
// order (runs of the same line collapsed), then counts of what is drawn.
// Verdict rows drop their ok/fail class and cells are left out, so the
// outline is about structure.
std::string outline(const std::string& html, const sim::report::ReportData& data) {
  const std::string page = page_static_part(html);
  const std::regex tag(R"(<([a-zA-Z0-9]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*/?>)");
  const std::regex id_attr(R"(\bid="([^"]*)\")"), class_attr(R"(\bclass="([^"]*)\")");
  std::vector<std::string> lines;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string attrs = (*it)[2];
    std::smatch id, cls;
    const bool has_id = std::regex_search(attrs, id, id_attr);
    const bool has_class = std::regex_search(attrs, cls, class_attr);
    if (!has_id && !has_class) continue;
    std::string line = (*it)[1].str();
    if (line == "td" && !has_id) continue;  // cells: their rows are the structure
    if (has_id) line += "#" + id[1].str();
    if (has_class) {
      std::istringstream words(cls[1].str());
      for (std::string word; words >> word;)
        if (!(line.rfind("tr", 0) == 0 && (word == "ok" || word == "fail" || word == "unjudged"))) line += "." + word;
    }
    lines.push_back(line);
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size();) {
    std::size_t j = i;
    while (j < lines.size() && lines[j] == lines[i]) ++j;
    out += lines[i] + (j - i > 1 ? " x" + std::to_string(j - i) : "") + "\n";
    i = j;
  }
  out += "--- drawn\n";
  out += "lanes " + std::to_string(data.lanes.size()) + "\n";
  for (const auto& lane : data.lanes) {
    out += lane.node + " cuts";
    for (const auto& cut : lane.cuts)
      out += " [" + std::to_string(cut.start_us) + "," + std::to_string(cut.end_us) + (cut.one_way() ? " one-way]" : "]");
    out += "\n";
  }
  out += "clients " + std::to_string(data.clients.size()) + "\n";
  for (const auto& fault : data.faults) out += "fault " + std::to_string(fault.time_us) + " " + fault.kind + "\n";
  out += "violations " + std::to_string(data.violations.size()) + "\n";
  out += "detail windows " + std::to_string(data.detail.size()) + "\n";
  return out;
}

std::string run_cli(const std::string& arguments) {
  const std::string command = std::string(RAFTSIM_BINARY) + " " + arguments + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

std::string json_field(const std::string& json, const std::string& name) {
  const std::regex field("\"" + name + "\":\"([^\"]*)\"");
  std::smatch match;
  return std::regex_search(json, match, field) ? match[1].str() : "";
}

}  // namespace

TEST_CASE("golden: the minority partition report's outline", "[report][golden]") {
  const auto r = test::run_reported(test::load("scenarios/minority-partition.yaml"));
  const std::string html = sim::report::render_html(r.data);
  const std::string actual = outline(html, r.data);
  const std::string golden_path = test::repo_path("tests/report/golden/minority-partition.outline");
  if (std::getenv("RAFTSIM_UPDATE_GOLDEN") != nullptr) std::ofstream(golden_path, std::ios::binary) << actual;
  const std::string expected = read_text(golden_path);
  INFO("rewrite with RAFTSIM_UPDATE_GOLDEN=1 when the change is intended");
  CHECK(actual == expected);
}

TEST_CASE("the report is self-contained: nothing is fetched", "[report]") {
  auto scenario = test::load("scenarios/bugs/local-read.yaml");
  REQUIRE(raft::enable_bug(scenario.bugs, "local-read"));
  const auto r = test::run_reported(scenario);
  const std::string html = sim::report::render_html(r.data);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("fetch(") == std::string::npos);
  CHECK(html.find("XMLHttpRequest") == std::string::npos);
  std::size_t http = 0;
  for (std::size_t at = html.find("http:"); at != std::string::npos; at = html.find("http:", at + 1)) {
    CHECK(html.compare(at, 26, "http://www.w3.org/2000/svg") == 0);  // only the SVG namespace
    ++http;
  }
  CHECK(http >= 1);
  // Two scripts (data, code), closed once each.
  std::size_t closes = 0;
  for (std::size_t at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1)) ++closes;
  CHECK(closes == 2);
  CHECK(html.find("id=\"violation-0\"") != std::string::npos);
  CHECK(html.find("data-render=\"pending\"") != std::string::npos);
}

TEST_CASE("the report escapes the scenario's text", "[report]") {
  const std::string yaml =
      "name: escape-test\ndescription: \"</script><b>bold</b> & 'quotes'\"\nduration: 1s\ncluster:\n  nodes: 3\n"
      "workload:\n  clients: 1\n";
  const auto scenario = scenario::parse_scenario(yaml, "escape-test.yaml");
  const auto r = test::run_reported(scenario);
  const std::string html = sim::report::render_html(r.data);
  CHECK(html.find("<b>bold") == std::string::npos);
  CHECK(html.find("&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quotes&#39;") != std::string::npos);
  std::size_t closes = 0;
  for (std::size_t at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1)) ++closes;
  CHECK(closes == 2);
}

TEST_CASE("recording for a report changes neither the trace hash nor the run", "[report][determinism]") {
  for (const std::string file : {"scenarios/minority-partition.yaml", "scenarios/leader-crash.yaml",
                                 "scenarios/one-way-partition.yaml", "scenarios/paused-leader.yaml",
                                 "scenarios/membership-change.yaml"}) {
    INFO(file);
    const auto scenario = test::load(file);
    const auto plain = sim::run_scenario(scenario);
    history::History history;
    const auto recorded = sim::run_scenario(scenario, sim::report::with_recording({}), &history);
    CHECK(plain.trace_hash == recorded.trace_hash);
    CHECK(plain.events == recorded.events);
    CHECK(plain.metrics.messages_sent == recorded.metrics.messages_sent);
    CHECK(plain.metrics.ops_ok == recorded.metrics.ops_ok);
    CHECK(plain.pass == recorded.pass);
    CHECK(plain.timeline.size() == recorded.timeline.size());
    CHECK(recorded.faults.size() == scenario.faults.size());
  }
}

TEST_CASE("raftsim run --report: the same trace hash, and a report naming it", "[report][cli][determinism]") {
  const std::string file = test::repo_path("scenarios/minority-partition.yaml");
  const std::string path = "report_html_test.html";
  std::filesystem::remove(path);
  const std::string plain = run_cli("run " + file + " --json");
  const std::string reported = run_cli("run " + file + " --json --report " + path);
  const std::string hash = json_field(plain, "trace_hash");
  REQUIRE(hash.size() == 16);
  CHECK(json_field(reported, "trace_hash") == hash);
  REQUIRE(std::filesystem::exists(path));
  const std::string html = read_text(path);
  CHECK(html.find(hash) != std::string::npos);
  CHECK(html.find("minority-partition") != std::string::npos);
  CHECK(!std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove(path);
}

TEST_CASE("raftsim fuzz writes a report beside each failure file", "[report][fuzz]") {
  fuzz::CampaignOptions options;
  options.seeds = 40;
  options.jobs = 1;
  options.shrink = false;
  options.generator.nodes = {3, 5};
  REQUIRE(raft::enable_bug(options.bugs, "quorum-off-by-one"));
  const auto found = fuzz::run_campaign(options, {}, {});
  REQUIRE_FALSE(found.failures.empty());
  options.out_dir = "report_fuzz_test_failures";
  std::filesystem::remove_all(options.out_dir);
  const auto failure = fuzz::run_seed(found.failures.front().seed, options);
  REQUIRE(failure.file == options.out_dir + "/seed-" + std::to_string(failure.seed) + ".yaml");
  const std::string html_path = options.out_dir + "/seed-" + std::to_string(failure.seed) + ".html";
  REQUIRE(std::filesystem::exists(html_path));
  const std::string html = read_text(html_path);
  CHECK(html.find("quorum-off-by-one") != std::string::npos);
  CHECK(html.find("seed-" + std::to_string(failure.seed) + ".yaml") != std::string::npos);
  std::filesystem::remove_all(options.out_dir);
}

TEST_CASE("a ten-minute run's report stays a few hundred kilobytes", "[report][size]") {
  const std::string yaml = R"(name: long-run
seed: 3
duration: 10m
cluster:
  nodes: 5
workload:
  clients: 5
faults:
  - {at: 30s, partition: [[n1, n2], [n3, n4, n5]]}
  - {at: 60s, heal: true}
  - {at: 120s, crash: leader}
  - {at: 150s, restart: crashed}
  - {at: 240s, partition: {from: [leader], to: [n1, n2, n3, n4, n5]}}
  - {at: 270s, heal: true}
  - {at: 360s, pause: {node: leader, for: 5s}}
  - {at: 480s, isolate: leader}
  - {at: 500s, heal: true}
)";
  const auto scenario = scenario::parse_scenario(yaml, "long-run.yaml");
  const auto r = test::run_reported(scenario);
  const std::string html = sim::report::render_html(r.data);
  INFO("report of 10 simulated minutes: " << html.size() << " bytes");
  CHECK(html.size() < 2'000'000);
  CHECK(r.data.ops.size() < r.data.ops_total);            // sampled near the faults
  CHECK(r.data.messages.size() < r.data.messages_total);
  CHECK(r.data.detail.size() >= 9);                        // one window per fault (and the start), merged
  CHECK(r.data.faults.size() == 9);
  for (const auto& lane : r.data.lanes) CHECK(lane.commits.size() <= sim::report::Limits{}.commit_points + 1);
}
