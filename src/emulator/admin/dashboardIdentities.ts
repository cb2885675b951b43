/**
 * The dashboard's identities: searched, and one shown with its tokens and their live expiry. A
 * part of the dashboard script (see `dashboardScript.ts`).
 */
import type { DashboardKit } from "./dashboardKit.js";
import type { IdentityView } from "./adminApi.js";
import type { IssuedToken } from "../tokens/issuedTokens.js";

type TokenView = IssuedToken;

/** What the rest of the script does with the identities. */
export interface IdentitiesPanel {
  /** Loads the identities that match the search, and the one shown again. */
  load(): Promise<void>;
  /** Forgets the identity shown and the count (after a reset). */
  clear(): void;
}

/** Makes the identities' list and detail. */
export function dashboardIdentities({ $, h, api, debounced, timeCell }: DashboardKit): IdentitiesPanel {
  let selectedId: string | undefined;

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

  return {
    load: loadIdentities,
    clear: () => {
      selectedId = undefined;
      $("identity-detail").replaceChildren(h("p", { class: "empty" }, "Choose an identity to see its tokens."));
      $("identity-count").textContent = "";
    },
  };
}
