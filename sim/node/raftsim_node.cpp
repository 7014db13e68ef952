// raftsim's own Raft core behind the simulator's node interface.
#include "sim/node/raft_node.hpp"

namespace raftsim::sim {

namespace {

class RaftsimNode final : public RaftNode {
 public:
  RaftsimNode(const raft::Config& config, raft::RestoreState restored, RandomSource& random)
      : node_(config, std::move(restored), random) {}

  void tick() override { node_.tick(); }
  void step(const raft::Message& message) override { node_.step(message); }
  bool propose(std::shared_ptr<const std::string> data) override { return node_.propose(std::move(data)); }
  void read_index(std::uint64_t request_id) override { node_.read_index(request_id); }
  void compact(raft::LogIndex index, std::shared_ptr<const std::string> data) override {
    node_.compact(index, std::move(data));
  }
  bool propose_membership(const raft::MembershipChange& change) override { return node_.propose_membership(change); }
  void transfer_leadership(raft::NodeId to) override { node_.transfer_leadership(to); }
  void persisted(raft::LogIndex index, raft::Term term) override { node_.persisted(index, term); }
  bool has_ready() const override { return node_.has_ready(); }
  void take_ready(raft::Ready& ready) override { node_.take_ready(ready); }

  raft::NodeId id() const override { return node_.id(); }
  raft::Role role() const override { return node_.role(); }
  raft::Term term() const override { return node_.term(); }
  raft::NodeId leader() const override { return node_.leader(); }
  raft::NodeId voted_for() const override { return node_.voted_for(); }
  raft::LogIndex commit_index() const override { return node_.commit_index(); }
  raft::LogIndex applied_index() const override { return node_.applied_index(); }
  const raft::Membership& membership() const override { return node_.membership(); }
  const raft::RaftLog& log() const override { return node_.log(); }
  const raft::Snapshot& snapshot() const override { return node_.snapshot(); }
  std::optional<ElectionTally> last_election() const override {
    return ElectionTally{node_.granted_votes(), node_.election_membership().voters.size(),
                         node_.quorum_of(node_.election_membership())};
  }
  void check_invariants() const override { node_.check_invariants(); }

 private:
  raft::Node node_;
};

}  // namespace

std::unique_ptr<RaftNode> make_raftsim_node(const raft::Config& config, raft::RestoreState restored,
                                            RandomSource& random) {
  return std::make_unique<RaftsimNode>(config, std::move(restored), random);
}

}  // namespace raftsim::sim
