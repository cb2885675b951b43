/**
 * The dashboard's rate limits: each window as the emulator sees it now, refreshed every second
 * while shown, and the limits changed from the page. A part of the dashboard script (see
 * `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";
import type { LimitsView } from "./adminApi.js";

/**
 * Makes the rate limits' table and form.
 *
 * @returns loads the limits; with `fillInput`, also puts them in the form's input.
 */
export function dashboardLimits({ $, h, api }: DashboardKit): (fillInput?: boolean) => Promise<void> {
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

  return loadLimits;
}
