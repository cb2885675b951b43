/**
 * The six operations of the service, each a function from a checked request to a {@link Reply}.
 * Authentication, api-version, faults and repeatability are handled before these run.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ASSIGNMENT_OPERATIONS } from "./assignmentOperations.js";
import { EXCHANGE_OPERATIONS } from "./exchangeOperations.js";
import { supportsCustomId, type ApiVersion } from "./apiVersion.js";
import { badRequest, identityNotOwned } from "./errors.js";
import type { RefusalReason } from "../pipeline/reasons.js";
import { jsonReply, type Reply } from "./reply.js";
import type { IdentityStore } from "../store/store.js";
import { checkTeamsExchange } from "./teams.js";
import type { TokenMinter } from "../tokens/tokens.js";
import type { IdentityRecord, Operation } from "../types.js";
import { parseJsonObject, readCreateRequest, readIssueRequest } from "./validation.js";

/** What the operations work with. */
export interface OperationContext {
  /** The identities. */
  store: IdentityStore;
  /** Issues tokens. */
  minter: TokenMinter;
  /** The clock, milliseconds since the epoch. */
  now: () => number;
  /** The emulator's own endpoint, `http(s)://<host>:<port>` (known once it listens): the scheme and address of the links it answers with. */
  endpoint: () => string;
}

/** A request that reached an operation. */
export interface OperationRequest {
  /** The decoded identity id from the path, for operations on one identity. */
  id?: string;
  /** The request's api-version. */
  version: ApiVersion;
  /** The exact body bytes. */
  body: Buffer;
  /** A create's `Repeatability-Request-ID` (lower-case), when it sent one. */
  requestId?: string;
  /** The decoded tenant id from the path, for a Teams Phone extensibility assignment. */
  tenantId?: string;
  /** The decoded object id from the path, for one assignment. */
  objectId?: string;
  /** The query. */
  query: URLSearchParams;
  /** The request headers (lower-case names). */
  headers: IncomingHttpHeaders;
}

/** An operation's implementation. */
export type OperationHandler = (context: OperationContext, request: OperationRequest) => Promise<Reply>;

const NO_CONTENT: Reply = { status: 204 };
const MINUTE_MS = 60_000;

async function createUser(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const create = readCreateRequest(parseJsonObject(request.body), request.version);
  const now = context.now();
  // The token's issue time is written with the create: the identity and its token exist together
  // or not at all. The identity is as it was before this request's token: a repeated customId
  // create shows the earlier last issue time (recorded); a new identity has none.
  const identity = await context.store.create(create.customId, now, request.requestId, create.scopes.length > 0);
  if (create.scopes.length === 0) return jsonReply(201, { identity: identityBody(identity) });
  const accessToken = await context.minter.mint({
    id: identity.id,
    scopes: create.scopes,
    issuedAt: now,
    expiresAt: now + create.expiresInMinutes * MINUTE_MS,
  });
  return jsonReply(201, { identity: identityBody(identity), accessToken });
}

async function issueToken(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const id = liveIdentity(context, request);
  const issue = readIssueRequest(parseJsonObject(request.body), request.version);
  const now = context.now();
  const token = await context.minter.mint({ id, scopes: issue.scopes, issuedAt: now, expiresAt: now + issue.expiresInMinutes * MINUTE_MS });
  await context.store.tokenIssued(id, now);
  return jsonReply(200, token);
}

async function revokeTokens(context: OperationContext, request: OperationRequest): Promise<Reply> {
  await context.store.revoke(liveIdentity(context, request), context.now());
  return NO_CONTENT;
}

async function deleteUser(context: OperationContext, request: OperationRequest): Promise<Reply> {
  await context.store.delete(liveIdentity(context, request), context.now());
  return NO_CONTENT;
}

async function getUser(context: OperationContext, request: OperationRequest): Promise<Reply> {
  if (!supportsCustomId(request.version)) {
    throw badRequest("UnsupportedApiVersion", "GET /identities/{id} requires api-version 2025-03-02-preview or 2025-06-30.");
  }
  return jsonReply(200, identityBody(context.store.get(liveIdentity(context, request))!));
}

/**
 * An identity as the service writes it: `customId` and `lastTokenIssuedAt` when it has them, in
 * the service's field order (`customId, lastTokenIssuedAt, id`).
 */
function identityBody(identity: IdentityRecord): { customId?: string; lastTokenIssuedAt?: string; id: string } {
  return {
    ...(identity.customId === undefined ? {} : { customId: identity.customId }),
    ...(identity.lastTokenIssuedAt === undefined ? {} : { lastTokenIssuedAt: formatLastTokenIssuedAt(identity.lastTokenIssuedAt) }),
    id: identity.id,
  };
}

/**
 * `lastTokenIssuedAt` as the service writes it: whole seconds and `+00:00`
 * (`2025-04-14T15:32:35+00:00`); the fraction is cut, not rounded.
 */
export function formatLastTokenIssuedAt(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

async function exchangeTeamsToken(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const now = context.now();
  const exchange = checkTeamsExchange(parseJsonObject(request.body), now);
  // The ACS token lives as long as the Entra token it was exchanged for, and never more than a day.
  const expiresAt = Math.min(exchange.expiresAt, now + 1440 * MINUTE_MS);
  return jsonReply(
    200,
    await context.minter.mint({ id: `8:orgid:${exchange.userId}`, scopes: ["voip", "chat"], issuedAt: now, expiresAt }),
  );
}

/**
 * The id of a live identity of this resource. Unknown, foreign and deleted ids all get
 * 401 IdentityNotOwned, as the service answers (recorded for issue, revoke and delete).
 */
function liveIdentity(context: OperationContext, request: OperationRequest): string {
  const id = request.id ?? "";
  if (context.store.get(id) === undefined) throw identityNotOwned(notOwnedReason(context.store, id));
  return id;
}

/** Why an id names no live identity: deleted, minted by exchange, of another resource, or never created. */
function notOwnedReason(store: IdentityStore, id: string): RefusalReason {
  const deleted = store.deleted(id);
  if (deleted !== undefined) return { kind: "identityDeleted", id, deletedAt: deleted.deletedAt };
  if (store.assignments.exchanged(id) !== undefined) return { kind: "identityExchanged", id };
  return id.startsWith(`8:acs:${store.resourceId}_`) ? { kind: "identityUnknown", id } : { kind: "identityForeign", id };
}

/** Every operation's handler, by name. */
export const OPERATIONS: Readonly<Record<Operation, OperationHandler>> = {
  createUser,
  issueToken,
  revokeTokens,
  deleteUser,
  exchangeTeamsToken,
  getUser,
  ...ASSIGNMENT_OPERATIONS,
  ...EXCHANGE_OPERATIONS,
};
