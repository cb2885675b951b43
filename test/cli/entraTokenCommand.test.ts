import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/cli.js";
import type { CommandIo } from "../../src/cli/command.js";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { TENANT, USER, APP } from "../helpers/entraIds.js";

const GROUPS = ["fd63f3cb-3731-4d15-8e47-9d062aba58c5", "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"];
const WHO = ["--tenant", TENANT, "--user", USER, "--client-id", APP];

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopped: new Promise(() => undefined),
    env: {},
    readStdin: async () => undefined,
  };
  const code = await main(["entra-token", ...args], io);
  return { code, out, err };
}

describe("acs-identity entra-token", () => {
  it("prints only the token, for the clients .default scope and 60 minutes by default", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, out, err } = await run(WHO);
    expect({ code, lines: out.length, err }).toStrictEqual({ code: 0, lines: 1, err: [] });
    const claims = decodeJwtPayload(out[0]!)!;
    expect(claims).toMatchObject({
      tid: TENANT,
      oid: USER,
      azp: APP,
      aud: "https://communication.azure.com/clients",
      scp: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
      ver: "2.0",
    });
    expect(claims["exp"] as number).toBe((claims["iat"] as number) + 3600);
    expect(claims["iat"] as number).toBeGreaterThanOrEqual(before);
    expect(claims).not.toHaveProperty("groups");
  });

  it("takes repeated --scope and --group, --minutes and --v1, and prints JSON with --json", async () => {
    const scopes = ["--scope", "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"];
    const groups = GROUPS.flatMap((group) => ["--group", group]);
    const { code, out } = await run([...WHO, ...scopes, ...groups, "--minutes", "5", "--v1", "--json"]);
    expect(code).toBe(0);
    const printed = JSON.parse(out[0]!) as { token: string; expiresOn: string; claims: Record<string, unknown> };
    expect(Object.keys(printed)).toStrictEqual(["token", "expiresOn", "claims"]);
    expect(decodeJwtPayload(printed.token)).toStrictEqual(printed.claims);
    expect(printed.expiresOn).toBe(new Date((printed.claims["exp"] as number) * 1000).toISOString());
    expect(printed.claims).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      scp: "TeamsExtension.ManageCalls",
      appid: APP,
      groups: GROUPS,
      ver: "1.0",
      iss: `https://sts.windows.net/${TENANT}/`,
    });
    expect((printed.claims["exp"] as number) - (printed.claims["iat"] as number)).toBe(300);
  });

  it.each([
    [["--tenant", TENANT], "Missing --user, --client-id."],
    [
      ["--tenant", "contoso", "--user", USER, "--client-id", APP],
      '--tenant must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "contoso".',
    ],
    [[...WHO, "--group", GROUPS[0]!, "--group", "g"], '--group must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "g".'],
    [[...WHO, "--minutes", "1441"], "--minutes must be a whole number from 1 to 1440; got 1441."],
    [[...WHO, "--minutes", "soon"], '--minutes must be a whole number from 1 to 1440; got "soon".'],
    [
      [...WHO, "--scope", "https://graph.microsoft.com/.default"],
      '--scope must all be Teams Phone extensibility scopes or all Entra ID user scopes; got ["https://graph.microsoft.com/.default"].',
    ],
  ])("%j exits 2 and says what is wrong", async (args, message) => {
    const { code, out, err } = await run(args);
    expect({ code, out, err }).toStrictEqual({
      code: 2,
      out: [],
      err: [`acs-identity entra-token: ${message}`, 'Run "acs-identity entra-token --help" for usage.'],
    });
    const json = await run([...args, "--json"]);
    expect(json.out.map((line) => JSON.parse(line) as unknown)).toStrictEqual([{ error: { message, exitCode: 2 } }]);
  });

  it("refuses an unknown option, and shows its help and its line in the command list", async () => {
    const unknown = await run([...WHO, "--tenant-id", TENANT]);
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toMatch(/^acs-identity entra-token: Unknown option '--tenant-id'/);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^Usage: acs-identity entra-token --tenant <guid> --user <guid> --client-id <guid> \[options\]\n/);
    expect(help.out[0]).toContain("  --scope <scope>     a scope asked for; repeatable");
    expect((await run([])).err[0]).toBe("acs-identity entra-token: Missing --tenant, --user, --client-id.");
    const out: string[] = [];
    await main(["--help"], {
      out: (line) => out.push(line),
      err: () => undefined,
      stopped: new Promise(() => undefined),
      env: {},
      readStdin: async () => undefined,
    });
    expect(out[0]).toMatch(/^  entra-token +mint a test Microsoft Entra token, offline, for the emulator$/m);
  });
});
