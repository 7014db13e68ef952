// How the simulator's cost grows with the cluster and with simulated time.
//   bench_scale nodes     events/s, simulated s per wall s and peak memory of one
//                         60 s run with 8 clients and every check, for 3, 5, 7,
//                         15, 31 and 63 nodes; then 63 nodes' events/s as a
//                         fraction of 5 nodes' (goal: at least 0.5)
//   bench_scale memory    peak memory of a loaded 5-node cluster (snapshots every
//                         2,000 entries, compaction every 10 s, every check but
//                         linearizability and watch) for 1, 10 and 60 simulated
//                         minutes; then 60 min / 10 min (goal: at most 1.5)
// Each row runs in a child process of its own, so that its peak memory is its
// own (wait4's rusage). Benchmarks may read the wall clock; the simulator never does.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "sim/run.hpp"
#include "sim/scenario/loader.hpp"

using namespace raftsim;

namespace {

struct Row {
  double events_per_second = 0;
  double simulated_per_wall = 0;
  double peak_mib = 0;
  bool pass = false;
};

// Runs `yaml` in a child process; its numbers come back through a pipe.
Row run_in_child(const std::string& yaml) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    const auto scenario = scenario::parse_scenario(yaml, "bench-scale.yaml");
    const auto start = std::chrono::steady_clock::now();
    const auto result = sim::run_scenario(scenario);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Row row;
    row.events_per_second = static_cast<double>(result.events) / elapsed;
    row.simulated_per_wall = static_cast<double>(result.simulated_us) / 1e6 / elapsed;
    row.pass = result.pass;
    if (write(fds[1], &row, sizeof row) != static_cast<ssize_t>(sizeof row)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Row row;
  if (read(fds[0], &row, sizeof row) != static_cast<ssize_t>(sizeof row)) row = {};
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(child, &status, 0, &usage);
  row.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return row;
}

int nodes_table() {
  std::printf("%5s  %12s  %18s  %10s\n", "nodes", "M events/s", "simulated s/wall s", "peak MiB");
  double five = 0, sixty_three = 0;
  for (const int nodes : {3, 5, 7, 15, 31, 63}) {
    const std::string yaml = "name: bench-nodes\nseed: 1\nduration: 60s\ncluster: {nodes: " + std::to_string(nodes) +
                             "}\nworkload: {clients: 8}\nchecks: all\n";
    const Row row = run_in_child(yaml);
    std::printf("%5d  %12.2f  %18.0f  %10.1f%s\n", nodes, row.events_per_second / 1e6, row.simulated_per_wall,
                row.peak_mib, row.pass ? "" : "  (the run failed a check)");
    std::fflush(stdout);
    if (nodes == 5) five = row.events_per_second;
    if (nodes == 63) sixty_three = row.events_per_second;
  }
  std::printf("63 nodes / 5 nodes, events per second: %.2f (goal: at least 0.5)\n", five > 0 ? sixty_three / five : 0.0);
  return 0;
}

int memory_table() {
  std::printf("%9s  %10s  %12s\n", "simulated", "peak MiB", "M events/s");
  double ten = 0, sixty = 0;
  for (const int minutes : {1, 10, 60}) {
    const std::string yaml =
        "name: bench-memory\nseed: 1\nduration: " + std::to_string(minutes) +
        "m\ncluster: {nodes: 5, snapshot_every: 2000}\nworkload: {clients: 8, compact: {every: 10s, keep: 1000}}\n"
        "checks: [election_safety, leader_append_only, log_matching, leader_completeness, state_machine_safety, "
        "durability, minority_no_commit, liveness]\n";
    const Row row = run_in_child(yaml);
    std::printf("%7d m  %10.1f  %12.2f%s\n", minutes, row.peak_mib, row.events_per_second / 1e6,
                row.pass ? "" : "  (the run failed a check)");
    std::fflush(stdout);
    if (minutes == 10) ten = row.peak_mib;
    if (minutes == 60) sixty = row.peak_mib;
  }
  std::printf("60 min / 10 min, peak memory: %.2f (goal: at most 1.5)\n", ten > 0 ? sixty / ten : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "nodes") return nodes_table();
  if (what == "memory") return memory_table();
  std::fprintf(stderr, "usage: bench_scale nodes|memory\n");
  return 2;
}
