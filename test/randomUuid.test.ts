import { describe, expect, it } from "vitest";
import { randomUuid } from "../src/client/randomUuid.js";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator } from "../src/emulator/index.js";
import { fallbackUuids, UUID_V4, withoutRandomUUID } from "./helpers/uuid.js";

describe("randomUuid", () => {
  it("without crypto.randomUUID (a browser page outside a secure context), builds v4 UUIDs from getRandomValues, all distinct", () => {
    const ids = fallbackUuids(10_000);
    expect(ids.filter((id) => !UUID_V4.test(id))).toStrictEqual([]);
    expect(new Set(ids).size).toBe(10_000);
  });

  it("sets exactly the version and variant bits, and keeps the others as drawn", () => {
    const ones = { getRandomValues: <T extends Uint8Array>(array: T): T => array.fill(0xff) };
    expect(randomUuid(ones)).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    const zeros = { getRandomValues: <T extends Uint8Array>(array: T): T => array };
    expect(randomUuid(zeros)).toBe("00000000-0000-4000-8000-000000000000");
  });

  it("uses crypto.randomUUID where there is one", () => {
    const source = { randomUUID: () => "from-randomUUID", getRandomValues: <T extends Uint8Array>(array: T): T => array };
    expect(randomUuid(source)).toBe("from-randomUUID");
  });

  it("lets the client create users where crypto.randomUUID is missing", async () => {
    const emulator = await startEmulator();
    try {
      const user = await withoutRandomUUID(() => new CommunicationIdentityClient(emulator.connectionString).createUser());
      expect(emulator.identity(user.communicationUserId)).toBeDefined();
    } finally {
      await emulator.close();
    }
  });
});
