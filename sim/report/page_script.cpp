// The frame of every raftsim page's inline script. A page's own script
// defines `main()`; the frame runs it and marks <html data-render="ok"> on
// success, or "error: ..." with a red banner (#render-error) on any script
// error, which is what the browser test reads.
#include "sim/report/html.hpp"

namespace raftsim::sim::report {

const char* const kPageScriptStart = R"JS(
(function () {
"use strict";
var root = document.documentElement;
function fail(message) {
  root.setAttribute("data-render", "error: " + message);
  var box = document.getElementById("render-error");
  if (box) { box.hidden = false; box.textContent = "The page could not be drawn: " + message; }
}
window.onerror = function (message, source, line) { fail(message + " (line " + line + ")"); };
)JS";

const char* const kPageScriptEnd = R"JS(
try {
  main();
  if (root.getAttribute("data-render") === "pending") root.setAttribute("data-render", "ok");
} catch (e) {
  fail(String((e && e.message) || e));
}
})();
)JS";

}  // namespace raftsim::sim::report
