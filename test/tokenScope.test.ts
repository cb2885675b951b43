import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import type { TokenScope as OfficialTokenScope } from "@azure/communication-identity";
import { KnownTokenScope, UnknownTokenScope, type TokenScope } from "../src/client/tokenScope.js";

// Compile-time checks: tsconfig.test.json compiles this file, and each @ts-expect-error fails the
// type-check if the line below it ever compiles.
declare const client: CommunicationIdentityClient;
const user = { communicationUserId: "8:acs:x" };
async function typeChecks(): Promise<void> {
  // @ts-expect-error TS2820: "Chat" is not a scope; did you mean "chat"?
  await client.issueToken(user, ["Chat"]);
  // @ts-expect-error "voice" is not a scope
  await client.createUserAndToken(["voice"]);
  // @ts-expect-error the official name takes the same type
  await client.getToken(user, ["VOIP"]);
  await client.issueToken(user, ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
  await client.createUserAndToken([KnownTokenScope.Chat, new UnknownTokenScope("chat.future")]);
  // Code written for the official client keeps compiling: its scope arrays are ours.
  const official: OfficialTokenScope[] = ["chat", "voip.join"];
  await client.getToken(user, official);
  const ours: TokenScope[] = official;
  await client.issueToken(user, ours);
}
void typeChecks;

const repo = fileURLToPath(new URL("..", import.meta.url));

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/** Runs `use` on `code` saved as a file two levels below the repository root, then removes it. */
function withFile<T>(code: string, use: (file: string) => T): T {
  const dir = mkdtempSync(join(repo, "test", ".typecheck-"));
  try {
    const file = join(dir, "check.ts");
    writeFileSync(file, code);
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The diagnostics tsc reports for `code`: code and first line of each. */
function diagnosticsOf(code: string): Array<[number, string]> {
  return withFile(code, (file) =>
    ts
      .getPreEmitDiagnostics(ts.createProgram([file], OPTIONS))
      .filter((diagnostic) => diagnostic.file?.fileName === file)
      .map((diagnostic) => [diagnostic.code, ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n").split("\n")[0]!]),
  );
}

/** What an editor offers at the end of `code`. */
function completionsAtEnd(code: string): string[] {
  return withFile(code, (file) => {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => OPTIONS,
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (name) => (ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)!) : undefined),
      getCurrentDirectory: () => repo,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (name) => ts.sys.fileExists(name),
      readFile: (name) => ts.sys.readFile(name),
    };
    const completions = ts.createLanguageService(host).getCompletionsAtPosition(file, code.length, {});
    return (completions?.entries ?? []).map((entry) => entry.name);
  });
}

describe("TokenScope", () => {
  it("rejects typos with the same diagnostics as the official type (TS2820 with a suggestion)", () => {
    const check = (from: string) => `import type { TokenScope } from "${from}";\nexport const a: TokenScope[] = ["Chat", "voice"];\n`;
    const ours = diagnosticsOf(check("../../src/client/tokenScope.js"));
    const official = diagnosticsOf(check("@azure/communication-identity"));
    expect(ours).toStrictEqual([
      [2820, `Type '"Chat"' is not assignable to type 'TokenScope'. Did you mean '"chat"'?`],
      [2322, `Type '"voice"' is not assignable to type 'TokenScope'.`],
    ]);
    expect(ours).toStrictEqual(official);
  }, 30_000);

  it("is completed by editors inside a scopes argument", () => {
    const code = [
      'import type { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";',
      "declare const client: CommunicationIdentityClient;",
      'void client.issueToken("8:acs:x", ["',
    ].join("\n");
    expect(completionsAtEnd(code).sort()).toStrictEqual(["chat", "chat.join", "chat.join.limited", "voip", "voip.join"]);
  }, 30_000);

  it("lists the same scopes as the official type", () => {
    const all: OfficialTokenScope[] = Object.values(KnownTokenScope);
    expect(all).toStrictEqual(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
  });
});
