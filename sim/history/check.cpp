// check(): P-compositionality (each key is checked on its own, since a
// history is linearizable iff each key's sub-history is), the search on each
// partition, and a small witness when one fails.
#include <algorithm>
#include <map>
#include <memory>
#include <array>

#include <fmt/format.h>

#include "sim/history/etcd_revisions.hpp"
#include "sim/history/history.hpp"
#include "sim/history/key_model.hpp"
#include "sim/history/search.hpp"

namespace raftsim::history {
namespace {

using detail::SearchLimits;
using detail::SearchOp;
using detail::SearchOutcome;

// Operations that say nothing about the state are left out: a get that
// failed or whose outcome is unknown, and a write that failed (it did not
// apply). A failed cas stays: it says its compare was false.
bool constrains(const Operation& op) {
  if (op.kind == OpKind::get) return op.outcome == Outcome::ok;
  if (op.kind == OpKind::cas) return true;
  return op.outcome != Outcome::fail;
}

std::int64_t return_time(const Operation& op) {
  return op.outcome == Outcome::unknown || !op.return_us ? INT64_MAX : *op.return_us;
}

// One partition's model and search, kept alive while the search is paused.
struct PartitionSearch {
  PartitionSearch(const History& history, Model model, std::span<const std::size_t> part)
      : key_model(history, model, part), search_ops(make_ops(history, part)), search(key_model, search_ops) {}

  static std::vector<SearchOp> make_ops(const History& history, std::span<const std::size_t> part) {
    std::vector<SearchOp> ops;
    ops.reserve(part.size());
    for (const std::size_t i : part) ops.push_back({history[i].call_us, return_time(history[i])});
    return ops;
  }

  detail::KeyModel key_model;
  std::vector<SearchOp> search_ops;
  detail::Search search;
};

class Checker {
 public:
  Checker(const History& history, Model model, const CheckOptions& options)
      : history_(history), model_(model), options_(options) {}

  SearchLimits limits(std::uint64_t max_steps) const {
    SearchLimits limits;
    limits.max_steps = max_steps;
    if (options_.should_stop) limits.should_stop = &options_.should_stop;
    return limits;
  }

  std::unique_ptr<PartitionSearch> start(std::span<const std::size_t> part) const {
    return std::make_unique<PartitionSearch>(history_, model_, part);
  }

  // A small subset of `part` (which failed, stuck at `stuck_op`) that is
  // still not linearizable. Deterministic; bounded by a budget of steps.
  std::vector<std::size_t> witness(const std::vector<std::size_t>& part, std::uint32_t stuck_op,
                                   std::uint64_t steps_spent) const {
    std::uint64_t budget = std::max<std::uint64_t>(1'000'000, 8 * steps_spent);
    auto still_fails = [&](std::span<const std::size_t> ops) {
      if (budget == 0) return false;
      auto searching = start(ops);
      const SearchOutcome outcome = searching->search.resume(limits(budget));
      const std::uint64_t spent = searching->search.steps();
      budget = spent >= budget ? 0 : budget - spent;
      return outcome == SearchOutcome::not_linearizable;
    };

    // The search never got past the return of `stuck_op`: what was called
    // before that return is already not linearizable (verified: a heuristic).
    std::vector<std::size_t> current;
    const std::int64_t cut = return_time(history_[part[stuck_op]]);
    for (const std::size_t i : part)
      if (history_[i].call_us <= cut) current.push_back(i);
    if (current.size() < part.size() && !still_fails(current)) current = part;

    // Greedy removal in shrinking chunks (a light delta debugging), latest
    // first. A removal must leave every value read with a write of it, or
    // the witness could shrink to "a read of a value nobody wrote", which is
    // true but says nothing about what went wrong.
    // Not merely as many: a removal may not make a supported read unsupported
    // (dropping the write a read saw while dropping another unsupported read
    // would keep the count and lose the point).
    const std::vector<std::size_t> unsupported = unsupported_reads(current);
    const auto keeps_support = [&](std::span<const std::size_t> ops) {
      const std::vector<std::size_t> now = unsupported_reads(ops);
      return std::includes(unsupported.begin(), unsupported.end(), now.begin(), now.end());
    };
    std::vector<std::size_t> trial;
    for (std::size_t chunk = std::max<std::size_t>(1, current.size() / 2);; chunk /= 2) {
      for (std::size_t end = current.size(); end > 0 && budget > 0;) {
        const std::size_t begin = end >= chunk ? end - chunk : 0;
        trial.assign(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(begin));
        trial.insert(trial.end(), current.begin() + static_cast<std::ptrdiff_t>(end), current.end());
        if (!trial.empty() && keeps_support(trial) && still_fails(trial))
          current.swap(trial);
        end = begin;
      }
      if (chunk == 1 || budget == 0) break;
    }
    std::sort(current.begin(), current.end());
    return current;
  }

 private:
  // The ops (sorted) whose value read (gets, and cas compares that held) no
  // other op in `ops` could have written first: with put or cas of that
  // exact value, or by appending a part of it, called before the read returned.
  std::vector<std::size_t> unsupported_reads(std::span<const std::size_t> ops) const {
    // value -> the two earliest (call, op) writing it, so that an op never supports itself
    std::map<std::string_view, std::array<std::pair<std::int64_t, std::size_t>, 2>> writers;
    std::vector<std::size_t> appends;
    constexpr std::pair<std::int64_t, std::size_t> kNone{INT64_MAX, SIZE_MAX};
    for (const std::size_t i : ops) {
      const Operation& op = history_[i];
      if (!op.value || op.outcome == Outcome::fail) continue;  // a failed write wrote nothing
      if (op.kind == OpKind::append) appends.push_back(i);
      if (op.kind != OpKind::put && op.kind != OpKind::cas) continue;
      auto [it, inserted] = writers.try_emplace(*op.value, std::array{kNone, kNone});
      auto& two = it->second;
      const std::pair<std::int64_t, std::size_t> entry{op.call_us, i};
      if (entry < two[0]) {
        two[1] = two[0];
        two[0] = entry;
      } else if (entry < two[1]) {
        two[1] = entry;
      }
    }
    auto supported = [&](std::size_t reader, std::string_view value) {
      const std::int64_t by = return_time(history_[reader]);
      const auto it = writers.find(value);
      if (it != writers.end()) {
        for (const auto& [call, index] : it->second)
          if (index != reader && index != SIZE_MAX && call <= by) return true;
      }
      // Built by appends: the value must split into appended parts (after a
      // written prefix, if any), each appended by an op called in time.
      std::vector<std::size_t> usable;
      for (const std::size_t a : appends)
        if (a != reader && history_[a].call_us <= by && !history_[a].value->empty()) usable.push_back(a);
      if (usable.empty()) return false;
      if (usable.size() > 256 || value.size() > 4096) return true;  // bound the effort: the search decides anyway
      std::vector<bool> reachable(value.size() + 1, false);
      reachable[0] = true;
      for (const auto& [text, two] : writers)
        if (text.size() <= value.size() && value.substr(0, text.size()) == text && two[0].first <= by)
          reachable[text.size()] = true;
      for (std::size_t pos = 0; pos < value.size(); ++pos) {
        if (!reachable[pos]) continue;
        for (const std::size_t a : usable) {
          const std::string& part = *history_[a].value;
          if (value.compare(pos, part.size(), part) == 0) reachable[pos + part.size()] = true;
        }
      }
      return static_cast<bool>(reachable[value.size()]);
    };
    std::vector<std::size_t> unsupported;
    for (const std::size_t i : ops) {
      const Operation& op = history_[i];
      if ((op.kind == OpKind::get && op.value && !supported(i, *op.value)) ||
          (op.kind == OpKind::cas && op.outcome == Outcome::ok && op.expect && !supported(i, *op.expect)))
        unsupported.push_back(i);
    }
    std::sort(unsupported.begin(), unsupported.end());
    return unsupported;
  }

  const History& history_;
  Model model_;
  const CheckOptions& options_;
};

}  // namespace

CheckResult check(const History& history, Model model, const CheckOptions& options) {
  CheckResult result;
  result.ops = history.size();

  if (model == Model::etcd) {
    if (auto violation = detail::check_revisions(history)) {
      result.verdict = Verdict::not_linearizable;
      result.witness = std::move(violation->ops);
      result.explanation = std::move(violation->explanation);
      return result;
    }
  }

  // P-compositionality: one partition per key (the register has one).
  std::map<std::string_view, std::vector<std::size_t>> partitions;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!constrains(history[i])) continue;
    partitions[model == Model::register_ ? std::string_view() : std::string_view(history[i].key)].push_back(i);
  }

  // Number each partition's operations in call order: the memo stores
  // linearized sets compactly when low numbers are linearized first.
  std::vector<std::string_view> keys;
  std::vector<std::vector<std::size_t>> parts;
  for (auto& [key, part] : partitions) {
    std::stable_sort(part.begin(), part.end(), [&](std::size_t a, std::size_t b) {
      return history[a].call_us < history[b].call_us;
    });
    keys.push_back(key);
    parts.push_back(std::move(part));
  }

  // Work on every partition in turn with a growing step budget, so that one
  // hard partition cannot hide a violation that another shows quickly.
  Checker checker(history, model, options);
  std::vector<std::unique_ptr<PartitionSearch>> live(parts.size());
  std::vector<bool> finished(parts.size(), false);
  std::size_t remaining = parts.size();
  for (std::uint64_t budget = 1 << 17; remaining > 0; budget *= 4) {
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (finished[p]) continue;
      if (!live[p]) live[p] = checker.start(parts[p]);
      const SearchOutcome outcome = live[p]->search.resume(checker.limits(budget));
      if (outcome == SearchOutcome::paused) continue;
      if (outcome == SearchOutcome::linearizable) {
        finished[p] = true;
        live[p].reset();
        --remaining;
        continue;
      }
      const std::string where = model == Model::register_ ? std::string("the register")
                                                          : fmt::format("key \"{}\"", keys[p]);
      if (outcome == SearchOutcome::stopped) {
        result.verdict = Verdict::unknown;
        result.explanation = fmt::format("gave up on {} ({} operations) after {} search steps", where,
                                         parts[p].size(), live[p]->search.steps());
        return result;
      }
      result.verdict = Verdict::not_linearizable;
      if (options.want_witness) {
        const std::uint32_t stuck = live[p]->search.stuck_op();
        const std::uint64_t steps = live[p]->search.steps();
        live.clear();  // free the other partitions' memos before the witness search
        result.witness = checker.witness(parts[p], stuck, steps);
        result.explanation = fmt::format(
            "{}: these {} operations (of {} on it) cannot be linearized: no order of them respects "
            "real time and the {} model",
            where, result.witness.size(), parts[p].size(), to_string(model));
      } else {
        result.explanation = fmt::format("{}: its {} operations cannot be linearized", where, parts[p].size());
      }
      return result;
    }
  }
  return result;
}

}  // namespace raftsim::history
