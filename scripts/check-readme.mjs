// Type-checks every ```ts (or ```typescript) block of a Markdown file, README.md by default:
// `node scripts/check-readme.mjs [file.md]`. Each block becomes its own module (so blocks may
// use top-level await and reuse names) in a directory under temp/, inside this package, where
// "acs-identity" resolves to the BUILT package by self-reference: run `npm run build` first.
// A block is skipped only when the line right before its fence is `<!-- no-compile -->`.
// Errors are reported at their line in the Markdown file; the exit code is 1 when any.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP_MARKER = "<!-- no-compile -->";

/**
 * The TypeScript blocks of `markdown`: each with the 1-based line of its opening fence, its
 * indentation (removed from its lines) and its code. Fences of other languages are stepped over
 * whole, so a ```ts inside a ```md example is not taken for a block.
 */
function extractBlocks(markdown) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  let skipped = 0;
  for (let index = 0; index < lines.length; index++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[index]);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    let end = index + 1;
    while (end < lines.length && !close.test(lines[end])) end++;
    if (language === "ts" || language === "typescript") {
      if (lines[index - 1]?.trim() === SKIP_MARKER) skipped++;
      else {
        const code = lines.slice(index + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()));
        blocks.push({ line: index + 1, indent: indent.length, code: code.join("\n") });
      }
    }
    index = end;
  }
  return { blocks, skipped };
}

/** The project's compiler options, for snippets: no output, no unused-name errors, no path aliases. */
function compilerOptions() {
  const { config } = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return {
    ...options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    declaration: false,
    sourceMap: false,
    inlineSources: false,
    rootDir: undefined,
    outDir: undefined,
    paths: undefined,
  };
}

/** Type-checks `blocks`; returns one message per error, located in `markdownPath`. */
function check(blocks, markdownPath) {
  mkdirSync(join(root, "temp"), { recursive: true });
  const dir = mkdtempSync(join(root, "temp", "check-readme-"));
  try {
    const files = new Map();
    for (const block of blocks) {
      const file = join(dir, `block-line-${block.line}.ts`);
      // `export {}` makes even a block without imports a module, where top-level await is allowed.
      writeFileSync(file, `${block.code}\nexport {};\n`);
      files.set(resolve(file), block);
    }
    const program = ts.createProgram([...files.keys()], compilerOptions());
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = `error TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      const block = diagnostic.file && files.get(resolve(diagnostic.file.fileName));
      if (!block) return { at: 0, text: diagnostic.file ? `${diagnostic.file.fileName}: ${message}` : message };
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const at = block.line + 1 + line;
      return { at, text: `${markdownPath}:${at}:${block.indent + character + 1} (block at line ${block.line}): ${message}` };
    });
    // In the order of the Markdown file; errors outside the blocks (options, libraries) first.
    return errors.sort((a, b) => a.at - b.at).map((error) => error.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const markdownPath = process.argv[2] ?? "README.md";
if (!existsSync(join(root, "dist/esm/index.d.ts"))) {
  console.error('The built package is missing (dist/esm/index.d.ts): run `npm run build` first, so "acs-identity" resolves.');
  process.exit(2);
}
const { blocks, skipped } = extractBlocks(readFileSync(markdownPath, "utf8"));
const errors = blocks.length === 0 ? [] : check(blocks, markdownPath);
for (const error of errors) console.error(error);
const skippedNote = skipped === 0 ? "" : ` (${skipped} skipped with ${SKIP_MARKER})`;
if (errors.length > 0) {
  console.error(`${markdownPath}: ${errors.length} type error(s) in ${blocks.length} TypeScript block(s)${skippedNote}.`);
  process.exit(1);
}
console.log(`${markdownPath}: ${blocks.length} TypeScript block(s) type-check${skippedNote}.`);
