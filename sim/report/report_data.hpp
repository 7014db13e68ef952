#pragma once
// What the HTML report draws, and where: pure data built from a run's result,
// its client history and its scenario. No HTML here (html_writer renders it),
// so tests can ask "is there a partition band on n1 from 5s to 15s?".
//
// Long runs stay small: the commit line is downsampled, and individual
// client operations and messages are kept only inside "detail windows"
// (around faults and a violation) when the whole run would not fit the
// limits; elsewhere clients are drawn as binned counts.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/history/history.hpp"
#include "sim/run_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace raftsim::sim::report {

struct Limits {
  std::size_t commit_points = 1500;  // per node
  std::size_t operations = 12'000;   // individual client operations embedded
  std::size_t messages = 20'000;     // message arrows embedded
  std::size_t client_bins = 400;     // per client, when operations are left out
  std::size_t role_spans = 4000;     // per node (beyond: merged into the last)
};

// Messages to record for a report (RunOptions::record_messages).
inline constexpr std::size_t kRecordMessages = 1'500'000;

struct TimeSpan {
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
};

struct RoleSpan {
  std::int64_t start_us = 0, end_us = 0;
  std::string role;  // follower, pre-candidate, candidate, leader
  std::uint64_t term = 0;
};

struct StateSpan {
  std::int64_t start_us = 0, end_us = 0;
  HostState state = HostState::down;  // down or paused; up is not drawn
};

struct TermMark {
  std::int64_t time_us = 0;
  std::uint64_t term = 0;
};

struct CommitPoint {
  std::int64_t time_us = 0;
  std::uint64_t index = 0;
};

// A stretch of time in which some of this node's links are cut.
struct CutSpan {
  std::int64_t start_us = 0, end_us = 0;
  std::vector<std::uint32_t> cannot_send_to;    // node ids
  std::vector<std::uint32_t> cannot_hear_from;  // node ids
  int side = 0;  // nodes with the same cuts in a span share a side (a colour)
  bool one_way() const { return cannot_send_to != cannot_hear_from; }
};

struct Lane {
  std::string node;  // "n1"
  std::vector<RoleSpan> roles;
  std::vector<StateSpan> states;
  std::vector<TermMark> terms;
  std::vector<CommitPoint> commits;  // step line, downsampled
  std::vector<CutSpan> cuts;
};

struct FaultMark {
  std::int64_t time_us = 0;
  std::string kind;  // partition, heal, crash, restart, isolate, pause, clock, network, transfer, membership
  std::string text;  // the timeline line, selectors resolved
};

struct ClientOp {
  std::size_t id = 0;  // index in the executed history (the linearizability witness names these)
  int client = 0;
  std::int64_t call_us = 0;
  std::int64_t end_us = 0;  // return, or the end of the run when the outcome is unknown
  bool returned = true;
  history::Outcome outcome = history::Outcome::ok;
  std::string label;  // "put k1=3", "get k1 -> 3"
  bool witness = false;
};

struct ClientBin {
  std::uint32_t ok = 0, fail = 0, unknown = 0;
};

struct ClientLane {
  int client = 0;
  std::vector<ClientBin> bins;  // empty when every operation is embedded
};

struct Message {
  std::int64_t sent_us = 0;
  std::int64_t delivered_us = -1;  // -1: lost
  std::uint32_t from = 0, to = 0;
  std::string type;  // append, heartbeat_response, ...
  std::uint32_t entries = 0;
};

struct Verdict {
  std::string name;
  bool ok = true;
  bool judged = true;
  std::string detail;
};

struct Violation {
  std::string check;        // linearizability
  std::string explanation;  // the checker's words and its table
  std::vector<std::size_t> ops;  // history ids, all present in ReportData::ops
  TimeSpan span;            // from the first call to the last return
};

struct ReportData {
  // Header.
  std::string scenario, description, source_name, source_text;
  std::uint64_t seed = 0;
  std::string trace_hash;
  std::int64_t duration_us = 0;
  std::uint64_t events = 0;
  bool pass = true;
  std::vector<std::string> bugs;
  std::vector<Verdict> checks;
  std::vector<Verdict> expectations;
  std::vector<std::pair<std::string, std::uint64_t>> metrics;
  // The picture.
  std::vector<Lane> lanes;  // n1..nN
  std::vector<FaultMark> faults;
  std::vector<ClientLane> clients;  // c1..cK
  std::int64_t bin_us = 0;          // width of a client bin
  std::vector<ClientOp> ops;        // embedded operations, by call time
  std::size_t ops_total = 0;
  std::vector<Message> messages;    // embedded messages, by send time
  std::size_t messages_total = 0;
  bool messages_recorded = false;   // the run recorded messages at all
  // Where ops and messages are complete; the whole run when everything fits.
  std::vector<TimeSpan> detail;
  std::vector<Violation> violations;
};

// Builds the report's data. `history` is the executed history run_scenario
// handed back (the witness indexes into it). The result must come from a run
// with RunOptions::observe (and record_messages for arrows).
ReportData build_report_data(const scenario::Scenario& scenario, const RunResult& result,
                             const history::History& history, const Limits& limits = {});

std::string_view fault_kind_name(const scenario::Fault& fault);
std::string operation_label(const history::Operation& op);

}  // namespace raftsim::sim::report
