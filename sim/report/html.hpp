#pragma once
// What every raftsim HTML page shares (the run report, the quorum report):
// escaping, the base stylesheet, and writing the file without ever leaving a
// half-written one behind.
#include <string>
#include <string_view>

namespace raftsim::sim::report {

// Text for HTML content and attribute values: & < > " ' escaped.
std::string escape_html(std::string_view text);

// The base stylesheet (report_style.cpp): fonts, headings, tables, badges.
extern const char* const kReportStyle;

// The frame of a page's inline script (page_script.cpp): between the two
// goes the page's own script, which defines `main()` and may call `fail()`.
// The frame marks <html data-render="ok"> or "error: ...", with a banner.
extern const char* const kPageScriptStart;
extern const char* const kPageScriptEnd;

// Writes `text` to a temporary file beside `path` and renames it over `path`:
// never a half-written page. Throws InputError naming `option` (like
// "--report") when the file cannot be written.
void write_file_atomically(const std::string& path, std::string_view text, std::string_view option);

// Throws InputError naming `option` when `path`'s directory does not exist,
// so that a long computation is not wasted on a typo.
void check_output_directory(const std::string& path, std::string_view option);

}  // namespace raftsim::sim::report
