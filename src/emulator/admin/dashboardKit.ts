/**
 * The dashboard script's helpers: finding and making elements, calling the admin API, and
 * formatting times and paths. Like every part of the script (see `dashboardScript.ts`), the
 * function uses nothing from outside its body.
 */

type Child = Node | string | undefined;

/** What every part of the dashboard script works with; made once by {@link dashboardKit}. */
export type DashboardKit = ReturnType<typeof dashboardKit>;

/** Makes the helpers of the dashboard script. */
export function dashboardKit() {
  const API = "api";
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

  return { API, $, h, api, debounced, timeCell, decodedPath };
}
