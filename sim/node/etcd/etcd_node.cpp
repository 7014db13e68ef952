// etcd's own raft library (go.etcd.io/etcd/raft v3.4.23) behind the
// simulator's node interface, through the in-process bridge (bridge/bridge.go).
// Every call is synchronous on the simulation's thread; the bridge answers
// with the node's status, so reading it costs no call. The node keeps a copy
// of the log it has handed out through its Readies (what etcd's raft holds:
// its storage and its unstable entries), which the safety checks read.
#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/node/etcd/libetcdraft.h"
#include "sim/node/etcd/wire.hpp"
#include "sim/node/raft_node.hpp"

// The node this thread calls into (bridge/current.c): etcd's election
// timeouts are drawn from its stream.
extern "C" void etcd_raft_set_current(std::int64_t handle);

namespace raftsim::sim {

namespace {

// Read contexts are request ids + 1: etcd's raft needs a non-empty context.
std::uint64_t read_context(std::uint64_t request_id) { return request_id + 1; }
std::uint64_t read_request(std::uint64_t context) { return context - 1; }

class EtcdNode final : public RaftNode {
 public:
  EtcdNode(const raft::Config& config, const EtcdOptions& options, raft::RestoreState restored,
           RandomSource& random)
      : id_(config.id) {
    etcd::WireWriter& w = in_;
    w.u64(config.id);
    w.u32(static_cast<std::uint32_t>(config.election_ticks_min));
    w.u32(static_cast<std::uint32_t>(config.heartbeat_ticks));
    w.u8(config.prevote ? 1 : 0);
    w.u8(config.check_quorum ? 1 : 0);
    w.u64(options.max_size_per_msg);
    w.u32(static_cast<std::uint32_t>(config.max_inflight_appends));
    w.u8(config.read_mode == raft::ReadMode::lease ? 1 : 0);
    w.ids(options.bootstrap_voters);
    for (int i = 0; i < 4; ++i) w.u64(random.next_u64());
    w.u64(restored.hard_state.term);
    w.u64(restored.hard_state.voted_for);
    w.u64(restored.hard_state.commit);
    const bool has_snapshot = restored.snapshot_index > 0;
    w.u8(has_snapshot ? 1 : 0);
    if (has_snapshot) {
      RAFTSIM_ASSERT(restored.snapshot_membership.has_value(), "n{}: a snapshot without its membership", id_);
      w.snapshot(restored.snapshot_index, restored.snapshot_term, *restored.snapshot_membership,
                 restored.snapshot_data.get());
      snapshot_ = raft::Snapshot{restored.snapshot_index, restored.snapshot_term, restored.snapshot_data,
                                 *restored.snapshot_membership};
    }
    w.u32(static_cast<std::uint32_t>(restored.entries.size()));
    for (const raft::Entry& entry : restored.entries) w.entry(entry);
    out_.resize(4096);
    std::size_t size = 0;
    handle_ = etcd_raft_new(in_.buffer().data(), in_.buffer().size(), out_.data(), out_.size(), &size, &status_);
    check_call("start");
    etcd::WireReader reader(output(size), size);
    membership_ = reader.membership();
    log_ = raft::RaftLog(restored.snapshot_index, restored.snapshot_term, std::move(restored.entries));
    applied_ = restored.snapshot_index;
  }

  ~EtcdNode() override { etcd_raft_free(handle_); }

  void tick() override {
    etcd_raft_set_current(handle_);
    etcd_raft_tick(handle_, &status_);
    check_call("Tick");
  }

  void step(const raft::Message& message) override {
    in_.clear();
    in_.message(message);
    etcd_raft_set_current(handle_);
    etcd_raft_step(handle_, in_.buffer().data(), in_.buffer().size(), &status_);
    check_call("Step");
  }

  bool propose(std::shared_ptr<const std::string> data) override {
    in_.clear();
    in_.bytes(data.get());
    etcd_raft_set_current(handle_);
    const int accepted = etcd_raft_propose(handle_, in_.buffer().data(), in_.buffer().size(), &status_);
    check_call("Propose");
    return accepted != 0;
  }

  void read_index(std::uint64_t request_id) override {
    etcd_raft_set_current(handle_);
    etcd_raft_read_index(handle_, read_context(request_id), &status_);
    check_call("ReadIndex");
  }

  void compact(raft::LogIndex index, std::shared_ptr<const std::string> data) override {
    etcd_raft_set_current(handle_);
    const std::uint64_t term =
        etcd_raft_compact(handle_, index, reinterpret_cast<std::uint8_t*>(const_cast<char*>(data->data())),
                          data->size(), &status_);
    check_call("CreateSnapshot/Compact");
    if (term == 0) return;  // not durable yet here: the host asks again later
    log_.compact_to(index, term);
    snapshot_ = raft::Snapshot{index, term, std::move(data), membership_};
  }

  bool propose_membership(const raft::MembershipChange& change) override {
    int kind = 0;
    switch (change.type) {
      case raft::MembershipChangeType::add_learner: kind = 0; break;
      case raft::MembershipChangeType::promote: kind = 1; break;
      case raft::MembershipChangeType::remove: kind = 2; break;
    }
    etcd_raft_set_current(handle_);
    const int accepted = etcd_raft_propose_conf_change(handle_, kind, change.node, &status_);
    check_call("ProposeConfChange");
    return accepted != 0;
  }

  void transfer_leadership(raft::NodeId to) override {
    etcd_raft_set_current(handle_);
    etcd_raft_transfer_leader(handle_, to, &status_);
    check_call("TransferLeader");
  }

  void report_unreachable(raft::NodeId to) override {
    etcd_raft_set_current(handle_);
    etcd_raft_report_unreachable(handle_, to, &status_);
    check_call("ReportUnreachable");
  }

  void report_snapshot(raft::NodeId to, bool delivered) override {
    etcd_raft_set_current(handle_);
    etcd_raft_report_snapshot(handle_, to, delivered ? 1 : 0, &status_);
    check_call("ReportSnapshot");
  }

  // Entries are durable: nothing to do until the whole Ready is (ready_persisted).
  void persisted(raft::LogIndex, raft::Term) override {}

  void ready_persisted() override {
    etcd_raft_set_current(handle_);
    etcd_raft_persisted(handle_, &status_);
    check_call("Advance");
  }

  bool has_ready() const override { return status_.has_ready != 0; }

  void take_ready(raft::Ready& ready) override {
    ready.clear();
    etcd_raft_set_current(handle_);
    const std::size_t size = etcd_raft_ready(handle_, out_.data(), out_.size(), &status_);
    check_call("Ready");
    etcd::WireReader r(output(size), size);
    const std::uint8_t flags = r.u8();
    if (flags & 1) ready.hard_state = raft::HardState{r.u64(), static_cast<raft::NodeId>(r.u64()), r.u64()};
    if (flags & 2) {
      ready.snapshot = r.snapshot();
      log_.reset_to_snapshot(ready.snapshot->index, ready.snapshot->term);
      snapshot_ = *ready.snapshot;
      applied_ = ready.snapshot->index;
    }
    const std::uint32_t entries = r.u32();
    for (std::uint32_t i = 0; i < entries; ++i) {
      raft::Entry entry = r.entry(nullptr);
      if (entry.index <= log_.last_index()) log_.truncate_from(entry.index);
      log_.append(entry);
      ready.entries.push_back(std::move(entry));
    }
    // The leader's messages leave at once, as etcd's server sends them
    // before its own write; a follower's wait for the Ready to be durable.
    std::vector<raft::Message>& messages = (flags & 4) ? ready.messages : ready.messages_after_persist;
    const std::uint32_t count = r.u32();
    for (std::uint32_t i = 0; i < count; ++i) {
      messages.emplace_back();
      r.message(messages.back(), &log_);
    }
    const std::uint32_t committed = r.u32();
    applied_configs_.clear();
    for (std::uint32_t i = 0; i < committed; ++i) {
      ready.committed.push_back(r.entry(&log_));
      applied_ = ready.committed.back().index;
      if (ready.committed.back().type == raft::EntryType::config) applied_configs_.emplace_back(applied_, r.membership());
    }
    const std::uint32_t reads = r.u32();
    for (std::uint32_t i = 0; i < reads; ++i) {
      const raft::LogIndex index = r.u64();
      ready.read_states.push_back({read_request(r.u64()), index});
    }
    const std::uint32_t dropped = r.u32();
    for (std::uint32_t i = 0; i < dropped; ++i) ready.dropped_reads.push_back(read_request(r.u64()));
    if (flags & 8) membership_ = r.membership();
    RAFTSIM_ASSERT(r.done(), "n{}: etcd bridge Ready has trailing bytes", id_);
  }

  raft::NodeId id() const override { return id_; }
  raft::Role role() const override {
    switch (status_.state) {
      case 1: return raft::Role::candidate;
      case 2: return raft::Role::leader;
      case 3: return raft::Role::pre_candidate;
      default: return raft::Role::follower;
    }
  }
  raft::Term term() const override { return status_.term; }
  raft::NodeId leader() const override { return static_cast<raft::NodeId>(status_.lead); }
  raft::NodeId voted_for() const override { return static_cast<raft::NodeId>(status_.vote); }
  raft::LogIndex commit_index() const override { return status_.commit; }
  raft::LogIndex applied_index() const override { return applied_; }
  const raft::Membership& membership() const override { return membership_; }
  const raft::RaftLog& log() const override { return log_; }
  const raft::Snapshot& snapshot() const override { return snapshot_; }
  raft::Membership config_after(const raft::Entry& entry) const override {
    for (const auto& [index, membership] : applied_configs_)
      if (index == entry.index) return membership;
    RAFTSIM_ASSERT(false, "n{}: no configuration applied at index {}", id_, entry.index);
    return {};
  }

  void check_invariants() const override {
    RAFTSIM_ASSERT(status_.term >= last_term_seen_, "n{}: term went back from {} to {}", id_, last_term_seen_,
                   status_.term);
    last_term_seen_ = status_.term;
    RAFTSIM_ASSERT(applied_ <= status_.commit || applied_ == snapshot_.index,
                   "n{}: applied {} past commit {}", id_, applied_, status_.commit);
  }

 private:
  // The bridge's output: in out_, or copied out after growing it.
  const std::uint8_t* output(std::size_t size) {
    if (size > out_.size()) {
      out_.resize(std::max(size, 2 * out_.size()));
      etcd_raft_copy_out(handle_, out_.data());
    }
    return out_.data();
  }

  void check_call(const char* what) {
    if (status_.failed == 0) return;
    std::string why(4096, '\0');
    why.resize(etcd_raft_error(handle_, reinterpret_cast<std::uint8_t*>(why.data()), why.size()));
    RAFTSIM_ASSERT(false, "n{}: etcd's raft failed in {}: {}", id_, what, why);
  }

  raft::NodeId id_;
  std::int64_t handle_ = 0;
  etcd_raft_status status_{};
  etcd::WireWriter in_;
  std::vector<std::uint8_t> out_;
  raft::RaftLog log_;
  raft::Snapshot snapshot_;
  raft::Membership membership_;
  raft::LogIndex applied_ = 0;
  // The configurations after the conf changes of the last Ready's committed entries.
  std::vector<std::pair<raft::LogIndex, raft::Membership>> applied_configs_;
  mutable raft::Term last_term_seen_ = 0;
};

}  // namespace

void require_etcd_raft() {}

void run_hosted_by_etcd_bridge(const std::function<void()>& body) {
  struct Call {
    const std::function<void()>* body;
    std::exception_ptr error;
  } call{&body, nullptr};
  etcd_raft_host(
      [](void* arg) {
        auto* call = static_cast<Call*>(arg);
        try {
          (*call->body)();
        } catch (...) {
          call->error = std::current_exception();  // rethrown outside Go's frames
        }
      },
      &call);
  if (call.error) std::rethrow_exception(call.error);
}
bool etcd_raft_built() { return true; }

std::unique_ptr<RaftNode> make_etcd_node(const raft::Config& config, const EtcdOptions& options,
                                         raft::RestoreState restored, RandomSource& random) {
  return std::make_unique<EtcdNode>(config, options, std::move(restored), random);
}

}  // namespace raftsim::sim
