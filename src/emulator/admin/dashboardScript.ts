/**
 * The dashboard page's script. The emulator serves the text of this file's functions (see
 * {@link DASHBOARD_SCRIPT}), so each must use nothing from outside its body: no import, no
 * module-level value (types are fine, they are erased); the parts reach {@link dashboardScript}
 * as its argument. Every value from the emulator is written with `textContent`, never as HTML:
 * ids, customIds and paths are the caller's text.
 */
import { dashboardAssignments } from "./dashboardAssignments.js";
import { dashboardFaults } from "./dashboardFaults.js";
import { dashboardIdentities } from "./dashboardIdentities.js";
import { dashboardKit } from "./dashboardKit.js";
import { dashboardLimits } from "./dashboardLimits.js";
import { dashboardRequests } from "./dashboardRequests.js";
import { dashboardTabs } from "./dashboardTabs.js";
import type { RequestLogEntry } from "../pipeline/requestLog.js";

type LogEntry = RequestLogEntry;

/** The parts of the script, each run once by {@link dashboardScript}. */
const PARTS = {
  kit: dashboardKit,
  tabs: dashboardTabs,
  requests: dashboardRequests,
  identities: dashboardIdentities,
  assignments: dashboardAssignments,
  faults: dashboardFaults,
  limits: dashboardLimits,
};

/** Runs the page: tabs, the live request list, identities, access assignments, faults and rate limits. */
export function dashboardScript(parts: typeof PARTS): void {
  const CHANGES_ASSIGNMENTS = new Set([
    "setTeamsExtensionAssignment",
    "deleteTeamsExtensionAssignment",
    "setEntraAssignment",
    "deleteEntraAssignment",
    "updateEntraAssignments",
  ]);
  // An exchange mints an identity or issues it a token; a deleted assignment revokes the tokens exchanged through it.
  const CHANGES_IDENTITIES = new Set([
    "createUser",
    "issueToken",
    "revokeTokens",
    "deleteUser",
    "exchangeTeamsExtensionToken",
    "exchangeEntraToken",
    ...CHANGES_ASSIGNMENTS,
  ]);
  const kit = parts.kit();
  const { API, $, api, debounced } = kit;
  const requests = parts.requests(kit);
  const identities = parts.identities(kit);
  const loadAssignments = parts.assignments(kit);
  const loadFaults = parts.faults(kit);
  const loadLimits = parts.limits(kit);
  parts.tabs(kit, loadLimits);

  $("reset").addEventListener("click", () => {
    if (confirm("Delete every identity and forget the tokens, faults and request log?")) void api("/reset", { method: "POST" });
  });

  // Live: every new request, and a reset, as server-sent events.
  const refreshIdentities = debounced(() => void identities.load(), 200);
  const refreshAssignments = debounced(() => void loadAssignments(), 200);
  const refreshFaults = debounced(() => void loadFaults(), 200);
  const refreshLimits = debounced(() => void loadLimits(), 200);
  const live = $("live");
  const events = new EventSource(`${API}/events`);
  events.addEventListener("open", () => {
    live.textContent = "live";
    live.classList.add("on");
    void Promise.all([requests.load(), identities.load(), loadAssignments(), loadFaults(), loadLimits(true)]);
  });
  events.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    live.classList.remove("on");
  });
  events.addEventListener("request", (event) => {
    const entry = JSON.parse((event as MessageEvent<string>).data) as LogEntry;
    requests.add(entry);
    // A refused request changed nothing.
    const operation = requests.isRefused(entry) ? undefined : entry.operation;
    if (operation !== undefined && CHANGES_IDENTITIES.has(operation)) refreshIdentities();
    if (operation !== undefined && CHANGES_ASSIGNMENTS.has(operation)) refreshAssignments();
    if (entry.reason?.kind === "fault") refreshFaults();
    if (!$("faults").hidden) refreshLimits();
  });
  events.addEventListener("reset", () => {
    requests.clear();
    identities.clear();
    void identities.load();
    void loadAssignments();
    void loadFaults();
    void loadLimits();
  });
}

/**
 * The script as served: the parts' own text, run at once. Compiled with esbuild's `keepNames` (as
 * tsx and some test runners do), their inner functions call a module-level `__name` helper, which
 * the page does not have: an identity stands in for it.
 */
export const DASHBOARD_SCRIPT = scriptOf(dashboardScript, PARTS);

/** The text of a script that runs `main` with `parts`, each given as its own text. */
function scriptOf<Parts extends Record<string, (...args: never[]) => unknown>>(main: (parts: Parts) => void, parts: Parts): string {
  const args = Object.entries(parts)
    .map(([name, part]) => `${name}: ${part.toString()},\n`)
    .join("");
  return `"use strict";\n(() => {\nconst __name = (target) => target;\n(${main.toString()})({\n${args}});\n})();\n`;
}
