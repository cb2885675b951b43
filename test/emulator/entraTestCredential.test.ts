import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { EntraTestCredential } from "../../src/emulator/index.js";
import { createSelfSignedCertificate } from "../../src/emulator/tls/selfSignedCertificate.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { TENANT, USER, APP, GROUP, NOW } from "../helpers/entraIds.js";

describe("EntraTestCredential", () => {
  const credential = new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, groups: [GROUP], now: () => NOW });

  it("mints for exactly the scopes it is asked for, one or several", async () => {
    const one = await credential.getToken("https://communication.azure.com/clients/.default");
    expect({ ...one, token: "-" }).toStrictEqual({ token: "-", expiresOnTimestamp: NOW + 3_600_000, tokenType: "Bearer" });
    expect(decodeJwtPayload(one.token)).toMatchObject({
      aud: "https://communication.azure.com/clients",
      scp: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
      tid: TENANT,
      oid: USER,
      azp: APP,
      groups: [GROUP],
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
    });
    const several = await credential.getToken([
      "https://communication.azure.com/clients/VoIP",
      "https://communication.azure.com/clients/Chat",
    ]);
    expect(decodeJwtPayload(several.token)).toMatchObject({ aud: "https://communication.azure.com/clients", scp: "VoIP Chat" });
    const teams = await credential.getToken(["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"]);
    expect(decodeJwtPayload(teams.token)).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      scp: "TeamsExtension.ManageCalls",
    });
  });

  it("writes v1 tokens and other lifetimes when told, and reads the clock at each call", async () => {
    let clock = NOW;
    const v1 = new EntraTestCredential({
      tenantId: TENANT,
      objectId: USER,
      clientId: APP,
      version: 1,
      expiresInMinutes: 5,
      now: () => clock,
    });
    clock += 60_000;
    const token = await v1.getToken("https://auth.msft.communication.azure.com/.default");
    expect(token.expiresOnTimestamp).toBe(NOW + 60_000 + 300_000);
    const claims = decodeJwtPayload(token.token)!;
    expect({ appid: claims["appid"], ver: claims["ver"], azp: claims["azp"] }).toStrictEqual({ appid: APP, ver: "1.0", azp: undefined });
  });

  it("refuses bad ids at construction and bad scopes at getToken, with the mint's messages", async () => {
    expect(() => new EntraTestCredential({ tenantId: "tenant", objectId: USER, clientId: APP })).toThrow(
      new RangeError('tenantId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "tenant".'),
    );
    expect(() => new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, expiresInMinutes: 0 })).toThrow(
      new RangeError("expiresInMinutes must be a whole number from 1 to 1440; got 0."),
    );
    await expect(credential.getToken(["https://graph.microsoft.com/.default"])).rejects.toThrow(
      new RangeError(
        'scopes must all be Teams Phone extensibility scopes or all Entra ID user scopes; got ["https://graph.microsoft.com/.default"].',
      ),
    );
  });

  it("rejects with an AbortError when the signal has fired", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      credential.getToken("https://communication.azure.com/clients/.default", { abortSignal: controller.signal }),
    ).rejects.toMatchObject({
      name: "AbortError",
      message: "The operation was aborted.",
    });
  });
});

describe("EntraTestCredential handed to Microsoft's AzureCommunicationTokenCredential", () => {
  const dir = tempDirEachTest("acs-entra-test-credential-");

  it("is asked for the configured scopes of each family, and its token is what Microsoft's credential sends", async () => {
    // Microsoft's credential takes https only and has no CA option: a process that trusts this certificate.
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const cert = createSelfSignedCertificate({ hosts: ["127.0.0.1"], privateKey, now: Date.now(), days: 1 });
    const certificatePath = join(dir.path, "certificate.pem");
    await writeFile(certificatePath, cert);
    const received: { path: string; claims: Record<string, unknown> | undefined }[] = [];
    const server = createServer({ cert, key: privateKey.export({ type: "pkcs8", format: "pem" }) }, (req, res) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      received.push({ path: req.url!.split("?")[0]!, claims: decodeJwtPayload(bearer) });
      const expiresOn = new Date(Date.now() + 3_600_000).toISOString();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ identity: { id: "8:acs:test" }, accessToken: { token: "acs-token", expiresOn } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const emulatorIndex = pathToFileURL(fileURLToPath(new URL("../../src/emulator/index.ts", import.meta.url))).href;
    const script = `
      import { AzureCommunicationTokenCredential } from "@azure/communication-common";
      import { EntraTestCredential } from ${JSON.stringify(emulatorIndex)};
      const tokenCredential = new EntraTestCredential({ tenantId: "${TENANT}", objectId: "${USER}", clientId: "${APP}" });
      for (const scopes of [undefined, ["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"]]) {
        const credential = new AzureCommunicationTokenCredential({ resourceEndpoint: process.env.ENDPOINT, tokenCredential, scopes });
        console.log((await credential.getToken()).token);
        credential.dispose();
      }`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: {
          PATH: process.env["PATH"] ?? "",
          NODE_EXTRA_CA_CERTS: certificatePath,
          ENDPOINT: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
        },
      });
      expect(stdout).toBe("acs-token\nacs-token\n");
    } finally {
      server.close();
    }
    const who = { tid: TENANT, oid: USER, azp: APP };
    expect(
      received.map(({ path, claims }) => ({
        path,
        aud: claims?.["aud"],
        scp: claims?.["scp"],
        tid: claims?.["tid"],
        oid: claims?.["oid"],
        azp: claims?.["azp"],
      })),
    ).toStrictEqual([
      {
        path: "/access/entra/:exchangeAccessToken",
        aud: "https://communication.azure.com/clients",
        scp: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
        ...who,
      },
      {
        path: "/access/teamsExtension/:exchangeAccessToken",
        aud: "https://auth.msft.communication.azure.com",
        scp: "TeamsExtension.ManageCalls",
        ...who,
      },
    ]);
  });
});
