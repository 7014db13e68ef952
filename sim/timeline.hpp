#pragma once
// The run's timeline: what a person reads (elections, faults as they fired,
// what reflectors did), and with --explain a plain sentence after a line
// about why it matters. Owns its entries; every component that has
// something to say writes here, and the summary and the report read it.
#include <string>
#include <utility>
#include <vector>

#include "sim/run_result.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"

namespace raftsim::sim {

class Timeline {
 public:
  Timeline(const Scheduler& scheduler, Trace& trace, bool explaining)
      : scheduler_(scheduler), trace_(trace), explaining_(explaining) {}

  // A line of the timeline, at the current virtual time; also a trace line.
  void say(std::string text);
  // With --explain: a sentence about the line before it. Without: nothing.
  void explain(std::string text) {
    if (explaining_) entries_.push_back({scheduler_.now(), std::move(text), true});
  }
  bool explaining() const { return explaining_; }

  const std::vector<TimelineEntry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

 private:
  const Scheduler& scheduler_;
  Trace& trace_;
  bool explaining_;
  std::vector<TimelineEntry> entries_;
};

}  // namespace raftsim::sim
