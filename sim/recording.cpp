// What the HTML report draws, recorded as the run goes (only when
// RunOptions::observe is set): each fault as it fired, with its selectors
// resolved, and the network's cut links after every change. Recording reads
// the simulation's state and changes none of it.
#include "sim/simulation.hpp"

namespace raftsim::sim {

void Simulation::record_fault(std::uint32_t fault, std::size_t timeline_before) {
  // The fault's own line is the last plain line it added (explanations follow
  // it; a membership fault still waiting for a leader adds none).
  for (std::size_t i = timeline_.size(); i > timeline_before; --i) {
    if (timeline_.entries()[i - 1].explanation) continue;
    fault_records_.push_back({scheduler_.now(), fault, timeline_.entries()[i - 1].text});
    break;
  }
  auto cut = network_.cut_links();
  const bool changed = network_changes_.empty() ? !cut.empty() : cut != network_changes_.back().cut;
  if (changed) network_changes_.push_back({scheduler_.now(), std::move(cut)});
}

}  // namespace raftsim::sim
