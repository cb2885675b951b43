/**
 * The dashboard page's files, served under `/_emulator/`: plain HTML, CSS and one script, written
 * here so that they are bundled into the emulator entry at build time (and never into the
 * client's browser build). The script is `dashboardScript.ts` and its parts, type-checked like the rest.
 */
import type { DashboardAsset } from "./dashboard.js";
import { DASHBOARD_SCRIPT } from "./dashboardScript.js";

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ACS Identity emulator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard.css">
<script src="dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>ACS Identity emulator</h1>
  <span id="live" class="live" role="status">connecting…</span>
  <span class="spacer"></span>
  <button id="reset" type="button" class="quiet">Reset state…</button>
</header>
<nav role="tablist" aria-label="Views">
  <button type="button" role="tab" id="tab-requests" aria-controls="requests" aria-selected="true">Requests <span id="refused-count" class="count"></span></button>
  <button type="button" role="tab" id="tab-identities" aria-controls="identities" aria-selected="false" tabindex="-1">Identities <span id="identity-count" class="count"></span></button>
  <button type="button" role="tab" id="tab-assignments" aria-controls="assignments" aria-selected="false" tabindex="-1">Assignments <span id="assignment-count" class="count"></span></button>
  <button type="button" role="tab" id="tab-faults" aria-controls="faults" aria-selected="false" tabindex="-1">Faults and limits <span id="fault-count" class="count"></span></button>
</nav>
<main>
<section id="requests" role="tabpanel" aria-labelledby="tab-requests">
  <div class="toolbar">
    <label><input type="checkbox" id="refused-only"> Refused only</label>
    <span class="hint">Newest first, live. Times are the emulator's clock (UTC).</span>
  </div>
  <table id="request-table">
    <thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">api-version</th><th scope="col">Status</th><th scope="col" class="num">ms</th><th scope="col">Why</th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="requests-empty" class="empty">No requests yet: point your app at the emulator's connection string.</p>
</section>
<section id="identities" role="tabpanel" aria-labelledby="tab-identities" hidden>
  <div class="toolbar">
    <label for="search">Search</label>
    <input id="search" type="search" placeholder="id or customId  ( / )" autocomplete="off" spellcheck="false">
    <span id="identity-total" class="hint"></span>
  </div>
  <div class="split">
    <div class="scroll"><table id="identity-table">
      <thead><tr><th scope="col">Identity</th><th scope="col">customId</th><th scope="col">Created</th><th scope="col">Last token</th><th scope="col">Revoked</th><th scope="col">Deleted</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <aside id="identity-detail" aria-live="polite"><p class="empty">Choose an identity to see its tokens.</p></aside>
  </div>
</section>
<section id="assignments" role="tabpanel" aria-labelledby="tab-assignments" hidden>
  <div class="toolbar"><span class="hint">Who may exchange a Microsoft Entra token for a Communication Services token, live.</span></div>
  <div class="stack">
  <div class="card">
    <h2>Teams Phone extensibility</h2>
    <table id="teams-assignment-table" hidden>
      <thead><tr><th scope="col">Tenant</th><th scope="col">Object</th><th scope="col">Principal type</th><th scope="col">Client ids</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="teams-assignment-empty" class="empty">No Teams Phone extensibility assignments: create one with the client's <code>setTeamsExtensionAssignment</code> (api-version 2025-06-30 or 2025-03-02-preview) or <code>acs-identity set-teams-assignment</code>.</p>
  </div>
  <div class="card">
    <h2>Microsoft Entra ID users</h2>
    <table id="entra-assignment-table" hidden>
      <thead><tr><th scope="col">Object</th><th scope="col">Tenant</th><th scope="col">Principal type</th><th scope="col">Client ids</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="entra-assignment-empty" class="empty">No Microsoft Entra ID assignments: create one with the client's <code>setEntraAssignment</code> or <code>updateEntraAssignments</code> (api-version 2025-03-02-preview) or <code>acs-identity set-entra-assignment</code>.</p>
  </div>
  </div>
</section>
<section id="faults" role="tabpanel" aria-labelledby="tab-faults" hidden>
 <div class="columns">
 <div>
  <form id="fault-form" class="card">
    <h2>Add a fault</h2>
    <div class="fields">
      <label>Operation <select name="operation">
        <option value="">any</option><option>createUser</option><option>issueToken</option><option>revokeTokens</option>
        <option>deleteUser</option><option>getUser</option><option>exchangeTeamsToken</option>
        <option>getTeamsExtensionAssignment</option><option>setTeamsExtensionAssignment</option><option>deleteTeamsExtensionAssignment</option>
        <option>exchangeTeamsExtensionToken</option><option>listEntraAssignments</option><option>updateEntraAssignments</option>
        <option>getEntraAssignment</option><option>setEntraAssignment</option><option>deleteEntraAssignment</option><option>exchangeEntraToken</option>
      </select></label>
      <label>Status <input name="status" type="number" min="400" max="599" placeholder="503"></label>
      <label>Retry-After (s) <input name="retryAfterSeconds" type="number" min="0"></label>
      <label>Latency (ms) <input name="latencyMs" type="number" min="0"></label>
      <label>Drop <select name="drop"><option value="">no</option><option value="before">before processing</option><option value="after">after processing</option></select></label>
      <label>Count <input name="count" type="number" min="1" value="1"></label>
      <label class="check"><input name="always" type="checkbox"> every request</label>
    </div>
    <button type="submit">Add fault</button>
    <p id="fault-error" class="error" role="alert"></p>
  </form>
  <table id="fault-table">
    <thead><tr><th scope="col">#</th><th scope="col">Operation</th><th scope="col">Does</th><th scope="col">Left</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="faults-empty" class="empty">No faults: every request is processed.</p>
  <button id="clear-faults" type="button" class="quiet">Remove all faults</button>
 </div>
 <div class="card" id="limits-card">
  <h2>Rate limits <span class="hint">live, by the emulator's clock</span></h2>
  <table id="limit-table">
    <thead><tr><th scope="col">Operation</th><th scope="col">Limit</th><th scope="col">In the window now</th><th scope="col">Next admitted</th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="limits-empty" class="empty">No rate limits: every request is admitted at once.</p>
  <form id="limits-form">
    <label for="limits-input">Limits, written as <code>--limits</code></label>
    <div class="inline">
      <input id="limits-input" name="limits" type="text" autocomplete="off" spellcheck="false" placeholder="service, or issue=100/10s,create=5/500ms">
      <button type="submit">Apply</button>
      <button id="limits-off" type="button" class="quiet">Turn off</button>
    </div>
    <p class="hint">Applying keeps the window of an unchanged limit; a changed one starts empty.</p>
    <p id="limits-error" class="error" role="alert"></p>
  </form>
 </div>
 </div>
</section>
</main>
</body>
</html>
`;

const CSS = `:root {
  color-scheme: light dark;
  --bg: #f7f8fa; --panel: #fff; --text: #1d2330; --muted: #5d6675; --line: #dde1e8;
  --accent: #2456c8; --ok: #1c7a3e; --warn: #9a5b00; --bad: #b3261e; --bad-bg: #fdecea; --code: #eef1f6;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --panel: #1c2027; --text: #e6e9ef; --muted: #9aa3b2; --line: #2e3440;
    --accent: #7aa2ff; --ok: #5fd38d; --warn: #f0b35a; --bad: #ff8a80; --bad-bg: #3a1f1f; --code: #262b34; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; align-items: center; gap: 12px; padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { font-size: 16px; margin: 0; }
h2 { font-size: 14px; margin: 0 0 8px; }
.spacer { flex: 1; }
.live { font-size: 12px; color: var(--muted); }
.live::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); margin-right: 6px; }
.live.on::before { background: var(--ok); }
nav { display: flex; gap: 4px; padding: 0 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
[role="tab"] { border: 0; border-bottom: 2px solid transparent; background: none; color: var(--muted); padding: 10px 12px; font: inherit; cursor: pointer; }
[role="tab"][aria-selected="true"] { color: var(--text); border-bottom-color: var(--accent); font-weight: 600; }
.count:not(:empty) { display: inline-block; min-width: 18px; padding: 0 6px; border-radius: 9px; background: var(--code); font-size: 12px; text-align: center; }
#refused-count:not(:empty) { background: var(--bad-bg); color: var(--bad); }
main { padding: 16px 20px; }
.toolbar { display: flex; align-items: center; gap: 12px; margin-bottom: 10px; }
.hint { color: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { white-space: nowrap; font-size: 12px; font-weight: 600; color: var(--muted); background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
td.time, td.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; color: var(--muted); }
td.request { max-width: 34vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.method { font-weight: 600; margin-right: 6px; }
tr.refused { background: var(--bad-bg); }
.status { display: inline-block; min-width: 40px; padding: 1px 6px; border-radius: 4px; font-weight: 600; text-align: center; font-variant-numeric: tabular-nums; }
.s2 { color: var(--ok); } .s4 { color: var(--warn); } .s5, .dropped { color: var(--bad); }
tr.refused .s4 { color: var(--bad); }
td.why { min-width: 30ch; }
details { margin-top: 4px; }
summary { cursor: pointer; color: var(--accent); }
pre { margin: 4px 0 0; padding: 8px; background: var(--code); border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
.empty { color: var(--muted); }
.scroll { overflow-x: auto; }
tr.deleted td { color: var(--muted); }
#identity-table button[aria-current="true"] { font-weight: 700; }
tr.deleted button.link { color: var(--muted); text-decoration: line-through; }
#identity-table button.link { word-break: break-all; }
.split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 16px; align-items: start; }
.card, aside { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.quiet, button.link { background: none; color: var(--accent); }
button.link { border: 0; padding: 0; text-align: left; }
button.quiet { border-color: var(--line); }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
input, select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--text); }
#search { width: 36ch; }
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px 16px; margin-bottom: 12px; }
.fields label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.fields input, .fields select { width: 100%; height: 30px; }
.fields label.check { flex-direction: row; align-items: center; gap: 6px; align-self: end; padding-bottom: 5px; }
.fields label.check input { width: auto; margin: 0; }
#fault-form { margin-bottom: 16px; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px; align-items: start; }
@media (max-width: 1000px) { .columns { grid-template-columns: minmax(0, 1fr); } }
#limits-card table { margin: 4px 0 14px; }
#limits-card h2 .hint { font-weight: 400; margin-left: 6px; }
#limits-form label { display: block; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.inline { display: flex; gap: 8px; }
.inline input { flex: 1; min-width: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
#limits-form .hint { margin: 6px 0 0; }
.meter { display: inline-block; width: 90px; height: 8px; margin-right: 8px; border-radius: 4px; background: var(--code); overflow: hidden; vertical-align: middle; }
.meter > span { display: block; height: 100%; background: var(--ok); }
tr.busy .meter > span { background: var(--warn); }
tr.full .meter > span { background: var(--bad); }
tr.full td.next { color: var(--bad); font-weight: 600; }
td.limit, td.used, td.next { white-space: nowrap; font-variant-numeric: tabular-nums; }
#limit-table td, #fault-table td { vertical-align: middle; }
.stack { display: grid; gap: 16px; }
#assignments td.id { white-space: nowrap; }
#clear-faults { margin-top: 10px; }
.error { color: var(--bad); margin: 8px 0 0; }
.error:empty { display: none; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
.token { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 8px; }
.expired { color: var(--bad); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;

/** The page's files by path under `/_emulator/` (`""` is the page itself). */
export const DASHBOARD_ASSETS: Readonly<Record<string, DashboardAsset>> = {
  "": { type: "text/html; charset=utf-8", body: HTML },
  "dashboard.css": { type: "text/css; charset=utf-8", body: CSS },
  "dashboard.js": { type: "text/javascript; charset=utf-8", body: DASHBOARD_SCRIPT },
};
