#pragma once
// The HTML report of a run (`raftsim run --report FILE.html`, and one beside
// each fuzz failure): one self-contained file, inline SVG drawn by a little
// JavaScript from data embedded in the page, nothing fetched from anywhere.
//
//   report_data   what is drawn where (pure data, unit-tested)
//   report_json   that data as the JSON the page's script reads
//   html_writer   the page: header, verdicts, violation, faults, scenario text
//   report_style / report_script   the inline CSS and JavaScript
//   html.hpp      what every page shares: escaping, the base style, atomic writes
//
// quorum_report.hpp: the other page, `raftsim quorum --report` (a chart).
#include <string>

#include "sim/history/history.hpp"
#include "sim/report/report_data.hpp"
#include "sim/run.hpp"

namespace raftsim::sim::report {

// `options` plus what a report needs recorded. Recording changes nothing in
// the run: the trace hash is the same with or without it.
RunOptions with_recording(RunOptions options);

// The whole page.
std::string render_html(const ReportData& data);

// Builds and writes the report of a run made with with_recording(). Writes a
// temporary file and renames it: never a half-written report. Throws
// InputError when the file cannot be written.
void write_report(const std::string& path, const scenario::Scenario& scenario, const RunResult& result,
                  const history::History& history);

}  // namespace raftsim::sim::report
