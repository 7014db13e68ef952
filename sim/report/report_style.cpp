// The report pages' inline CSS (the run report's; the quorum report adds its own).
#include "sim/report/html.hpp"

namespace raftsim::sim::report {

const char* const kReportStyle = R"CSS(
:root {
  --follower: #e9eef4; --pre-candidate: #fbe9a6; --candidate: #f4a259; --leader: #5b95d6;
  --down: #3f4650; --paused: #b39ddb; --commit: #14213d;
  --ok: #63b76b; --fail: #ec8f3a; --unknown: #a3a9b1; --witness: #d7263d;
  --ink: #1f2933; --muted: #616e7c; --rule: #d9e2ec;
}
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1600px; padding: 14px 22px 40px; background: #fff; }
h1 { font-size: 22px; margin: 4px 0 6px; font-weight: 600; }
h1 .scenario-name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
h2 { font-size: 16px; margin: 18px 0 6px; font-weight: 600; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 10px; font-size: 13px; vertical-align: middle;
         text-transform: uppercase; letter-spacing: .05em; color: #fff; }
.badge.pass { background: #2f855a; } .badge.fail { background: #c53030; }
.description { color: var(--muted); max-width: 980px; margin: 0 0 8px; }
#header { display: grid; grid-template-columns: minmax(280px, 420px) 1fr 1fr; gap: 0 28px; }
#header h1, #header .description { grid-column: 1 / -1; }
table { border-collapse: collapse; }
table.facts th { white-space: nowrap; text-align: left; font-weight: 500; color: var(--muted); padding: 1px 12px 1px 0; vertical-align: top; }
table.facts td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
table.verdicts td { padding: 2px 8px 2px 0; vertical-align: top; border-bottom: 1px solid #f0f4f8; }
table.verdicts td.mark { font-weight: 700; font-size: 12px; width: 3.2em; }
table.verdicts td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; white-space: nowrap; }
table.verdicts td.detail { color: var(--muted); font-size: 12px; white-space: pre-wrap; max-width: 560px;
                           max-height: 5.8em; overflow: hidden; display: block; }
tr.ok td.mark { color: #2f855a; } tr.fail td.mark { color: #c53030; } tr.unjudged td.mark { color: var(--muted); }
tr.fail td.name { color: #c53030; font-weight: 600; }
.violation { border: 2px solid var(--witness); border-radius: 6px; padding: 6px 14px 10px; margin: 14px 0;
             background: #fff5f5; }
.violation h2 { color: var(--witness); margin-top: 4px; }
table.witness-ops th, table.witness-ops td { text-align: left; padding: 1px 14px 1px 0; font-size: 13px; }
table.witness-ops td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.outcome-ok { color: #2f855a; } .outcome-fail { color: #b7791f; } .outcome-unknown { color: var(--muted); }
pre { background: #f5f7fa; border: 1px solid var(--rule); border-radius: 4px; padding: 8px 10px; overflow: auto;
      font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.explanation { max-height: 320px; }
button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid #bcccdc; border-radius: 4px;
         background: #f8fafc; cursor: pointer; }
button:hover { background: #e6eef7; }
#controls { display: flex; gap: 6px; align-items: center; margin: 10px 0 4px; flex-wrap: wrap; }
#controls label { font-size: 13px; color: var(--muted); margin-left: 8px; }
#window-label { margin-left: auto; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
#overview { display: block; cursor: crosshair; border: 1px solid var(--rule); border-radius: 4px; }
#chart-box { width: 100%; }
#chart { display: block; cursor: crosshair; user-select: none; }
#hint, .note { color: var(--muted); font-size: 12.5px; margin: 4px 0; }
#render-error { background: #c53030; color: #fff; padding: 6px 12px; border-radius: 4px; }
#legend { font-size: 12.5px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 4px; align-items: center; }
#legend .key { display: inline-block; width: 16px; height: 11px; border-radius: 2px; margin: 0 3px 0 10px;
               border: 1px solid rgba(0,0,0,.15); vertical-align: middle; }
.key.role-follower { background: var(--follower); } .key.role-pre-candidate { background: var(--pre-candidate); }
.key.role-candidate { background: var(--candidate); } .key.role-leader { background: var(--leader); }
.key.state-down { background: repeating-linear-gradient(45deg, var(--down) 0 3px, #6b7480 3px 5px); }
.key.state-paused { background: repeating-linear-gradient(45deg, var(--paused) 0 3px, #ede7f6 3px 5px); }
.key.commit { height: 2px; background: var(--commit); border: 0; }
.key.cut { background: #e76f51; } .key.cut-oneway { background: repeating-linear-gradient(90deg, #e76f51 0 4px, #fff 4px 6px); }
.key.op-ok { background: var(--ok); } .key.op-fail { background: var(--fail); }
.key.op-unknown { background: var(--unknown); } .key.op-witness { background: #fff; border: 2px solid var(--witness); }
table.fault-list td, table.fault-list th { text-align: left; padding: 1px 14px 1px 0; font-size: 13px; }
tr.fault-row { cursor: pointer; } tr.fault-row:hover { background: #f0f4f8; }
td.fault-kind { font-weight: 600; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
svg .lane-label { font-weight: 600; font-size: 12px; }
svg .axis-label { fill: var(--muted); font-size: 10.5px; }
svg .grid { stroke: #edf1f5; stroke-width: 1; }
svg .role-follower { fill: var(--follower); } svg .role-pre-candidate { fill: var(--pre-candidate); }
svg .role-candidate { fill: var(--candidate); } svg .role-leader { fill: var(--leader); }
svg .role-text { font-size: 10px; fill: #0b2545; pointer-events: none; }
svg .state-down { fill: url(#hatch-down); } svg .state-paused { fill: url(#hatch-paused); }
svg .commit-line { fill: none; stroke: var(--commit); stroke-width: 1.6; }
svg .commit-value { font-size: 10px; fill: var(--commit); }
svg .term-mark { stroke: #0b2545; stroke-width: 1.2; }
svg .term-text { font-size: 9.5px; fill: #0b2545; }
svg .cut-text { font-size: 9.5px; fill: #fff; pointer-events: none; }
svg .fault-line { stroke: #c53030; stroke-width: 1; stroke-dasharray: 4 3; opacity: .8; }
svg .fault-flag { fill: #c53030; }
svg .fault-text { font-size: 10.5px; fill: #c53030; font-weight: 600; }
svg .op-ok { fill: var(--ok); } svg .op-fail { fill: var(--fail); } svg .op-unknown { fill: var(--unknown); opacity: .55; }
svg .op-witness { stroke: var(--witness); stroke-width: 2.5; }
svg .witness-text { fill: var(--witness); font-weight: 600; font-size: 10.5px; }
svg .section-label { fill: var(--muted); font-size: 11px; font-weight: 600; letter-spacing: .04em; }
svg .selection { fill: rgba(91,149,214,.18); stroke: #5b95d6; }
svg .brush { fill: rgba(91,149,214,.15); stroke: #1d4e89; stroke-width: 1.5; }
svg .detail-window { fill: #ffe8a3; }
svg .lost { stroke-dasharray: 3 2; }
svg .lost-mark { fill: #c53030; font-weight: 700; font-size: 12px; }
)CSS";

}  // namespace raftsim::sim::report
