// Applying the scenario's faults when their time (or their Raft event) comes,
// with node selectors resolved at that moment from the fault stream's
// randomness. A partition fault replaces whatever cut links there were;
// `heal` restores every link.
//
// Triggered faults (`on:`): armed when their `at` comes, fired by the first
// (or `nth`) matching Raft event after that, with the event's node as
// `subject`. Every armed fault that matches an event fires on it. The event
// is noticed in the middle of driving a node, so the fault is not applied
// there: it is scheduled for the same instant (or `delay` later) and applied
// from the event loop. It is scheduled before the messages that follow from
// the event (the new leader's first appends, the vote itself) enter the
// network, and events of one instant run in the order they were scheduled, so
// with no delay it takes effect before any of them can arrive, even over a
// link with no latency.
#include "sim/fault_injector.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/scenario/emit.hpp"

namespace raftsim::sim {

namespace {

// Per-fault streams for `at: [from, to]`, apart from the selectors' stream (index 0).
constexpr std::uint64_t kFaultTimeStream = 0x100;
constexpr std::uint64_t kFaultDelayStream = 0x10000;

// Fisher-Yates with raftsim's own integer distribution (never std::shuffle).
void shuffle(std::vector<raft::NodeId>& nodes, RandomSource& random) {
  for (std::size_t i = nodes.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_int(random, 0, static_cast<std::int64_t>(i) - 1));
    std::swap(nodes[i - 1], nodes[j]);
  }
}

std::string describe_selectors(const scenario::NodeList& list) {
  // fmt rather than string operator+: gcc 12 at -O3 warns falsely (-Wrestrict) on the latter.
  std::string text;
  for (std::size_t i = 0; i < list.size(); ++i) text += fmt::format("{}{}", i ? "," : "", list[i].text());
  return list.size() == 1 ? text : fmt::format("[{}]", text);
}

std::string text_of(const scenario::Fault& f) { return f.text.empty() ? scenario::fault_yaml(f) : f.text; }
std::string ordinal(int n) {
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return fmt::format("{}{}", n, suffix);
}
}  // namespace

FaultInjector::FaultInjector(const scenario::Scenario& scenario, Scheduler& scheduler, Trace& trace, Timeline& timeline,
                             Network& network, const std::vector<Host>& hosts, FaultTarget& target, bool record)
    : scenario_(scenario),
      scheduler_(scheduler),
      trace_(trace),
      timeline_(timeline),
      network_(network),
      hosts_(hosts),
      target_(target),
      record_(record),
      random_(make_stream(scenario.seed, Stream::faults)),
      retries_(scenario.faults.size(), 0) {}

void FaultInjector::start() {
  for (std::size_t f = 0; f < scenario_.faults.size(); ++f) {
    const scenario::Fault& fault = scenario_.faults[f];
    Micros at = fault.at;
    if (fault.at_spread > 0) {
      // `at: [from, to]`: each fault draws its time from a stream of its own.
      Xoshiro256 stream = make_stream(scenario_.seed, Stream::faults, kFaultTimeStream + f);
      at += uniform_int(stream, 0, fault.at_spread);
    }
    scheduler_.schedule(at, EventKind::fault, static_cast<std::uint32_t>(f));
  }
}

void FaultInjector::on_fault(std::uint32_t index, raft::NodeId subject) {
  const scenario::Fault& fault = scenario_.faults[index];
  if (fault.trigger != scenario::Trigger::none && subject == raft::kNoNode) {
    arm(index);
    return;
  }
  subject_ = subject;
  std::string outcome;
  const std::size_t timeline_before = timeline_.size();
  if (fault.kind == scenario::Fault::Kind::add_node || fault.kind == scenario::Fault::Kind::promote ||
      fault.kind == scenario::Fault::Kind::remove_node) {
    if (!membership(fault, outcome)) {
      // No leader yet, a change still pending, or a learner still catching
      // up: try again shortly, as an operator's etcdctl would.
      if (subject != raft::kNoNode && !hosts_[subject].member) {
        timeline_.say(fmt::format("{}: n{}, its subject, is no longer a member", fault.text, subject));
      } else if (++retries_[index] < 200) {
        scheduler_.schedule_after(100'000, EventKind::fault, index, subject);
      } else {
        timeline_.say(fmt::format("{}: gave up after 20s: {}", fault.text, outcome));
      }
    }
  } else {
    apply(fault);
  }
  if (record_) record(index, timeline_before);
  subject_ = raft::kNoNode;
}

void FaultInjector::on_restart_due(raft::NodeId node, std::uint32_t fault, std::uint64_t crashes) {
  // Only the crash that scheduled this restart: not a node restarted since
  // (and perhaps crashed again), nor one removed meanwhile.
  const Host& host = hosts_[node];
  if (host.up || !host.member || host.crashes != crashes) return;
  const std::size_t timeline_before = timeline_.size();
  target_.restart(node);
  timeline_.say(fmt::format("n{} restarts", node));
  if (record_) record(fault, timeline_before);
}

void FaultInjector::record(std::uint32_t fault, std::size_t timeline_before) {
  // What the report draws: the fault's own line is the last plain line it
  // added (explanations follow it; a membership fault still waiting for a
  // leader adds none), and the network's cut links after every change.
  for (std::size_t i = timeline_.size(); i > timeline_before; --i) {
    if (timeline_.entries()[i - 1].explanation) continue;
    records_.push_back({scheduler_.now(), fault, timeline_.entries()[i - 1].text});
    break;
  }
  auto cut = network_.cut_links();
  const bool changed = network_changes_.empty() ? !cut.empty() : cut != network_changes_.back().cut;
  if (changed) network_changes_.push_back({scheduler_.now(), std::move(cut)});
}

std::vector<raft::NodeId> FaultInjector::resolve(const scenario::NodeSelector& selector) {
  using Kind = scenario::NodeSelector::Kind;
  std::vector<raft::NodeId> all, up, down, followers;
  raft::NodeId leader = raft::kNoNode;
  raft::Term leader_term = 0;
  for (std::size_t id = 1; id < hosts_.size(); ++id) {
    const Host& host = hosts_[id];
    if (!host.member) continue;  // not added yet, or removed
    all.push_back(host.id);
    if (!host.up) {
      down.push_back(host.id);
      continue;
    }
    up.push_back(host.id);
    if (host.node->role() == raft::Role::leader && host.node->term() >= leader_term) {
      leader = host.id;
      leader_term = host.node->term();
    }
  }
  for (raft::NodeId id : up)
    if (id != leader) followers.push_back(id);
  const auto pick_one = [&](const std::vector<raft::NodeId>& from) -> std::vector<raft::NodeId> {
    if (from.empty()) return {};
    return {from[static_cast<std::size_t>(uniform_int(random_, 0, static_cast<std::int64_t>(from.size()) - 1))]};
  };
  switch (selector.kind) {
    case Kind::node: return {static_cast<raft::NodeId>(selector.node)};
    case Kind::leader: return leader == raft::kNoNode ? std::vector<raft::NodeId>{} : std::vector<raft::NodeId>{leader};
    case Kind::follower: return pick_one(followers);
    case Kind::any: return pick_one(up);
    case Kind::crashed: return down;
    case Kind::subject:
      // The node whose event fired this fault, while it is still a member.
      if (subject_ == raft::kNoNode || !hosts_[subject_].member) return {};
      return {subject_};
    case Kind::majority:
    case Kind::minority: {
      shuffle(all, random_);
      const std::size_t majority = all.size() / 2 + 1;
      all.resize(selector.kind == Kind::majority ? majority : all.size() - majority);
      std::sort(all.begin(), all.end());
      return all;
    }
  }
  return {};
}

std::vector<raft::NodeId> FaultInjector::resolve(const scenario::NodeList& list) {
  std::vector<raft::NodeId> nodes;
  for (const auto& selector : list)
    for (raft::NodeId id : resolve(selector))
      if (std::find(nodes.begin(), nodes.end(), id) == nodes.end()) nodes.push_back(id);
  return nodes;
}

void FaultInjector::apply(const scenario::Fault& fault) {
  using Kind = scenario::Fault::Kind;
  std::vector<raft::NodeId> members;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].member) members.push_back(hosts_[id].id);
  const int n = static_cast<int>(members.size());
  last_fault_us_ = scheduler_.now();
  trace_.mix(0xfa017ULL ^ static_cast<std::uint64_t>(fault.kind));
  const auto cut_between = [&](const std::vector<raft::NodeId>& a, const std::vector<raft::NodeId>& b) {
    for (raft::NodeId x : a)
      for (raft::NodeId y : b)
        if (x != y) {
          network_.cut(x, y);
          network_.cut(y, x);
        }
  };
  switch (fault.kind) {
    case Kind::partition_groups: {
      network_.heal_all();
      std::vector<std::vector<raft::NodeId>> groups;
      std::vector<raft::NodeId> taken;
      for (const auto& list : fault.groups) {
        std::vector<raft::NodeId> group;
        for (raft::NodeId id : resolve(list))
          if (std::find(taken.begin(), taken.end(), id) == taken.end()) group.push_back(id), taken.push_back(id);
        groups.push_back(std::move(group));
      }
      std::string text;
      for (std::size_t g = 0; g < groups.size(); ++g) {
        text += fmt::format("{}{}", g ? " | " : "", describe(groups[g]));
        for (std::size_t h = g + 1; h < groups.size(); ++h) cut_between(groups[g], groups[h]);
      }
      timeline_.say(fmt::format("partition {}", text));
      explain_sides();
      break;
    }
    case Kind::partition_one_way: {
      network_.heal_all();
      const auto from = resolve(fault.from);
      const auto to = resolve(fault.to);
      for (raft::NodeId x : from)
        for (raft::NodeId y : to)
          if (x != y) network_.cut(x, y);
      timeline_.say(fmt::format("one-way partition: {} cannot reach {}", describe(from), describe(to)));
      timeline_.explain("messages flow one way only: a leader whose heartbeats are lost is replaced, and PreVote with "
              "CheckQuorum keeps a node that hears nobody from disrupting the others");
      break;
    }
    case Kind::partition_named: {
      network_.heal_all();
      std::vector<raft::NodeId> ring = members;
      shuffle(ring, random_);
      switch (fault.named) {
        case scenario::NamedPartition::random_halves: {
          std::vector<raft::NodeId> a(ring.begin(), ring.begin() + n / 2), b(ring.begin() + n / 2, ring.end());
          std::sort(a.begin(), a.end());
          std::sort(b.begin(), b.end());
          cut_between(a, b);
          timeline_.say(fmt::format("partition random-halves {} | {}", describe(a), describe(b)));
          explain_sides();
          break;
        }
        case scenario::NamedPartition::isolate_leader: {
          const auto leader = resolve(scenario::NodeSelector{scenario::NodeSelector::Kind::leader, 0});
          std::vector<raft::NodeId> rest;
          for (raft::NodeId id : ring)
            if (leader.empty() || id != leader.front()) rest.push_back(id);
          std::sort(rest.begin(), rest.end());
          if (!leader.empty()) cut_between(leader, rest);
          timeline_.say(fmt::format("partition isolate-leader {} | {}", describe(leader), describe(rest)));
          explain_sides();
          break;
        }
        case scenario::NamedPartition::majority_ring: {
          // Jepsen's majorities-ring: on a shuffled ring each node keeps links
          // to its nearest neighbours only, so each sees a majority but no two
          // see the same one.
          const int majority = n / 2 + 1;
          const int reach = majority / 2;  // neighbours kept on each side
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
              const int distance = std::min((i - j + n) % n, (j - i + n) % n);
              if (i != j && distance > reach) network_.cut(ring[static_cast<std::size_t>(i)], ring[static_cast<std::size_t>(j)]);
            }
          timeline_.say(fmt::format("partition majority-ring over ring {} (each node reaches {} neighbours a side)",
                               describe(ring), reach));
          timeline_.explain("every node still sees a majority, but no two nodes see the same one: leaders come and go as "
                  "votes overlap, yet no two leaders share a term");
          break;
        }
        case scenario::NamedPartition::bridge: {
          // Two halves joined only through one bridge node (Jepsen's bridge).
          const std::size_t half = static_cast<std::size_t>(n / 2);
          std::vector<raft::NodeId> a(ring.begin(), ring.begin() + static_cast<std::ptrdiff_t>(half));
          const raft::NodeId bridge = ring[half];
          std::vector<raft::NodeId> b(ring.begin() + static_cast<std::ptrdiff_t>(half) + 1, ring.end());
          std::sort(a.begin(), a.end());
          std::sort(b.begin(), b.end());
          cut_between(a, b);
          timeline_.say(fmt::format("partition bridge {} <-> n{} <-> {}", describe(a), bridge, describe(b)));
          timeline_.explain(fmt::format("n{} reaches both sides, so a leader next to it can still gather a majority", bridge));
          break;
        }
      }
      break;
    }
    case Kind::heal:
      network_.heal_all();
      timeline_.say("heal: every link restored");
      timeline_.explain("every node can reach every other again: nodes that fell behind catch up from the leader's log");
      break;
    case Kind::crash: {
      const auto nodes = resolve(fault.nodes);
      for (raft::NodeId id : nodes) {
        if (!hosts_[id].up) continue;
        target_.crash(id, fault.lose_unsynced);
        if (fault.down_for > 0)
          scheduler_.schedule_after(fault.down_for, EventKind::node_restart, id,
                                    static_cast<std::uint32_t>(&fault - scenario_.faults.data()), hosts_[id].crashes);
      }
      timeline_.say(fmt::format("crash {} -> {}{}{}", describe_selectors(fault.nodes), describe(nodes),
                           fault.lose_unsynced ? " (unsynced writes lost)" : " (unsynced writes kept)",
                           fault.down_for > 0 ? fmt::format(", restarting after {}us", fault.down_for) : ""));
      timeline_.explain(fault.lose_unsynced
                  ? "a crash loses what was written but not yet fsynced; Raft only counts durable copies"
                  : "the crashed node's pending writes still reach its disk");
      break;
    }
    case Kind::restart: {
      const auto nodes = resolve(fault.nodes);
      for (raft::NodeId id : nodes)
        if (!hosts_[id].up) target_.restart(id);
      timeline_.say(fmt::format("restart {} -> {}", describe_selectors(fault.nodes), describe(nodes)));
      break;
    }
    case Kind::isolate: {
      network_.heal_all();
      const auto nodes = resolve(fault.node);
      std::vector<raft::NodeId> rest;
      for (raft::NodeId id : members)
        if (nodes.empty() || id != nodes.front()) rest.push_back(id);
      if (!nodes.empty()) cut_between(nodes, rest);
      timeline_.say(fmt::format("isolate {} -> {}", fault.node.text(), describe(nodes)));
      explain_sides();
      break;
    }
    case Kind::pause: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes)
        if (hosts_[id].up) target_.pause(id, fault.pause_for);
      timeline_.say(fmt::format("pause {} -> {} for {}us", fault.node.text(), describe(nodes), fault.pause_for));
      timeline_.explain("a frozen process (a long GC pause) neither ticks nor reads its messages; if it led, the others elect "
              "a new leader, and it learns of the newer term only when it wakes up");
      break;
    }
    case Kind::clock_skew: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes)
        if (hosts_[id].up && !hosts_[id].paused) target_.skew_clock(id, fault.skew);
      timeline_.say(fmt::format("clock skew {}us on {} -> {}", fault.skew, fault.node.text(), describe(nodes)));
      break;
    }
    case Kind::clock_drift: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes) target_.drift_clock(id, fault.drift_ppm);
      timeline_.say(fmt::format("clock drift {}ppm on {} -> {}", fault.drift_ppm, fault.node.text(), describe(nodes)));
      break;
    }
    case Kind::network:
      network_.change(fault.network);
      timeline_.say(fmt::format("network changes: {}", fault.text));
      break;
    case Kind::add_node:
    case Kind::promote:
    case Kind::remove_node: break;  // membership_fault() handles these, with retries
    case Kind::transfer: {
      const auto target = resolve(fault.node);
      const auto leader = resolve(scenario::NodeSelector{scenario::NodeSelector::Kind::leader, 0});
      if (!target.empty() && !leader.empty() && hosts_[leader.front()].up)
        target_.transfer_leadership(leader.front(), target.front());
      timeline_.say(fmt::format("transfer leadership {} -> {}", describe(leader), describe(target)));
      break;
    }
  }
  target_.after_fault();
}

bool FaultInjector::membership(const scenario::Fault& fault, std::string& outcome) {
  using Kind = scenario::Fault::Kind;
  const auto leader_ids = resolve(scenario::NodeSelector{scenario::NodeSelector::Kind::leader, 0});
  if (leader_ids.empty()) {
    outcome = "no leader";
    return false;
  }
  const Host& leader = hosts_[leader_ids.front()];
  const RaftNode& node = *leader.node;
  const auto targets = resolve(fault.node);
  if (fault.kind == Kind::add_node) {
    const auto id = static_cast<raft::NodeId>(fault.node.node);
    if (hosts_[id].member) {
      timeline_.say(fmt::format("add_node n{}: already a member", id));
      return true;
    }
    if (!target_.propose_membership(leader.id, {raft::MembershipChangeType::add_learner, id})) {
      outcome = "the leader has a change pending or has not committed in its term";
      return false;
    }
    last_fault_us_ = scheduler_.now();
    timeline_.say(fmt::format("add_node n{}: leader n{} proposes it as a learner", id, leader.id));
    target_.start_member(id);
    target_.drive(leader.id);
    return true;
  }
  if (targets.empty()) {
    outcome = fmt::format("{} resolves to no node", fault.node.text());
    return false;
  }
  const raft::NodeId id = targets.front();
  if (fault.kind == Kind::promote) {
    if (node.membership().is_voter(id)) {
      timeline_.say(fmt::format("promote n{}: already a voter", id));
      return true;
    }
    if (!node.membership().is_learner(id)) {
      outcome = fmt::format("n{} is not a learner", id);
      return false;
    }
    // Dissertation §4.2.1: a new server joins the vote only once it has caught up.
    const Host& learner = hosts_[id];
    if (!learner.up || learner.node->applied_index() < node.commit_index()) {
      outcome = fmt::format("n{} has not caught up with the leader's log", id);
      return false;
    }
    if (!target_.propose_membership(leader.id, {raft::MembershipChangeType::promote, id})) {
      outcome = "the leader has a change pending";
      return false;
    }
    last_fault_us_ = scheduler_.now();
    timeline_.say(fmt::format("promote n{}: leader n{} proposes it as a voter", id, leader.id));
    target_.drive(leader.id);
    return true;
  }
  if (!node.membership().is_member(id)) {
    timeline_.say(fmt::format("remove_node n{}: not a member", id));
    return true;
  }
  if (!target_.propose_membership(leader.id, {raft::MembershipChangeType::remove, id})) {
    outcome = "the leader has a change pending, or it is the last voter";
    return false;
  }
  last_fault_us_ = scheduler_.now();
  timeline_.say(fmt::format("remove_node {} -> n{}: leader n{} proposes its removal", fault.node.text(), id, leader.id));
  target_.drive(leader.id);
  return true;
}

void FaultInjector::arm(std::uint32_t fault) {
  const scenario::Fault& f = scenario_.faults[fault];
  const Micros until = f.within > 0 ? scheduler_.now() + f.within : std::numeric_limits<Micros>::max();
  armed_.push_back({fault, until, f.nth});
  // The window's end: a fault still armed then lapses (said in the timeline).
  if (f.within > 0) scheduler_.schedule(until + 1, EventKind::trigger_lapse, fault);
  trace_.mix(0xa4a40000ULL ^ fault);
  timeline_.say(fmt::format("armed: {} on the {} {}{}", text_of(f), f.nth == 1 ? "next" : ordinal(f.nth),
                       scenario::trigger_name(f.trigger), f.within > 0 ? fmt::format(" within {}us", f.within) : ""));
}

void FaultInjector::on_raft_event(scenario::Trigger trigger, raft::NodeId subject) {
  const Micros now = scheduler_.now();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    ArmedFault armed = armed_[i];
    const scenario::Fault& f = scenario_.faults[armed.fault];
    if (now > armed.until) {  // lapsed: its lapse event, due now, reports it
      armed_[kept++] = armed;
      continue;
    }
    if (f.trigger != trigger || --armed.remaining > 0) {
      armed_[kept++] = armed;
      continue;
    }
    trace_.mix(0xf14e0000ULL ^ (std::uint64_t{armed.fault} << 8) ^ subject);
    timeline_.say(fmt::format("n{}: {} fires {}", subject, scenario::trigger_name(trigger), text_of(f)));
    Micros delay = f.delay;
    if (f.delay_spread > 0) {
      // `delay: [a, b]`: drawn from the fault's own stream, apart from the selectors'.
      Xoshiro256 stream = make_stream(scenario_.seed, Stream::faults, kFaultDelayStream + armed.fault);
      delay += uniform_int(stream, 0, f.delay_spread);
    }
    scheduler_.schedule(now + delay, EventKind::fault, armed.fault, subject);
  }
  armed_.resize(kept);
}

void FaultInjector::on_lapse(std::uint32_t fault) {
  const auto it = std::find_if(armed_.begin(), armed_.end(),
                               [&](const ArmedFault& armed) { return armed.fault == fault; });
  if (it == armed_.end()) return;  // fired already
  const scenario::Fault& f = scenario_.faults[fault];
  timeline_.say(fmt::format("lapsed: no {} within {}us for {}", scenario::trigger_name(f.trigger), f.within, text_of(f)));
  armed_.erase(it);
}

void FaultInjector::finish() {
  for (const ArmedFault& armed : armed_) {
    const scenario::Fault& f = scenario_.faults[armed.fault];
    timeline_.say(fmt::format("never fired: {} (still waiting for the {} {} at the end)", text_of(f),
                         armed.remaining == 1 ? "next" : ordinal(armed.remaining), scenario::trigger_name(f.trigger)));
  }
}

void FaultInjector::explain_sides() {
  if (!timeline_.explaining()) return;
  // Each group of nodes that reach each other, and whether it holds a majority.
  std::vector<raft::NodeId> seen;
  const Host* reference = nullptr;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].up) reference = &hosts_[id];
  if (reference == nullptr) return;
  const raft::Membership& membership = reference->node->membership();
  for (raft::NodeId voter : membership.voters) {
    if (std::find(seen.begin(), seen.end(), voter) != seen.end()) continue;
    const auto side = network_.side_of(voter);
    std::size_t voters = 0;
    for (raft::NodeId id : side)
      if (membership.is_voter(id)) ++voters, seen.push_back(id);
    const std::size_t majority = membership.majority();
    if (voters >= majority) {
      timeline_.explain(fmt::format("{} holds {} of {} voters, a majority: it can elect a leader and commit", describe(side), voters,
                          membership.voters.size()));
    } else {
      timeline_.explain(fmt::format("{} cannot commit: {} of {} is not a majority (it needs {})", describe(side), voters,
                          membership.voters.size(), majority));
    }
  }
}

}  // namespace raftsim::sim
