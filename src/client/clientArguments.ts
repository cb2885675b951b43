// The client constructor's two forms (a connection string, or an endpoint and a credential),
// resolved to one endpoint URL, credential and options, checked before anything is built.
import { isKeyCredential, isTokenCredential, type KeyCredential, type TokenCredential } from "@azure/core-auth";
import { parseConnectionString } from "../auth/connectionString.js";
import { assertSecureEndpoint, parseEndpoint } from "../auth/endpoint.js";
import type { CommunicationIdentityClientOptions } from "./models.js";
import { checkOptions } from "./validation.js";

/** What the constructor's arguments come to. */
export interface ClientArguments {
  url: URL;
  credential: KeyCredential | TokenCredential;
  options: CommunicationIdentityClientOptions;
}

/**
 * Resolves `(connectionString, options?)` or `(endpoint, credential, options?)`.
 *
 * @throws TypeError for a malformed connection string or endpoint, an endpoint without a
 * credential, bad options, or plain http where it is not allowed.
 */
export function resolveClientArguments(
  first: string,
  second: KeyCredential | TokenCredential | CommunicationIdentityClientOptions | undefined,
  third: CommunicationIdentityClientOptions | undefined,
): ClientArguments {
  if (isTokenCredential(second) || isKeyCredential(second)) {
    checkOptions(third);
    return secured({ url: parseEndpoint(first), credential: second, options: third ?? {} });
  }
  checkOptions(second);
  if (typeof first === "string" && /^\s*https?:\/\//i.test(first)) {
    throw new TypeError(
      "An endpoint needs a credential: new CommunicationIdentityClient(endpoint, new AzureKeyCredential(key)) or (endpoint, tokenCredential), " +
        "or pass the whole connection string instead.",
    );
  }
  const { endpoint, credential } = parseConnectionString(first);
  return secured({ url: new URL(endpoint), credential, options: second ?? {} });
}

/** Plain http only where the options allow it (see assertSecureEndpoint). */
function secured(resolved: ClientArguments): ClientArguments {
  assertSecureEndpoint(resolved.url, resolved.options.allowInsecureConnection ?? false);
  return resolved;
}
