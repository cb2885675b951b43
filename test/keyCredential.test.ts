import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator } from "../src/emulator/index.js";
import { AccessKeyCredential } from "../src/auth/keyCredential.js";

const MESSAGE = "The access key must be a non-empty base64 string, as the Azure portal shows it under Keys.";

describe("AccessKeyCredential", () => {
  it.each(["banana", "secret", "pw==", "a-b_"])("takes %s, a key the base64 decoder takes", (key) => {
    const credential = new AccessKeyCredential(key);
    expect(credential.key).toBe(key);
    credential.update("secret");
    expect(credential.key).toBe("secret");
  });

  it.each(["", "a b", "key!", "=="])("refuses %j with the same message, in the constructor and in update", (key) => {
    expect(() => new AccessKeyCredential(key)).toThrow(new TypeError(MESSAGE));
    expect(() => new AccessKeyCredential("pw==").update(key)).toThrow(new TypeError(MESSAGE));
  });
});

describe("an unpadded key, end to end", () => {
  it("signs requests the emulator, keyed with the same string, accepts", async () => {
    const emulator = await startEmulator({ accessKey: "banana" });
    try {
      const client = new CommunicationIdentityClient(`endpoint=${emulator.endpoint}/;accesskey=banana`);
      const { user } = await client.createUserAndToken(["chat"]);
      expect(emulator.identity(user.communicationUserId)).toBeDefined();
    } finally {
      await emulator.close();
    }
  });
});
