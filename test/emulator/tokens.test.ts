import { createVerify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenMinter, formatExpiresOn, type TokenMinter } from "../../src/emulator/tokens.js";
import { decodeJwt } from "./helpers.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const ISSUED = Date.UTC(2024, 0, 1, 0, 0, 0, 500);

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

  it("formats expiresOn as the service does: no trailing zeros in the fraction, +00:00", () => {
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 39, 324))).toBe("2023-10-10T21:39:39.324+00:00");
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 39, 320))).toBe("2023-10-10T21:39:39.32+00:00");
    expect(formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 40, 0))).toBe("2023-10-10T21:39:40+00:00");
  });
});
