// Judging the run: expectations evaluated at their times, and the checks
// that are decided at the end (durability, linearizability, watch, liveness).
#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/request_payload.hpp"
#include "sim/observer.hpp"

namespace raftsim::sim {

namespace {
constexpr std::size_t kLiveness = SIZE_MAX;

std::string seconds(Micros us) { return fmt::format("{:.3f}s", static_cast<double>(us) / 1e6); }

}  // namespace

std::size_t Observer::voters_on_side(const Host& host) const {
  const raft::Membership& membership = host.node->membership();
  std::size_t voters = 0;
  for (raft::NodeId id : network_.side_of(host.id))
    if (membership.is_voter(id)) ++voters;
  return voters;
}

bool Observer::leader_serving() const {
  // A leader that is live, has committed an entry of its own term, and can
  // reach a majority: it can take writes.
  for (std::size_t id = 1; id < hosts_.size(); ++id) {
    const Host& host = hosts_[id];
    if (!live(host) || host.node->role() != raft::Role::leader) continue;
    const RaftNode& node = *host.node;
    if (node.log().term_at(node.commit_index()) != node.term()) continue;
    if (voters_on_side(host) >= node.membership().majority()) return true;
  }
  return false;
}

raft::LogIndex Observer::durable_majority_index() const {
  // The highest index whose entry (as the longest live log has it) is durable
  // on a majority of voters.
  const Host* longest = nullptr;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].up && (longest == nullptr || hosts_[id].node->log().last_index() > longest->node->log().last_index()))
      longest = &hosts_[id];
  if (longest == nullptr) return 0;
  const raft::RaftLog& log = longest->node->log();
  const std::size_t majority = longest->node->membership().majority();
  for (raft::LogIndex index = log.last_index(); index >= log.first_index() && index > 0; --index) {
    const raft::Term term = log.at(index).term;
    std::size_t durable = 0;
    for (std::size_t id = 1; id < hosts_.size(); ++id) {
      const DurableState& disk = hosts_[id].disk.durable();
      if (index <= disk.snapshot_index ||
          (index <= disk.last_index() && disk.entries[index - disk.snapshot_index - 1].term == term))
        ++durable;
    }
    if (durable >= majority) return index;
  }
  return 0;
}

void Observer::schedule() {
  const scenario::ClusterSpec& cluster = scenario_.cluster;
  expectations_.resize(scenario_.expect.size());
  const auto at = [&](Micros time, std::size_t expectation, int phase) {
    due_.push_back({expectation, phase});
    scheduler_.schedule(std::clamp<Micros>(time, 0, scenario_.duration), EventKind::observe,
                        static_cast<std::uint32_t>(due_.size() - 1));
  };
  for (std::size_t i = 0; i < scenario_.expect.size(); ++i) {
    const scenario::Expectation& e = scenario_.expect[i];
    switch (e.kind) {
      case scenario::Expectation::Kind::no_commit:
        at(e.during.min, i, 0);
        at(e.during.max, i, 1);
        break;
      case scenario::Expectation::Kind::leader: {
        // Sampled: a serving leader at any sample in [after, after + within].
        const Micros period = std::max<Micros>(cluster.tick, e.within / 1000);
        int phase = 0;
        for (Micros t = e.after; t <= e.after + e.within && t <= scenario_.duration; t += period) at(t, i, phase++);
        break;
      }
      case scenario::Expectation::Kind::converged: {
        at(e.by - convergence_allowance(), i, 0);
        at(e.by, i, 1);
        break;
      }
      case scenario::Expectation::Kind::available:
      case scenario::Expectation::Kind::violation: break;
    }
  }
  // Liveness: judged one bound after the last fault has done all it can (a
  // triggered fault's window, a crash's `for`, a pause).
  // Several election rounds (split votes, a pre-vote round each) plus catch-up.
  liveness_bound_us_ = scenario_.liveness_bound.value_or(scenario::default_liveness_bound(cluster, scenario_.disk));
  Micros last_fault = 0;
  for (const auto& fault : scenario_.faults)
    last_fault = std::max(last_fault, scenario::latest_effect(fault, scenario_.duration));
  // Phases 2, 3, ...: samples from the last fault to one bound after it; a
  // leader must serve at one of them (a later stall, such as a slow message
  // holding up a link longer than an election timeout, is not a failure to
  // recover). Phase 1, one convergence allowance before the end (and not
  // before the last sample): what was committed then must be applied
  // everywhere by the end.
  if (last_fault + liveness_bound_us_ <= scenario_.duration) {
    const Micros end = last_fault + liveness_bound_us_;
    const Micros period = std::max<Micros>(cluster.tick, liveness_bound_us_ / 1000);
    int phase = 2;
    for (Micros t = std::min(last_fault + period, end); t < end; t += period) at(t, kLiveness, phase++);
    at(end, kLiveness, phase);
    liveness_last_phase_ = phase;
    at(std::max(end, scenario_.duration - convergence_allowance()), kLiveness, 1);
  }
}

Micros Observer::convergence_allowance() const {
  // How far a healthy follower may lag: heartbeats, round trips (slow tail
  // included, since FIFO links queue behind a slow message) and fsyncs.
  const scenario::NetworkSpec& network = scenario_.network;
  const Micros latency =
      network.tail_probability.never() ? network.latency.max : std::max(network.latency.max, network.tail_latency.max);
  return 2 * scenario_.cluster.heartbeat + 4 * latency + 2 * scenario_.disk.fsync.max;
}

void Observer::observe(std::uint32_t index) {
  const Observation observation = due_[index];
  const Micros now = scheduler_.now();
  if (observation.expectation == kLiveness) {
    if (observation.phase == 1) {
      if (!liveness_target_) return;  // already failed, or not judged
      raft::LogIndex target = 0;
      for (std::size_t id = 1; id < hosts_.size(); ++id)
        if (live(hosts_[id])) target = std::max(target, hosts_[id].node->commit_index());
      liveness_target_ = target;
      liveness_watch_target_ = reflectors_.watched_revision();
      return;
    }
    if (liveness_decided_) return;
    const bool healthy = !network_.any_cut() &&
                         std::all_of(hosts_.begin() + 1, hosts_.end(),
                                     [](const Host& h) { return !h.member || (h.up && !h.paused); });
    if (!healthy) {
      liveness_decided_ = true;
      liveness_detail_ = "not judged: a fault was still in force after the last fault's time";
      return;
    }
    if (!leader_serving()) {
      if (observation.phase < liveness_last_phase_) return;  // not yet: sample again
      liveness_decided_ = true;
      liveness_detail_ = fmt::format("no leader serving at any time from {} to {} ({} after the last fault)",
                                     seconds(faults_.last_fault()), seconds(now), seconds(liveness_bound_us_));
      liveness_target_ = std::nullopt;
      return;
    }
    liveness_decided_ = true;
    liveness_leader_at_ = now;
    // From here on every kind of client operation must get answers too.
    workload_.judge_progress_from(now);
    raft::LogIndex target = 0;
    for (std::size_t id = 1; id < hosts_.size(); ++id)
      if (hosts_[id].up && hosts_[id].node->role() == raft::Role::leader)
        target = std::max(target, hosts_[id].node->commit_index());
    liveness_target_ = target;
    return;
  }
  const scenario::Expectation& e = scenario_.expect[observation.expectation];
  ExpectationState& state = expectations_[observation.expectation];
  switch (e.kind) {
    case scenario::Expectation::Kind::no_commit: {
      // "Nothing new": no index beyond the highest one committed anywhere
      // when the window opened. Learning of an older commit is not new.
      if (observation.phase == 0) {
        // An entry already durable on a majority is committed in effect,
        // even if no node knows it yet; a leader may learn of it late.
        state.nodes = faults_.resolve(e.nodes);
        state.target = std::max(safety_.max_commit(), durable_majority_index());
        return;
      }
      state.decided = true;
      state.ok = true;
      for (raft::NodeId id : state.nodes) {
        const Host& host = hosts_[id];
        const raft::LogIndex end = host.up ? host.node->commit_index() : 0;
        if (end > state.target) {
          state.ok = false;
          state.detail += fmt::format("{}n{} committed up to {}", state.detail.empty() ? "" : "; ", host.id, end);
        }
      }
      state.detail = state.ok ? fmt::format("nothing committed beyond index {}, the highest at {}", state.target,
                                            seconds(e.during.min))
                              : fmt::format("{}, beyond index {} (the highest at {})", state.detail, state.target,
                                            seconds(e.during.min));
      return;
    }
    case scenario::Expectation::Kind::leader:
      if (state.decided) return;
      if (leader_serving()) {
        state.decided = state.ok = true;
        state.detail = fmt::format("a leader was serving at {}", seconds(now));
      } else {
        state.detail = fmt::format("no leader that could commit at any time from {} to {}", seconds(e.after),
                                   seconds(e.after + e.within));
      }
      return;
    case scenario::Expectation::Kind::converged: {
      if (observation.phase == 0) {
        state.target = 0;
        for (std::size_t id = 1; id < hosts_.size(); ++id)
          if (live(hosts_[id])) state.target = std::max(state.target, hosts_[id].node->commit_index());
        return;
      }
      state.decided = true;
      state.ok = true;
      std::string lagging;
      for (std::size_t id = 1; id < hosts_.size(); ++id) {
        const Host& host = hosts_[id];
        if (!live(host) || !committed_membership_.is_member(host.id)) continue;
        if (host.node->applied_index() < state.target) {
          state.ok = false;
          lagging += fmt::format("{}n{} applied {}", lagging.empty() ? "" : ", ", host.id, host.node->applied_index());
        }
      }
      state.detail = state.ok ? fmt::format("every live node applied index {} or more", state.target)
                              : fmt::format("{} < {} (committed {} earlier)", lagging, state.target,
                                            seconds(convergence_allowance()));
      return;
    }
    default: return;
  }
}

void Observer::judge_checks(RunResult& result, const history::History& executed) {
  // One last full comparison of the logs.
  std::vector<std::pair<raft::NodeId, const raft::RaftLog*>> logs;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].up) logs.emplace_back(hosts_[id].id, &hosts_[id].node->log());
  safety_.check_log_matching(scheduler_.now(), logs);

  for (const std::string& name : scenario_.checks) {
    CheckVerdict verdict;
    verdict.name = name;
    if (const auto it = safety_.violations().find(name); it != safety_.violations().end()) {
      verdict.ok = false;
      verdict.detail = fmt::format("at {}: {}", seconds(it->second.time_us), it->second.detail);
    } else if (name == "durability") {
      // Every write acknowledged to a client is in the final committed log.
      const Host* best = nullptr;
      for (std::size_t id = 1; id < hosts_.size(); ++id)
        if (hosts_[id].up && (best == nullptr || hosts_[id].node->commit_index() > best->node->commit_index()))
          best = &hosts_[id];
      if (best == nullptr) {
        verdict.judged = false;
        verdict.detail = "not judged: no node was up at the end";
      } else {
        // The best node's committed log: its own entries, and below them the
        // record of what was applied (the safety checker's; what it forgot
        // was marked committed as it forgot it).
        DurabilityCheck& durability = workload_.durability();
        const raft::RaftLog& log = best->node->log();
        for (raft::LogIndex i = 1; i <= best->node->commit_index(); ++i) {
          const raft::Entry* entry = i >= log.first_index() ? &log.at(i) : safety_.committed_at(i);
          if (entry != nullptr) durability.committed(*entry);
        }
        // Entries committed, which the best live node holds but cannot yet
        // know are committed because the member that could tell it is down
        // (crashed, not removed) and holds them on disk too: when it comes
        // back a leader commits them again, so they are not lost. (A member
        // removed for good cannot come back: what it alone could commit is.)
        const raft::LogIndex highest = std::max(best->node->commit_index(), safety_.max_commit());
        const auto held_by_a_down_member = [&](raft::LogIndex index, raft::Term term) {
          for (std::size_t id = 1; id < hosts_.size(); ++id) {
            const Host& host = hosts_[id];
            if (host.up || !host.member || !host.started) continue;
            const DurableState& disk = host.disk.durable();
            if (index > disk.snapshot_index && index <= disk.last_index() &&
                disk.entries[index - disk.snapshot_index - 1].term == term)
              return true;
          }
          return false;
        };
        for (raft::LogIndex i = best->node->commit_index() + 1; i <= std::min(highest, log.last_index()); ++i) {
          const raft::Entry* committed = safety_.committed_at(i);
          if (committed != nullptr && i >= log.first_index() && log.at(i).term == committed->term &&
              held_by_a_down_member(i, committed->term))
            durability.committed(log.at(i));
        }
        // The first lost write in the order of the history when it is kept
        // (it names the operation), else the lowest client's.
        std::vector<std::uint64_t> sequence(workload_.clients() + 1, 0);
        const auto& kept = workload_.kept();
        for (std::size_t i = 0; i < kept.size() && workload_.whole_history() && verdict.ok; ++i) {
          const history::Operation& op = kept[i];
          const std::uint64_t seq = ++sequence[static_cast<std::size_t>(op.client)];
          if (!durability.lost(static_cast<std::uint32_t>(op.client), seq)) continue;
          verdict.ok = false;
          verdict.detail = fmt::format("acknowledged write lost: c{} {} {} (returned at {}) is not in n{}'s committed log",
                                       op.client, op.kind == history::OpKind::del ? "delete" : "put", op.key,
                                       seconds(op.return_us.value_or(0)), best->id);
        }
        if (const auto lost = durability.first_lost(); verdict.ok && lost) {
          verdict.ok = false;
          verdict.detail = fmt::format("acknowledged write lost: c{}'s operation {} is not in n{}'s committed log",
                                       lost->first, lost->second, best->id);
        }
        if (verdict.ok)
          verdict.detail = fmt::format("{} acknowledged writes all committed", durability.acknowledged_count());
      }
    } else if (name == "linearizability") {
      // A deterministic bound on the search (the library polls every 4096
      // steps): about eight million steps, well past what a healthy run needs.
      history::CheckOptions options;
      options.should_stop = [polls = 0]() mutable { return ++polls > 2000; };
      const history::CheckResult check = history::check(executed, history::Model::kv, options);
      verdict.ops = check.ops;
      verdict.ok = check.verdict != history::Verdict::not_linearizable;
      if (check.verdict == history::Verdict::unknown) {
        verdict.judged = false;
        verdict.detail = fmt::format("undecided: the search for an order of {} operations exceeded its step budget",
                                     check.ops);
      }
      if (!verdict.ok) verdict.detail = check.explanation + "\n" + history::format_witness_table(executed, check);
      if (!verdict.ok) verdict.witness = check.witness;
    } else if (name == "watch") {
      verdict = reflectors_.verdict();
    } else if (name == "liveness") {
      if (!liveness_target_ && liveness_detail_.empty()) {
        verdict.judged = false;
        verdict.detail = fmt::format("not judged: the run ends less than {} after the last fault", seconds(liveness_bound_us_));
      } else if (!liveness_target_) {
        verdict.ok = liveness_detail_.rfind("not judged", 0) == 0;
        verdict.judged = !verdict.ok ? true : false;
        verdict.detail = liveness_detail_;
      } else {
        for (std::size_t id = 1; id < hosts_.size(); ++id) {
          const Host& host = hosts_[id];
          if (host.up && committed_membership_.is_member(host.id) && host.node->applied_index() < *liveness_target_) {
            verdict.ok = false;
            verdict.detail = fmt::format("n{} applied only {} of {} by the end", host.id, host.node->applied_index(),
                                         *liveness_target_);
            break;
          }
        }
        // What clients and reflectors see: each kind of operation issued
        // once a leader served got answers, and every reflector received
        // every watched revision committed one allowance before the end.
        if (verdict.ok) {
          // Clients are judged from the last change of leader on, if later:
          // an operation caught in a hand-over may fail without a stall.
          if (const auto stalled = workload_.stalled_operations(std::max(liveness_leader_at_, last_leader_change_))) {
            verdict.ok = false;
            verdict.detail = *stalled;
          } else if (const auto lagging = reflectors_.lagging(liveness_watch_target_)) {
            verdict.ok = false;
            verdict.detail = fmt::format("{} (committed {} before the end)", *lagging, seconds(convergence_allowance()));
          }
        }
        if (verdict.ok)
          verdict.detail = fmt::format("a leader served {} after the last fault (bound {}); every node applied index "
                                       "{} by the end; every kind of client operation completed from then on{}",
                                       seconds(liveness_leader_at_ - faults_.last_fault()), seconds(liveness_bound_us_),
                                       *liveness_target_,
                                       scenario_.workload.watchers == 0
                                           ? std::string()
                                           : fmt::format(", and every reflector received revision {}",
                                                         liveness_watch_target_));
      }
    }
    result.checks.push_back(std::move(verdict));
  }
}

void Observer::judge_expectations(RunResult& result, const OperationTally& operations) {
  std::vector<std::string> expected_violations;
  for (std::size_t i = 0; i < scenario_.expect.size(); ++i) {
    const scenario::Expectation& e = scenario_.expect[i];
    ExpectationState& state = expectations_[i];
    ExpectationResult out;
    out.text = e.text();
    switch (e.kind) {
      case scenario::Expectation::Kind::available: {
        const auto [total, ok] = operations.available[i];
        const double fraction = total == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(total);
        out.ok = e.min ? fraction >= *e.min : fraction <= *e.max;
        out.detail = fmt::format("{} of {} operations succeeded ({:.3f})", ok, total, fraction);
        break;
      }
      case scenario::Expectation::Kind::violation: {
        expected_violations.push_back(e.check);
        const auto it = std::find_if(result.checks.begin(), result.checks.end(),
                                     [&](const CheckVerdict& c) { return c.name == e.check; });
        out.ok = it != result.checks.end() && !it->ok;
        out.detail = it == result.checks.end() ? "the check is not enabled"
                     : out.ok                  ? "the check failed, as expected"
                                               : "the check passed, but a violation was expected";
        break;
      }
      default:
        out.ok = state.decided && state.ok;
        out.detail = state.detail.empty() ? "not reached before the end of the run" : state.detail;
        break;
    }
    result.expectations.push_back(std::move(out));
  }
  // A bug demonstration (any `violation` expectation) is judged by its
  // expectations alone: the planted bug may well break more than the check it
  // names. Otherwise every failing check fails the run.
  result.pass = true;
  if (expected_violations.empty())
    for (const auto& check : result.checks)
      if (!check.ok) result.pass = false;
  for (const auto& expectation : result.expectations)
    if (!expectation.ok) result.pass = false;
}

}  // namespace raftsim::sim
