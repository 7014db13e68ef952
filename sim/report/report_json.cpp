#include "sim/report/report_json.hpp"

#include <fmt/format.h>

#include "sim/report.hpp"

namespace raftsim::sim::report {

namespace {

const std::vector<std::string> kRoles = {"follower", "pre-candidate", "candidate", "leader"};

int role_code(const std::string& role) {
  for (std::size_t i = 0; i < kRoles.size(); ++i)
    if (kRoles[i] == role) return static_cast<int>(i);
  return 0;
}

int outcome_code(history::Outcome outcome) {
  return outcome == history::Outcome::ok ? 0 : outcome == history::Outcome::fail ? 1 : 2;
}

std::string nodes_text(const std::vector<std::uint32_t>& ids) {
  std::string text;
  for (std::size_t i = 0; i < ids.size(); ++i) text += fmt::format("{}n{}", i ? "," : "", ids[i]);
  return text;
}

// "cut from n3,n4,n5", or for a one-way cut "cannot send to n2,n3" / "cannot hear n1".
std::string cut_label(const CutSpan& cut) {
  if (!cut.one_way()) return "cut from " + nodes_text(cut.cannot_send_to);
  std::string text;
  if (!cut.cannot_send_to.empty()) text += "cannot send to " + nodes_text(cut.cannot_send_to);
  if (!cut.cannot_hear_from.empty())
    text += (text.empty() ? "" : "; ") + std::string("cannot hear ") + nodes_text(cut.cannot_hear_from);
  return text;
}

class Out {
 public:
  void raw(std::string_view text) { text_ += text; }
  void string(std::string_view text) { text_ += json_string(text); }
  template <typename... Args>
  void format(fmt::format_string<Args...> pattern, Args&&... args) {
    fmt::format_to(std::back_inserter(text_), pattern, std::forward<Args>(args)...);
  }
  // A JSON array of `items`, each written by `write`.
  template <typename Items, typename Write>
  void array(const Items& items, Write write) {
    text_ += '[';
    bool first = true;
    for (const auto& item : items) {
      if (!first) text_ += ',';
      first = false;
      write(item);
    }
    text_ += ']';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace

std::string report_json(const ReportData& data) {
  Out out;
  out.format("{{\"duration\":{},\"roleNames\":", data.duration_us);
  out.array(kRoles, [&](const std::string& role) { out.string(role); });
  out.raw(",\"nodes\":");
  out.array(data.lanes, [&](const Lane& lane) { out.string(lane.node); });
  out.raw(",\"lanes\":");
  out.array(data.lanes, [&](const Lane& lane) {
    out.raw("{\"roles\":");
    out.array(lane.roles, [&](const RoleSpan& r) { out.format("[{},{},{},{}]", r.start_us, r.end_us, role_code(r.role), r.term); });
    out.raw(",\"states\":");
    out.array(lane.states, [&](const StateSpan& s) {
      out.format("[{},{},{}]", s.start_us, s.end_us, s.state == HostState::down ? 0 : 1);
    });
    out.raw(",\"terms\":");
    out.array(lane.terms, [&](const TermMark& t) { out.format("[{},{}]", t.time_us, t.term); });
    out.raw(",\"commits\":");
    out.array(lane.commits, [&](const CommitPoint& c) { out.format("[{},{}]", c.time_us, c.index); });
    out.raw(",\"cuts\":");
    out.array(lane.cuts, [&](const CutSpan& c) {
      out.format("[{},{},{},{},", c.start_us, c.end_us, c.side, c.one_way() ? 1 : 0);
      out.string(cut_label(c));
      out.raw("]");
    });
    out.raw("}");
  });
  out.raw(",\"faults\":");
  out.array(data.faults, [&](const FaultMark& f) {
    out.format("[{},", f.time_us);
    out.string(f.kind);
    out.raw(",");
    out.string(f.text);
    out.raw("]");
  });
  out.format(",\"clients\":{},\"binUs\":{},\"bins\":", data.clients.size(), data.bin_us);
  out.array(data.clients, [&](const ClientLane& lane) {
    out.array(lane.bins, [&](const ClientBin& b) { out.format("[{},{},{}]", b.ok, b.fail, b.unknown); });
  });
  out.format(",\"opsTotal\":{},\"ops\":", data.ops_total);
  out.array(data.ops, [&](const ClientOp& op) {
    out.format("[{},{},{},{},{},{},", op.id, op.client, op.call_us, op.end_us, op.returned ? 1 : 0, outcome_code(op.outcome));
    out.string(op.label);
    out.format(",{}]", op.witness ? 1 : 0);
  });
  // Message types by index, in order of first appearance.
  std::vector<std::string> types;
  const auto type_index = [&](const std::string& type) {
    for (std::size_t i = 0; i < types.size(); ++i)
      if (types[i] == type) return i;
    types.push_back(type);
    return types.size() - 1;
  };
  out.format(",\"messagesRecorded\":{},\"messagesTotal\":{},\"messages\":", data.messages_recorded, data.messages_total);
  out.array(data.messages, [&](const Message& m) {
    // The delivery as a delay after the send (shorter); -1: lost.
    out.format("[{},{},{},{},{},{}]", m.sent_us, m.delivered_us < 0 ? -1 : m.delivered_us - m.sent_us, m.from, m.to,
               type_index(m.type), m.entries);
  });
  out.raw(",\"messageTypes\":");
  out.array(types, [&](const std::string& type) { out.string(type); });
  out.raw(",\"detail\":");
  out.array(data.detail, [&](const TimeSpan& s) { out.format("[{},{}]", s.start_us, s.end_us); });
  out.raw(",\"violations\":");
  out.array(data.violations, [&](const Violation& v) {
    out.raw("{\"check\":");
    out.string(v.check);
    out.raw(",\"ops\":");
    out.array(v.ops, [&](std::size_t id) { out.format("{}", id); });
    out.format(",\"span\":[{},{}]}}", v.span.start_us, v.span.end_us);
  });
  out.raw("}");
  std::string json = out.take();
  // '<' appears only inside strings: escaping it keeps "</script>" out of the page.
  std::string safe;
  safe.reserve(json.size());
  for (char ch : json) {
    if (ch == '<') safe += "\\u003c";
    else safe += ch;
  }
  return safe;
}

}  // namespace raftsim::sim::report
