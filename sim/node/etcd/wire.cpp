#include "sim/node/etcd/wire.hpp"

#include <cstring>

#include "core/assert.hpp"

namespace raftsim::sim::etcd {

namespace {

// Entry kinds and context kinds, as in wire.go.
constexpr std::uint8_t kEntryNormal = 0, kEntryEmpty = 1, kEntryConfChange = 2;
constexpr std::uint8_t kContextNone = 0, kContextRead = 1, kContextTransfer = 2;

bool is_vote(raft::MessageType type) {
  return type == raft::MessageType::vote_request || type == raft::MessageType::prevote_request;
}

}  // namespace

raft::MessageType from_pb(std::uint8_t type) {
  using T = raft::MessageType;
  switch (static_cast<PbMessageType>(type)) {
    case PbMessageType::prop: return T::proposal;
    case PbMessageType::app: return T::append;
    case PbMessageType::app_resp: return T::append_response;
    case PbMessageType::vote: return T::vote_request;
    case PbMessageType::vote_resp: return T::vote_response;
    case PbMessageType::snap: return T::snapshot;
    case PbMessageType::heartbeat: return T::heartbeat;
    case PbMessageType::heartbeat_resp: return T::heartbeat_response;
    case PbMessageType::transfer_leader: return T::transfer_leader;
    case PbMessageType::timeout_now: return T::timeout_now;
    case PbMessageType::read_index: return T::read_index_request;
    case PbMessageType::read_index_resp: return T::read_index_response;
    case PbMessageType::pre_vote: return T::prevote_request;
    case PbMessageType::pre_vote_resp: return T::prevote_response;
  }
  RAFTSIM_ASSERT(false, "etcd's raft sent a message of local type {}", type);
  return T::append;
}

std::uint8_t to_pb(raft::MessageType type) {
  using T = raft::MessageType;
  PbMessageType pb = PbMessageType::app;
  switch (type) {
    case T::proposal: pb = PbMessageType::prop; break;
    case T::append: pb = PbMessageType::app; break;
    case T::append_response: pb = PbMessageType::app_resp; break;
    case T::vote_request: pb = PbMessageType::vote; break;
    case T::vote_response: pb = PbMessageType::vote_resp; break;
    case T::snapshot: pb = PbMessageType::snap; break;
    case T::heartbeat: pb = PbMessageType::heartbeat; break;
    case T::heartbeat_response: pb = PbMessageType::heartbeat_resp; break;
    case T::transfer_leader: pb = PbMessageType::transfer_leader; break;
    case T::timeout_now: pb = PbMessageType::timeout_now; break;
    case T::read_index_request: pb = PbMessageType::read_index; break;
    case T::read_index_response: pb = PbMessageType::read_index_resp; break;
    case T::prevote_request: pb = PbMessageType::pre_vote; break;
    case T::prevote_response: pb = PbMessageType::pre_vote_resp; break;
  }
  return static_cast<std::uint8_t>(pb);
}

template <typename T>
void WireWriter::little_endian(T v) {
  std::uint8_t bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<std::uint8_t>(v >> (8 * i));
  buf_.insert(buf_.end(), bytes, bytes + sizeof(T));
}

void WireWriter::u32(std::uint32_t v) { little_endian(v); }
void WireWriter::u64(std::uint64_t v) { little_endian(v); }

void WireWriter::bytes(const std::string* data) {
  const std::size_t size = data ? data->size() : 0;
  u32(static_cast<std::uint32_t>(size));
  if (size > 0) buf_.insert(buf_.end(), data->begin(), data->end());
}

void WireWriter::ids(const std::vector<raft::NodeId>& ids) {
  u32(static_cast<std::uint32_t>(ids.size()));
  for (raft::NodeId id : ids) u64(id);
}

void WireWriter::entry(const raft::Entry& entry) {
  u64(entry.term);
  u64(entry.index);
  switch (entry.type) {
    case raft::EntryType::normal: u8(entry.data && !entry.data->empty() ? kEntryNormal : kEntryEmpty); break;
    case raft::EntryType::noop: u8(kEntryEmpty); break;
    case raft::EntryType::config: u8(kEntryConfChange); break;
  }
  bytes(entry.data.get());
}

void WireWriter::snapshot(raft::LogIndex index, raft::Term term, const raft::Membership& membership,
                          const std::string* data) {
  u64(index);
  u64(term);
  ids(membership.voters);
  ids(membership.learners);
  bytes(data);
}

void WireWriter::message(const raft::Message& m) {
  const bool snap = m.type == raft::MessageType::snapshot;
  u8(to_pb(m.type));
  u64(m.from);
  u64(m.to);
  u64(m.term);
  u64(snap ? 0 : m.log_term);
  u64(snap ? 0 : m.log_index);
  u64(m.commit);
  u8(m.reject ? 1 : 0);
  u64(m.reject_hint);
  if (m.context == 0) {
    u8(kContextNone);
    u64(0);
  } else if (is_vote(m.type)) {
    RAFTSIM_ASSERT(m.context == raft::kForceVote, "vote context {}", m.context);
    u8(kContextTransfer);
    u64(0);
  } else {
    u8(kContextRead);
    u64(m.context);
  }
  u32(static_cast<std::uint32_t>(m.entries.size()));
  for (const raft::Entry& e : m.entries) entry(e);
  u8(snap ? 1 : 0);
  if (snap) snapshot(m.log_index, m.log_term, raft::decode_membership(m.snapshot_membership), m.snapshot.get());
}

void WireReader::need(std::size_t n) const {
  RAFTSIM_ASSERT(at_ + n <= size_, "etcd bridge wire: truncated (need {} bytes at {} of {})", n, at_, size_);
}

std::uint8_t WireReader::u8() {
  need(1);
  return data_[at_++];
}

template <typename T>
T WireReader::little_endian() {
  need(sizeof(T));
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(T{data_[at_ + i]} << (8 * i));
  at_ += sizeof(T);
  return v;
}

std::uint32_t WireReader::u32() { return little_endian<std::uint32_t>(); }
std::uint64_t WireReader::u64() { return little_endian<std::uint64_t>(); }

std::shared_ptr<const std::string> WireReader::bytes() {
  const std::uint32_t size = u32();
  need(size);
  if (size == 0) return nullptr;
  auto data = std::make_shared<const std::string>(reinterpret_cast<const char*>(data_ + at_), size);
  at_ += size;
  return data;
}

std::vector<raft::NodeId> WireReader::ids() {
  const std::uint32_t count = u32();
  std::vector<raft::NodeId> ids;
  ids.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) ids.push_back(static_cast<raft::NodeId>(u64()));
  return ids;
}

raft::Membership WireReader::membership() {
  raft::Membership membership;
  membership.voters = ids();
  membership.learners = ids();
  std::sort(membership.voters.begin(), membership.voters.end());
  std::sort(membership.learners.begin(), membership.learners.end());
  return membership;
}

raft::Entry WireReader::entry(const raft::RaftLog* log) {
  raft::Entry entry;
  entry.term = u64();
  entry.index = u64();
  const std::uint8_t kind = u8();
  entry.type = kind == kEntryEmpty ? raft::EntryType::noop
               : kind == kEntryConfChange ? raft::EntryType::config
                                          : raft::EntryType::normal;
  RAFTSIM_ASSERT(kind <= kEntryConfChange, "etcd bridge wire: entry kind {}", kind);
  // The same (index, term) in the node's own log is the same entry (Log
  // Matching): share its payload rather than copy it again.
  if (log != nullptr && entry.index > log->snapshot_index() && entry.index <= log->last_index() &&
      log->at(entry.index).term == entry.term) {
    const std::uint32_t size = u32();
    need(size);
    at_ += size;
    entry.data = log->at(entry.index).data;
    return entry;
  }
  entry.data = bytes();
  return entry;
}

raft::Snapshot WireReader::snapshot() {
  raft::Snapshot snapshot;
  snapshot.index = u64();
  snapshot.term = u64();
  snapshot.membership = membership();
  snapshot.data = bytes();
  if (!snapshot.data) snapshot.data = std::make_shared<const std::string>();
  return snapshot;
}

void WireReader::message(raft::Message& m, const raft::RaftLog* log) {
  m.type = from_pb(u8());
  m.from = static_cast<raft::NodeId>(u64());
  m.to = static_cast<raft::NodeId>(u64());
  m.term = u64();
  m.log_term = u64();
  m.log_index = u64();
  m.commit = u64();
  m.reject = u8() != 0;
  m.reject_hint = u64();
  const std::uint8_t context_kind = u8();
  const std::uint64_t context = u64();
  m.context = context_kind == kContextNone ? 0 : context_kind == kContextTransfer ? raft::kForceVote : context;
  RAFTSIM_ASSERT(context_kind != kContextRead || context != 0, "a read context of 0");
  m.hint_term = 0;
  const std::uint32_t count = u32();
  m.entries.clear();
  m.entries.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) m.entries.push_back(entry(log));
  m.snapshot.reset();
  m.snapshot_membership.clear();
  if (u8() != 0) {
    RAFTSIM_ASSERT(m.log_index == 0 && m.log_term == 0, "MsgSnap with index {} term {}", m.log_index, m.log_term);
    raft::Snapshot snapshot = this->snapshot();
    m.log_index = snapshot.index;
    m.log_term = snapshot.term;
    m.snapshot = snapshot.data;
    m.snapshot_membership = raft::encode_membership(snapshot.membership);
  }
}

}  // namespace raftsim::sim::etcd
