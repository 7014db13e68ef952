// etcdctl's printers. Simple: printer_simple.go. JSON: encoding/json over the
// gogo-generated etcdserverpb/mvccpb structs, whose tags are `json:"name,omitempty"`;
// []byte fields are base64; a oneof prints with its Go field name and no tag,
// as {"Response":{"ResponsePut":..}} (compared with etcdctl 3.4.23);
// clientv3.WatchResponse has no tags, so its fields print with Go names.
#include "tools/raftsim/kv_print.hpp"

#include <fmt/format.h>

namespace raftsim::cli::kv_print {
namespace kv = raftsim::kv;
using kv_script::Command;
using kv_script::Format;

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8) | static_cast<std::uint8_t>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i + 1])) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

// --- simple ----------------------------------------------------------------------

void simple_kv(std::string& out, const kv::KeyValue& kv, bool value_only) {
  if (!value_only) out += kv.key + "\n";
  out += kv.value + "\n";
}

void simple(std::string& out, const kv::RangeResponse& r, const Command& command) {
  const auto* range = std::get_if<kv::RangeRequest>(&command.request);
  if (range != nullptr && range->count_only) {
    // etcdctl refuses --count-only outside `-w fields`; raftsim prints the count.
    out += fmt::format("{}\n", r.count);
    return;
  }
  for (const kv::KeyValue& kv : r.kvs) simple_kv(out, kv, command.print_value_only);
}
void simple(std::string& out, const kv::PutResponse& r, const Command& command) {
  out += "OK\n";
  if (r.prev_kv) simple_kv(out, *r.prev_kv, command.print_value_only);
}
void simple(std::string& out, const kv::DeleteRangeResponse& r, const Command& command) {
  out += fmt::format("{}\n", r.deleted);
  for (const kv::KeyValue& kv : r.prev_kvs) simple_kv(out, kv, command.print_value_only);
}
void simple(std::string& out, const kv::TxnResponse& r, const Command& command) {
  out += r.succeeded ? "SUCCESS\n" : "FAILURE\n";
  Command inner;  // txn ops print as plain commands (no --count-only special case)
  for (const kv::ResponseOp& op : r.responses) {
    out += "\n";
    std::visit([&](const auto& x) { simple(out, x, inner); }, op.response);
  }
  (void)command;
}
void simple(std::string& out, const kv::CompactionResponse&, const Command& command) {
  out += fmt::format("compacted revision {}\n", std::get<kv::CompactionRequest>(command.request).revision);
}

// --- json ------------------------------------------------------------------------

// A JSON object with Go's omitempty rules applied by the callers.
class Object {
 public:
  Object& raw(std::string_view name, const std::string& json) {
    out_ += first_ ? "" : ",";
    first_ = false;
    out_ += fmt::format("\"{}\":{}", name, json);
    return *this;
  }
  Object& number(std::string_view name, std::int64_t v) { return v == 0 ? *this : raw(name, std::to_string(v)); }
  Object& unsigned_number(std::string_view name, std::uint64_t v) {
    return v == 0 ? *this : raw(name, std::to_string(v));
  }
  Object& boolean(std::string_view name, bool v) { return v ? raw(name, "true") : *this; }
  Object& bytes(std::string_view name, std::string_view v) {
    return v.empty() ? *this : raw(name, "\"" + base64(v) + "\"");
  }
  std::string str() const { return "{" + out_ + "}"; }

 private:
  std::string out_;
  bool first_ = true;
};

std::string json_header(std::int64_t revision, bool server) {
  Object o;
  if (server) o.unsigned_number("cluster_id", cluster_id).unsigned_number("member_id", member_id);
  o.number("revision", revision);
  if (server) o.unsigned_number("raft_term", raft_term);
  return o.str();
}

std::string json_kv(const kv::KeyValue& kv) {
  return Object()
      .bytes("key", kv.key)
      .number("create_revision", kv.create_revision)
      .number("mod_revision", kv.mod_revision)
      .number("version", kv.version)
      .bytes("value", kv.value)
      .str();
}

std::string json_kvs(const std::vector<kv::KeyValue>& kvs) {
  std::string out = "[";
  for (std::size_t i = 0; i < kvs.size(); ++i) out += (i ? "," : "") + json_kv(kvs[i]);
  return out + "]";
}

// `top`: the response the client got (its header names the server); nested
// responses inside a txn carry only a revision.
std::string json(const kv::RangeResponse& r, bool top) {
  Object o;
  o.raw("header", json_header(r.header.revision, top));
  if (!r.kvs.empty()) o.raw("kvs", json_kvs(r.kvs));
  return o.boolean("more", r.more).number("count", r.count).str();
}
std::string json(const kv::PutResponse& r, bool top) {
  Object o;
  o.raw("header", json_header(r.header.revision, top));
  if (r.prev_kv) o.raw("prev_kv", json_kv(*r.prev_kv));
  return o.str();
}
std::string json(const kv::DeleteRangeResponse& r, bool top) {
  Object o;
  o.raw("header", json_header(r.header.revision, top)).number("deleted", r.deleted);
  if (!r.prev_kvs.empty()) o.raw("prev_kvs", json_kvs(r.prev_kvs));
  return o.str();
}
std::string json(const kv::TxnResponse& r, bool top) {
  Object o;
  o.raw("header", json_header(r.header.revision, top)).boolean("succeeded", r.succeeded);
  if (!r.responses.empty()) {
    std::string list = "[";
    for (std::size_t i = 0; i < r.responses.size(); ++i) {
      const char* name = "";
      std::string body;
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, kv::RangeResponse>) name = "ResponseRange";
            if constexpr (std::is_same_v<T, kv::PutResponse>) name = "ResponsePut";
            if constexpr (std::is_same_v<T, kv::DeleteRangeResponse>) name = "ResponseDeleteRange";
            if constexpr (std::is_same_v<T, kv::TxnResponse>) name = "ResponseTxn";
            body = json(x, false);
          },
          r.responses[i].response);
      list += fmt::format("{}{{\"Response\":{{\"{}\":{}}}}}", i ? "," : "", name, body);
    }
    o.raw("responses", list + "]");
  }
  return o.str();
}

std::string json_event(const kv::Event& e) {
  Object o;
  o.number("type", static_cast<std::int64_t>(e.type)).raw("kv", json_kv(e.kv));
  if (e.prev_kv) o.raw("prev_kv", json_kv(*e.prev_kv));
  return o.str();
}

}  // namespace

std::string format_response(const Command& command, const kv::Response& response, Format format) {
  std::string out;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, kv::Error>) {
          return;  // errors go to stderr, printed by the caller
        } else if constexpr (std::is_same_v<T, kv::CompactionResponse>) {
          simple(out, r, command);  // etcdctl prints this line whatever -w says
        } else if (format == Format::simple) {
          simple(out, r, command);
        } else {
          out += json(r, true) + "\n";
        }
      },
      response);
  return out;
}

std::string format_watch(const kv::WatchResponse& response, Format format) {
  if (format == Format::simple) {
    std::string out;
    for (const kv::Event& e : response.events) {
      out += e.type == kv::Event::Type::put ? "PUT\n" : "DELETE\n";
      if (e.prev_kv) simple_kv(out, *e.prev_kv, false);
      simple_kv(out, e.kv, false);
    }
    return out;
  }
  if (response.events.empty() && !response.canceled) return {};
  std::string events = "null";
  if (!response.events.empty()) {
    events = "[";
    for (std::size_t i = 0; i < response.events.size(); ++i) events += (i ? "," : "") + json_event(response.events[i]);
    events += "]";
  }
  return fmt::format("{{\"Header\":{},\"Events\":{},\"CompactRevision\":{},\"Canceled\":{},\"Created\":false}}\n",
                     json_header(response.canceled ? 0 : response.header.revision, true), events,
                     response.compact_revision, response.canceled ? "true" : "false");
}

}  // namespace raftsim::cli::kv_print
