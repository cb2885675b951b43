import { createHttpHeaders, createPipelineRequest, type PipelinePolicy, type PipelineRequest } from "@azure/core-rest-pipeline";
import { createPrivateKey } from "node:crypto";
import https from "node:https";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator } from "../src/emulator/index.js";
import * as browser from "../src/transport/nodePolicies-browser.js";
import * as node from "../src/transport/nodePolicies.js";
import { startIdentityServer, tlsFixture } from "./helpers/identityServer.js";

async function headersAfter(policy: PipelinePolicy, preset: Record<string, string> = {}): Promise<PipelineRequest["headers"]> {
  const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", headers: createHttpHeaders(preset) });
  await policy.sendRequest(request, async (r) => ({ request: r, status: 200, headers: createHttpHeaders() }));
  return request.headers;
}

describe("the user agent", () => {
  it("in Node.js starts User-Agent with the prefix", async () => {
    const headers = await headersAfter(node.userAgentPolicyFor("app/1 acs-identity/0.1.0", {}));
    expect(headers.get("user-agent")).toMatch(/^app\/1 acs-identity\/0\.1\.0 /);
  });

  it("in browsers sends x-ms-useragent, never User-Agent, and keeps a caller's own value", async () => {
    const headers = await headersAfter(browser.userAgentPolicyFor("acs-identity/0.1.0", {}));
    expect(headers.get("x-ms-useragent")).toBe("acs-identity/0.1.0");
    expect(headers.has("user-agent")).toBe(false);
    const preset = await headersAfter(browser.userAgentPolicyFor("acs-identity/0.1.0", {}), { "x-ms-useragent": "mine" });
    expect(preset.get("x-ms-useragent")).toBe("mine");
  });
});

describe("platform policies", () => {
  it("browsers add none", () => {
    const added: unknown[] = [];
    browser.addNodePolicies({ addPolicy: (policy: unknown) => added.push(policy) } as never, { agent: {} as never });
    expect(added).toEqual([]);
  });
});

describe("printed errors show none of the TLS settings, the agent's options or the proxy password", () => {
  const PASSPHRASE = "tls-passphrase-not-for-logs";
  const PROXY_PASSWORD = "proxy-password-not-for-logs";
  const PFX = Buffer.from("pfx-bytes-not-for-logs");
  const key = createPrivateKey(tlsFixture("key")).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE });
  const keyLine = String(key).split("\n")[3]!;
  const certLine = tlsFixture("loopback").toString().split("\n")[3]!;
  const WRONG_KEY = Buffer.alloc(64, 1).toString("base64");

  /** What `console.log(error)` and `JSON.stringify(error)` print, and which secrets they hold. */
  async function printedFailureOf(call: Promise<unknown>): Promise<{ shown: string; secrets: string[] }> {
    const error = await call.then(
      () => new Error("resolved"),
      (caught: Error) => caught,
    );
    const shown = `${inspect(error, { depth: 20 })}\n${JSON.stringify(error)}`;
    const secrets = [keyLine, certLine, PASSPHRASE, "passphrase", "pfx", "tlsSettings", PROXY_PASSWORD, WRONG_KEY];
    return { shown, secrets: secrets.filter((secret) => shown.includes(secret)) };
  }

  it("for a network error, with TLS options, an agent with a key, and a proxy with a password", async () => {
    const closed = `endpoint=https://127.0.0.1:1/;accesskey=${WRONG_KEY}`;
    const options = { retryOptions: { maxRetries: 0 } };
    for (const client of [
      new CommunicationIdentityClient(closed, { ...options, tlsOptions: { key, passphrase: PASSPHRASE } }),
      new CommunicationIdentityClient(closed, { ...options, agent: new https.Agent({ key, passphrase: PASSPHRASE }) }),
      new CommunicationIdentityClient(closed, {
        ...options,
        proxyOptions: { host: "http://127.0.0.1", port: 1, username: "me", password: PROXY_PASSWORD },
      }),
    ]) {
      const { shown, secrets } = await printedFailureOf(client.createUser());
      expect(shown).toContain("ECONNREFUSED");
      expect(secrets).toStrictEqual([]);
    }
  });

  it("for a refused server certificate", async () => {
    const server = await startIdentityServer(undefined, tlsFixture("loopback"));
    try {
      const client = new CommunicationIdentityClient(server.connectionString, {
        tlsOptions: { key, passphrase: PASSPHRASE, cert: tlsFixture("loopback") },
      });
      const { shown, secrets } = await printedFailureOf(client.createUser());
      expect(shown).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(secrets).toStrictEqual([]);
    } finally {
      await server.close();
    }
  });

  // Over http the TLS settings go unused, but they are on the request all the same: the PFX too.
  it("for a service error (401)", async () => {
    const emulator = await startEmulator();
    try {
      const client = new CommunicationIdentityClient(`endpoint=${emulator.endpoint}/;accesskey=${WRONG_KEY}`, {
        tlsOptions: { key, passphrase: PASSPHRASE, pfx: PFX },
      });
      const { shown, secrets } = await printedFailureOf(client.createUser());
      expect(shown).toContain('"statusCode": 401');
      expect(secrets).toStrictEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
