/**
 * A plain http page at a LAN address is no secure context, and Chromium then has no
 * `crypto.randomUUID`: the client's ids come from `getRandomValues` instead (src/client/randomUuid.ts).
 */
import { describe, expect, inject, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { fallbackUuids, UUID_V4, withoutRandomUUID } from "../helpers/uuid.js";

describe("ids without crypto.randomUUID, in Chromium", () => {
  it("are v4 UUIDs, all distinct", () => {
    const ids = fallbackUuids(10_000);
    expect(ids.filter((id) => !UUID_V4.test(id))).toStrictEqual([]);
    expect(new Set(ids).size).toBe(10_000);
  });

  it("let the client create a user", async () => {
    const client = new CommunicationIdentityClient(inject("connectionString"));
    const user = await withoutRandomUUID(() => client.createUser());
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });
});
