// The report page's inline JavaScript: draws the picture as SVG from the
// embedded JSON for the chosen time window (zoom, pan, select), with message
// arrows in short windows. It defines main(); the page's script frame
// (page_script.cpp) runs it and marks success or failure.
namespace raftsim::sim::report {

extern const char* const kReportScript;
const char* const kReportScript = R"JS(
var NS = "http://www.w3.org/2000/svg";
var LEFT = 58, RIGHT = 64, AXIS = 48, LANE = 46, ROLE_H = 27, CUT_Y = 29, CUT_H = 12, CLIENT_H = 15, GAP = 30;
var ARROW_SPAN = 2e6, MAX_ARROWS = 600, MAX_OPS = 1500;
var SIDES = ["#e76f51", "#2a9d8f", "#8e6cc0", "#d4a017", "#3d7dca", "#c0587e", "#6a994e", "#b5651d"];
var MESSAGE_COLOURS = {
  append: "#1f6fd1", append_response: "#74a9e8", heartbeat: "#8d99a6", heartbeat_response: "#b8c1cc",
  vote_request: "#e8590c", vote_response: "#f59f00", prevote_request: "#d9480f", prevote_response: "#fab005",
  proposal: "#2b8a3e", read_index_request: "#2f9e44", read_index_response: "#74b816",
  timeout_now: "#c2255c", snapshot: "#7048e8"
};
var OUTCOMES = ["ok", "fail", "unknown"];

var D, chart, overview, view, width = 1200, selecting = null;

function el(parent, name, attrs, text) {
  var e = document.createElementNS(NS, name);
  for (var key in attrs) e.setAttribute(key, attrs[key]);
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}
function tip(e, text) { el(e, "title", {}, text); return e; }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function sec(us) {
  var span = view ? view.t1 - view.t0 : D.duration;
  var digits = span < 2e4 ? 5 : span < 2e5 ? 4 : 3;
  return (us / 1e6).toFixed(digits) + "s";
}
function plotWidth() { return width - LEFT - RIGHT; }
function x(t) { return LEFT + (t - view.t0) / (view.t1 - view.t0) * plotWidth(); }
function timeAt(px) { return view.t0 + (px - LEFT) / plotWidth() * (view.t1 - view.t0); }
function visible(a, b) { return b >= view.t0 && a <= view.t1; }
function laneTop(i) { return AXIS + i * LANE; }
function clientsTop() { return AXIS + D.lanes.length * LANE + GAP; }
function clientY(c) { return clientsTop() + (c - 1) * CLIENT_H; }
function rect(g, a, b, y, h, cls) {
  var x0 = Math.max(LEFT, x(a)), x1 = Math.min(LEFT + plotWidth(), x(b));
  return el(g, "rect", {x: x0.toFixed(1), y: y, width: Math.max(0.8, x1 - x0).toFixed(1), height: h, "class": cls});
}

function setView(t0, t1) {
  var minSpan = 2000;
  if (t1 - t0 < minSpan) { var mid = (t0 + t1) / 2; t0 = mid - minSpan / 2; t1 = mid + minSpan / 2; }
  var span = Math.min(t1 - t0, D.duration);
  t0 = Math.max(0, Math.min(t0, D.duration - span));
  view = {t0: t0, t1: t0 + span};
  if (history.replaceState) {
    try { history.replaceState(null, "", "#window=" + (view.t0 / 1e6).toFixed(4) + "-" + (view.t1 / 1e6).toFixed(4)); } catch (e) { /* file: URLs may refuse */ }
  }
  draw();
}

function niceStep(raw) {
  var p = Math.pow(10, Math.floor(Math.log10(raw)));
  var n = raw / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function defs(svg) {
  var d = el(svg, "defs", {});
  var down = el(d, "pattern", {id: "hatch-down", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)"});
  el(down, "rect", {width: 6, height: 6, fill: "#5a626d"});
  el(down, "rect", {width: 3, height: 6, fill: "#3f4650"});
  var paused = el(d, "pattern", {id: "hatch-paused", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)"});
  el(paused, "rect", {width: 6, height: 6, fill: "#ede7f6"});
  el(paused, "rect", {width: 3, height: 6, fill: "#b39ddb"});
  SIDES.forEach(function (colour, i) {
    var p = el(d, "pattern", {id: "oneway-" + i, width: 7, height: 12, patternUnits: "userSpaceOnUse"});
    el(p, "rect", {width: 7, height: 12, fill: "#fff"});
    el(p, "rect", {width: 4.5, height: 12, fill: colour});
  });
  Object.keys(MESSAGE_COLOURS).concat(["other"]).forEach(function (type) {
    var m = el(d, "marker", {id: "arrow-" + type, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse"});
    el(m, "path", {d: "M0,0 L10,5 L0,10 z", fill: MESSAGE_COLOURS[type] || "#555"});
  });
  var clip = el(d, "clipPath", {id: "plot"});
  el(clip, "rect", {x: LEFT, y: 0, width: plotWidth(), height: 100000});
}

function drawAxis(svg, height) {
  var step = niceStep((view.t1 - view.t0) / Math.max(2, plotWidth() / 110));
  var digits = Math.max(0, -Math.floor(Math.log10(step / 1e6) + 1e-9));
  for (var t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
    el(svg, "line", {x1: x(t), x2: x(t), y1: AXIS - 6, y2: height - 6, "class": "grid"});
    el(svg, "text", {x: x(t), y: 12, "text-anchor": "middle", "class": "axis-label"}, (t / 1e6).toFixed(digits) + "s");
  }
}

function valueAt(points, t) {  // step function: the last point at or before t
  var lo = 0, hi = points.length - 1, v = 0;
  while (lo <= hi) {
    var mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) { v = points[mid][1]; lo = mid + 1; } else hi = mid - 1;
  }
  return v;
}

function drawLane(g, labels, lane, i, lo, hi) {
  var top = laneTop(i);
  el(g, "rect", {x: LEFT, y: top, width: plotWidth(), height: ROLE_H, fill: "#f8fafc"});
  lane.roles.forEach(function (r) {
    if (!visible(r[0], r[1])) return;
    var name = D.roleNames[r[2]] || "follower";
    tip(rect(g, r[0], r[1], top, ROLE_H, "role-" + name), D.nodes[i] + " " + name + " of term " + r[3] + ", " + sec(r[0]) + " to " + sec(r[1]));
    var w = Math.min(x(r[1]), LEFT + plotWidth()) - Math.max(x(r[0]), LEFT);
    if (w > 90 && name !== "follower") el(g, "text", {x: Math.max(x(r[0]), LEFT) + 4, y: top + 11, "class": "role-text"}, name + " · term " + r[3]);
  });
  lane.states.forEach(function (s) {
    if (!visible(s[0], s[1])) return;
    var what = s[2] === 0 ? "down (crashed or not started)" : "paused";
    tip(rect(g, s[0], s[1], top, ROLE_H, s[2] === 0 ? "state-down" : "state-paused"), D.nodes[i] + " " + what + ", " + sec(s[0]) + " to " + sec(s[1]));
  });
  var inView = lane.terms.filter(function (m) { return m[0] >= view.t0 && m[0] <= view.t1; });
  inView.forEach(function (m) {
    el(g, "line", {x1: x(m[0]), x2: x(m[0]), y1: top - 2, y2: top + 6, "class": "term-mark"});
    if (inView.length < plotWidth() / 40) el(g, "text", {x: x(m[0]) + 2, y: top + ROLE_H - 3, "class": "term-text"}, "t" + m[1]);
  });
  // The commit index, scaled to what the window shows across all nodes.
  var c = lane.commits, points = [], span = Math.max(1, hi - lo);
  function y(v) { return top + ROLE_H - 3 - (Math.max(lo, Math.min(hi, v)) - lo) / span * (ROLE_H - 8); }
  var start = valueAt(c, view.t0), last = start;
  points.push(LEFT + "," + y(start).toFixed(1));
  for (var k = 0; k < c.length; ++k) {
    if (c[k][0] <= view.t0) continue;
    if (c[k][0] > view.t1) break;
    var px = x(c[k][0]).toFixed(1);
    points.push(px + "," + y(last).toFixed(1), px + "," + y(c[k][1]).toFixed(1));
    last = c[k][1];
  }
  points.push((LEFT + plotWidth()) + "," + y(last).toFixed(1));
  tip(el(g, "polyline", {points: points.join(" "), "class": "commit-line"}), D.nodes[i] + " commit index " + start + " to " + last + " in this window");
  el(labels, "text", {x: LEFT + plotWidth() + 4, y: top + ROLE_H / 2 + 4, "class": "commit-value"}, String(last));
  lane.cuts.forEach(function (cut) {
    if (!visible(cut[0], cut[1])) return;
    var colour = SIDES[cut[2] % SIDES.length];
    var r = rect(g, cut[0], cut[1], top + CUT_Y, CUT_H, cut[3] ? "cut oneway" : "cut");
    r.setAttribute("fill", cut[3] ? "url(#oneway-" + (cut[2] % SIDES.length) + ")" : colour);
    if (cut[3]) { r.setAttribute("stroke", colour); r.setAttribute("stroke-width", "1"); }
    tip(r, D.nodes[i] + ": " + cut[4] + " (" + sec(cut[0]) + " to " + sec(cut[1]) + ")");
    var w = Math.min(x(cut[1]), LEFT + plotWidth()) - Math.max(x(cut[0]), LEFT);
    if (w > cut[4].length * 5.6 + 8) {
      var label = el(g, "text", {x: Math.max(x(cut[0]), LEFT) + 4, y: top + CUT_Y + 9.5, "class": "cut-text"}, (cut[3] ? "one-way: " : "") + cut[4]);
      if (cut[3]) { label.setAttribute("fill", "#1f2933"); label.setAttribute("style", "fill:#1f2933;paint-order:stroke;stroke:#fff;stroke-width:3px"); }
    }
  });
}

function drawFaults(g, height) {
  var shown = D.faults.filter(function (f) { return f[0] >= view.t0 && f[0] <= view.t1; });
  var labelled = shown.length <= plotWidth() / 60, lastX = -1e9, row = 0;
  shown.forEach(function (f) {
    var fx = x(f[0]);
    el(g, "line", {x1: fx, x2: fx, y1: AXIS - 12, y2: height - 10, "class": "fault-line"});
    var flag = tip(el(g, "path", {d: "M" + fx + "," + (AXIS - 4) + " l-5,-8 h10 z", "class": "fault-flag"}), sec(f[0]) + "  " + f[2]);
    flag.style.cursor = "help";
    if (labelled) {
      row = fx - lastX < 70 ? 1 - row : 0;
      lastX = fx;
      tip(el(g, "text", {x: fx + 4, y: AXIS - 14 - row * 11, "class": "fault-text"}, f[1]), f[2]);
    }
  });
}

function drawOps(g, labels) {
  var inView = D.ops.filter(function (o) { return visible(o[2], o[3]); });
  var dense = inView.length > MAX_OPS;
  el(labels, "text", {x: 8, y: clientsTop() - 10, "class": "section-label"}, "CLIENTS");
  for (var c = 1; c <= D.clients; ++c) {
    el(labels, "text", {x: 8, y: clientY(c) + 11, "class": "lane-label"}, "c" + c);
    el(g, "rect", {x: LEFT, y: clientY(c) + 1, width: plotWidth(), height: CLIENT_H - 3, fill: "#fafbfc"});
  }
  if (D.binUs > 0) drawCounts(g, D.bins, D.binUs, !dense);
  if (dense && D.binUs === 0) {
    var buckets = Math.max(10, Math.floor(plotWidth() / 4)), width_ = (view.t1 - view.t0) / buckets, counts = [];
    for (var k = 0; k < D.clients; ++k) { counts.push([]); for (var b = 0; b < buckets; ++b) counts[k].push([0, 0, 0]); }
    inView.forEach(function (o) {
      var b = Math.floor((o[2] - view.t0) / width_);
      if (b >= 0 && b < buckets && o[1] >= 1 && o[1] <= D.clients) counts[o[1] - 1][b][o[5]]++;
    });
    drawCounts(g, counts, width_, false, view.t0);
  }
  if (dense) return;
  inView.forEach(function (o) {
    var y = clientY(o[1]) + 2, outcome = OUTCOMES[o[5]];
    // An unknown outcome may take effect any time after the call; its bar
    // runs until the client, having timed out, calls its next operation.
    var end = o[4] ? o[3] : Math.min(o[3], nextCall[o[0]] || o[3]);
    var r = rect(g, o[2], end, y, CLIENT_H - 5, "op op-" + outcome + (o[7] ? " op-witness" : ""));
    tip(r, "#" + o[0] + " c" + o[1] + " " + o[6] + ": " + outcome + ", called " + sec(o[2]) +
        (o[4] ? ", returned " + sec(o[3]) : ", never returned: it may take effect at any time after its call"));
  });
  inView.forEach(function (o) {
    if (o[7]) el(g, "text", {x: Math.max(LEFT, x(o[2])), y: clientY(o[1]) - 1, "class": "witness-text"}, "#" + o[0] + " " + o[6]);
  });
}

// Binned counts per client: colour shows the share of each outcome, opacity the load.
function drawCounts(g, bins, binUs, outsideDetailOnly, origin) {
  origin = origin || 0;
  var most = 1;
  bins.forEach(function (row) { row.forEach(function (b) { most = Math.max(most, b[0] + b[1] + b[2]); }); });
  bins.forEach(function (row, c) {
    row.forEach(function (b, k) {
      var a = origin + k * binUs, z = a + binUs, n = b[0] + b[1] + b[2];
      if (!n || !visible(a, z)) return;
      if (outsideDetailOnly && D.detail.some(function (w) { return a >= w[0] && z <= w[1]; })) return;
      var y = clientY(c + 1) + 2, h = CLIENT_H - 5, opacity = (0.35 + 0.65 * n / most).toFixed(2);
      for (var o = 0, y0 = y; o < 3; ++o) {
        if (!b[o]) continue;
        var part = h * b[o] / n;
        var r = rect(g, a, z, y0.toFixed(1), part.toFixed(1), "op-" + OUTCOMES[o]);
        r.setAttribute("opacity", opacity);
        y0 += part;
      }
      tip(el(g, "rect", {x: x(a), y: y, width: Math.max(1, x(z) - x(a)), height: h, fill: "transparent"}),
          "c" + (c + 1) + " " + sec(a) + " to " + sec(z) + ": " + b[0] + " ok, " + b[1] + " failed, " + b[2] + " unknown");
    });
  });
}

function drawMessages(g) {
  if (!D.messages.length || !document.getElementById("show-arrows").checked) return "";
  if (view.t1 - view.t0 > ARROW_SPAN) return "zoom to 2s or less for message arrows";
  var heartbeats = document.getElementById("show-heartbeats").checked;
  var shown = D.messages.filter(function (m) {
    var type = D.messageTypes[m[4]];
    if (!heartbeats && (type === "heartbeat" || type === "heartbeat_response")) return false;
    var end = m[1] < 0 ? m[0] : m[1];
    return visible(m[0], end);
  });
  if (shown.length > MAX_ARROWS) return shown.length + " messages: zoom in further for arrows";
  shown.forEach(function (m) {
    var type = D.messageTypes[m[4]], colour = MESSAGE_COLOURS[type] || "#555";
    var y1 = laneTop(m[2] - 1) + ROLE_H / 2, y2 = laneTop(m[3] - 1) + ROLE_H / 2, x1 = x(m[0]);
    var what = type + " n" + m[2] + " \u2192 n" + m[3] + (m[5] ? " (" + m[5] + " entries)" : "") + ", sent " + sec(m[0]);
    if (m[1] < 0) {
      // Lost (on a cut link, at random, or at a crashed node): a dashed line
      // towards its addressee, ending in a cross.
      var x2 = x1 + 16, y3 = y2 + (y2 > y1 ? -6 : 6);
      tip(el(g, "line", {x1: x1, y1: y1, x2: x2, y2: y3, stroke: colour, "stroke-width": 1.1, "class": "lost"}), what + ", lost");
      el(g, "text", {x: x2 - 3.5, y: y3 + 4, "class": "lost-mark"}, "\u00d7");
      return;
    }
    tip(el(g, "line", {x1: x1, y1: y1, x2: x(m[1]), y2: y2, stroke: colour, "stroke-width": 1.2, opacity: 0.9,
                       "marker-end": "url(#arrow-" + (MESSAGE_COLOURS[type] ? type : "other") + ")"}),
        what + ", delivered " + sec(m[1]));
  });
  return shown.length + " messages" + (heartbeats ? "" : " (heartbeats hidden)");
}

function draw() {
  width = Math.max(700, document.getElementById("chart-box").clientWidth);
  var height = clientsTop() + D.clients * CLIENT_H + 16;
  clear(chart);
  chart.setAttribute("width", width);
  chart.setAttribute("height", height);
  chart.setAttribute("viewBox", "0 0 " + width + " " + height);
  defs(chart);
  drawAxis(chart, height);
  // Commit scale: from the lowest commit index at the window's start to the highest at its end.
  var lo = Infinity, hi = 0;
  D.lanes.forEach(function (lane) {
    if (!lane.commits.length) return;
    lo = Math.min(lo, valueAt(lane.commits, view.t0));
    hi = Math.max(hi, valueAt(lane.commits, view.t1));
  });
  if (!isFinite(lo)) lo = 0;
  el(chart, "text", {x: 8, y: AXIS - 10, "class": "section-label"}, "NODES");
  el(chart, "text", {x: LEFT + plotWidth() + 4, y: AXIS - 10, "class": "section-label"}, "COMMIT");
  var plot = el(chart, "g", {"clip-path": "url(#plot)"});
  D.lanes.forEach(function (lane, i) {
    el(chart, "text", {x: 8, y: laneTop(i) + ROLE_H / 2 + 4, "class": "lane-label"}, D.nodes[i]);
    drawLane(plot, chart, lane, i, lo, hi);
  });
  drawOps(plot, chart);
  var arrows = drawMessages(el(plot, "g", {"class": "messages"}));
  drawFaults(el(chart, "g", {"class": "faults"}), height);
  document.getElementById("window-label").textContent =
      sec(view.t0) + " \u2013 " + sec(view.t1) + "  (" + ((view.t1 - view.t0) / 1e6).toFixed(3) + "s)" + (arrows ? "  \u00b7  " + arrows : "");
  drawBrush();
}

// The strip above: the whole run, always; drag or click to move the window.
var overviewScale = null;
function drawOverview() {
  var w = Math.max(700, document.getElementById("chart-box").clientWidth);
  overview.setAttribute("width", w);
  overview.setAttribute("preserveAspectRatio", "none");  // its 1px border must not shrink the drawing
  var strip = Math.max(3, Math.min(6, Math.floor(48 / Math.max(1, D.lanes.length))));
  var h = 14 + D.lanes.length * strip + 8;
  clear(overview);
  overview.setAttribute("height", h);
  overview.setAttribute("viewBox", "0 0 " + w + " " + h);
  overviewScale = function (t) { return LEFT + t / D.duration * (w - LEFT - RIGHT); };
  overviewScale.invert = function (px) { return (px - LEFT) / (w - LEFT - RIGHT) * D.duration; };
  if (D.detail.length > 1 || (D.detail.length === 1 && (D.detail[0][0] > 0 || D.detail[0][1] < D.duration)))
    D.detail.forEach(function (s) {
      tip(el(overview, "rect", {x: overviewScale(s[0]), y: 0, width: Math.max(1, overviewScale(s[1]) - overviewScale(s[0])), height: h, "class": "detail-window"}),
          "every operation and message is embedded here");
    });
  el(overview, "text", {x: 8, y: 12, "class": "section-label"}, "RUN");
  var step = niceStep(D.duration / Math.max(2, (w - LEFT - RIGHT) / 90));
  var digits = Math.max(0, -Math.floor(Math.log10(step / 1e6) + 1e-9));
  for (var t = 0; t <= D.duration; t += step)
    el(overview, "text", {x: overviewScale(t) + 2, y: 11, "class": "axis-label"}, (t / 1e6).toFixed(digits) + "s");
  D.lanes.forEach(function (lane, i) {
    var y = 14 + i * strip;
    lane.roles.forEach(function (r) {
      if (r[2] === 0) return;
      el(overview, "rect", {x: overviewScale(r[0]), y: y, width: Math.max(0.8, overviewScale(r[1]) - overviewScale(r[0])), height: strip - 1, "class": "role-" + D.roleNames[r[2]]});
    });
    lane.states.forEach(function (s) {
      el(overview, "rect", {x: overviewScale(s[0]), y: y, width: Math.max(0.8, overviewScale(s[1]) - overviewScale(s[0])), height: strip - 1, "class": s[2] === 0 ? "state-down" : "state-paused"});
    });
  });
  D.faults.forEach(function (f) {
    el(overview, "line", {x1: overviewScale(f[0]), x2: overviewScale(f[0]), y1: 2, y2: h - 2, stroke: "#c53030", "stroke-width": 1});
  });
  var d = el(overview, "defs", {});
  var down = el(d, "pattern", {id: "hatch-down", width: 4, height: 4, patternUnits: "userSpaceOnUse"});
  el(down, "rect", {width: 4, height: 4, fill: "#3f4650"});
  el(overview, "rect", {id: "brush", x: 0, y: 1, width: 0, height: h - 2, "class": "brush"});
}
function drawBrush() {
  var b = document.getElementById("brush");
  if (!b || !overviewScale) return;
  var a = overviewScale(view.t0), z = overviewScale(view.t1);
  b.setAttribute("x", a);
  b.setAttribute("width", Math.max(2, z - a));
}

function svgX(svg, event) {
  var box = svg.getBoundingClientRect();
  var scale = svg.viewBox && svg.viewBox.baseVal && box.width ? svg.viewBox.baseVal.width / box.width : 1;
  return (event.clientX - box.left) * scale;
}

function dragToSelect(svg, toTime, onClick) {
  svg.addEventListener("mousedown", function (event) {
    var start = svgX(svg, event), box = null;
    if (svg === chart) box = el(chart, "rect", {x: start, y: AXIS - 6, width: 0, height: chart.getAttribute("height") - AXIS, "class": "selection"});
    selecting = {svg: svg, start: start, box: box};
    event.preventDefault();
  });
  window.addEventListener("mousemove", function (event) {
    if (!selecting || selecting.svg !== svg || !selecting.box) return;
    var now = svgX(svg, event);
    selecting.box.setAttribute("x", Math.min(now, selecting.start));
    selecting.box.setAttribute("width", Math.abs(now - selecting.start));
  });
  window.addEventListener("mouseup", function (event) {
    if (!selecting || selecting.svg !== svg) return;
    var end = svgX(svg, event), start = selecting.start;
    selecting = null;
    if (Math.abs(end - start) < 4) onClick(toTime(end));
    else setView(toTime(Math.min(start, end)), toTime(Math.max(start, end)));
  });
}

function zoom(factor, at) {
  var span = (view.t1 - view.t0) * factor;
  if (at === undefined) at = (view.t0 + view.t1) / 2;
  var share = (at - view.t0) / (view.t1 - view.t0);
  setView(at - span * share, at - span * share + span);
}

// "#window=4.9-5.6" (seconds) opens that window; "#violation" the first violation.
function windowFromHash() {
  var m = /window=([0-9.]+)-([0-9.]+)/.exec(location.hash || "");
  if (m) return [parseFloat(m[1]) * 1e6, parseFloat(m[2]) * 1e6];
  if (location.hash === "#violation" && D.violations.length) return violationWindow(D.violations[0]);
  return null;
}
function violationWindow(v) {
  var pad = Math.max(50000, (v.span[1] - v.span[0]) * 0.15);
  return [v.span[0] - pad, v.span[1] + pad];
}

var nextCall = {};  // op id -> the call time of its client's next embedded operation
function main() {
  D = JSON.parse(document.getElementById("raftsim-data").textContent);
  D.messages.forEach(function (m) { if (m[1] >= 0) m[1] += m[0]; });  // delay -> delivery time
  var lastOf = {};
  D.ops.forEach(function (o) {
    if (lastOf[o[1]] !== undefined) nextCall[lastOf[o[1]]] = o[2];
    lastOf[o[1]] = o[0];
  });
  chart = document.getElementById("chart");
  overview = document.getElementById("overview");
  view = {t0: 0, t1: D.duration};
  drawOverview();
  var initial = windowFromHash();
  if (initial) setView(initial[0], initial[1]); else draw();
  dragToSelect(overview, function (px) { return overviewScale.invert(px); }, function (t) {
    var span = view.t1 - view.t0;
    setView(t - span / 2, t + span / 2);
  });
  dragToSelect(chart, timeAt, function () {});
  chart.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.25 : 0.8, timeAt(svgX(chart, event)));
  }, {passive: false});
  document.getElementById("zoom-all").onclick = function () { setView(0, D.duration); };
  document.getElementById("zoom-in").onclick = function () { zoom(0.5); };
  document.getElementById("zoom-out").onclick = function () { zoom(2); };
  document.getElementById("pan-left").onclick = function () { var s = view.t1 - view.t0; setView(view.t0 - s / 2, view.t1 - s / 2); };
  document.getElementById("pan-right").onclick = function () { var s = view.t1 - view.t0; setView(view.t0 + s / 2, view.t1 + s / 2); };
  document.getElementById("show-arrows").onchange = draw;
  document.getElementById("show-heartbeats").onchange = draw;
  Array.prototype.forEach.call(document.querySelectorAll(".show-violation"), function (button) {
    button.onclick = function () {
      var w = violationWindow(D.violations[+button.getAttribute("data-violation")]);
      setView(w[0], w[1]);
      document.getElementById("picture").scrollIntoView();
    };
  });
  Array.prototype.forEach.call(document.querySelectorAll(".fault-row"), function (row) {
    row.onclick = function () {
      var t = D.faults[+row.getAttribute("data-fault")][0];
      setView(t - 1e6, t + 2e6);
      document.getElementById("picture").scrollIntoView();
    };
  });
  window.addEventListener("resize", function () { drawOverview(); draw(); });
}

)JS";

}  // namespace raftsim::sim::report
