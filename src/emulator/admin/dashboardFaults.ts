/**
 * The dashboard's faults: listed, added from a form, removed one by one or all. A part of the
 * dashboard script (see `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";
import type { FaultView } from "./adminApi.js";

/**
 * Makes the faults' list and form.
 *
 * @returns loads the faults.
 */
export function dashboardFaults({ $, h, api }: DashboardKit): () => Promise<void> {
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

  return loadFaults;
}
