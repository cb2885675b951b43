/**
 * The dashboard's live request list: newest first, refused requests counted and filtered, each
 * with its reason. A part of the dashboard script (see `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";
import type { RequestLogEntry } from "../pipeline/requestLog.js";

type LogEntry = RequestLogEntry;

/** What the rest of the script does with the request list. */
export interface RequestsPanel {
  /** Loads the emulator's request log. */
  load(): Promise<void>;
  /** Shows a new request, as the live stream tells it. */
  add(entry: LogEntry): void;
  /** Empties the list (after a reset). */
  clear(): void;
  /** Whether the emulator refused the request (or dropped it). */
  isRefused(entry: LogEntry): boolean;
}

/** Makes the request list. */
export function dashboardRequests({ $, h, api, decodedPath }: DashboardKit): RequestsPanel {
  const entries = new Map<number, LogEntry>();
  let shownSeq = 0;

  const requestBody = $("request-table").querySelector("tbody")!;
  const refusedOnly = $<HTMLInputElement>("refused-only");
  const isRefused = (entry: LogEntry): boolean => entry.status === null || entry.status >= 400;
  const requestRow = (entry: LogEntry): HTMLElement => {
    const status = entry.status === null ? "dropped" : String(entry.status);
    const why = h("td", { class: "why" }, entry.reason?.text);
    if (entry.reason?.kind === "signatureMismatch") {
      why.append(h("details", {}, h("summary", {}, "String to sign (the emulator's)"), h("pre", {}, entry.reason.stringToSign)));
    }
    // A long identity id in the path is cut to its last 12 characters, and the tenant and object
    // GUIDs of an assignment's path to their first 8, so that the action shows; the title has it all.
    const path = (
      entry.identityId === undefined
        ? decodedPath(entry.path)
        : decodedPath(entry.path).replace(entry.identityId, `…${entry.identityId.slice(-12)}`)
    ).replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/gi, (guid) => `${guid.slice(0, 8)}…`);
    const title = `${entry.method} ${decodedPath(entry.path)}${entry.operation === undefined ? "" : ` (${entry.operation})`}`;
    const row = h(
      "tr",
      { "data-seq": String(entry.seq), "data-operation": entry.operation ?? "", class: isRefused(entry) ? "refused" : "" },
      h("td", { class: "time" }, entry.time.slice(11, 23)),
      h("td", { class: "request mono", title }, h("span", { class: "method" }, entry.method), path),
      h("td", { class: "mono nowrap" }, entry.apiVersion ?? ""),
      h("td", {}, h("span", { class: `status ${entry.status === null ? "dropped" : `s${status[0]}`}` }, status)),
      h("td", { class: "num" }, entry.durationMs.toFixed(1)),
      why,
    );
    row.hidden = refusedOnly.checked && !isRefused(entry);
    return row;
  };
  const countRefused = (): void => {
    const refused = [...entries.values()].filter(isRefused).length;
    $("refused-count").textContent = refused === 0 ? "" : String(refused);
    $("refused-count").title = `${refused} refused`;
    $("requests-empty").hidden = entries.size > 0;
  };
  const renderRequests = (): void => {
    const sorted = [...entries.values()].sort((a, b) => b.seq - a.seq);
    requestBody.replaceChildren(...sorted.map(requestRow));
    shownSeq = sorted[0]?.seq ?? 0;
    countRefused();
  };
  const addRequest = (entry: LogEntry): void => {
    if (entries.has(entry.seq)) return;
    entries.set(entry.seq, entry);
    if (entry.seq > shownSeq) {
      requestBody.prepend(requestRow(entry));
      shownSeq = entry.seq;
      // As many rows as the emulator's log keeps.
      if (entries.size > 1000) {
        const oldest = Math.min(...entries.keys());
        entries.delete(oldest);
        requestBody.querySelector(`tr[data-seq="${oldest}"]`)?.remove();
      }
      countRefused();
    } else renderRequests();
  };
  refusedOnly.addEventListener("change", () => {
    for (const row of requestBody.querySelectorAll<HTMLElement>("tr")) {
      row.hidden = refusedOnly.checked && !row.classList.contains("refused");
    }
  });
  const loadRequests = async (): Promise<void> => {
    const { requests } = await api<{ requests: LogEntry[] }>("/requests");
    for (const entry of requests) entries.set(entry.seq, entry);
    renderRequests();
  };

  return {
    load: loadRequests,
    add: addRequest,
    clear: () => {
      entries.clear();
      renderRequests();
    },
    isRefused,
  };
}
