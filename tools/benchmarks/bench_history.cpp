// Benchmark of the linearizability checker (issue 5): parse + check times for
// Porcupine's test data and for a generated large history.
//   bench_history [DATA_DIR]      (default: tests/data, the repository's test data)
// Prints one line per item with milliseconds. Benchmarks may read the wall
// clock; the checker itself never does.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/history/history.hpp"

namespace h = raftsim::history;

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A uniform draw in [0, n) (n small; the modulo bias does not matter here).
std::uint64_t below(std::uint64_t& state, std::uint64_t n) { return splitmix64(state) % n; }

// A linearizable history: `clients` clients issue back-to-back operations on
// `keys` keys with random durations; each takes effect at a random instant
// inside its interval, and results are computed by applying them in that
// order. 1 in 100 operations has an unknown outcome (an unknown write still
// takes effect, or, half the time, never).
h::History generate(std::size_t ops, int keys, int clients, std::uint64_t seed) {
  struct Pending {
    h::Operation op;
    std::int64_t at_us;  // linearization point; INT64_MAX: never
  };
  std::vector<Pending> pending;
  pending.reserve(ops);
  std::vector<std::int64_t> free_at(static_cast<std::size_t>(clients), 0);
  std::vector<std::string> last_written(static_cast<std::size_t>(keys));
  std::uint64_t rng = seed;
  for (std::size_t i = 0; i < ops; ++i) {
    const auto client = static_cast<int>(below(rng, static_cast<std::uint64_t>(clients)));
    const auto key = static_cast<std::size_t>(below(rng, static_cast<std::uint64_t>(keys)));
    h::Operation op;
    op.client = client;
    op.key = fmt::format("k{}", key);
    const std::uint64_t kind = below(rng, 10);
    op.kind = kind < 5 ? h::OpKind::get : kind < 8 ? h::OpKind::put : h::OpKind::cas;
    if (op.kind != h::OpKind::get) op.value = fmt::format("v{}", i);
    if (op.kind == h::OpKind::cas) {
      if (last_written[key].empty()) op.expect = std::nullopt;
      else op.expect = last_written[key];
    }
    if (op.value) last_written[key] = *op.value;
    std::int64_t& t = free_at[static_cast<std::size_t>(client)];
    t += static_cast<std::int64_t>(below(rng, 50));
    op.call_us = t;
    const auto duration = static_cast<std::int64_t>(1 + below(rng, 200));
    const std::int64_t at = op.call_us + static_cast<std::int64_t>(below(rng, static_cast<std::uint64_t>(duration)));
    t += duration;
    op.return_us = t;
    op.outcome = h::Outcome::ok;
    const bool unknown = below(rng, 100) == 0;
    const bool never = unknown && below(rng, 2) == 0;
    if (unknown) {
      op.outcome = h::Outcome::unknown;
      op.return_us = std::nullopt;
    }
    pending.push_back({std::move(op), never ? INT64_MAX : at});
  }
  std::vector<std::size_t> order(pending.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pending[a].at_us < pending[b].at_us; });
  std::vector<std::optional<std::string>> value(static_cast<std::size_t>(keys));
  for (const std::size_t i : order) {
    h::Operation& op = pending[i].op;
    if (pending[i].at_us == INT64_MAX) continue;
    auto& current = value[static_cast<std::size_t>(std::stoi(op.key.substr(1)))];
    switch (op.kind) {
      case h::OpKind::get:
        op.value = current;
        break;
      case h::OpKind::put:
        current = op.value;
        break;
      case h::OpKind::cas:
        if (current == op.expect) current = op.value;
        else if (op.outcome == h::Outcome::ok) op.outcome = h::Outcome::fail;
        break;
      default: break;
    }
  }
  h::History history;
  history.reserve(pending.size());
  for (Pending& p : pending) history.push_back(std::move(p.op));
  return history;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

struct Totals {
  std::size_t files = 0, ops = 0, linearizable = 0, not_linearizable = 0, unknown = 0;
};

Totals check_files(const std::vector<std::string>& files, bool want_witness) {
  Totals totals;
  for (const std::string& file : files) {
    const h::LoadedHistory loaded = h::load_history(file);
    h::CheckOptions options;
    options.want_witness = want_witness;
    const h::CheckResult result = h::check(loaded.history, h::default_model(loaded.format), options);
    ++totals.files;
    totals.ops += result.ops;
    if (result.verdict == h::Verdict::linearizable) ++totals.linearizable;
    else if (result.verdict == h::Verdict::not_linearizable) ++totals.not_linearizable;
    else ++totals.unknown;
  }
  return totals;
}

void report(const std::string& name, double ms, const Totals& totals) {
  fmt::print("{:<52} {:>9.1f} ms   ({} files, {} ops: {} linearizable, {} not, {} unknown)\n", name, ms,
             totals.files, totals.ops, totals.linearizable, totals.not_linearizable, totals.unknown);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : "tests/data";
  const std::string porcupine = data + "/porcupine/";

  std::vector<std::string> jepsen;
  for (const auto& entry : std::filesystem::directory_iterator(porcupine + "jepsen")) {
    const std::string path = entry.path().string();
    if (path.ends_with(".log") && !path.ends_with("etcd_095.log")) jepsen.push_back(path);
  }
  std::sort(jepsen.begin(), jepsen.end());

  for (const bool witness : {false, true}) {
    const auto start = std::chrono::steady_clock::now();
    const Totals totals = check_files(jepsen, witness);
    report(witness ? "jepsen etcd, all files, parse+check+witness" : "jepsen etcd, all files, parse+check", ms_since(start),
           totals);
  }
  for (const std::string name : {"c50-ok", "c50-bad", "c10-ok", "c10-bad"}) {
    const auto start = std::chrono::steady_clock::now();
    const Totals totals = check_files({porcupine + "kv/" + name + ".txt"}, false);
    report(fmt::format("kv/{}.txt, parse+check (split by key)", name), ms_since(start), totals);
  }

  const auto generating = std::chrono::steady_clock::now();
  const h::History history = generate(200'000, 100, 16, 42);
  const double generate_ms = ms_since(generating);
  const std::size_t unknown = static_cast<std::size_t>(std::count_if(
      history.begin(), history.end(), [](const h::Operation& op) { return op.outcome == h::Outcome::unknown; }));
  const auto checking = std::chrono::steady_clock::now();
  const h::CheckResult result = h::check(history, h::Model::kv);
  fmt::print("{:<52} {:>9.1f} ms   (200000 ops, 100 keys, 16 clients, {} unknown: {}; generated in {:.1f} ms)\n",
             "generated kv history, check", ms_since(checking), unknown, h::to_string(result.verdict), generate_ms);
  return result.verdict == h::Verdict::linearizable ? 0 : 1;
}
