#pragma once
// A tiny harness for driving the pure Raft core message by message, in the
// manner of etcd's raft_paper_test.go: no simulator, no clock, no disk. A
// Cluster owns N nodes, their "disks" (what the host persisted) and a list of
// messages in flight that a test may deliver one at a time, drop or reorder.
//
// The host protocol of Ready is followed exactly: `messages` may leave at
// once; `messages_after_persist` only after the Ready's hard state and entries
// are stored, and then Node::persisted(last index, last term) is called.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/raft/node.hpp"
#include "core/random.hpp"

namespace raftsim::test {

using raft::Config;
using raft::Entry;
using raft::EntryType;
using raft::HardState;
using raft::LogIndex;
using raft::Message;
using raft::MessageType;
using raft::Node;
using raft::NodeId;
using raft::Ready;
using raft::ReadMode;
using raft::RestoreState;
using raft::Role;
using raft::Term;

// A deterministic RandomSource: SplitMix64 from a fixed seed. (A constant
// source would be simpler but can spin forever in uniform_int's rejection
// loop, so a real, if trivial, generator it is.)
class SeqRandom final : public RandomSource {
 public:
  explicit SeqRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() override {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Knobs for the nodes of a test cluster. The defaults make every election
// timeout exactly 10 ticks (min == max), so a test decides who campaigns by
// choosing whom to tick, and switch PreVote and CheckQuorum off, so each test
// turns on only what it is about.
struct Options {
  int election_ticks_min = 10;
  int election_ticks_max = 10;
  int heartbeat_ticks = 1;
  bool prevote = false;
  bool check_quorum = false;
  ReadMode read_mode = ReadMode::read_index;
  std::size_t max_entries_per_append = 64;
  std::size_t max_inflight_appends = 32;
  raft::Bugs bugs;
};

inline Config make_config(NodeId id, std::size_t cluster_size, const Options& options) {
  Config config;
  config.id = id;
  for (NodeId voter = 1; voter <= cluster_size; ++voter) config.voters.push_back(voter);
  config.election_ticks_min = options.election_ticks_min;
  config.election_ticks_max = options.election_ticks_max;
  config.heartbeat_ticks = options.heartbeat_ticks;
  config.prevote = options.prevote;
  config.check_quorum = options.check_quorum;
  config.read_mode = options.read_mode;
  config.max_entries_per_append = options.max_entries_per_append;
  config.max_inflight_appends = options.max_inflight_appends;
  config.bugs = options.bugs;
  return config;
}

inline Entry make_entry(LogIndex index, Term term, std::string data = "") {
  Entry entry;
  entry.index = index;
  entry.term = term;
  entry.type = EntryType::normal;
  if (!data.empty()) entry.data = std::make_shared<const std::string>(std::move(data));
  return entry;
}

// Entries 1..terms.size() with the given terms (a log in the paper's figures).
inline std::vector<Entry> log_with_terms(const std::vector<Term>& terms, LogIndex first = 1) {
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < terms.size(); ++i) entries.push_back(make_entry(first + i, terms[i]));
  return entries;
}

inline RestoreState restore_state(Term term, NodeId voted_for, LogIndex commit, const std::vector<Term>& terms) {
  RestoreState restored;
  restored.hard_state = HardState{term, voted_for, commit};
  restored.entries = log_with_terms(terms);
  return restored;
}

// The terms of a node's log, index 1 first (no snapshot in these tests).
inline std::vector<Term> terms_of(const raft::RaftLog& log) {
  std::vector<Term> terms;
  for (const Entry& entry : log.entries()) terms.push_back(entry.term);
  return terms;
}

// A message "as sent by a peer", for tests that feed a single node by hand.
inline Message make_message(MessageType type, NodeId from, NodeId to, Term term) {
  Message message;
  message.type = type;
  message.from = from;
  message.to = to;
  message.term = term;
  return message;
}

inline Message make_append(NodeId from, NodeId to, Term term, LogIndex prev_index, Term prev_term,
                           std::vector<Entry> entries, LogIndex commit) {
  Message message = make_message(MessageType::append, from, to, term);
  message.log_index = prev_index;
  message.log_term = prev_term;
  message.entries = std::move(entries);
  message.commit = commit;
  return message;
}

inline Message make_vote_request(NodeId from, NodeId to, Term term, LogIndex last_index, Term last_term,
                                 bool pre = false) {
  Message message = make_message(pre ? MessageType::prevote_request : MessageType::vote_request, from, to, term);
  message.log_index = last_index;
  message.log_term = last_term;
  return message;
}

using MessagePredicate = std::function<bool(const Message&)>;

// Matches messages by type and, optionally, sender and receiver (0 = any).
inline MessagePredicate is(MessageType type, NodeId from = raft::kNoNode, NodeId to = raft::kNoNode) {
  return [=](const Message& message) {
    return message.type == type && (from == raft::kNoNode || message.from == from) &&
           (to == raft::kNoNode || message.to == to);
  };
}
inline MessagePredicate any_message() {
  return [](const Message&) { return true; };
}

inline std::size_t count_if(const std::vector<Message>& messages, const MessagePredicate& predicate) {
  return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(), predicate));
}

inline const Message* find_if(const std::vector<Message>& messages, const MessagePredicate& predicate) {
  const auto found = std::find_if(messages.begin(), messages.end(), predicate);
  return found == messages.end() ? nullptr : &*found;
}

// What a node's host has made durable.
struct Storage {
  HardState hard_state;
  std::vector<Entry> entries;  // index 1 first

  RestoreState restore() const {
    RestoreState restored;
    restored.hard_state = hard_state;
    restored.entries = entries;
    return restored;
  }
};

class Cluster {
 public:
  explicit Cluster(std::size_t size, Options options = {}, std::vector<RestoreState> restored = {})
      : size_(size), options_(options) {
    REQUIRE((restored.empty() || restored.size() == size));
    for (NodeId id = 1; id <= size; ++id) {
      randoms_.push_back(std::make_unique<SeqRandom>(0x5EED0000 + id));
      Storage storage;
      if (!restored.empty()) {
        storage.hard_state = restored[id - 1].hard_state;
        storage.entries = restored[id - 1].entries;
      }
      storages_.push_back(storage);
      nodes_.push_back(nullptr);
      build(id, restored.empty() ? RestoreState{} : restored[id - 1]);
    }
    applied_.resize(size + 1);
    read_states_.resize(size + 1);
    dropped_reads_.resize(size + 1);
    isolated_.assign(size + 1, false);
  }

  std::size_t size() const { return size_; }
  Node& node(NodeId id) { return *nodes_.at(id - 1); }
  Storage& storage(NodeId id) { return storages_.at(id - 1); }
  const std::vector<Entry>& applied(NodeId id) const { return applied_.at(id); }
  const std::vector<raft::ReadState>& read_states(NodeId id) const { return read_states_.at(id); }
  const std::vector<std::uint64_t>& dropped_reads(NodeId id) const { return dropped_reads_.at(id); }

  // Replaces node `id` with one rebuilt from its storage (a crash and a
  // restart): whatever it had not persisted is lost, and so are the messages
  // in flight to it.
  void restart(NodeId id, const Options* options = nullptr) {
    drop([id](const Message& message) { return message.to == id; });
    if (options != nullptr) config_overrides_[id] = *options;
    build(id, storage(id).restore());
  }

  // ---------------------------------------------------------------- driving a node

  void tick(NodeId id, int ticks = 1) {
    for (int i = 0; i < ticks; ++i) {
      node(id).tick();
      node(id).check_invariants();
    }
  }

  // Ticks `id` until it campaigns: a follower until it leaves the follower
  // role, a candidate until it bumps its term (a pre-candidate that campaigns
  // again changes neither, so do not use this on one); returns the ticks taken.
  int tick_until_campaign(NodeId id, int limit = 10'000) {
    REQUIRE(node(id).role() != Role::leader);
    REQUIRE(node(id).role() != Role::pre_candidate);
    const Role role = node(id).role();
    const Term term = node(id).term();
    for (int ticks = 1; ticks <= limit; ++ticks) {
      tick(id);
      if (node(id).role() != role || node(id).term() != term) return ticks;
    }
    FAIL("n" << id << " did not campaign within " << limit << " ticks");
    return limit;
  }

  void step(const Message& message) {
    delivered_.push_back(message);
    node(message.to).step(message);
    node(message.to).check_invariants();
  }

  // Takes the node's Ready without doing anything about it.
  Ready take(NodeId id) {
    Ready ready;
    node(id).take_ready(ready);
    for (const Entry& entry : ready.committed) applied_[id].push_back(entry);
    for (const auto& read : ready.read_states) read_states_[id].push_back(read);
    for (auto request : ready.dropped_reads) dropped_reads_[id].push_back(request);
    return ready;
  }

  // Writes the Ready's hard state and entries to the node's storage (entries
  // may overwrite a suffix), without telling the node.
  void write(NodeId id, const Ready& ready) {
    // No test here compacts a log, so no snapshot is ever sent or received.
    if (ready.snapshot) FAIL("n" << id << " was handed a snapshot");
    Storage& disk = storage(id);
    if (ready.hard_state) disk.hard_state = *ready.hard_state;
    if (!ready.entries.empty()) {
      const LogIndex first = ready.entries.front().index;
      if (first < 1 || first > disk.entries.size() + 1) FAIL("n" << id << " wrote a hole at " << first);
      disk.entries.resize(first - 1);
      disk.entries.insert(disk.entries.end(), ready.entries.begin(), ready.entries.end());
    }
  }

  // write(), then tell the node what is durable.
  void persist(NodeId id, const Ready& ready) {
    write(id, ready);
    if (!ready.entries.empty()) {
      node(id).persisted(ready.entries.back().index, ready.entries.back().term);
      node(id).check_invariants();
    }
  }

  void send(const std::vector<Message>& messages) {
    for (const Message& message : messages) network_.push_back(message);
  }

  // The whole host loop for one Ready: send, persist, acknowledge, send the rest.
  Ready process(NodeId id) {
    Ready ready = take(id);
    send(ready.messages);
    persist(id, ready);
    send(ready.messages_after_persist);
    return ready;
  }

  void process_all() {
    for (NodeId id = 1; id <= size_; ++id)
      if (node(id).has_ready()) process(id);
  }

  // ---------------------------------------------------------------- the network

  std::vector<Message>& network() { return network_; }
  // Every message stepped into a node so far, in order.
  const std::vector<Message>& delivered() const { return delivered_; }

  std::size_t in_flight(const MessagePredicate& predicate) const { return count_if(network_, predicate); }

  // Delivers the first message in flight that matches; false when none does.
  // Messages to or from an isolated node are dropped first, here and in
  // deliver_all() and stabilize().
  bool deliver(const MessagePredicate& predicate) {
    drop_isolated();
    const auto found = std::find_if(network_.begin(), network_.end(), predicate);
    if (found == network_.end()) return false;
    const Message message = *found;
    network_.erase(found);
    step(message);
    return true;
  }

  // Delivers, in order, every message in flight now that matches (not those
  // that their delivery produces); returns how many.
  std::size_t deliver_all(const MessagePredicate& predicate) {
    drop_isolated();
    std::vector<Message> chosen;
    std::vector<Message> rest;
    for (const Message& message : network_) (predicate(message) ? chosen : rest).push_back(message);
    network_ = std::move(rest);
    for (const Message& message : chosen) step(message);
    return chosen.size();
  }

  std::size_t drop(const MessagePredicate& predicate) {
    const auto before = network_.size();
    network_.erase(std::remove_if(network_.begin(), network_.end(), predicate), network_.end());
    return before - network_.size();
  }

  // An isolated node's messages, both ways, are dropped by stabilize().
  void isolate(NodeId id) { isolated_.at(id) = true; }
  void heal(NodeId id) { isolated_.at(id) = false; }

  // Runs every host loop and delivers every message (dropping those to or
  // from isolated nodes) until nothing is left to do; no ticks.
  void stabilize(int limit = 10'000) {
    for (int round = 0; round < limit; ++round) {
      process_all();
      drop_isolated();
      if (network_.empty()) return;
      deliver_all(any_message());
    }
    FAIL("the cluster did not settle within " << limit << " rounds");
  }

  // Ticks `id` until it campaigns, then lets the cluster settle, and requires
  // that `id` won.
  void elect(NodeId id) {
    tick_until_campaign(id);
    stabilize();
    REQUIRE(node(id).role() == Role::leader);
  }

 private:
  void drop_isolated() {
    drop([this](const Message& message) { return isolated_.at(message.from) || isolated_.at(message.to); });
  }

  void build(NodeId id, RestoreState restored) {
    const auto override_it = config_overrides_.find(id);
    const Options& options = override_it == config_overrides_.end() ? options_ : override_it->second;
    nodes_.at(id - 1) = std::make_unique<Node>(make_config(id, size_, options), std::move(restored),
                                               *randoms_.at(id - 1));
    node(id).check_invariants();
  }

  std::size_t size_;
  Options options_;
  std::map<NodeId, Options> config_overrides_;
  std::vector<std::unique_ptr<SeqRandom>> randoms_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Storage> storages_;
  std::vector<Message> network_;
  std::vector<Message> delivered_;
  std::vector<std::vector<Entry>> applied_;
  std::vector<std::vector<raft::ReadState>> read_states_;
  std::vector<std::vector<std::uint64_t>> dropped_reads_;
  std::vector<bool> isolated_;
};

// A single node fed by hand: no network, the test plays every peer.
struct Solo {
  SeqRandom random;
  std::unique_ptr<Node> node;

  explicit Solo(NodeId id, std::size_t cluster_size, Options options = {}, RestoreState restored = {},
                std::uint64_t seed = 42)
      : random(seed) {
    node = std::make_unique<Node>(make_config(id, cluster_size, options), std::move(restored), random);
  }
  Node* operator->() { return node.get(); }
  Ready step(const Message& message) {
    node->step(message);
    node->check_invariants();
    return take();
  }
  Ready take() {
    Ready ready;
    node->take_ready(ready);
    return ready;
  }
};

}  // namespace raftsim::test
