/**
 * The tokens the emulator issued, per identity, for the dashboard: shortened, with their decoded
 * claims. Bounded: the last {@link TOKENS_PER_IDENTITY} of each of the last
 * {@link IDENTITIES_WITH_TOKENS} identities that got one.
 */
import { decodeJwtPayload } from "../jwt.js";
import type { Outcome } from "./pipeline.js";
import { shortened } from "./reasons.js";

/** How many tokens are kept per identity. */
export const TOKENS_PER_IDENTITY = 20;
/** How many identities' tokens are kept. */
export const IDENTITIES_WITH_TOKENS = 1000;

/** A token as the dashboard shows it. */
export interface IssuedToken {
  /** The first characters of the token and an ellipsis; never the whole token. */
  readonly token: string;
  /** When it expires (the service's `expiresOn`). */
  readonly expiresOn: string;
  /** Its decoded claims (not secret: anyone holding the token can read them). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Issued tokens by identity id. */
export class IssuedTokens {
  readonly #byId = new Map<string, IssuedToken[]>();

  /** Keeps the token of a successful create-with-token or issue, if the outcome is one. */
  observe(outcome: Outcome): void {
    const reply = outcome.reply;
    if (reply === undefined || reply.status >= 300 || reply.body === undefined) return;
    if (outcome.operation !== "issueToken" && outcome.operation !== "createUser") return;
    const body = JSON.parse(reply.body) as { token?: string; expiresOn?: string; identity?: { id: string }; accessToken?: IssuedTokenBody };
    const issued = outcome.operation === "issueToken" ? body : body.accessToken;
    const id = outcome.operation === "issueToken" ? outcome.id : body.identity?.id;
    if (id === undefined || issued?.token === undefined || issued.expiresOn === undefined) return;
    this.#add(id, { token: shortened(issued.token), expiresOn: issued.expiresOn, claims: decodeJwtPayload(issued.token) ?? {} });
  }

  /** The kept tokens of an identity, newest first. */
  of(id: string): IssuedToken[] {
    return [...(this.#byId.get(id) ?? [])].reverse();
  }

  /** Forgets every token. */
  clear(): void {
    this.#byId.clear();
  }

  #add(id: string, token: IssuedToken): void {
    const tokens = this.#byId.get(id) ?? [];
    // Re-inserted, so that the map's first key is the identity that least recently got a token.
    this.#byId.delete(id);
    this.#byId.set(id, [...tokens.slice(-(TOKENS_PER_IDENTITY - 1)), token]);
    if (this.#byId.size > IDENTITIES_WITH_TOKENS) this.#byId.delete(this.#byId.keys().next().value!);
  }
}

interface IssuedTokenBody {
  token?: string;
  expiresOn?: string;
}
