#include "sim/timeline.hpp"

#include "sim/report.hpp"

namespace raftsim::sim {

void Timeline::say(std::string text) {
  if (trace_.writing()) trace_.write(scheduler_.now(), "timeline", "\"text\":" + json_string(text));
  entries_.push_back({scheduler_.now(), std::move(text)});
}

}  // namespace raftsim::sim
