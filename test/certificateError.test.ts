import { createPipelineRequest, isRestError, RestError } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { certificateError } from "../src/transport/certificateError.js";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import type { CommunicationIdentityClientOptions } from "../src/client/models.js";
import { startIdentityServer, tlsFixture, type IdentityServer } from "./helpers/identityServer.js";

const TRUST_ADVICE =
  "Check the endpoint: the service's is https://<resource>.communication.azure.com. If a proxy or a private certificate authority " +
  "signs this certificate on purpose, trust that authority with the client option tlsOptions: { ca } or NODE_EXTRA_CA_CERTS.";

const cases: Array<[string, "loopback" | "expired" | "elsewhere", CommunicationIdentityClientOptions, string, string, string]> = [
  ["a self-signed certificate", "loopback", {}, "DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate", TRUST_ADVICE],
  [
    "an expired certificate",
    "expired",
    { tlsOptions: { ca: tlsFixture("expired") } },
    "CERT_HAS_EXPIRED",
    "certificate has expired",
    "Check this machine's clock; if it is right, the server's certificate is out of date: " +
      "check the endpoint (the service's is https://<resource>.communication.azure.com).",
  ],
  [
    "a certificate for another host name",
    "elsewhere",
    { tlsOptions: { ca: tlsFixture("elsewhere") } },
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
    "Check the endpoint: the certificate is for another host name, and the service's is https://<resource>.communication.azure.com.",
  ],
];

describe("a refused server certificate fails at once, after one connection, and says what to check", () => {
  let server: IdentityServer;
  afterEach(() => server.close());

  it.each(cases)("%s", async (_name, certificate, options, code, reason, advice) => {
    server = await startIdentityServer(undefined, tlsFixture(certificate));
    const client = new CommunicationIdentityClient(server.connectionString, options);
    const expected =
      `The TLS certificate of ${server.origin} was refused: ${reason} (${code}). Nothing was sent, and it was not retried: ` +
      `a certificate problem does not go away by retrying. ${advice}`;
    // A create: never "may or may not exist". A token issue: retried after other network failures.
    for (const call of [() => client.createUser(), () => client.issueToken("8:acs:test_1", ["chat"])]) {
      const connectionsBefore = server.connections;
      const error = await call().catch((e: unknown) => e);
      expect(isRestError(error)).toBe(true);
      expect({ code: (error as RestError).code, message: (error as Error).message }).toStrictEqual({ code, message: expected });
      expect(server.connections - connectionsBefore).toBe(1);
    }
    expect(server.requests).toBe(0);
  });
});

describe("certificateError", () => {
  const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities?api-version=2023-10-01" });

  it("leaves other failures alone", () => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ERR_SSL_WRONG_VERSION_NUMBER", undefined]) {
      expect(certificateError(new RestError("failed", { code, request }))).toBeUndefined();
    }
  });

  it("names the origin without the path or query, and keeps the code and request", () => {
    const error = certificateError(
      new RestError("unable to verify the first certificate", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", request }),
    )!;
    expect(error.message).toBe(
      "The TLS certificate of https://contoso.communication.azure.com was refused: unable to verify the first certificate " +
        "(UNABLE_TO_VERIFY_LEAF_SIGNATURE). Nothing was sent, and it was not retried: a certificate problem does not go away by retrying. " +
        TRUST_ADVICE,
    );
    expect({ code: error.code, request: error.request }).toStrictEqual({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", request });
  });
});
