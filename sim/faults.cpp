// Applying the scenario's faults (CONTRACT §3) when their time comes, with
// node selectors resolved at that moment from the fault stream's randomness.
// A partition fault replaces whatever cut links there were; `heal` restores
// every link.
#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/simulation.hpp"

namespace raftsim::sim {

namespace {

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

}  // namespace

std::string Simulation::describe(const std::vector<raft::NodeId>& nodes) const {
  std::string text = "{";
  for (std::size_t i = 0; i < nodes.size(); ++i) text += fmt::format("{}n{}", i ? "," : "", nodes[i]);
  return text + "}";
}

std::vector<raft::NodeId> Simulation::resolve(const scenario::NodeSelector& selector) {
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
    return {from[static_cast<std::size_t>(uniform_int(fault_random_, 0, static_cast<std::int64_t>(from.size()) - 1))]};
  };
  switch (selector.kind) {
    case Kind::node: return {static_cast<raft::NodeId>(selector.node)};
    case Kind::leader: return leader == raft::kNoNode ? std::vector<raft::NodeId>{} : std::vector<raft::NodeId>{leader};
    case Kind::follower: return pick_one(followers);
    case Kind::any: return pick_one(up);
    case Kind::crashed: return down;
    case Kind::subject:
      // The node whose event fired this fault, while it is still a member.
      if (fault_subject_ == raft::kNoNode || !hosts_[fault_subject_].member) return {};
      return {fault_subject_};
    case Kind::majority:
    case Kind::minority: {
      shuffle(all, fault_random_);
      const std::size_t majority = all.size() / 2 + 1;
      all.resize(selector.kind == Kind::majority ? majority : all.size() - majority);
      std::sort(all.begin(), all.end());
      return all;
    }
  }
  return {};
}

std::vector<raft::NodeId> Simulation::resolve(const scenario::NodeList& list) {
  std::vector<raft::NodeId> nodes;
  for (const auto& selector : list)
    for (raft::NodeId id : resolve(selector))
      if (std::find(nodes.begin(), nodes.end(), id) == nodes.end()) nodes.push_back(id);
  return nodes;
}

void Simulation::apply_fault(const scenario::Fault& fault) {
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
      timeline(fmt::format("partition {}", text));
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
      timeline(fmt::format("one-way partition: {} cannot reach {}", describe(from), describe(to)));
      explain("messages flow one way only: a leader whose heartbeats are lost is replaced, and PreVote with "
              "CheckQuorum keeps a node that hears nobody from disrupting the others");
      break;
    }
    case Kind::partition_named: {
      network_.heal_all();
      std::vector<raft::NodeId> ring = members;
      shuffle(ring, fault_random_);
      switch (fault.named) {
        case scenario::NamedPartition::random_halves: {
          std::vector<raft::NodeId> a(ring.begin(), ring.begin() + n / 2), b(ring.begin() + n / 2, ring.end());
          std::sort(a.begin(), a.end());
          std::sort(b.begin(), b.end());
          cut_between(a, b);
          timeline(fmt::format("partition random-halves {} | {}", describe(a), describe(b)));
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
          timeline(fmt::format("partition isolate-leader {} | {}", describe(leader), describe(rest)));
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
          timeline(fmt::format("partition majority-ring over ring {} (each node reaches {} neighbours a side)",
                               describe(ring), reach));
          explain("every node still sees a majority, but no two nodes see the same one: leaders come and go as "
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
          timeline(fmt::format("partition bridge {} <-> n{} <-> {}", describe(a), bridge, describe(b)));
          explain(fmt::format("n{} reaches both sides, so a leader next to it can still gather a majority", bridge));
          break;
        }
      }
      break;
    }
    case Kind::heal:
      network_.heal_all();
      timeline("heal: every link restored");
      explain("every node can reach every other again: nodes that fell behind catch up from the leader's log");
      break;
    case Kind::crash: {
      const auto nodes = resolve(fault.nodes);
      for (raft::NodeId id : nodes) {
        if (!hosts_[id].up) continue;
        crash_host(hosts_[id], fault.lose_unsynced);
        if (fault.down_for > 0)
          scheduler_.schedule_after(fault.down_for, EventKind::node_restart, id,
                                    static_cast<std::uint32_t>(&fault - scenario_.faults.data()), hosts_[id].crashes);
      }
      timeline(fmt::format("crash {} -> {}{}{}", describe_selectors(fault.nodes), describe(nodes),
                           fault.lose_unsynced ? " (unsynced writes lost)" : " (unsynced writes kept)",
                           fault.down_for > 0 ? fmt::format(", restarting after {}us", fault.down_for) : ""));
      explain(fault.lose_unsynced
                  ? "a crash loses what was written but not yet fsynced; Raft only counts durable copies"
                  : "the crashed node's pending writes still reach its disk");
      break;
    }
    case Kind::restart: {
      const auto nodes = resolve(fault.nodes);
      for (raft::NodeId id : nodes)
        if (!hosts_[id].up) restart_host(hosts_[id]);
      timeline(fmt::format("restart {} -> {}", describe_selectors(fault.nodes), describe(nodes)));
      break;
    }
    case Kind::isolate: {
      network_.heal_all();
      const auto nodes = resolve(fault.node);
      std::vector<raft::NodeId> rest;
      for (raft::NodeId id : members)
        if (nodes.empty() || id != nodes.front()) rest.push_back(id);
      if (!nodes.empty()) cut_between(nodes, rest);
      timeline(fmt::format("isolate {} -> {}", fault.node.text(), describe(nodes)));
      explain_sides();
      break;
    }
    case Kind::pause: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes) {
        Host& host = hosts_[id];
        if (!host.up) continue;
        host.paused = true;
        host.paused_until = std::max(host.paused_until, scheduler_.now() + fault.pause_for);
        observe_host_state(host);
        ++host.tick_generation;  // its timers stop with it
        scheduler_.schedule(host.paused_until, EventKind::node_resume, id);
      }
      timeline(fmt::format("pause {} -> {} for {}us", fault.node.text(), describe(nodes), fault.pause_for));
      explain("a frozen process (a long GC pause) neither ticks nor reads its messages; if it led, the others elect "
              "a new leader, and it learns of the newer term only when it wakes up");
      break;
    }
    case Kind::clock_skew: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes) {
        Host& host = hosts_[id];
        if (!host_live(host)) continue;
        if (fault.skew >= 0) {
          // The clock jumps ahead: the ticks it skipped over fire at once.
          for (Micros t = 0; t + scenario_.cluster.tick <= fault.skew && host.up; t += scenario_.cluster.tick) {
            host.node->tick();
            drive(host);
          }
        } else {
          // The clock jumps back: nothing fires until it has caught up again.
          ++host.tick_generation;
          schedule_tick(host, -fault.skew);
        }
      }
      timeline(fmt::format("clock skew {}us on {} -> {}", fault.skew, fault.node.text(), describe(nodes)));
      break;
    }
    case Kind::clock_drift: {
      const auto nodes = resolve(fault.node);
      for (raft::NodeId id : nodes) hosts_[id].drift_ppm = fault.drift_ppm;
      timeline(fmt::format("clock drift {}ppm on {} -> {}", fault.drift_ppm, fault.node.text(), describe(nodes)));
      break;
    }
    case Kind::network:
      network_.change(fault.network);
      timeline(fmt::format("network changes: {}", fault.text));
      break;
    case Kind::add_node:
    case Kind::promote:
    case Kind::remove_node: break;  // membership_fault() handles these, with retries
    case Kind::transfer: {
      const auto target = resolve(fault.node);
      const auto leader = resolve(scenario::NodeSelector{scenario::NodeSelector::Kind::leader, 0});
      if (!target.empty() && !leader.empty() && hosts_[leader.front()].up) {
        hosts_[leader.front()].node->transfer_leadership(target.front());
        drive(hosts_[leader.front()]);
      }
      timeline(fmt::format("transfer leadership {} -> {}", describe(leader), describe(target)));
      break;
    }
  }
  // A fault is a good moment for the full log comparison.
  std::vector<std::pair<raft::NodeId, const raft::RaftLog*>> logs;
  for (std::size_t id = 1; id < hosts_.size(); ++id)
    if (hosts_[id].up) logs.emplace_back(hosts_[id].id, &hosts_[id].node->log());
  safety_.check_log_matching(scheduler_.now(), logs);
}

}  // namespace raftsim::sim

namespace raftsim::sim {

bool Simulation::membership_fault(const scenario::Fault& fault, std::string& outcome) {
  using Kind = scenario::Fault::Kind;
  const auto leader_ids = resolve(scenario::NodeSelector{scenario::NodeSelector::Kind::leader, 0});
  if (leader_ids.empty()) {
    outcome = "no leader";
    return false;
  }
  Host& leader = hosts_[leader_ids.front()];
  RaftNode& node = *leader.node;
  const auto targets = resolve(fault.node);
  if (fault.kind == Kind::add_node) {
    const auto id = static_cast<raft::NodeId>(fault.node.node);
    if (hosts_[id].member) {
      timeline(fmt::format("add_node n{}: already a member", id));
      return true;
    }
    if (!node.propose_membership({raft::MembershipChangeType::add_learner, id})) {
      outcome = "the leader has a change pending or has not committed in its term";
      return false;
    }
    last_fault_us_ = scheduler_.now();
    timeline(fmt::format("add_node n{}: leader n{} proposes it as a learner", id, leader.id));
    Host& added = hosts_[id];
    added.member = true;
    added.disk = Disk();
    added.machine = StateMachine();
    start_host(added);
    drive(leader);
    return true;
  }
  if (targets.empty()) {
    outcome = fmt::format("{} resolves to no node", fault.node.text());
    return false;
  }
  const raft::NodeId id = targets.front();
  if (fault.kind == Kind::promote) {
    if (node.membership().is_voter(id)) {
      timeline(fmt::format("promote n{}: already a voter", id));
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
    if (!node.propose_membership({raft::MembershipChangeType::promote, id})) {
      outcome = "the leader has a change pending";
      return false;
    }
    last_fault_us_ = scheduler_.now();
    timeline(fmt::format("promote n{}: leader n{} proposes it as a voter", id, leader.id));
    drive(leader);
    return true;
  }
  if (!node.membership().is_member(id)) {
    timeline(fmt::format("remove_node n{}: not a member", id));
    return true;
  }
  if (!node.propose_membership({raft::MembershipChangeType::remove, id})) {
    outcome = "the leader has a change pending, or it is the last voter";
    return false;
  }
  last_fault_us_ = scheduler_.now();
  timeline(fmt::format("remove_node {} -> n{}: leader n{} proposes its removal", fault.node.text(), id, leader.id));
  drive(leader);
  return true;
}

}  // namespace raftsim::sim
