// The request log as users get it: the BUILT package (dist/) in a fresh Node.js process with
// AZURE_LOG_LEVEL and HTTPS_PROXY set in its environment, its @azure/logger output read from
// stderr. `npm test` builds first; alone, run `npm run build` before this file.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { identityLogPolicy } from "../src/transport/logPolicy.js";
import { stubHttpClient } from "./helpers/stubHttpClient.js";
import { json, startRecordingServer, type Received, type RecordingServer } from "./helpers/recordingServer.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const KEY = Buffer.alloc(32, 9).toString("base64");
const USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000002";
const PROXY_USER = "proxy-user";
const PROXY_PASSWORD = "Pr0xy-Pa55w0rd-never-logged";
const PASSPHRASE = "tls-passphrase-never-logged";
const TLS_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE },
}).privateKey;
const RESPONSE_HEADERS = { date: "Mon, 01 Jan 2024 00:00:00 GMT", "ms-cv": "cv.log.1", "x-ms-request-id": "service-request-1" };

/** The service: answers a create. */
let target: RecordingServer;
/** An HTTP proxy: records the credentials it is given and forwards absolute-form requests to their URL. */
let proxy: RecordingServer;

beforeAll(async () => {
  if (!existsSync(new URL("../dist/esm/index.js", import.meta.url)))
    throw new Error("dist/esm/index.js is missing: run `npm run build` first.");
  target = await startRecordingServer((_request, response) => json(response, 201, { identity: { id: USER } }, RESPONSE_HEADERS));
  proxy = await startRecordingServer((request, response) => {
    const { "proxy-authorization": _credentials, ...headers } = request.headers;
    const forwarded = httpRequest(request.url, { method: request.method, headers }, (upstream) => {
      response.writeHead(upstream.statusCode!, upstream.headers);
      upstream.pipe(response);
    });
    forwarded.end(request.body);
  });
});
afterAll(async () => {
  await Promise.all([target?.close(), proxy?.close()]);
});

/** What a client process sets up: the TLS key goes into `tlsOptions` or into an `agent`'s options. */
const CLIENT = `
import http from "node:http";
import { CommunicationIdentityClient } from "acs-identity";
const { ENDPOINT, ACCESS_KEY, TLS_KEY, TLS_PASSPHRASE, KEY_IN } = process.env;
const tls = { key: TLS_KEY, passphrase: TLS_PASSPHRASE };
const options = KEY_IN === "agent" ? { agent: new http.Agent({ keepAlive: false, ...tls }) } : { tlsOptions: tls };
const client = new CommunicationIdentityClient(\`endpoint=\${ENDPOINT}/;accesskey=\${ACCESS_KEY}\`, { ...options, retryOptions: { maxRetries: 0 } });
await client.createUser();
`;

async function logOf(level: string, keyIn: string): Promise<string[]> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    AZURE_LOG_LEVEL: level,
    HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${new URL(proxy.origin).port}`,
    ENDPOINT: target.origin,
    ACCESS_KEY: KEY,
    TLS_KEY,
    TLS_PASSPHRASE: PASSPHRASE,
    KEY_IN: keyIn,
  };
  for (const name of ["NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "https_proxy", "DEBUG"])
    delete env[name];
  const { stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", CLIENT], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  return stderr.split("\n").filter((line) => line !== "");
}

/** The lines expected for the one create the service received, durations aside. */
function expectedLines(received: Received): string[] {
  const sent = (name: string) => received.headers[name] as string;
  const requestHeaders = {
    accept: "application/json",
    authorization: "REDACTED",
    host: sent("host"),
    "repeatability-first-sent": sent("repeatability-first-sent"),
    "repeatability-request-id": sent("repeatability-request-id"),
    "user-agent": sent("user-agent"),
    "x-ms-client-request-id": sent("x-ms-client-request-id"),
    "x-ms-content-sha256": "REDACTED",
    "x-ms-date": sent("x-ms-date"),
  };
  const responseHeaders = {
    connection: "REDACTED",
    "content-length": String(JSON.stringify({ identity: { id: USER } }).length),
    "content-type": "application/json",
    date: RESPONSE_HEADERS.date,
    "ms-cv": RESPONSE_HEADERS["ms-cv"],
    "x-ms-request-id": RESPONSE_HEADERS["x-ms-request-id"],
  };
  const id = sent("x-ms-client-request-id");
  return [
    `azure:acs-identity:info Request ${id}: POST ${target.origin}/identities?api-version=2023-10-01 ${JSON.stringify(requestHeaders)}`,
    `azure:acs-identity:info Response ${id}: 201 in <n> ms ${JSON.stringify(responseHeaders)}`,
  ];
}

const SECRETS = [
  PROXY_PASSWORD,
  encodeURIComponent(PROXY_PASSWORD),
  Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64"),
  PASSPHRASE,
  TLS_KEY,
  TLS_KEY.split("\n")[1]!,
  TLS_KEY.split("\n")[5]!,
  KEY,
];

describe("the request log, from a client process with a proxy password and a TLS client key", () => {
  it.each([
    ["info", "tlsOptions"],
    ["verbose", "tlsOptions"],
    ["info", "agent"],
    ["verbose", "agent"],
  ])("at %s with the key in %s shows the allow-listed lines exactly and no secret", async (level, keyIn) => {
    target.received.length = 0;
    proxy.received.length = 0;
    const lines = await logOf(level, keyIn);
    for (const secret of SECRETS) expect(lines.join("\n")).not.toContain(secret);
    expect(target.received).toHaveLength(1);
    // With tlsOptions the request goes through the proxy, with its credentials; a custom agent takes
    // the place of the proxy agent, so that request goes straight to the service.
    const viaProxy = keyIn === "tlsOptions";
    expect(proxy.received.map((r) => r.headers["proxy-authorization"])).toStrictEqual(
      viaProxy ? [`Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")}`] : [],
    );
    const shown = lines.map((line) => line.replace(/ in \d+ ms /, " in <n> ms "));
    expect(shown).toStrictEqual(expectedLines(target.received[0]!));
  });
});

describe("identityLogPolicy", () => {
  const lines: string[] = [];
  const previousLog = AzureLogger.log;
  let previousLevel: AzureLogLevel | undefined;
  beforeAll(() => {
    previousLevel = getLogLevel();
    setLogLevel("info");
    AzureLogger.log = (...args: unknown[]) => lines.push(args.join(" "));
  });
  afterAll(() => {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
  });

  it("drops user info, redacts unlisted query and header values, shows the listed ones, and names a failure by name and code only", async () => {
    const policy = identityLogPolicy({ additionalAllowedHeaderNames: ["X-Shown"], additionalAllowedQueryParameters: ["shown"] });
    const request = createPipelineRequest({
      url: "https://user:pw@contoso.communication.azure.com/identities?api-version=2023-10-01&shown=1&hidden=secret-value",
      headers: createHttpHeaders({ "X-Shown": "a", "X-Hidden": "secret-header", Accept: "application/json" }),
    });
    await policy.sendRequest(request, async (r) => ({
      request: r,
      status: 204,
      headers: createHttpHeaders({ "ms-cv": "cv.1", "set-cookie": "c=secret" }),
    }));
    await expect(
      policy.sendRequest(request, () =>
        Promise.reject(new RestError("connect ECONNREFUSED http://user:pw@proxy", { code: "ECONNREFUSED" })),
      ),
    ).rejects.toThrow("ECONNREFUSED");
    const id = request.requestId;
    const requestLine = `azure:acs-identity:info Request ${id}: GET https://contoso.communication.azure.com/identities?api-version=2023-10-01&shown=1&hidden=REDACTED {"accept":"application/json","x-hidden":"REDACTED","x-shown":"a"}`;
    expect(lines.map((line) => line.replace(/ in \d+ ms/, " in <n> ms"))).toStrictEqual([
      requestLine,
      `azure:acs-identity:info Response ${id}: 204 in <n> ms {"ms-cv":"cv.1","set-cookie":"REDACTED"}`,
      requestLine,
      `azure:acs-identity:info Request ${id} failed in <n> ms: RestError ECONNREFUSED`,
    ]);
  });

  it("shows the value of the client's own request id header, named by telemetryOptions.clientRequestIdHeaderName", async () => {
    lines.length = 0;
    const { httpClient, requests } = stubHttpClient(() => ({ status: 204 }));
    const client = new CommunicationIdentityClient(`endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`, {
      httpClient,
      telemetryOptions: { clientRequestIdHeaderName: "X-Custom-Request-Id" },
    });
    await client.revokeTokens({ communicationUserId: USER });
    const id = requests[0]!.headers.get("x-custom-request-id");
    expect(id).toBe(requests[0]!.requestId);
    const logged = JSON.parse(/ (\{.*\})$/.exec(lines[0]!)![1]!) as Record<string, string>;
    expect(logged["x-custom-request-id"]).toBe(id);
  });
});
