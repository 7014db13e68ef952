#pragma once
// The report's data as compact JSON for the page's script: arrays of numbers
// rather than objects, times in integer microseconds.
#include <string>

#include "sim/report/report_data.hpp"

namespace raftsim::sim::report {

// Safe to place inside <script type="application/json">: every '<' is escaped.
std::string report_json(const ReportData& data);

}  // namespace raftsim::sim::report
