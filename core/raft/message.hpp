#pragma once
// Messages between Raft nodes. One flat struct for every kind, as etcd's
// raftpb.Message: a simulator moves millions of them, and a flat value with
// a reused entry vector costs less than a variant of heap-allocated kinds.
#include <cstdint>
#include <vector>

#include "core/raft/types.hpp"

namespace raftsim::raft {

enum class MessageType : std::uint8_t {
  prevote_request,      // §9.6 of Ongaro's thesis: would you vote for me? (term not bumped)
  prevote_response,
  vote_request,         // RequestVote RPC
  vote_response,
  append,               // AppendEntries RPC
  append_response,
  heartbeat,            // empty AppendEntries; carries commit and a read round
  heartbeat_response,
  proposal,             // a follower forwards client commands to its leader
  read_index_request,   // a follower asks the leader for a read index
  read_index_response,
  timeout_now,          // leadership transfer: start an election now
  snapshot,             // InstallSnapshot RPC (§7): the leader's compacted state
  transfer_leader,      // a follower forwards a leadership transfer to its leader (etcd's MsgTransferLeader)
};

const char* message_type_name(MessageType type);

// Context of a vote request sent because of a leadership transfer: voters
// grant it even inside their leader lease (etcd's campaignTransfer).
inline constexpr std::uint64_t kForceVote = 0xF0;

struct Message {
  MessageType type = MessageType::append;
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Term term = 0;
  // append: the index and term preceding `entries` (prevLogIndex, prevLogTerm).
  // vote requests: the candidate's last log index and term.
  // append_response: the index acknowledged, or the rejected prevLogIndex.
  // read_index_response: the read index.
  LogIndex log_index = 0;
  Term log_term = 0;
  LogIndex commit = 0;       // leaderCommit
  bool reject = false;
  LogIndex reject_hint = 0;  // fast backtracking: the follower's best guess of a match
  Term hint_term = 0;        // and the term it has there
  std::uint64_t context = 0; // heartbeat read round, or read request id
  std::vector<Entry> entries;
  // snapshot: the state machine at (log_index, log_term), shared, never
  // copied, and the membership in force there (encoded).
  std::shared_ptr<const std::string> snapshot;
  std::string snapshot_membership;
};

}  // namespace raftsim::raft
