/**
 * The JSON admin API under `/_emulator/api/`: the identities (live, deleted and minted by exchange)
 * with their issued tokens' claims, the access assignments, the request log, the faults, the rate
 * limits and their windows, a reset, and test Entra tokens for the exchanges.
 * Who may call it is checked in `dashboard.ts`; this file only says what each endpoint answers.
 */
import { ServiceError, errorBody } from "../routes/errors.js";
import { entraTestTokenJson, mintEntraTestToken, type EntraTestTokenOptions } from "../entra/entraTestTokens.js";
import { faultText, type ActiveFault, type FaultInjector } from "../pipeline/faults.js";
import type { IssuedTokens } from "../tokens/issuedTokens.js";
import type { LimitWindowView, RateLimiter } from "../pipeline/limits.js";
import { formatRateLimits } from "../../limits/rateLimits.js";
import { entraBody, teamsBody } from "../routes/assignmentOperations.js";
import { OPERATIONS as HANDLERS } from "../routes/operations.js";
import { jsonReply, type Reply } from "../routes/reply.js";
import type { RepeatabilityCache } from "../routes/repeatability.js";
import type { RequestLog } from "../pipeline/requestLog.js";
import type { DeletedRecord, IdentityStore } from "../store/store.js";
import type { EntraAssignment, ExchangedIdentity, TeamsExtensionAssignment } from "../store/assignments.js";
import type { FaultSpec, IdentityRecord, Operation } from "../types.js";

/** What the admin API reads and changes. */
export interface AdminParts {
  log: RequestLog;
  tokens: IssuedTokens;
  store: IdentityStore;
  faults: FaultInjector;
  repeatability: RepeatabilityCache;
  limiter: RateLimiter;
  /** The emulator's clock, milliseconds since the epoch. */
  now: () => number;
}

/** An API request: method, the path after `/_emulator/api`, the query, the body. */
export interface AdminRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

/** An identity as the admin API shows it; times are ISO 8601. */
export interface IdentityView {
  id: string;
  customId?: string;
  createdAt: string;
  lastTokenIssuedAt?: string;
  revokedAt?: string;
  deletedAt?: string;
}

/** A fault as the admin API shows it: its id, its settings, how many requests it still affects, and what it does. */
export type FaultView = { id: number } & Omit<FaultSpec, "count"> & { left: number | "Infinity"; text: string };

/**
 * The rate limits as the admin API shows them: in the written form of `--limits` (`null` when
 * there are none), and each limited operation's window now.
 */
export interface LimitsView {
  limits: string | null;
  windows: LimitWindowView[];
}

/**
 * The access assignments as the admin API shows them: each as the service returns it, Teams ones
 * by tenant id then object id, Entra ones by object id.
 */
export interface AssignmentsView {
  teamsExtension: TeamsExtensionAssignment[];
  entra: EntraAssignment[];
}

/** The most identities one list answer holds; `total` says how many matched. */
export const MAX_LISTED_IDENTITIES = 500;

const OPERATIONS = Object.keys(HANDLERS) as readonly Operation[];
const NO_CONTENT: Reply = { status: 204 };

/**
 * Answers one admin API request.
 *
 * @throws nothing: every failure is an error answer.
 */
export async function adminReply(parts: AdminParts, request: AdminRequest): Promise<Reply> {
  try {
    return await route(parts, request);
  } catch (thrown) {
    return adminErrorReply(thrown instanceof ServiceError ? thrown : new ServiceError(500, "InternalServerError", "The admin API failed."));
  }
}

/** An error answer of the dashboard or its API: the service's error shape, without the service's versioning headers. */
export function adminErrorReply(error: ServiceError): Reply {
  return jsonReply(error.status, errorBody(error), { ...error.headers });
}

async function route(parts: AdminParts, { method, path, query, body }: AdminRequest): Promise<Reply> {
  const [collection, id, ...rest] = path.split("/").slice(1);
  if (rest.length > 0) throw notFound();
  if (collection === "identities" && id === undefined) return only(method, "GET", () => listIdentities(parts, query.get("search") ?? ""));
  if (collection === "identities") return only(method, "GET", () => oneIdentity(parts, decoded(id!)));
  if (collection === "assignments" && id === undefined) return only(method, "GET", () => jsonReply(200, assignmentsView(parts)));
  if (collection === "requests" && id === undefined) return only(method, "GET", () => jsonReply(200, { requests: parts.log.list() }));
  if (collection === "faults" && id === undefined) {
    if (method === "POST") return addFault(parts.faults, body);
    if (method === "DELETE") return (parts.faults.clear(), NO_CONTENT);
    return only(method, "GET", () => jsonReply(200, { faults: parts.faults.list().map(faultView) }));
  }
  if (collection === "faults") return only(method, "DELETE", () => removeFault(parts.faults, id!));
  if (collection === "limits" && id === undefined) {
    if (method === "PUT") return setLimits(parts.limiter, body);
    return only(method, "GET", () => jsonReply(200, limitsView(parts.limiter)), "GET, PUT");
  }
  if (collection === "reset" && id === undefined) return only(method, "POST", () => reset(parts));
  if (collection === "entra" && id === "tokens") return only(method, "POST", () => mintEntraToken(body, parts.now()));
  throw notFound();
}

function listIdentities(parts: AdminParts, search: string): Reply {
  const needle = search.toLowerCase();
  const matches = [...parts.store.list(), ...parts.store.listDeleted(), ...parts.store.assignments.listExchanged()]
    .filter((record) => record.id.toLowerCase().includes(needle) || (record.customId?.toLowerCase().includes(needle) ?? false))
    .sort((a, b) => b.createdAt - a.createdAt);
  return jsonReply(200, { identities: matches.slice(0, MAX_LISTED_IDENTITIES).map(identityView), total: matches.length });
}

function oneIdentity(parts: AdminParts, id: string): Reply {
  const record = parts.store.get(id) ?? parts.store.deleted(id) ?? parts.store.assignments.exchanged(id);
  if (record === undefined) throw new ServiceError(404, "NotFound", `No identity ${id}.`);
  return jsonReply(200, { identity: identityView(record), tokens: parts.tokens.of(id) });
}

function assignmentsView({ store: { assignments } }: AdminParts): AssignmentsView {
  return { teamsExtension: assignments.listTeams().map(teamsBody), entra: assignments.listEntra().map(entraBody) };
}

/** An identity's times as ISO 8601 strings, each only when it happened. */
export function identityView(record: IdentityRecord | DeletedRecord | ExchangedIdentity): IdentityView {
  const iso = (time: number | undefined) => (time === undefined ? undefined : new Date(time).toISOString());
  const view: IdentityView = { id: record.id, createdAt: iso(record.createdAt)! };
  if (record.customId !== undefined) view.customId = record.customId;
  const times = {
    lastTokenIssuedAt: record.lastTokenIssuedAt,
    revokedAt: record.revokedAt,
    deletedAt: (record as Partial<DeletedRecord>).deletedAt,
  };
  for (const [name, time] of Object.entries(times)) if (time !== undefined) view[name as keyof typeof times] = iso(time)!;
  return view;
}

function faultView(fault: ActiveFault): FaultView {
  const { count: _count, ...spec } = fault.spec;
  return { id: fault.id, ...spec, left: fault.left === Infinity ? "Infinity" : fault.left, text: faultText(fault.spec) };
}

function addFault(faults: FaultInjector, body: Buffer): Reply {
  const spec = readFaultSpec(body);
  let id: number;
  try {
    id = faults.add(spec);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  return jsonReply(201, { fault: faultView(faults.list().find((fault) => fault.id === id)!) });
}

function removeFault(faults: FaultInjector, id: string): Reply {
  if (!/^\d+$/.test(id) || !faults.remove(Number(id))) throw new ServiceError(404, "NotFound", `No fault ${id}.`);
  return NO_CONTENT;
}

function limitsView(limiter: RateLimiter): LimitsView {
  const written = formatRateLimits(limiter.limits());
  return { limits: written === "" ? null : written, windows: limiter.windows() };
}

/** Replaces the limits with `{"limits":"<as --limits>"}`, or turns them off with `{"limits":null}`. */
function setLimits(limiter: RateLimiter, body: Buffer): Reply {
  const example = 'The body must be a JSON object with one field, e.g. {"limits":"issue=100/10s"} or {"limits":null} for none.';
  const value = jsonObject(body, () => new ServiceError(400, "InvalidLimits", example));
  const names = Object.keys(value);
  const limits = value["limits"];
  if (names.length !== 1 || names[0] !== "limits" || (typeof limits !== "string" && limits !== null)) {
    throw new ServiceError(400, "InvalidLimits", example);
  }
  try {
    limiter.set(limits ?? {});
  } catch (error) {
    throw new ServiceError(400, "InvalidLimits", (error as Error).message);
  }
  return jsonReply(200, limitsView(limiter));
}

/**
 * Forgets everything a test may have left: the identities and the access assignments (deleted
 * through the journal, then forgotten), the identities minted by exchange, their tokens, the remembered repeatable creates, the faults, the rate limits'
 * windows (not the limits) and the request log.
 */
async function reset(parts: AdminParts): Promise<Reply> {
  for (const identity of parts.store.list()) await parts.store.delete(identity.id, parts.now());
  await parts.store.assignments.clear(parts.now());
  parts.store.forgetDeleted();
  parts.tokens.clear();
  parts.repeatability.clear();
  parts.faults.clear();
  parts.limiter.clear();
  parts.log.clear();
  return NO_CONTENT;
}

/** The fields of `POST /entra/tokens`: {@link EntraTestTokenOptions} without the clock, which is the emulator's. */
const ENTRA_TOKEN_FIELDS = ["tenantId", "objectId", "clientId", "scopes", "groups", "expiresInMinutes", "version"] as const;

/** Mints a test Entra token at the emulator's time: `200 {token, expiresOn, claims}`, or `400` with the mint's own message. */
function mintEntraToken(body: Buffer, now: number): Reply {
  const refusal = (message: string) => new ServiceError(400, "InvalidEntraTokenRequest", message);
  const value = jsonObject(body, () =>
    refusal('The body must be a JSON object, e.g. {"tenantId":"<GUID>","objectId":"<GUID>","clientId":"<GUID>"}.'),
  );
  const unknown = Object.keys(value).find((name) => !(ENTRA_TOKEN_FIELDS as readonly string[]).includes(name));
  if (unknown !== undefined) throw refusal(`Unknown field "${unknown}"; known: ${ENTRA_TOKEN_FIELDS.join(", ")}.`);
  try {
    return jsonReply(200, entraTestTokenJson(mintEntraTestToken({ ...(value as unknown as EntraTestTokenOptions), now })));
  } catch (error) {
    throw refusal((error as Error).message);
  }
}

type FaultField = keyof FaultSpec;
const FAULT_FIELDS: Readonly<Record<FaultField, (value: unknown) => boolean>> = {
  status: (value) => Number.isInteger(value),
  retryAfterSeconds: isNonNegativeInteger,
  retryAfterMs: isNonNegativeInteger,
  count: (value) => value === "Infinity" || Number.isInteger(value),
  operation: (value) => OPERATIONS.includes(value as Operation),
  drop: (value) => value === "before" || value === "after",
  latencyMs: isNonNegativeInteger,
  body: () => true,
};

/** A fault from JSON: the {@link FaultSpec} fields only, `count` a number or `"Infinity"`. */
function readFaultSpec(body: Buffer): FaultSpec {
  const value = jsonObject(body, () => invalid('The body must be a JSON object, e.g. {"status":503,"count":2}.'));
  for (const [name, field] of Object.entries(value)) {
    const check = Object.hasOwn(FAULT_FIELDS, name) ? FAULT_FIELDS[name as FaultField] : undefined;
    if (check === undefined) throw invalid(`Unknown fault field "${name}"; known: ${Object.keys(FAULT_FIELDS).join(", ")}.`);
    if (!check(field)) throw invalid(`The fault field "${name}" has a value it cannot take: ${JSON.stringify(field)}.`);
  }
  const { count, ...spec } = value as Omit<FaultSpec, "count"> & { count?: number | "Infinity" };
  return count === undefined ? spec : { ...spec, count: count === "Infinity" ? Infinity : count };
}

/** The body as a JSON object, or the error `refusal` makes. */
function jsonObject(body: Buffer, refusal: () => ServiceError): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw refusal();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw refusal();
  return value as Record<string, unknown>;
}

function isNonNegativeInteger(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** The answer for the one method left to try; `allow` lists every method of the endpoint. */
function only(method: string, allowed: string, answer: () => Reply | Promise<Reply>, allow = allowed): Reply | Promise<Reply> {
  if (method !== allowed) throw new ServiceError(405, "MethodNotAllowed", `The method ${method} is not allowed here.`, { allow });
  return answer();
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound();
  }
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, "InvalidFault", message);
}

function notFound(): ServiceError {
  return new ServiceError(404, "NotFound", "No such admin API endpoint.");
}
