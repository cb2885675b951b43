/**
 * Request targets that a URL parser would read as a host and another path: `/\host/...` (a
 * backslash is a slash to it) and `//host/...`. Sent byte for byte over raw sockets, they are paths
 * of no route (404), never the operation of the path after the host; `//access/{family}/:exchangeAccessToken`
 * stays the exchange (ASSUMPTIONS.md 36), and the request log shows the path as sent.
 */
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mintEntraTestToken } from "../../src/emulator/entra/entraTestTokens.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { APP, TENANT, USER } from "../helpers/entraIds.js";
import { API, createIdentity, identityPath, PREVIEW, send, signedSend } from "./helpers.js";

const NOT_FOUND = { status: 404, json: { error: { code: "NotFound", message: "The requested resource does not exist." } } };

let emulator: Emulator;
let port: number;
beforeEach(async () => {
  // Bearer tokens allowed: the request needs no signature to reach the operation it is read as.
  emulator = await startEmulator({ allowBearer: true });
  port = Number(new URL(emulator.endpoint).port);
});
afterEach(() => emulator.close());

/** Sends `method target` as written, with a bearer token and a `{}` body; resolves with the status and JSON body. */
function raw(method: string, target: string, bearer = "x.y.z"): Promise<{ status: number; json: unknown }> {
  const text = [
    `${method} ${target} HTTP/1.1`,
    `host: 127.0.0.1:${port}`,
    `authorization: Bearer ${bearer}`,
    "content-type: application/json",
    "content-length: 2",
    "connection: close",
    "",
    "{}",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    // Written, not ended: a half-closed socket may be closed before a slower answer (a minted token) is sent.
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("close", () => {
      const [head = "", body = ""] = received.split("\r\n\r\n", 2);
      resolve({ status: Number(head.split(" ", 2)[1]), json: body === "" ? undefined : JSON.parse(body) });
    });
    socket.on("error", reject);
  });
}

const entraToken = () => mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP }).token;

async function assignUser(): Promise<void> {
  const target = { endpoint: emulator.endpoint, accessKey: emulator.accessKey };
  const path = `/access/entra/assignments/${USER}?api-version=${PREVIEW}`;
  const response = await signedSend(target, { method: "PUT", path, body: { tenantId: TENANT, principalType: "user", clientIds: [APP] } });
  expect(response.status).toBe(201);
}

async function adminList(what: "identities" | "requests"): Promise<any[]> {
  return (await send(emulator.endpoint, { method: "GET", path: `/_emulator/api/${what}` })).json[what];
}

describe("a request target with a host after its first slash", () => {
  it("/\\host/identities and /\\evil/access/entra/:exchangeAccessToken answer 404, run nothing, and are logged as sent", async () => {
    await assignUser();
    const targets = [
      `/\\127.0.0.1:${port}/identities?api-version=${API}`,
      `/\\evil/access/entra/:exchangeAccessToken?api-version=${PREVIEW}`,
      `/\\access/entra/:exchangeAccessToken?api-version=${PREVIEW}`,
      `//127.0.0.1:${port}/identities?api-version=${API}`,
    ];
    for (const target of targets) expect(await raw("POST", target, entraToken())).toStrictEqual(NOT_FOUND);
    expect(await adminList("identities")).toStrictEqual([]);
    const logged = (await adminList("requests")).slice(0, targets.length).reverse();
    expect(logged.map(({ path, status, operation }) => ({ path, status, operation }))).toStrictEqual(
      targets.map((target) => ({ path: target.split("?")[0], status: 404, operation: undefined })),
    );
  });

  it("//access/entra/:exchangeAccessToken is still the exchange", async () => {
    await assignUser();
    const exchanged = await raw("POST", `//access/entra/:exchangeAccessToken?api-version=${PREVIEW}`, entraToken());
    expect([exchanged.status, (exchanged.json as { identity: unknown }).identity]).toStrictEqual([
      200,
      { id: `8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}` },
    ]);
  });

  it("a backslash elsewhere in the path is 404 too, not read as a slash; in the query it is text", async () => {
    const target = { endpoint: emulator.endpoint, accessKey: emulator.accessKey };
    const id = await createIdentity(target);
    expect(await raw("DELETE", `/identities\\${encodeURIComponent(id)}?api-version=${API}`)).toStrictEqual(NOT_FOUND);
    expect((await signedSend(target, { method: "GET", path: identityPath(id, "", PREVIEW) })).status).toBe(200);
    const created = await raw("POST", `/identities?api-version=${API}&x=\\y`);
    expect(created.status).toBe(201);
  });

  it.each(["/x/../identities", "/identities/.", "/x/%2E%2e/identities", "/x/.%2e/identities", "/./identities"])(
    "a dot segment (%s) is 404, not the path a URL parser makes of it; in the query it is text",
    async (path) => {
      const before = emulator.identities().length;
      expect(await raw("POST", `${path}?api-version=${API}`)).toStrictEqual(NOT_FOUND);
      expect(emulator.identities().length).toBe(before);
      expect((await raw("POST", `/identities?api-version=${API}&x=/../y`)).status).toBe(201);
    },
  );
});

describe("the admin API's targets", () => {
  it.each(["/_emulator/api\\reset", "/_emulator/x/../api/reset", "/_emulator/api/x/%2e%2E/reset"])(
    "reads %s as no endpoint, not as the reset: nothing is reset",
    async (path) => {
      const id = await createIdentity(emulator);
      expect(await raw("POST", path)).toStrictEqual({
        status: 404,
        json: { error: { code: "NotFound", message: "No such admin API endpoint." } },
      });
      expect(emulator.identity(id)).toBeDefined();
    },
  );
});
