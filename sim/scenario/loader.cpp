#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/input_error.hpp"
#include "sim/scenario/implementation.hpp"
#include "sim/scenario/quickstart_text.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace raftsim::scenario {

namespace {

constexpr Micros kMaxDuration = 24LL * 3600 * 1'000'000;  // CONTRACT §9: 24 h of simulated time
constexpr int kMaxNodes = 64;

class ScenarioParser {
 public:
  ScenarioParser(const YamlReader& reader, Scenario& scenario) : in_(reader), out_(scenario) {}

  void parse(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) in_.fail_at({}, "scenario", "the file is empty; expected at least `duration`");
    in_.check_keys(root, "",
                   {"name", "description", "seed", "bugs", "duration", "cluster", "network", "disk", "workload",
                    "faults", "checks", "liveness_bound", "expect"});
    if (root["name"]) out_.name = in_.string(root["name"], "name");
    if (root["description"]) out_.description = in_.string(root["description"], "description");
    if (root["seed"]) out_.seed = static_cast<std::uint64_t>(in_.integer(root["seed"], "seed", 0, INT64_MAX));
    if (root["bugs"]) parse_bugs(root["bugs"]);
    if (!root["duration"]) in_.fail(root, "duration", "missing: every scenario needs a `duration`, like `duration: 30s`");
    out_.duration = in_.duration(root["duration"], "duration", 1, kMaxDuration);
    if (root["cluster"]) parse_cluster(root["cluster"]);
    if (root["network"]) parse_network(root["network"]);
    if (root["disk"]) parse_disk(root["disk"]);
    if (root["workload"]) parse_workload(root["workload"]);
    if (root["faults"]) parse_faults(root["faults"]);
    parse_checks(root["checks"]);
    if (root["liveness_bound"])
      out_.liveness_bound = in_.duration(root["liveness_bound"], "liveness_bound", 1'000, kMaxDuration);
    if (root["expect"]) parse_expectations(root["expect"]);
    validate_nodes();
  }

 private:
  void parse_cluster(const YAML::Node& node) {
    in_.check_keys(node, "cluster",
                   {"raft", "nodes", "election_timeout", "heartbeat", "tick", "prevote", "check_quorum", "early_vote_requests",
                    "lost_election_restarts_timer", "read_mode", "snapshot_every", "max_append_entries", "max_inflight"});
    ClusterSpec& c = out_.cluster;
    if (node["raft"]) {
      const std::string raft = in_.string(node["raft"], "cluster.raft");
      if (raft == "raftsim") c.raft = RaftImplementation::raftsim;
      else if (raft == "etcd") c.raft = RaftImplementation::etcd;
      else in_.fail(node["raft"], "cluster.raft", fmt::format("expected raftsim or etcd, got '{}'", raft));
    }
    if (node["election_timeout"]) c.election_timeout_mark = in_.mark(node["election_timeout"]);
    if (node["max_append_entries"]) c.max_append_entries_mark = in_.mark(node["max_append_entries"]);
    if (node["nodes"]) {
      const auto& n = node["nodes"];
      c.nodes = static_cast<int>(in_.integer(n, "cluster.nodes", 1, INT32_MAX));
      if (c.nodes > kMaxNodes)
        in_.fail(n, "cluster.nodes", fmt::format("at most {} nodes are supported, got {}", kMaxNodes, c.nodes));
    }
    if (node["tick"]) c.tick = in_.duration(node["tick"], "cluster.tick", 100, 1'000'000);
    if (node["heartbeat"]) c.heartbeat = in_.duration(node["heartbeat"], "cluster.heartbeat", 1, 60'000'000);
    if (node["election_timeout"])
      c.election_timeout = in_.time_range(node["election_timeout"], "cluster.election_timeout", 1, 600'000'000);
    if (node["prevote"]) c.prevote = in_.boolean(node["prevote"], "cluster.prevote");
    if (node["early_vote_requests"]) {
      c.early_vote_requests = in_.boolean(node["early_vote_requests"], "cluster.early_vote_requests");
      c.early_vote_requests_mark = in_.mark(node["early_vote_requests"]);
    }
    if (node["lost_election_restarts_timer"]) {
      c.lost_election_restarts_timer =
          in_.boolean(node["lost_election_restarts_timer"], "cluster.lost_election_restarts_timer");
      c.lost_election_restarts_timer_mark = in_.mark(node["lost_election_restarts_timer"]);
    }
    if (node["check_quorum"]) c.check_quorum = in_.boolean(node["check_quorum"], "cluster.check_quorum");
    if (node["read_mode"]) {
      const std::string mode = in_.string(node["read_mode"], "cluster.read_mode");
      if (mode == "read_index") c.read_mode = raft::ReadMode::read_index;
      else if (mode == "lease") c.read_mode = raft::ReadMode::lease;
      else if (mode == "serializable") c.read_mode = raft::ReadMode::serializable;
      else in_.fail(node["read_mode"], "cluster.read_mode", fmt::format("expected read_index, lease or serializable, got '{}'", mode));
    }
    if (node["snapshot_every"])
      c.snapshot_every = in_.integer(node["snapshot_every"], "cluster.snapshot_every", 0, 1'000'000'000);
    if (node["max_append_entries"])
      c.max_append_entries = static_cast<int>(in_.integer(node["max_append_entries"], "cluster.max_append_entries", 1, 100'000));
    if (node["max_inflight"])
      c.max_inflight = static_cast<int>(in_.integer(node["max_inflight"], "cluster.max_inflight", 1, 100'000));
    // Timers are counted in ticks: they must be whole ticks and the election
    // timeout must exceed the heartbeat, or no leader can ever hold on.
    const auto whole_ticks = [&](Micros value, const char* key) {
      if (value % c.tick != 0 || value < c.tick)
        in_.fail(node[key] ? node[key] : node, fmt::format("cluster.{}", key),
                 fmt::format("expected a whole number of ticks of {}us (cluster.tick)", c.tick));
    };
    whole_ticks(c.heartbeat, "heartbeat");
    whole_ticks(c.election_timeout.min, "election_timeout");
    whole_ticks(c.election_timeout.max, "election_timeout");
    if (c.election_timeout.min <= c.heartbeat)
      in_.fail(node["election_timeout"] ? node["election_timeout"] : node, "cluster.election_timeout",
               "expected an election timeout longer than the heartbeat");
  }

  void parse_network_fields(const YAML::Node& node, const std::string& path, NetworkChange& change) {
    if (node["latency"]) change.latency = in_.time_range(node["latency"], path + ".latency", 0, 3'600'000'000LL);
    if (node["drop"]) change.drop = in_.probability(node["drop"], path + ".drop");
    if (node["duplicate"]) change.duplicate = in_.probability(node["duplicate"], path + ".duplicate");
    if (node["fifo"]) change.fifo = in_.boolean(node["fifo"], path + ".fifo");
    if (node["tail"]) {
      const auto& tail = node["tail"];
      in_.check_keys(tail, path + ".tail", {"probability", "latency"});
      if (tail["probability"]) change.tail_probability = in_.probability(tail["probability"], path + ".tail.probability");
      if (tail["latency"])
        change.tail_latency = in_.time_range(tail["latency"], path + ".tail.latency", 0, 3'600'000'000LL);
    }
  }

  void parse_network(const YAML::Node& node) {
    in_.check_keys(node, "network", {"latency", "tail", "drop", "duplicate", "fifo"});
    NetworkChange change;
    parse_network_fields(node, "network", change);
    out_.network = apply_change(out_.network, change);
  }

  void parse_disk(const YAML::Node& node) {
    in_.check_keys(node, "disk", {"fsync"});
    if (node["fsync"]) out_.disk.fsync = in_.time_range(node["fsync"], "disk.fsync", 0, 60'000'000);
  }

  void parse_workload(const YAML::Node& node) {
    in_.check_keys(node, "workload", {"clients", "think", "keys", "ops", "timeout", "watchers", "retry_conflicts", "compact", "stop"});
    WorkloadSpec& w = out_.workload;
    if (node["clients"]) w.clients = static_cast<int>(in_.integer(node["clients"], "workload.clients", 0, 1000));
    if (node["think"]) w.think = in_.time_range(node["think"], "workload.think", 0, 3'600'000'000LL);
    if (node["keys"]) w.keys = static_cast<int>(in_.integer(node["keys"], "workload.keys", 1, 1'000'000));
    if (node["timeout"]) w.timeout = in_.duration(node["timeout"], "workload.timeout", 1'000, 3'600'000'000LL);
    if (node["stop"]) w.stop = in_.duration(node["stop"], "workload.stop", 0, out_.duration);
    if (node["watchers"]) w.watchers = static_cast<int>(in_.integer(node["watchers"], "workload.watchers", 0, 1000));
    if (node["retry_conflicts"]) w.retry_conflicts = in_.boolean(node["retry_conflicts"], "workload.retry_conflicts");
    if (node["compact"]) {
      const auto& compact = node["compact"];
      in_.check_keys(compact, "workload.compact", {"every", "keep"});
      if (!compact["every"]) in_.fail(compact, "workload.compact", "expected `every` (how often to compact)");
      w.compact.every = in_.duration(compact["every"], "workload.compact.every", 1'000, 86'400'000'000LL);
      if (compact["keep"]) w.compact.keep = in_.integer(compact["keep"], "workload.compact.keep", 0, 1'000'000'000);
    }
    if (node["ops"]) {
      const auto& ops = node["ops"];
      in_.check_keys(ops, "workload.ops", {"get", "put", "delete", "cas", "txn"});
      if (ops["get"]) w.ops.get = static_cast<int>(in_.integer(ops["get"], "workload.ops.get", 0, 1'000'000));
      if (ops["put"]) w.ops.put = static_cast<int>(in_.integer(ops["put"], "workload.ops.put", 0, 1'000'000));
      if (ops["delete"]) w.ops.del = static_cast<int>(in_.integer(ops["delete"], "workload.ops.delete", 0, 1'000'000));
      if (ops["cas"]) w.ops.cas = static_cast<int>(in_.integer(ops["cas"], "workload.ops.cas", 0, 1'000'000));
      if (ops["txn"]) w.ops.txn = static_cast<int>(in_.integer(ops["txn"], "workload.ops.txn", 0, 1'000'000));
      if (w.ops.total() == 0) in_.fail(ops, "workload.ops", "expected at least one weight above 0");
    }
  }

  NodeSelector selector(const YAML::Node& node, const std::string& key, bool allow_groups) {
    const std::string text = in_.string(node, key);
    NodeSelector s;
    if (text.size() > 1 && text[0] == 'n' && std::all_of(text.begin() + 1, text.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      s.kind = NodeSelector::Kind::node;
      s.node = std::stoi(text.substr(1));
      if (s.node < 1) in_.fail(node, key, "nodes are named n1, n2, ...");
      pending_nodes_.push_back({s.node, in_.mark(node), key});
      return s;
    }
    if (text == "leader") s.kind = NodeSelector::Kind::leader;
    else if (text == "follower") s.kind = NodeSelector::Kind::follower;
    else if (text == "any") s.kind = NodeSelector::Kind::any;
    else if (text == "crashed") s.kind = NodeSelector::Kind::crashed;
    else if (text == "subject") {
      if (!in_triggered_fault_)
        in_.fail(node, key, "`subject` is the node whose event fired a triggered fault: it needs `on:` (elected, vote or campaign)");
      s.kind = NodeSelector::Kind::subject;
    }
    else if (allow_groups && text == "majority") s.kind = NodeSelector::Kind::majority;
    else if (allow_groups && text == "minority") s.kind = NodeSelector::Kind::minority;
    else
      in_.fail(node, key,
               fmt::format("expected a node (n1, n2, ...) or a selector ({}{}), got '{}'",
                           allow_groups ? "leader, follower, any, crashed, majority, minority"
                                        : "leader, follower, any, crashed",
                           in_triggered_fault_ ? ", subject" : "", text));
    return s;
  }

  // Every list of nodes names each node once: a repeat is a typo or a
  // misunderstanding (a node in two partition groups), never a meaning.
  // `seen` spans the lists that must not overlap (all groups of a partition,
  // both sides of a one-way cut); `clash` says why, given the earlier key.
  struct Named {
    NodeSelector selector;
    SourceMark mark;
    std::string key;
  };
  using ClashMessage = std::function<std::string(const std::string& text, const Named& earlier)>;

  NodeList node_list(const YAML::Node& node, const std::string& key) {
    std::vector<Named> seen;
    return node_list(node, key, seen, [](const std::string& text, const Named& earlier) {
      return fmt::format("{} is listed twice (first at line {}, column {}): name each node once", text,
                         earlier.mark.line, earlier.mark.column);
    });
  }

  NodeList node_list(const YAML::Node& node, const std::string& key, std::vector<Named>& seen, const ClashMessage& clash) {
    NodeList list;
    if (!node.IsScalar() && (!node.IsSequence() || node.size() == 0))
      in_.fail(node, key, "expected a list of nodes, like [n1, n2]");
    const std::size_t count = node.IsScalar() ? 1 : node.size();
    for (std::size_t i = 0; i < count; ++i) {
      const YAML::Node item = node.IsScalar() ? node : node[i];
      const NodeSelector s = selector(item, key, true);
      for (const Named& earlier : seen)
        if (earlier.selector.kind == s.kind && earlier.selector.node == s.node) in_.fail(item, key, clash(s.text(), earlier));
      seen.push_back({s, in_.mark(item), key});
      list.push_back(s);
    }
    return list;
  }

  void parse_faults(const YAML::Node& node) {
    if (!node.IsSequence()) in_.fail(node, "faults", "expected a list of faults, each with `at` and one action");
    for (std::size_t i = 0; i < node.size(); ++i) out_.faults.push_back(parse_fault(node[i], fmt::format("faults[{}]", i)));
    std::stable_sort(out_.faults.begin(), out_.faults.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });
  }

  Fault parse_fault(const YAML::Node& node, const std::string& path) {
    in_.check_keys(node, path,
                   {"at", "partition", "heal", "crash", "restart", "isolate", "pause", "clock", "network", "transfer",
                    "add_node", "promote", "remove_node", "lose_unsynced", "for", "on", "within", "delay", "nth"});
    Fault f;
    f.mark = in_.mark(node);
    if (!node["at"]) in_.fail(node, path + ".at", "missing: when the fault fires, like `at: 5s`");
    if (node["at"].IsSequence()) {
      // A window: the time is drawn in it when the run starts.
      const TimeRange window = in_.time_range(node["at"], path + ".at", 0, out_.duration);
      f.at = window.min;
      f.at_spread = window.max - window.min;
    } else {
      f.at = in_.duration(node["at"], path + ".at", 0, out_.duration);
    }
    parse_trigger(node, path, f);
    in_triggered_fault_ = f.trigger != Trigger::none;
    std::vector<std::string> actions;
    for (const char* action : {"partition", "heal", "crash", "restart", "isolate", "pause", "clock", "network", "transfer",
                               "add_node", "promote", "remove_node"})
      if (node[action]) actions.emplace_back(action);
    if (actions.size() != 1)
      in_.fail(node, path,
               actions.empty() ? "expected one action: partition, heal, crash, restart, isolate, pause, clock, network, "
                                 "transfer, add_node, promote or remove_node"
                               : fmt::format("expected one action per fault, got {}", fmt::join(actions, " and ")));
    const std::string& action = actions.front();
    const std::string key = path + "." + action;
    const YAML::Node value = node[action];
    if (node["lose_unsynced"] && action != "crash")
      in_.fail(node["lose_unsynced"], path + ".lose_unsynced", "only goes with `crash`");
    if (node["for"] && action != "crash")
      in_.fail(node["for"], path + ".for",
               action == "pause" ? "a pause's length goes inside it: `pause: {node: n1, for: 2s}`"
                                 : "only goes with `crash` (how long the node stays down)");
    YAML::Emitter emitter;
    emitter << YAML::Flow << value;
    f.text = fmt::format("{} {}", action, emitter.c_str());

    if (action == "partition") {
      if (value.IsScalar()) {
        const std::string name = value.Scalar();
        f.kind = Fault::Kind::partition_named;
        if (name == "random-halves") f.named = NamedPartition::random_halves;
        else if (name == "majority-ring") f.named = NamedPartition::majority_ring;
        else if (name == "bridge") f.named = NamedPartition::bridge;
        else if (name == "isolate-leader") f.named = NamedPartition::isolate_leader;
        else in_.fail(value, key, fmt::format("expected groups like [[n1, n2], [n3, n4, n5]], {{from: [n1], to: [n2]}}, or one of random-halves, majority-ring, bridge, isolate-leader; got '{}'", name));
      } else if (value.IsMap()) {
        in_.check_keys(value, key, {"from", "to"});
        if (!value["from"] || !value["to"]) in_.fail(value, key, "a one-way partition needs both `from` and `to`");
        f.kind = Fault::Kind::partition_one_way;
        std::vector<Named> seen;
        const auto clash = [](const std::string& text, const Named& earlier) {
          return fmt::format("{} is already in {} (line {}, column {}): a node cannot be cut off from itself, and "
                             "each side names a node once",
                             text, earlier.key, earlier.mark.line, earlier.mark.column);
        };
        f.from = node_list(value["from"], key + ".from", seen, clash);
        f.to = node_list(value["to"], key + ".to", seen, clash);
      } else if (value.IsSequence() && value.size() >= 1) {
        f.kind = Fault::Kind::partition_groups;
        std::vector<Named> seen;
        const auto clash = [](const std::string& text, const Named& earlier) {
          return fmt::format("{} is already in {} (line {}, column {}): a node belongs to one group only (for a "
                             "node that reaches both sides, use the named partition `partition: bridge`)",
                             text, earlier.key, earlier.mark.line, earlier.mark.column);
        };
        for (std::size_t g = 0; g < value.size(); ++g)
          f.groups.push_back(node_list(value[g], fmt::format("{}[{}]", key, g), seen, clash));
      } else {
        in_.fail(value, key, "expected groups like [[n1, n2], [n3, n4, n5]], a one-way {from, to}, or a named partition");
      }
    } else if (action == "heal") {
      if (!in_.boolean(value, key)) in_.fail(value, key, "expected `heal: true` (leave the fault out instead)");
      f.kind = Fault::Kind::heal;
    } else if (action == "crash") {
      f.kind = Fault::Kind::crash;
      f.nodes = node_list(value, key);
      if (node["lose_unsynced"]) f.lose_unsynced = in_.boolean(node["lose_unsynced"], path + ".lose_unsynced");
      if (node["for"]) f.down_for = in_.duration(node["for"], path + ".for", 1, kMaxDuration);
    } else if (action == "restart") {
      f.kind = Fault::Kind::restart;
      f.nodes = node_list(value, key);
    } else if (action == "isolate") {
      f.kind = Fault::Kind::isolate;
      f.node = selector(value, key, false);
    } else if (action == "pause") {
      in_.check_keys(value, key, {"node", "for"});
      if (!value["node"] || !value["for"]) in_.fail(value, key, "expected {node: NODE, for: DURATION}");
      f.kind = Fault::Kind::pause;
      f.node = selector(value["node"], key + ".node", false);
      f.pause_for = in_.duration(value["for"], key + ".for", 1, kMaxDuration);
    } else if (action == "clock") {
      in_.check_keys(value, key, {"node", "skew", "drift"});
      if (!value["node"] || (!value["skew"] == !value["drift"]))
        in_.fail(value, key, "expected {node: NODE, skew: DURATION} or {node: NODE, drift: RATE}");
      f.node = selector(value["node"], key + ".node", false);
      if (value["skew"]) {
        f.kind = Fault::Kind::clock_skew;
        f.skew = in_.duration(value["skew"], key + ".skew", -3'600'000'000LL, 3'600'000'000LL, true);
      } else {
        f.kind = Fault::Kind::clock_drift;
        const double drift = in_.number(value["drift"], key + ".drift", -0.5, 0.5);
        f.drift_ppm = static_cast<std::int64_t>(drift * 1'000'000 + (drift >= 0 ? 0.5 : -0.5));
      }
    } else if (action == "network") {
      in_.check_keys(value, key, {"latency", "tail", "drop", "duplicate", "fifo"});
      f.kind = Fault::Kind::network;
      parse_network_fields(value, key, f.network);
    } else if (action == "add_node" || action == "promote" || action == "remove_node") {
      f.kind = action == "add_node" ? Fault::Kind::add_node
               : action == "promote" ? Fault::Kind::promote
                                     : Fault::Kind::remove_node;
      f.node = selector(value, key, false);
      if (f.kind != Fault::Kind::remove_node && f.node.kind != NodeSelector::Kind::node)
        in_.fail(value, key, "expected a node name, like n6");
      if (f.kind == Fault::Kind::add_node) {
        pending_nodes_.pop_back();  // a new node's name is checked against the limit, not the initial size
        if (f.node.node > kMaxNodes)
          in_.fail(value, key, fmt::format("at most {} nodes are supported, got n{}", kMaxNodes, f.node.node));
        added_.push_back({f.node.node, in_.mark(value), key});
      }
    } else if (action == "transfer") {
      in_.check_keys(value, key, {"to"});
      if (!value["to"]) in_.fail(value, key, "expected {to: NODE}");
      f.kind = Fault::Kind::transfer;
      f.node = selector(value["to"], key + ".to", false);
    }
    in_triggered_fault_ = false;
    return f;
  }

  // `on: EVENT` arms the fault at `at`; `within` bounds the wait, `delay`
  // follows the trigger.
  void parse_trigger(const YAML::Node& node, const std::string& path, Fault& f) {
    if (!node["on"]) {
      for (const char* key : {"within", "delay", "nth"})
        if (node[key])
          in_.fail(node[key], fmt::format("{}.{}", path, key),
                   "only goes with a triggered fault: `on: elected`, `on: vote` or `on: campaign`");
      return;
    }
    const std::string event = in_.string(node["on"], path + ".on");
    if (event == "elected") f.trigger = Trigger::elected;
    else if (event == "vote") f.trigger = Trigger::vote;
    else if (event == "campaign") f.trigger = Trigger::campaign;
    else
      in_.fail(node["on"], path + ".on",
               fmt::format("expected elected (a node becomes leader), vote (a node grants its vote) or campaign "
                           "(a node starts an election), got '{}'",
                           event));
    if (node["within"]) f.within = in_.duration(node["within"], path + ".within", 1, kMaxDuration);
    if (node["delay"] && node["delay"].IsSequence()) {
      const TimeRange window = in_.time_range(node["delay"], path + ".delay", 0, kMaxDuration);
      f.delay = window.min;
      f.delay_spread = window.max - window.min;
    } else if (node["delay"]) {
      f.delay = in_.duration(node["delay"], path + ".delay", 0, kMaxDuration);
    }
    if (node["nth"]) f.nth = static_cast<int>(in_.integer(node["nth"], path + ".nth", 1, 1'000'000));
  }

  // `bugs: [local-read]`: the planted bugs this scenario demonstrates.
  void parse_bugs(const YAML::Node& node) {
    if (!node.IsSequence())
      in_.fail(node, "bugs", "expected a list of planted bugs, like [local-read] (`raftsim bugs` lists them)");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string name = in_.string(node[i], "bugs");
      const auto names = raft::enabled_bug_names(out_.bugs);
      if (std::find(names.begin(), names.end(), name) != names.end())
        in_.fail(node[i], "bugs", fmt::format("{} is listed twice", name));
      if (!raft::enable_bug(out_.bugs, name)) {
        std::vector<std::string> known;
        for (const auto& info : raft::all_bugs()) known.emplace_back(info.name);
        in_.fail(node[i], "bugs", fmt::format("no planted bug '{}' (expected one of: {})", name, fmt::join(known, ", ")));
      }
    }
  }

  void parse_checks(const YAML::Node& node) {
    const auto& names = all_check_names();
    if (!node || (node.IsScalar() && node.Scalar() == "all")) {
      out_.checks = names;
      return;
    }
    if (!node.IsSequence()) in_.fail(node, "checks", "expected `all` or a list of check names");
    std::vector<bool> on(names.size(), false);
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string name = in_.string(node[i], "checks");
      const auto found = std::find(names.begin(), names.end(), name);
      if (found == names.end()) in_.fail(node[i], "checks", unknown_check(name));
      if (on[static_cast<std::size_t>(found - names.begin())])
        in_.fail(node[i], "checks", fmt::format("{} is listed twice: name each check once", name));
      on[static_cast<std::size_t>(found - names.begin())] = true;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      if (on[i]) out_.checks.push_back(names[i]);
  }

  std::string unknown_check(const std::string& name) const {
    std::string best;
    std::size_t best_distance = 4;
    for (const auto& candidate : all_check_names()) {
      const auto distance = edit_distance(name, candidate);
      if (distance < best_distance) best_distance = distance, best = candidate;
    }
    if (!best.empty()) return fmt::format("unknown check '{}' (did you mean '{}'?)", name, best);
    return fmt::format("unknown check '{}' (expected one of: {})", name, fmt::join(all_check_names(), ", "));
  }

  void parse_expectations(const YAML::Node& node) {
    if (!node.IsSequence()) in_.fail(node, "expect", "expected a list of expectations");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = fmt::format("expect[{}]", i);
      const YAML::Node item = node[i];
      in_.check_keys(item, path, {"no_commit", "leader", "converged", "available", "violation"});
      if (item.size() != 1) in_.fail(item, path, "expected exactly one expectation per list item");
      Expectation e;
      e.mark = in_.mark(item);
      const std::string kind = item.begin()->first.Scalar();
      const YAML::Node value = item.begin()->second;
      const std::string key = path + "." + kind;
      if (kind == "no_commit") {
        in_.check_keys(value, key, {"nodes", "during"});
        if (!value["nodes"] || !value["during"]) in_.fail(value, key, "expected {nodes: [..], during: [from, to]}");
        e.kind = Expectation::Kind::no_commit;
        e.nodes = node_list(value["nodes"], key + ".nodes");
        e.during = in_.time_range(value["during"], key + ".during", 0, out_.duration);
      } else if (kind == "leader") {
        in_.check_keys(value, key, {"within", "after"});
        if (!value["within"]) in_.fail(value, key, "expected {within: DURATION, after: TIME}");
        e.kind = Expectation::Kind::leader;
        e.within = in_.duration(value["within"], key + ".within", 1, kMaxDuration);
        if (value["after"]) e.after = in_.duration(value["after"], key + ".after", 0, out_.duration);
      } else if (kind == "converged") {
        in_.check_keys(value, key, {"by"});
        if (!value["by"]) in_.fail(value, key, "expected {by: TIME}");
        e.kind = Expectation::Kind::converged;
        e.by = in_.duration(value["by"], key + ".by", 0, out_.duration);
      } else if (kind == "available") {
        in_.check_keys(value, key, {"during", "min", "max"});
        if (!value["during"] || (!value["min"] == !value["max"]))
          in_.fail(value, key, "expected {during: [from, to], min: FRACTION} or {during: [from, to], max: FRACTION}");
        e.kind = Expectation::Kind::available;
        e.during = in_.time_range(value["during"], key + ".during", 0, out_.duration);
        if (value["min"]) e.min = in_.number(value["min"], key + ".min", 0, 1);
        if (value["max"]) e.max = in_.number(value["max"], key + ".max", 0, 1);
      } else {
        e.kind = Expectation::Kind::violation;
        e.check = in_.string(value, key);
        const auto& names = all_check_names();
        if (std::find(names.begin(), names.end(), e.check) == names.end()) in_.fail(value, key, unknown_check(e.check));
      }
      out_.expect.push_back(std::move(e));
    }
  }

  // Node names are checked against the cluster size once everything is read,
  // since `cluster` may come after `faults` in the file.
  void validate_nodes() {
    for (const auto& added : added_)
      if (added.node <= out_.cluster.nodes)
        in_.fail_at(added.mark, added.key,
                    fmt::format("n{} is already a member: the cluster starts with n1..n{}", added.node, out_.cluster.nodes));
    for (const auto& pending : pending_nodes_) {
      const bool added = std::any_of(added_.begin(), added_.end(), [&](const PendingNode& a) { return a.node == pending.node; });
      if (pending.node > out_.cluster.nodes && !added)
        in_.fail_at(pending.mark, pending.key,
                    fmt::format("no node n{} in a cluster of {} (nodes are n1..n{}{})", pending.node, out_.cluster.nodes,
                                out_.cluster.nodes, added_names()));
    }
  }

  // ", and n6, n8 added by add_node" (empty when nothing is added).
  std::string added_names() const {
    if (added_.empty()) return "";
    std::vector<std::string> names;
    for (const auto& added : added_) names.push_back(fmt::format("n{}", added.node));
    return fmt::format(", and {} added by add_node", fmt::join(names, ", "));
  }

  struct PendingNode {
    int node;
    SourceMark mark;
    std::string key;
  };
  const YamlReader& in_;
  Scenario& out_;
  std::vector<PendingNode> pending_nodes_;
  std::vector<PendingNode> added_;
  bool in_triggered_fault_ = false;  // `subject` is a valid selector only here
};

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML: {}", source_name, error.mark.line + 1,
                                 error.mark.column + 1, error.msg));
  }
  return parse_scenario_node(root, source_name, text);
}

Scenario parse_scenario_node(const YAML::Node& root, const std::string& source_name, const std::string& source_text) {
  YamlReader reader(source_name);
  Scenario scenario;
  scenario.source_name = source_name;
  scenario.source_text = source_text;
  ScenarioParser parser(reader, scenario);
  try {
    parser.parse(root);
  } catch (const YAML::Exception& error) {
    throw InputError(fmt::format("{}:{}:{}: {}", source_name, error.mark.line + 1, error.mark.column + 1, error.msg));
  }
  check_implementation(scenario);
  return scenario;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(fmt::format("{}: cannot read the scenario file", path));
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), path);
}

Scenario quickstart_scenario() { return parse_scenario(kQuickstartYaml, kQuickstartFileName); }

}  // namespace raftsim::scenario
