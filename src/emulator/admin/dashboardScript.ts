/**
 * The dashboard page's script. The emulator serves this function's own text (see
 * `dashboardPage.ts`), so it must use nothing from outside its body: no import, no module-level
 * value (types are fine, they are erased). Every value from the emulator is written with
 * `textContent`, never as HTML: ids, customIds and paths are the caller's text.
 */
import type { FaultView, IdentityView, LimitsView } from "./adminApi.js";
import type { IssuedToken } from "../tokens/issuedTokens.js";
import type { RequestLogEntry } from "../pipeline/requestLog.js";

type LogEntry = RequestLogEntry;
type TokenView = IssuedToken;

type Child = Node | string | undefined;

/** Runs the page: tabs, the live request list, identities, faults and rate limits. */
export function dashboardScript(): void {
  const API = "api";
  const CHANGES_IDENTITIES = new Set(["createUser", "issueToken", "revokeTokens", "deleteUser"]);
  const entries = new Map<number, LogEntry>();
  let shownSeq = 0;
  let selectedId: string | undefined;

  const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
  const h = (tag: string, props: Record<string, string> = {}, ...children: Child[]): HTMLElement => {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) element.setAttribute(name, value);
    for (const child of children) if (child !== undefined) element.append(child);
    return element;
  };
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${API}${path}`, init);
    const text = await response.text();
    const body = text ? (JSON.parse(text) as T & { error?: { message: string } }) : ({} as T & { error?: { message: string } });
    if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    return body;
  };
  const debounced = (run: () => void, ms: number): (() => void) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(run, ms);
    };
  };
  // The emulator's clock (UTC) to the second; the date only in the tooltip, as sessions are short.
  const clock = (iso: string | undefined): string => (iso === undefined ? "" : iso.slice(11, 19));
  const timeCell = (iso: string | undefined): HTMLElement => h("td", { class: "time", title: iso ?? "" }, clock(iso));
  const decodedPath = (path: string): string => {
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  };

  // Tabs: arrow keys move between them, as WAI-ARIA tabs do.
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus: boolean): void => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")!).hidden = !selected;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-faults") void loadLimits();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (step !== 0) select(tabs[(index + step + tabs.length) % tabs.length]!, true);
    });
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    if (event.key === "/" && !typing) {
      event.preventDefault();
      select($<HTMLButtonElement>("tab-identities"), false);
      $("search").focus();
    }
  });

  // Requests.
  const requestBody = $("request-table").querySelector("tbody")!;
  const refusedOnly = $<HTMLInputElement>("refused-only");
  const isRefused = (entry: LogEntry): boolean => entry.status === null || entry.status >= 400;
  const requestRow = (entry: LogEntry): HTMLElement => {
    const status = entry.status === null ? "dropped" : String(entry.status);
    const why = h("td", { class: "why" }, entry.reason?.text);
    if (entry.reason?.kind === "signatureMismatch") {
      why.append(h("details", {}, h("summary", {}, "String to sign (the emulator's)"), h("pre", {}, entry.reason.stringToSign)));
    }
    // A long identity id in the path is cut to its last 12 characters, so that the action shows.
    const path =
      entry.identityId === undefined
        ? decodedPath(entry.path)
        : decodedPath(entry.path).replace(entry.identityId, `…${entry.identityId.slice(-12)}`);
    const row = h(
      "tr",
      { "data-seq": String(entry.seq), class: isRefused(entry) ? "refused" : "" },
      h("td", { class: "time" }, entry.time.slice(11, 23)),
      h(
        "td",
        { class: "request mono", title: `${entry.method} ${decodedPath(entry.path)}` },
        h("span", { class: "method" }, entry.method),
        path,
      ),
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

  // Identities.
  const identityBody = $("identity-table").querySelector("tbody")!;
  const search = $<HTMLInputElement>("search");
  const loadIdentities = async (): Promise<void> => {
    const { identities, total } = await api<{ identities: IdentityView[]; total: number }>(
      `/identities?search=${encodeURIComponent(search.value.trim())}`,
    );
    identityBody.replaceChildren(
      ...identities.map((identity) => {
        const open = h("button", { type: "button", class: "link mono", title: identity.id }, identity.id);
        open.addEventListener("click", () => void showIdentity(identity.id));
        return h(
          "tr",
          { class: identity.deletedAt === undefined ? "" : "deleted" },
          h("td", {}, open),
          h("td", { class: "mono" }, identity.customId ?? ""),
          timeCell(identity.createdAt),
          timeCell(identity.lastTokenIssuedAt),
          timeCell(identity.revokedAt),
          timeCell(identity.deletedAt),
        );
      }),
    );
    $("identity-total").textContent = `${total} ${search.value.trim() === "" ? (total === 1 ? "identity" : "identities") : "matching"}`;
    $("identity-count").textContent = search.value.trim() === "" && total > 0 ? String(total) : $("identity-count").textContent;
    if (selectedId !== undefined) await showIdentity(selectedId);
  };
  const showIdentity = async (id: string): Promise<void> => {
    selectedId = id;
    for (const button of identityBody.querySelectorAll("button")) button.setAttribute("aria-current", String(button.title === id));
    const detail = $("identity-detail");
    let view: { identity: IdentityView; tokens: TokenView[] };
    try {
      view = await api(`/identities/${encodeURIComponent(id)}`);
    } catch (error) {
      detail.replaceChildren(h("p", { class: "empty" }, (error as Error).message));
      return;
    }
    const { identity, tokens } = view;
    const facts = h("dl", {});
    const fact = (name: string, value: string | undefined): void => {
      if (value !== undefined) facts.append(h("dt", {}, name), h("dd", { class: "mono" }, value));
    };
    fact("id", identity.id);
    fact("customId", identity.customId);
    fact("created", identity.createdAt);
    fact("last token", identity.lastTokenIssuedAt);
    fact("revoked", identity.revokedAt);
    fact("deleted", identity.deletedAt);
    const revokedAt = Date.parse(identity.revokedAt ?? "") || 0;
    detail.replaceChildren(
      h("h2", {}, "Identity"),
      facts,
      h("h2", {}, tokens.length === 0 ? "No tokens issued in this session" : `Tokens (${tokens.length}, newest first)`),
      ...tokens.map((token) => {
        const issuedAt = typeof token.claims["iat"] === "number" ? token.claims["iat"] * 1000 : 0;
        // A token stops working when its identity is deleted, or its tokens revoked after it was issued.
        const ended =
          identity.deletedAt !== undefined ? "identity deleted" : revokedAt > 0 && issuedAt <= revokedAt ? "revoked" : undefined;
        return h(
          "div",
          { class: "token" },
          h("code", {}, token.token),
          " ",
          h("span", { class: "mono" }, typeof token.claims["acsScope"] === "string" ? token.claims["acsScope"] : ""),
          h("div", {}, ended !== undefined ? h("span", { class: "expired" }, ended) : h("span", { "data-expires": token.expiresOn })),
          h("details", {}, h("summary", {}, "Claims"), h("pre", {}, JSON.stringify(token.claims, null, 2))),
        );
      }),
    );
    tickExpiries();
  };
  const tickExpiries = (): void => {
    for (const element of document.querySelectorAll<HTMLElement>("[data-expires]")) {
      const left = Math.round((Date.parse(element.dataset["expires"]!) - Date.now()) / 1000);
      const seconds = Math.abs(left);
      const hours = Math.floor(seconds / 3600);
      const minutes = `${Math.floor((seconds % 3600) / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
      const text = hours > 0 ? `${hours} h ${minutes}` : minutes;
      element.textContent = left > 0 ? `expires in ${text}` : `expired ${text} ago`;
      element.classList.toggle("expired", left <= 0);
    }
  };
  setInterval(tickExpiries, 1000);
  search.addEventListener(
    "input",
    debounced(() => void loadIdentities(), 150),
  );

  // Faults.
  const faultBody = $("fault-table").querySelector("tbody")!;
  const loadFaults = async (): Promise<void> => {
    const { faults } = await api<{ faults: FaultView[] }>("/faults");
    faultBody.replaceChildren(
      ...faults.map((fault) => {
        const remove = h("button", { type: "button", class: "quiet", "aria-label": `Remove fault ${fault.id}` }, "Remove");
        remove.addEventListener("click", () => void api(`/faults/${fault.id}`, { method: "DELETE" }).then(loadFaults));
        return h(
          "tr",
          { "data-fault": String(fault.id) },
          h("td", {}, String(fault.id)),
          h("td", { class: "mono" }, fault.operation ?? "any"),
          h("td", {}, fault.text),
          h("td", {}, fault.left === "Infinity" ? "every request" : String(fault.left)),
          h("td", {}, remove),
        );
      }),
    );
    $("faults-empty").hidden = faults.length > 0;
    $("fault-count").textContent = faults.length === 0 ? "" : String(faults.length);
  };
  const form = $<HTMLFormElement>("fault-form");
  const field = (data: FormData, name: string): string => {
    const value = data.get(name);
    return typeof value === "string" ? value : "";
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const fault: Record<string, unknown> = {};
    for (const name of ["status", "retryAfterSeconds", "latencyMs", "count"]) {
      const value = field(data, name).trim();
      if (value !== "") fault[name] = Number(value);
    }
    for (const name of ["operation", "drop"]) {
      const value = field(data, name);
      if (value !== "") fault[name] = value;
    }
    if (data.get("always") !== null) fault["count"] = "Infinity";
    const error = $("fault-error");
    api("/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) })
      .then(() => {
        error.textContent = "";
        return loadFaults();
      })
      .catch((failure: Error) => (error.textContent = failure.message));
  });
  $("clear-faults").addEventListener("click", () => void api("/faults", { method: "DELETE" }).then(loadFaults));

  // Rate limits: each window as the emulator sees it now, refreshed every second while shown.
  const limitBody = $("limit-table").querySelector("tbody")!;
  const limitsInput = $<HTMLInputElement>("limits-input");
  const duration = (ms: number): string => {
    if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
    return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
  };
  // A wait to the second once it is over ten seconds, as a countdown reads best.
  const wait = (ms: number): string => {
    if (ms <= 0) return "now";
    if (ms < 10_000) return `in ${duration(ms)}`;
    const seconds = Math.ceil(ms / 1000);
    return seconds < 60 ? `in ${seconds} s` : `in ${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  };
  const showLimits = ({ limits, windows }: LimitsView, fillInput: boolean): void => {
    const limited = windows.length > 0;
    limitBody.replaceChildren(
      ...windows.map((window) => {
        const bar = h("span", {});
        bar.style.width = `${(100 * window.inWindow) / window.requests}%`;
        const state = window.waitMs > 0 ? "full" : window.inWindow > 0 ? "busy" : "";
        return h(
          "tr",
          { "data-operation": window.operation, class: state },
          h("td", { class: "mono" }, window.operation),
          h("td", { class: "limit" }, `${window.requests} per ${duration(window.windowMs)}`),
          h("td", { class: "used" }, h("span", { class: "meter", "aria-hidden": "true" }, bar), `${window.inWindow} of ${window.requests}`),
          h("td", { class: "next", title: window.nextAdmittedAt }, wait(window.waitMs)),
        );
      }),
    );
    $("limit-table").hidden = !limited;
    $("limits-empty").hidden = limited;
    if (fillInput) limitsInput.value = limits ?? "";
  };
  const loadLimits = async (fillInput = false): Promise<void> => showLimits(await api<LimitsView>("/limits"), fillInput);
  const putLimits = (limits: string | null): void => {
    const error = $("limits-error");
    api<LimitsView>("/limits", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ limits }) })
      .then((view) => {
        error.textContent = "";
        showLimits(view, true);
      })
      .catch((failure: Error) => (error.textContent = failure.message));
  };
  $<HTMLFormElement>("limits-form").addEventListener("submit", (event) => {
    event.preventDefault();
    putLimits(limitsInput.value.trim());
  });
  $("limits-off").addEventListener("click", () => putLimits(null));
  // Also when there are none: limits set through the API by a test show up within a second.
  setInterval(() => {
    if (!$("faults").hidden) void loadLimits();
  }, 1000);

  $("reset").addEventListener("click", () => {
    if (confirm("Delete every identity and forget the tokens, faults and request log?")) void api("/reset", { method: "POST" });
  });

  // Live: every new request, and a reset, as server-sent events.
  const refreshIdentities = debounced(() => void loadIdentities(), 200);
  const refreshFaults = debounced(() => void loadFaults(), 200);
  const refreshLimits = debounced(() => void loadLimits(), 200);
  const live = $("live");
  const events = new EventSource(`${API}/events`);
  events.addEventListener("open", () => {
    live.textContent = "live";
    live.classList.add("on");
    void Promise.all([loadRequests(), loadIdentities(), loadFaults(), loadLimits(true)]);
  });
  events.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    live.classList.remove("on");
  });
  events.addEventListener("request", (event) => {
    const entry = JSON.parse((event as MessageEvent<string>).data) as LogEntry;
    addRequest(entry);
    if (entry.operation !== undefined && CHANGES_IDENTITIES.has(entry.operation) && !isRefused(entry)) refreshIdentities();
    if (entry.reason?.kind === "fault") refreshFaults();
    if (!$("faults").hidden) refreshLimits();
  });
  events.addEventListener("reset", () => {
    entries.clear();
    selectedId = undefined;
    $("identity-detail").replaceChildren(h("p", { class: "empty" }, "Choose an identity to see its tokens."));
    $("identity-count").textContent = "";
    renderRequests();
    void loadIdentities();
    void loadFaults();
    void loadLimits();
  });
}
