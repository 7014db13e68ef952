#pragma once
// The C++ side of the wire format between the simulator and the etcd raft
// bridge (bridge/wire.go is the Go side): little-endian fixed-width integers,
// counts and lengths. raft::Message is the simulator's carrier for etcd's
// pb.Message: every field of pb.Message that etcd's raft 3.4 sets maps onto
// one of raft::Message's, so a message crosses the simulated network with
// the header the network, the faults and the trace read, and arrives as the
// same pb.Message it left as.
#include <cstdint>
#include <string>
#include <vector>

#include "core/raft/membership.hpp"
#include "core/raft/message.hpp"
#include "core/raft/ready.hpp"
#include "core/raft/log.hpp"

namespace raftsim::sim::etcd {

// pb.MessageType values (raft/raftpb/raft.pb.go, etcd 3.4).
enum class PbMessageType : std::uint8_t {
  prop = 2, app = 3, app_resp = 4, vote = 5, vote_resp = 6, snap = 7, heartbeat = 8, heartbeat_resp = 9,
  transfer_leader = 13, timeout_now = 14, read_index = 15, read_index_resp = 16, pre_vote = 17, pre_vote_resp = 18,
};

raft::MessageType from_pb(std::uint8_t type);
std::uint8_t to_pb(raft::MessageType type);

class WireWriter {
 public:
  std::vector<std::uint8_t>& buffer() { return buf_; }
  void clear() { buf_.clear(); }
  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void bytes(const std::string* data);
  void ids(const std::vector<raft::NodeId>& ids);
  void entry(const raft::Entry& entry);
  void snapshot(raft::LogIndex index, raft::Term term, const raft::Membership& membership, const std::string* data);
  void message(const raft::Message& message);

 private:
  template <typename T>
  void little_endian(T v);
  std::vector<std::uint8_t> buf_;
};

class WireReader {
 public:
  WireReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8();
  std::uint32_t u32();
  std::uint64_t u64();
  std::shared_ptr<const std::string> bytes();
  std::vector<raft::NodeId> ids();
  raft::Membership membership();
  // An entry; its data is shared with `log`'s entry at the same (index, term) when there is one.
  raft::Entry entry(const raft::RaftLog* log);
  raft::Snapshot snapshot();
  void message(raft::Message& message, const raft::RaftLog* log);
  bool done() const { return at_ == size_; }

 private:
  template <typename T>
  T little_endian();
  void need(std::size_t n) const;
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace raftsim::sim::etcd
