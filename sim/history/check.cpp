// check(): P-compositionality (each key is checked on its own, since a
// history is linearizable iff each key's sub-history is), the search on each
// partition, and a small witness when one fails.
#include <algorithm>
#include <map>

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
using detail::SearchResult;

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

class Checker {
 public:
  Checker(const History& history, Model model, const CheckOptions& options)
      : history_(history), model_(model), options_(options) {}

  SearchResult run(std::span<const std::size_t> ops, std::uint64_t max_steps = UINT64_MAX) {
    detail::KeyModel model(history_, model_, ops);
    search_ops_.clear();
    for (const std::size_t i : ops) search_ops_.push_back({history_[i].call_us, return_time(history_[i])});
    SearchLimits limits;
    limits.max_steps = max_steps;
    if (options_.should_stop) limits.should_stop = &options_.should_stop;
    return detail::search(model, search_ops_, limits);
  }

  // A small subset of `part` (which failed with `failed`) that is still not
  // linearizable. Deterministic; bounded by a budget of search steps.
  std::vector<std::size_t> witness(const std::vector<std::size_t>& part, const SearchResult& failed) {
    std::uint64_t budget = std::max<std::uint64_t>(2'000'000, 20 * failed.steps);
    auto still_fails = [&](std::span<const std::size_t> ops) {
      if (budget == 0) return false;
      const SearchResult r = run(ops, budget);
      budget = r.steps >= budget ? 0 : budget - r.steps;
      return r.outcome == SearchOutcome::not_linearizable;
    };

    // The search never got past the return of `stuck`: what was called
    // before that return is already not linearizable (verified, since this
    // is a heuristic cut).
    std::vector<std::size_t> current;
    const std::int64_t cut = return_time(history_[part[failed.stuck_op]]);
    for (const std::size_t i : part)
      if (history_[i].call_us <= cut) current.push_back(i);
    if (current.size() < part.size() && !still_fails(current)) current = part;

    // Greedy removal in shrinking chunks (a light delta debugging), latest first.
    std::vector<std::size_t> trial;
    for (std::size_t chunk = std::max<std::size_t>(1, current.size() / 2);; chunk /= 2) {
      for (std::size_t end = current.size(); end > 0 && budget > 0;) {
        const std::size_t begin = end >= chunk ? end - chunk : 0;
        trial.assign(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(begin));
        trial.insert(trial.end(), current.begin() + static_cast<std::ptrdiff_t>(end), current.end());
        if (!trial.empty() && still_fails(trial)) current.swap(trial);
        end = begin;
      }
      if (chunk == 1 || budget == 0) break;
    }
    std::sort(current.begin(), current.end());
    return current;
  }

 private:
  const History& history_;
  Model model_;
  const CheckOptions& options_;
  std::vector<SearchOp> search_ops_;
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

  Checker checker(history, model, options);
  for (auto& [key, part] : partitions) {
    // Number operations in call order: the search's memo stores linearized
    // sets compactly when low numbers are linearized first.
    std::stable_sort(part.begin(), part.end(), [&](std::size_t a, std::size_t b) {
      return history[a].call_us < history[b].call_us;
    });
    const SearchResult searched = checker.run(part);
    if (searched.outcome == SearchOutcome::linearizable) continue;
    const std::string where = model == Model::register_ ? std::string("the register")
                                                        : fmt::format("key \"{}\"", key);
    if (searched.outcome == SearchOutcome::gave_up) {
      result.verdict = Verdict::unknown;
      result.explanation = fmt::format("gave up on {} ({} operations) after {} search steps", where,
                                       part.size(), searched.steps);
      return result;
    }
    result.verdict = Verdict::not_linearizable;
    if (options.want_witness) {
      result.witness = checker.witness(part, searched);
      result.explanation = fmt::format(
          "{}: these {} operations (of {} on it) cannot be linearized: no order of them respects "
          "real time and the {} model",
          where, result.witness.size(), part.size(), to_string(model));
    } else {
      result.explanation =
          fmt::format("{}: its {} operations cannot be linearized", where, part.size());
    }
    return result;
  }
  return result;
}

}  // namespace raftsim::history
