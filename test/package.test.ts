// Smoke test of the BUILT package (dist/), loaded the way users load it: by its own name, through
// `require` and `import`, in fresh Node.js processes (self-reference from the repository root).
// `npm test` builds first; alone, run `npm run build` before this file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Loads `specifier` in a new Node.js process and returns each export's name and `typeof`. */
function exportsOf(specifier: string, via: "require" | "import"): Record<string, string> {
  const load = via === "require" ? `require(${JSON.stringify(specifier)})` : `await import(${JSON.stringify(specifier)})`;
  const script = `const m = ${load}; console.log(JSON.stringify(Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]))));`;
  const args = via === "require" ? ["-e", script] : ["--input-type=module", "-e", script];
  const output = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  return JSON.parse(output) as Record<string, string>;
}

beforeAll(() => {
  for (const file of ["dist/cjs/index.js", "dist/esm/index.js"]) {
    if (!existsSync(new URL(`../${file}`, import.meta.url))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
});

describe("the built package", () => {
  it("exposes the same exports through require and import", () => {
    const required = exportsOf("acs-identity", "require");
    const imported = exportsOf("acs-identity", "import");
    expect(Object.keys(imported)).toEqual(Object.keys(required));
    expect(imported).toEqual(required);
    expect(required.CommunicationIdentityClient).toBe("function");
    expect(imported.CommunicationIdentityClient).toBe("function");
    expect(required.parseConnectionString).toBe("function");
    expect(required.createCommunicationAccessKeyCredentialPolicy).toBe("function");
    expect(required.logger).toBe("object");
  });

  it("exposes the same emulator exports through require and import", () => {
    const required = exportsOf("acs-identity/emulator", "require");
    const imported = exportsOf("acs-identity/emulator", "import");
    expect(imported).toEqual(required);
    expect(required.startEmulator).toBe("function");
  });

  it("gives its types, the emulator's included, to projects on moduleResolution node10 (module commonjs)", () => {
    const dir = mkdtempSync(join(tmpdir(), "acs-identity-node10-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(root, join(dir, "node_modules", "acs-identity"), "dir");
      const file = join(dir, "index.ts");
      writeFileSync(
        file,
        [
          'import { CommunicationIdentityClient } from "acs-identity";',
          'import { startEmulator, type Emulator } from "acs-identity/emulator";',
          "export async function start(): Promise<Emulator> {",
          "  const emulator = await startEmulator();",
          "  new CommunicationIdentityClient(emulator.connectionString);",
          "  return emulator;",
          "}",
        ].join("\n"),
      );
      const program = ts.createProgram([file], {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(root, "node_modules", "@types")],
      });
      const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(messages).toStrictEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
  it("exposes the same surge exports through require and import", () => {
    const required = exportsOf("acs-identity/surge", "require");
    const imported = exportsOf("acs-identity/surge", "import");
    expect(imported).toStrictEqual(required);
    expect([required.SurgeGuard, required.ThrottledError, required.MemorySurgeStore]).toStrictEqual(["function", "function", "function"]);
  });

  it("exposes the same redis exports through require and import, without loading ioredis", () => {
    const required = exportsOf("acs-identity/redis", "require");
    expect(exportsOf("acs-identity/redis", "import")).toStrictEqual(required);
    expect(required).toStrictEqual({ ENCRYPTION_KEY_BYTES: "number", RedisSurgeStore: "function" });
  });
});
