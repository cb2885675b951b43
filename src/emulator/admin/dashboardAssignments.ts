/**
 * The dashboard's access assignments: who may exchange an Entra token, for Teams Phone
 * extensibility and for Microsoft Entra ID users, each in a table of its own. A part of the
 * dashboard script (see `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";
import type { AssignmentsView } from "./adminApi.js";

/**
 * Makes the assignments' tables.
 *
 * @returns loads the assignments and shows them.
 */
export function dashboardAssignments({ $, h, api }: DashboardKit): () => Promise<void> {
  // Each table: its rows' cells, in the columns' order (two ids first, kept on one line), and its
  // empty state, shown when it has none.
  const show = (name: string, rows: (readonly string[])[]): void => {
    $(`${name}-table`)
      .querySelector("tbody")!
      .replaceChildren(
        ...rows.map((cells) => h("tr", {}, ...cells.map((cell, column) => h("td", { class: column < 2 ? "mono id" : "mono" }, cell)))),
      );
    $(`${name}-table`).hidden = rows.length === 0;
    $(`${name}-empty`).hidden = rows.length > 0;
  };
  // No clientIds on a Teams assignment lets every application exchange.
  const clients = (clientIds: readonly string[] | undefined): string =>
    clientIds === undefined ? "any" : clientIds.length === 0 ? "none" : clientIds.join(", ");

  return async () => {
    const { teamsExtension, entra } = await api<AssignmentsView>("/assignments");
    show(
      "teams-assignment",
      teamsExtension.map((one) => [one.tenantId, one.objectId, one.principalType, clients(one.clientIds)]),
    );
    show(
      "entra-assignment",
      entra.map((one) => [one.objectId, one.tenantId, one.principalType, clients(one.clientIds)]),
    );
    const total = teamsExtension.length + entra.length;
    $("assignment-count").textContent = total === 0 ? "" : String(total);
  };
}
