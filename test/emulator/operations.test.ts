import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, createIdentity, identityPath, PREVIEW, signedSend, type Target } from "./helpers.js";

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0, 123);
let clock = T0;

describe("operations", () => {
  let running: Emulator;
  // Requests are signed with the emulator's frozen clock, or they would be 16 minutes off.
  let emulator: Emulator & Target;
  beforeAll(async () => {
    running = await startEmulator({ now: () => clock });
    emulator = { ...running, now: () => clock };
  });
  afterAll(() => running.close());

  const post = (path: string, body?: unknown) => signedSend(emulator, { method: "POST", path, body });
  const date = (offset: number) => new Date(T0 + offset).toUTCString();

  it("creates an identity: 201 with an id of this resource", async () => {
    const response = await post(`/identities?api-version=${API}`, {});
    expect(response.status).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Object.keys(response.json)).toEqual(["identity"]);
    expect(response.json.identity.id).toMatch(new RegExp(`^8:acs:${emulator.resourceId}_[0-9a-f-]{36}$`));
    expect(emulator.identity(response.json.identity.id)).toEqual({ id: response.json.identity.id, createdAt: T0 });
  });

  it("creates an identity with no body at all", async () => {
    const response = await post(`/identities?api-version=${API}`);
    expect(response.status).toBe(201);
  });

  it("creates an identity with a token, expiresOn following expiresInMinutes", async () => {
    const response = await post(`/identities?api-version=${API}`, { createTokenWithScopes: ["chat"], expiresInMinutes: 60 });
    expect(response.status).toBe(201);
    expect(response.json.accessToken.expiresOn).toBe("2024-01-01T01:00:00.123+00:00");
    expect(response.json.accessToken.token.split(".")).toHaveLength(3);
  });

  it("issues a token: 200, 1440 minutes by default", async () => {
    const id = await createIdentity(emulator);
    const response = await post(identityPath(id, ":issueAccessToken"), { scopes: ["chat", "voip"] });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(["expiresOn", "token"]);
    expect(response.json.expiresOn).toBe("2024-01-02T00:00:00.123+00:00");
    expect(emulator.identity(id)?.lastTokenIssuedAt).toBe(T0);
  });

  const interval = "is invalid. Value must be within the [60, 1440] interval.";
  it.each([
    [{ scopes: [] }, "Invalid scopes - Scopes field is required.", "scopes"],
    [{}, "Invalid scopes - Scopes field is required.", "scopes"],
    [{ scopes: "chat" }, "Invalid scopes - Scopes field is required.", "scopes"],
    [{ scopes: ["chat"], expiresInMinutes: 59 }, `ExpiresInMinutes value 59 ${interval}`, "ExpiresInMinutes"],
    [{ scopes: ["chat"], expiresInMinutes: 1441 }, `ExpiresInMinutes value 1441 ${interval}`, "ExpiresInMinutes"],
    [{ scopes: ["chat"], expiresInMinutes: 60.5 }, `ExpiresInMinutes value 60.5 ${interval}`, "ExpiresInMinutes"],
    [{ scopes: ["chat"], expiresInMinutes: "60" }, `ExpiresInMinutes value of type string ${interval}`, "ExpiresInMinutes"],
    [{ scopes: ["nope"] }, "Invalid scopes - each scope must be one of: chat, voip, chat.join, chat.join.limited, voip.join.", "scopes"],
  ])("refuses to issue for %j with 400 ValidationError, its text and target", async (body, message, target) => {
    const id = await createIdentity(emulator);
    const response = await post(identityPath(id, ":issueAccessToken"), body);
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.json).toStrictEqual({ error: { code: "ValidationError", message, target } });
  });

  it("knows the join scopes only from 2023-10-01", async () => {
    const id = await createIdentity(emulator);
    expect((await post(identityPath(id, ":issueAccessToken", "2023-08-01"), { scopes: ["chat.join"] })).status).toBe(400);
    expect((await post(identityPath(id, ":issueAccessToken", "2023-10-01"), { scopes: ["chat.join"] })).status).toBe(200);
  });

  it("revokes tokens: 204 and remembered", async () => {
    const id = await createIdentity(emulator);
    clock = T0 + 5000;
    const response = await post(identityPath(id, ":revokeAccessTokens"));
    clock = T0;
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect(emulator.identity(id)?.revokedAt).toBe(T0 + 5000);
  });

  it("deletes an identity: 204, then every operation on it is 401", async () => {
    const id = await createIdentity(emulator);
    expect((await signedSend(emulator, { method: "DELETE", path: identityPath(id) })).status).toBe(204);
    expect(emulator.identity(id)).toBeUndefined();
    expect((await post(identityPath(id, ":issueAccessToken"), { scopes: ["chat"] })).status).toBe(401);
    expect((await post(identityPath(id, ":revokeAccessTokens"))).status).toBe(401);
    expect((await signedSend(emulator, { method: "DELETE", path: identityPath(id) })).status).toBe(401);
    expect((await signedSend(emulator, { method: "GET", path: identityPath(id, "", PREVIEW) })).status).toBe(401);
  });

  it.each([
    ["unknown", () => `8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`],
    ["foreign", () => "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001"],
    ["malformed", () => "%E0%A4%A"],
  ])("answers 401 IdentityNotOwned for an %s identity", async (_kind, id) => {
    const response = await post(identityPath(id(), ":issueAccessToken"), { scopes: ["chat"] });
    expect(response.status).toBe(401);
    expect(response.json).toStrictEqual({
      error: { code: "IdentityNotOwned", message: "Provided identity doesn't belong to the resource." },
    });
  });

  it("gets an identity on the preview: id, customId, lastTokenIssuedAt", async () => {
    const created = await post(`/identities?api-version=${PREVIEW}`, { customId: "alice", createTokenWithScopes: ["voip"] });
    const id = created.json.identity.id as string;
    const response = await signedSend(emulator, { method: "GET", path: identityPath(id, "", PREVIEW) });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toStrictEqual({ customId: "alice", lastTokenIssuedAt: "2024-01-01T00:00:00+00:00", id });
    expect(Object.keys(response.json)).toStrictEqual(["customId", "lastTokenIssuedAt", "id"]);
  });

  it("creates again with an existing customId: the identity with its customId and last token time", async () => {
    const first = await post(`/identities?api-version=${PREVIEW}`, { customId: "dave", createTokenWithScopes: ["chat"] });
    const id = first.json.identity.id as string;
    expect(first.json.identity).toStrictEqual({ customId: "dave", id });
    clock = T0 + 86_400_000;
    const again = await post(`/identities?api-version=${PREVIEW}`, { customId: "dave" });
    clock = T0;
    expect(again.status).toBe(201);
    expect(again.text).toBe(`{"identity":{"customId":"dave","lastTokenIssuedAt":"2024-01-01T00:00:00+00:00","id":"${id}"}}`);
  });

  it("gets an identity without a token or custom id as just its id", async () => {
    const id = await createIdentity(emulator);
    const response = await signedSend(emulator, { method: "GET", path: identityPath(id, "", "2025-06-30") });
    expect(response.json).toEqual({ id });
  });

  it("refuses GET and customId before 2025-03-02-preview", async () => {
    const id = await createIdentity(emulator);
    const get = await signedSend(emulator, { method: "GET", path: identityPath(id) });
    expect(get.status).toBe(400);
    expect(get.json.error.code).toBe("UnsupportedApiVersion");
    const create = await post(`/identities?api-version=${API}`, { customId: "bob" });
    expect(create.json).toEqual({
      error: { code: "ValidationError", message: "customId requires api-version 2025-03-02-preview or 2025-06-30." },
    });
  });

  it("returns the same identity for the same customId, also on 2025-06-30", async () => {
    const first = await post(`/identities?api-version=${PREVIEW}`, { customId: "carol" });
    const second = await post(`/identities?api-version=2025-06-30`, { customId: "carol" });
    expect(second.status).toBe(201);
    expect(second.json.identity.id).toBe(first.json.identity.id);
  });

  it.each([[""], ["x".repeat(257)], [42]])("refuses customId %j", async (customId) => {
    const response = await post(`/identities?api-version=${PREVIEW}`, { customId });
    expect(response.status).toBe(400);
  });

  it("refuses a create with a bad expiresInMinutes", async () => {
    const response = await post(`/identities?api-version=${API}`, { createTokenWithScopes: ["chat"], expiresInMinutes: 59 });
    expect(response.status).toBe(400);
  });

  it("uses the injected clock for dates too", () => {
    expect(date(0)).toBe("Mon, 01 Jan 2024 00:00:00 GMT");
  });
});
