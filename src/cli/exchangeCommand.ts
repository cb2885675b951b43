/**
 * `acs-identity exchange`: exchanges a user's Microsoft Entra token for a Communication Services
 * token, for trying assignments from a shell (`acs-identity entra-token ... | acs-identity exchange`
 * against the emulator). The Entra token comes from ENTRA_TOKEN or standard input, never from an
 * argument, which would land in shell history. A spec of the shared runner (`commandRunner.ts`).
 */
import { parseEndpoint } from "../auth/endpoint.js";
import { DEFAULT_ENTRA_SCOPES } from "../credentials/entraScopes.js";
import { exchangeUrlFor, sendExchange } from "../credentials/exchangeEntraToken.js";
import type { Command, CommandIo } from "./command.js";
import { connectionStringOf, specCommand, str, strs, tokenOutput, UsageError, type Values } from "./commandRunner.js";

/** `--endpoint`, else the connection string's endpoint. */
function endpointOf(values: Values, io: CommandIo): string {
  const endpoint = str(values, "endpoint");
  if (endpoint !== undefined) return parseEndpoint(endpoint, "--endpoint").origin;
  if (!io.env["COMMUNICATION_CONNECTION_STRING"]) {
    throw new UsageError("Pass --endpoint <url> (the resource's or emulator's endpoint), or set COMMUNICATION_CONNECTION_STRING.");
  }
  return connectionStringOf(io).endpoint;
}

/**
 * ENTRA_TOKEN when set, so that a script with an open standard input does not wait on it (set but
 * empty, as a missing CI secret is, is an error, not a reason to read standard input); else
 * standard input.
 */
async function entraTokenOf(io: CommandIo): Promise<string> {
  const fromEnv = io.env["ENTRA_TOKEN"];
  if (fromEnv !== undefined && fromEnv.trim() === "") {
    throw new UsageError(
      "ENTRA_TOKEN is set but empty: give it the Microsoft Entra token, or unset it and pipe the token on standard input.",
    );
  }
  const token = fromEnv?.trim() ?? (await io.readStdin())?.trim();
  if (!token) {
    throw new UsageError(
      "Pipe the Microsoft Entra token on standard input (acs-identity entra-token ... | acs-identity exchange), or set ENTRA_TOKEN.",
    );
  }
  return token;
}

/** The `exchange` subcommand. */
export const exchangeCommand: Command = specCommand({
  name: "exchange",
  summary: "exchange a Microsoft Entra token for a Communication Services token, for testing",
  help: [
    "  --scope <scope>     a scope the Entra token was issued for; repeatable, all of one family; it",
    "                      chooses the exchange (default https://communication.azure.com/clients/.default:",
    "                      Entra ID users; https://auth.msft.communication.azure.com/...: Teams Phone",
    "                      extensibility)",
    "  --endpoint <url>    the resource's endpoint (default: COMMUNICATION_CONNECTION_STRING's)",
    "  (the Entra token: ENTRA_TOKEN if set, else standard input, e.g.",
    "   acs-identity entra-token ... | acs-identity exchange --endpoint http://127.0.0.1:8089)",
  ],
  options: { scope: { type: "string", multiple: true }, endpoint: { type: "string" } },
  remote: false,
  refused: "401/403: an Entra token that is not valid, or no assignment admits the user and application",
  flags: { scopes: "--scope" },
  async action(values, io) {
    const scopes = strs(values, "scope");
    // Every check before waiting on standard input.
    const url = exchangeUrlFor(endpointOf(values, io), scopes.length > 0 ? scopes : DEFAULT_ENTRA_SCOPES);
    const result = await sendExchange(url, await entraTokenOf(io));
    return tokenOutput(
      { communicationUserId: result.communicationUserId },
      { token: result.token, expiresOn: new Date(result.expiresOnTimestamp) },
    );
  },
});
