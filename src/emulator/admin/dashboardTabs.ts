/**
 * The dashboard's tabs: arrow keys move between them, as WAI-ARIA tabs do, and `/` goes to the
 * identity search. A part of the dashboard script (see `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";

/**
 * Makes the tabs work.
 *
 * @param loadLimits - shows the rate limits afresh, when the faults tab is shown.
 */
export function dashboardTabs({ $ }: DashboardKit, loadLimits: () => Promise<void>): void {
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
}
