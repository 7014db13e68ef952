// What one call into etcd's raft costs, beside what a call to a separate
// adapter process would cost (issue 15: how the simulator talks to Go).
// (a) a bridge call: Tick on an idle etcd follower, in-process (cgo), as
//     the simulator makes it (inside one hosting call into Go) and from a
//     thread outside Go;
// (b) a pipe round trip: 64 bytes to a child process and 64 bytes back,
//     the least a framed protocol to an adapter process pays per call.
// Benchmarks may read the wall clock; the simulator never does.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "sim/node/raft_node.hpp"
#include "sim/random.hpp"

using namespace raftsim;

static double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int main() {
  if (!sim::etcd_raft_built()) {
    std::printf("bridge: not built (no Go); nothing to measure\n");
    return 0;
  }
  double call_ns = 0, cold_ns = 0;
  {
    raft::Config config;
    config.id = 1;
    config.election_ticks_min = 1'000'000'000;  // never campaigns: every Tick is the bare call
    config.heartbeat_ticks = 1;
    sim::EtcdOptions options;
    options.bootstrap_voters = {1, 2, 3};
    sim::Xoshiro256 random(1);
    auto node = sim::make_etcd_node(config, options, {}, random);
    // From a thread outside Go, as a plain C++ caller would...
    const int cold_calls = 20'000;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cold_calls; ++i) node->tick();
    cold_ns = seconds_since(start) / cold_calls * 1e9;
    // ...and as the simulator calls: from inside one hosting call into Go.
    const int calls = 2'000'000;
    sim::run_hosted_by_etcd_bridge([&] {
      start = std::chrono::steady_clock::now();
      for (int i = 0; i < calls; ++i) node->tick();
      call_ns = seconds_since(start) / calls * 1e9;
    });
  }
  double pipe_ns = 0;
  {
    int to_child[2], to_parent[2];
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) return 1;
    const pid_t child = fork();
    char buffer[64] = {};
    if (child == 0) {
      close(to_child[1]);
      close(to_parent[0]);
      while (read(to_child[0], buffer, sizeof buffer) == sizeof buffer)
        if (write(to_parent[1], buffer, sizeof buffer) != sizeof buffer) break;
      _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    const int trips = 200'000;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < trips; ++i) {
      if (write(to_child[1], buffer, sizeof buffer) != sizeof buffer) return 1;
      if (read(to_parent[0], buffer, sizeof buffer) != sizeof buffer) return 1;
    }
    pipe_ns = seconds_since(start) / trips * 1e9;
    close(to_child[1]);
    waitpid(child, nullptr, 0);
  }
  std::printf("bridge call (Tick, in-process, as the simulator calls it): %.0f ns; the same from a thread outside Go: "
              "%.0f ns; pipe round trip to another process: %.0f ns (%.0fx the bridge call)\n",
              call_ns, cold_ns, pipe_ns, pipe_ns / call_ns);
  return 0;
}
