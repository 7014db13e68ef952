#include "core/raft/message.hpp"

namespace raftsim::raft {

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::prevote_request: return "prevote_request";
    case MessageType::prevote_response: return "prevote_response";
    case MessageType::vote_request: return "vote_request";
    case MessageType::vote_response: return "vote_response";
    case MessageType::append: return "append";
    case MessageType::append_response: return "append_response";
    case MessageType::heartbeat: return "heartbeat";
    case MessageType::heartbeat_response: return "heartbeat_response";
    case MessageType::proposal: return "proposal";
    case MessageType::read_index_request: return "read_index_request";
    case MessageType::read_index_response: return "read_index_response";
    case MessageType::timeout_now: return "timeout_now";
    case MessageType::snapshot: return "snapshot";
    case MessageType::transfer_leader: return "transfer_leader";
  }
  return "?";
}

}  // namespace raftsim::raft
