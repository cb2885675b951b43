import { createPrivateKey, createVerify, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { createTokenMinter, formatExpiresOn, signingKeyFor, type TokenMinter } from "../../src/emulator/tokens/tokens.js";
import { createIdentity, decodeJwt, identityPath, send, signedSend, verifyWithJwks } from "./helpers.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const ISSUED = Date.UTC(2024, 0, 1, 0, 0, 0, 500);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The JWKS document of one RSA public key, as a resource server reads it. */
function expectedJwks(publicKey: KeyObject, keyId: string): unknown {
  const { n } = publicKey.export({ format: "jwk" });
  return {
    keys: [{ kty: "RSA", n, e: "AQAB", kid: keyId, x5t: Buffer.from(keyId, "hex").toString("base64url"), use: "sig", alg: "RS256" }],
  };
}

describe("tokens", () => {
  let minter: TokenMinter;
  beforeAll(async () => {
    minter = await createTokenMinter({ resourceId: RESOURCE, resourceLocation: "unitedstates" });
  });
  afterAll(() => minter.close());

  it("mints an RS256 JWT that the public key verifies, with the service's claims", async () => {
    const { token, expiresOn } = await minter.mint({
      id: `8:acs:${RESOURCE}_abc`,
      scopes: ["chat", "voip"],
      issuedAt: ISSUED,
      expiresAt: ISSUED + 3_600_000,
    });
    const [header, payload, signature] = token.split(".");
    const verifier = createVerify("RSA-SHA256").update(`${header}.${payload}`);
    expect(verifier.verify(minter.publicKey, Buffer.from(signature!, "base64url"))).toBe(true);
    const decoded = decodeJwt(token);
    expect(decoded.header).toEqual({
      alg: "RS256",
      kid: minter.keyId,
      x5t: Buffer.from(minter.keyId, "hex").toString("base64url"),
      typ: "JWT",
    });
    expect(decoded.payload).toEqual({
      skypeid: `acs:${RESOURCE}_abc`,
      scp: 1792,
      csi: "1704067200",
      exp: 1704070800,
      acsScope: "chat,voip",
      resourceId: RESOURCE,
      resourceLocation: "unitedstates",
      iat: 1704067200,
      jti: expect.stringMatching(UUID),
    });
    expect(expiresOn).toBe("2024-01-01T01:00:00.5+00:00");
  });

  it("uses a 2048-bit RSA key whose kid is its SHA-1 thumbprint in hex", () => {
    expect(minter.publicKey.asymmetricKeyType).toBe("rsa");
    expect(minter.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(minter.keyId).toMatch(/^[0-9A-F]{40}$/);
  });

  it("signs many tokens concurrently, each valid", async () => {
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        minter.mint({ id: `8:acs:${RESOURCE}_${i}`, scopes: ["chat"], issuedAt: ISSUED, expiresAt: ISSUED + 3_600_000 }),
      ),
    );
    tokens.forEach(({ token }, i) => {
      const [header, payload, signature] = token.split(".");
      expect(decodeJwt(token).payload.skypeid).toBe(`acs:${RESOURCE}_${i}`);
      expect(createVerify("RSA-SHA256").update(`${header}.${payload}`).verify(minter.publicKey, Buffer.from(signature!, "base64url"))).toBe(
        true,
      );
    });
  });

  it("mints a distinct token, with its own jti, for the same request in the same second", async () => {
    const request = { id: `8:acs:${RESOURCE}_abc`, scopes: ["chat"], issuedAt: ISSUED, expiresAt: ISSUED + 3_600_000 };
    const tokens = await Promise.all(Array.from({ length: 20 }, () => minter.mint(request)));
    expect(new Set(tokens.map(({ token }) => token)).size).toBe(20);
    expect(new Set(tokens.map(({ token }) => decodeJwt(token).payload.jti)).size).toBe(20);
  });

  it("signs with a given key: same kid, and a JWKS that names it", async () => {
    const key = await signingKeyFor(undefined);
    const again = await createTokenMinter({ resourceId: RESOURCE, resourceLocation: "unitedstates", privateKey: key });
    const pem = key.export({ type: "pkcs8", format: "pem" }).toString();
    const copy = await createTokenMinter({ resourceId: RESOURCE, resourceLocation: "unitedstates", privateKey: createPrivateKey(pem) });
    try {
      expect(copy.keyId).toBe(again.keyId);
      expect(again.jwks).toStrictEqual(expectedJwks(again.publicKey, again.keyId));
    } finally {
      await again.close();
      await copy.close();
    }
  });

  it("formats expiresOn as the service does: no trailing zeros in the fraction, +00:00", () => {
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 39, 324))).toBe("2023-10-10T21:39:39.324+00:00");
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 39, 320))).toBe("2023-10-10T21:39:39.32+00:00");
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 40, 0))).toBe("2023-10-10T21:39:40+00:00");
  });
});

describe("tokens over HTTP", () => {
  it("issues, after a revoke in the same second, a token that differs from the revoked one; all verify from the JWKS", async () => {
    const now = () => ISSUED;
    const emulator = await startEmulator({ now });
    try {
      const target = { endpoint: emulator.endpoint, accessKey: emulator.accessKey, now };
      const id = await createIdentity(target);
      const issue = async () =>
        (await signedSend(target, { method: "POST", path: identityPath(id, ":issueAccessToken"), body: { scopes: ["chat"] } })).json
          .token as string;
      const revoked = await issue();
      expect((await signedSend(target, { method: "POST", path: identityPath(id, ":revokeAccessTokens") })).status).toBe(204);
      const fresh = await issue();
      expect(fresh).not.toBe(revoked);
      expect(decodeJwt(fresh).payload.jti).not.toBe(decodeJwt(revoked).payload.jti);
      expect({ ...decodeJwt(fresh).payload, jti: "" }).toStrictEqual({ ...decodeJwt(revoked).payload, jti: "" });
      expect([await verifyWithJwks(emulator.endpoint, revoked), await verifyWithJwks(emulator.endpoint, fresh)]).toStrictEqual([
        true,
        true,
      ]);
    } finally {
      await emulator.close();
    }
  });

  it("serves the JWKS document to anyone, on GET only", async () => {
    const emulator = await startEmulator();
    try {
      const response = await send(emulator.endpoint, { method: "GET", path: "/.well-known/jwks.json?x=1" });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["cache-control"]).toBe("public, max-age=3600");
      expect(response.json).toStrictEqual(expectedJwks(emulator.tokenPublicKey, emulator.tokenKeyId));
      expect((await send(emulator.endpoint, { method: "POST", path: "/.well-known/jwks.json" })).status).toBe(404);
    } finally {
      await emulator.close();
    }
  });
});
