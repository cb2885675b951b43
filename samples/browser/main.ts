/**
 * A page that creates a user and a 60-minute chat token against the LOCAL EMULATOR and shows the
 * user id, the first 12 characters of the token and its expiry. Never the whole token.
 *
 * An access key must never ship to a browser: anyone can read it from the page. Real browser code
 * asks its own server for a token, or uses a TokenCredential. See README.md.
 */
import { CommunicationIdentityClient } from "acs-identity";

declare global {
  interface Window {
    /** Written by config.js, which serve.mjs generates for the local emulator. */
    ACS_SAMPLE_CONFIG?: { connectionString?: string };
  }
}

function show(id: string, text: string): void {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

async function main(): Promise<void> {
  const connectionString = window.ACS_SAMPLE_CONFIG?.connectionString;
  if (!connectionString) throw new Error("No connection string: serve this page with `node samples/browser/serve.mjs`.");
  const client = new CommunicationIdentityClient(connectionString);
  const user = await client.createUser();
  const { token, expiresOn } = await client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
  show("user-id", user.communicationUserId);
  show("token", `${token.slice(0, 12)}…`);
  show("expires-on", expiresOn.toISOString());
  show("status", "Done.");
}

main().catch((error: unknown) => show("status", `Failed: ${error instanceof Error ? error.message : String(error)}`));
