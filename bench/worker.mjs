// One client in its own process, so that its CPU time and peak RSS are its own. Forked by
// run.mjs with the client's name, the connection string and a user id; it then answers messages:
//   { round: { concurrency, count } } -> { elapsedMs, cpuUs, requests }
//   { stats: true }                    -> { maxRssBytes }
import { argv } from "node:process";

const [kind, connectionString, userId] = argv.slice(2);
const SCOPES = ["chat", "voip"];

/** @returns {Promise<() => Promise<unknown>>} one issue-token call of the named client */
async function createIssuer() {
  if (kind === "baseline") {
    const { createBaselineClient } = await import("./baseline.mjs");
    const client = createBaselineClient(connectionString);
    return () => client.issueToken(userId, SCOPES);
  }
  if (kind === "acs-identity") {
    const { CommunicationIdentityClient } = await import("acs-identity");
    const client = new CommunicationIdentityClient(connectionString);
    const user = { communicationUserId: userId };
    return () => client.issueToken(user, SCOPES);
  }
  if (kind === "official") {
    const { CommunicationIdentityClient } = await import("@azure/communication-identity");
    // Plain http on loopback: core-rest-pipeline refuses it unless asked.
    const client = new CommunicationIdentityClient(connectionString, { allowInsecureConnection: true });
    const user = { communicationUserId: userId };
    return () => client.getToken(user, SCOPES);
  }
  throw new Error(`unknown client ${kind}`);
}

const issue = await createIssuer();

/** Sends `count` requests with at most `concurrency` in flight; returns wall time and CPU time. */
async function round(concurrency, count) {
  let started = 0;
  async function lane() {
    while (started < count) {
      started += 1;
      const result = await issue();
      if (typeof result?.token !== "string") throw new Error(`${kind}: no token in ${JSON.stringify(result)}`);
    }
  }
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu);
  return { elapsedMs, cpuUs: user + system, requests: count };
}

process.on("message", async (message) => {
  try {
    if (message.round) process.send({ ok: await round(message.round.concurrency, message.round.count) });
    else if (message.stats) process.send({ ok: { maxRssBytes: process.resourceUsage().maxRSS * 1024 } });
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
