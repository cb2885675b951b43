// Records the conformance exchanges (test/conformance) against a real Communication Services
// resource, so that anyone with one can refresh the evidence the emulator is tested against:
//
//   COMMUNICATION_CONNECTION_STRING="endpoint=https://<resource>.communication.azure.com/;accesskey=<key>" \
//     npm run record:conformance -- [out.json]
//
// The Teams exchanges need a Teams user: TEAMS_USER_AAD_TOKEN (a current Entra token of the user
// for Communication Services), TEAMS_CLIENT_ID, TEAMS_USER_OBJECT_ID, and TEAMS_EXPIRED_AAD_TOKEN
// for the expired case; without them those scenarios are skipped. The output has the format of
// recorded-exchanges.json (default test/conformance/recorded-<date>.json); it keeps no key, no
// token and no id: request bodies stay templates, answers keep field names and value formats only.
// Compare it with recorded-exchanges.json and, where Azure answers otherwise, update both.
import { writeFileSync } from "node:fs";
import { parseConnectionString } from "../src/auth/connectionString.js";
import {
  familyOf,
  playScenario,
  RECORDED,
  responseOf,
  type Inputs,
  type Observed,
  type RawResponse,
  type Scenario,
  type SignedSend,
} from "../test/conformance/exchanges.js";
import { signedHeaders } from "../test/emulator/helpers.js";

/** A signed request to the resource over fetch (https, or http on loopback for an emulator). */
function sender(endpoint: string, key: string): SignedSend {
  return async (request) => {
    const url = new URL(request.path, endpoint);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const signing = await signedHeaders({ key, method: request.method, url: url.href, ...(body === undefined ? {} : { body }) });
    const response = await fetch(url, {
      method: request.method,
      headers: { ...signing, ...request.headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), text, json: parseJson(text) } satisfies RawResponse;
  };
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The Teams user's values, or `undefined` when the environment has none (the Teams scenarios are then skipped). */
function teamsInputs(env: NodeJS.ProcessEnv): Inputs | undefined {
  const { TEAMS_USER_AAD_TOKEN, TEAMS_CLIENT_ID, TEAMS_USER_OBJECT_ID, TEAMS_EXPIRED_AAD_TOKEN } = env;
  if (!TEAMS_USER_AAD_TOKEN || !TEAMS_CLIENT_ID || !TEAMS_USER_OBJECT_ID) return undefined;
  return {
    "<entraToken>": TEAMS_USER_AAD_TOKEN,
    "<appId>": TEAMS_CLIENT_ID,
    "<userId>": TEAMS_USER_OBJECT_ID,
    "<expiredEntraToken>": TEAMS_EXPIRED_AAD_TOKEN ?? "",
  };
}

/** Why a scenario cannot be played with these inputs, or `undefined` when it can. */
function skipReason(scenario: Scenario, inputs: Inputs | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const text = JSON.stringify(scenario.entries.map((entry) => entry.request.body));
  if (inputs === undefined && /<(entraToken|expiredEntraToken|appId|userId)>/.test(text)) {
    return "needs TEAMS_USER_AAD_TOKEN, TEAMS_CLIENT_ID, TEAMS_USER_OBJECT_ID";
  }
  if (!env["TEAMS_EXPIRED_AAD_TOKEN"] && text.includes("<expiredEntraToken>")) return "needs TEAMS_EXPIRED_AAD_TOKEN";
  return undefined;
}

/** The recorded-exchanges.json of this run: the same scenarios, with this resource's answers. */
function recording(played: Array<{ scenario: Scenario; observed: Observed[] }>, apiVersion: string) {
  const versions: Record<string, string> = {};
  for (const { response, entry } of played.flatMap((item) => item.observed)) {
    const value = response.headers["api-supported-versions"];
    if (typeof value === "string") versions[familyOf(entry.operation)] ??= value;
  }
  return {
    $comment:
      "Recorded by scripts/record-conformance.ts against a live resource; values are kept as formats, see test/conformance/README.md.",
    source: { recordedBy: "scripts/record-conformance.ts", recorded: new Date().toISOString(), apiVersion },
    foreignIdentity: RECORDED.foreignIdentity,
    formats: RECORDED.formats,
    apiSupportedVersions: versions,
    scenarios: played.map(({ scenario, observed }) => ({
      ...scenario,
      entries: observed.map((item) => ({ ...item.entry, response: responseOf(item, versions) })),
    })),
  };
}

async function main(): Promise<number> {
  const connectionString = process.env["COMMUNICATION_CONNECTION_STRING"];
  if (!connectionString) {
    console.error("Set COMMUNICATION_CONNECTION_STRING to the resource's connection string (Azure portal, Keys).");
    return 2;
  }
  const { endpoint, credential } = parseConnectionString(connectionString);
  const send = sender(endpoint, credential.key);
  const inputs = teamsInputs(process.env);
  const played: Array<{ scenario: Scenario; observed: Observed[] }> = [];
  for (const scenario of RECORDED.scenarios) {
    const reason = skipReason(scenario, inputs, process.env);
    if (reason !== undefined) {
      console.log(`skipped ${scenario.name}: ${reason}`);
      continue;
    }
    const observed = await playScenario(scenario, send, inputs ?? ({} as Inputs));
    played.push({ scenario, observed });
    console.log(`${scenario.name}: ${observed.map((item) => item.response.status).join(" ")}`);
  }
  const out = process.argv[2] ?? `test/conformance/recorded-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(out, `${JSON.stringify(recording(played, RECORDED.source["apiVersion"]!), null, 2)}\n`);
  console.log(`Wrote ${played.reduce((sum, item) => sum + item.observed.length, 0)} exchanges of ${played.length} scenarios to ${out}.`);
  return 0;
}

process.exitCode = await main();
