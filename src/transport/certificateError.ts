/**
 * A server certificate this machine refused. It is permanent (retrying meets the same
 * certificate) and nothing was sent (the TLS handshake comes before the request), so the call
 * fails at once with an error that says what to check, and a create never calls its outcome
 * unknown. Node.js only: a browser's fetch reports no certificate codes (`nodePolicies.ts` adds
 * the policy, so this stays out of browser bundles).
 *
 * @internal
 */
import { isRestError, RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { markPermanent } from "./retryPolicy.js";

/** Node.js's codes for a refused certificate: OpenSSL's verification results and Node's host name check. */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const SERVICE_ENDPOINT = "the service's is https://<resource>.communication.azure.com";

function adviceFor(code: string): string {
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `Check this machine's clock; if it is right, the server's certificate is out of date: check the endpoint (${SERVICE_ENDPOINT}).`;
  }
  if (code === "HOSTNAME_MISMATCH" || code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `Check the endpoint: the certificate is for another host name, and ${SERVICE_ENDPOINT}.`;
  }
  return (
    `Check the endpoint: ${SERVICE_ENDPOINT}. If a proxy or a private certificate authority signs this certificate on purpose, ` +
    "trust that authority with the client option tlsOptions: { ca } or NODE_EXTRA_CA_CERTS."
  );
}

/**
 * The error to fail with when `error` is a refused server certificate, else `undefined`.
 *
 * @returns a `RestError` with the same `code` and request, naming the server and what to check.
 */
export function certificateError(error: RestError): RestError | undefined {
  const code = String(error.code);
  if (!CERTIFICATE_CODES.has(code)) return undefined;
  const server = error.request ? ` of ${new URL(error.request.url).origin}` : "";
  return new RestError(
    `The TLS certificate${server} was refused: ${error.message} (${code}). Nothing was sent, and it was not retried: ` +
      `a certificate problem does not go away by retrying. ${adviceFor(code)}`,
    { code, request: error.request },
  );
}

/**
 * Per attempt, between the retry policy and the transport: turns a refused certificate into
 * {@link certificateError}'s error, marked so that the retry policy throws it at once.
 */
export const certificateErrorPolicy: PipelinePolicy = {
  name: "certificateErrorPolicy",
  async sendRequest(request, next) {
    try {
      return await next(request);
    } catch (caught) {
      const refused = isRestError(caught) ? certificateError(caught) : undefined;
      if (!refused) throw caught;
      markPermanent(refused);
      throw refused;
    }
  },
};
