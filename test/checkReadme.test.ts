// The README snippet checker (scripts/check-readme.mjs) on small Markdown files: blocks that
// compile pass, a type error fails with its line in the Markdown file, and only an explicit
// marker skips a block. Needs the built package (`npm run build`), as the checker does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "check-readme-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkMarkdown(name: string, markdown: string) {
  const file = join(dir, name);
  writeFileSync(file, markdown);
  const { status, stdout, stderr } = spawnSync(process.execPath, ["scripts/check-readme.mjs", file], { cwd: root, encoding: "utf8" });
  return { status, stdout, stderr, file };
}

const GOOD = `# Good

\`\`\`ts
import { CommunicationIdentityClient } from "acs-identity";
import { startEmulator } from "acs-identity/emulator";

const emulator = await startEmulator();
const client = new CommunicationIdentityClient(emulator.connectionString);
const { user } = await client.createUserAndToken(["chat"]);
await emulator.close();
console.log(user.communicationUserId);
\`\`\`

Each block is its own module, so names may repeat:

\`\`\`typescript
const client = 1;
console.log(client);
\`\`\`

<!-- no-compile -->
\`\`\`ts
this is not TypeScript
\`\`\`

\`\`\`js
neither is this, but it is JavaScript
\`\`\`

\`\`\`md
    \`\`\`ts
    not a block: inside another fence
    \`\`\`
\`\`\`
`;

const BAD = `# Bad

Some text.

\`\`\`ts
import { CommunicationIdentityClient } from "acs-identity";

const client = new CommunicationIdentityClient(process.env.COMMUNICATION_CONNECTION_STRING!);
await client.createUsers();
\`\`\`

<!-- no-compile -->

\`\`\`ts
const n: number = "not right next to the marker, so compiled";
\`\`\`
`;

describe("scripts/check-readme.mjs", () => {
  it("passes blocks that compile, skipping only marked ones and other languages", () => {
    const { status, stdout, stderr, file } = checkMarkdown("good.md", GOOD);
    expect(stderr).toBe("");
    expect(stdout).toBe(`${file}: 2 TypeScript block(s) type-check (1 skipped with <!-- no-compile -->).\n`);
    expect(status).toBe(0);
  });

  it("fails with each error's line and column in the Markdown file", () => {
    const { status, stdout, stderr, file } = checkMarkdown("bad.md", BAD);
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toEqual([
      `${file}:9:14 (block at line 5): error TS2551: Property 'createUsers' does not exist on type 'CommunicationIdentityClient'. Did you mean 'createUser'?`,
      `${file}:15:7 (block at line 14): error TS2322: Type 'string' is not assignable to type 'number'.`,
      `${file}: 2 type error(s) in 2 TypeScript block(s).`,
      "",
    ]);
    expect(status).toBe(1);
  });
});
