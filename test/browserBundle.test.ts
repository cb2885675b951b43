/**
 * What a browser app gets when its bundler (esbuild here) resolves the package's "browser"
 * conditions: Web Crypto and no Node.js built-ins, and no emulator. Reads the BUILT package:
 * `npm test` builds first (run `npm run build` before `npx vitest run` alone).
 */
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleSource, ROOT } from "../scripts/browser-bundle.mjs";

const CLIENT = `import { CommunicationIdentityClient } from "acs-identity"; export { CommunicationIdentityClient };`;

let bundle: Awaited<ReturnType<typeof bundleSource>>;
/** Every module esbuild resolved, and those that kept at least one byte in the output. */
let inputs: string[];
let kept: string[];

beforeAll(async () => {
  if (!existsSync(`${ROOT}/dist/browser/index.js`)) throw new Error("dist/browser is missing: run `npm run build` first.");
  bundle = await bundleSource(CLIENT);
  inputs = Object.keys(bundle.metafile.inputs);
  const [output] = Object.values(bundle.metafile.outputs);
  kept = Object.entries(output!.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path);
});

describe("the browser bundle of acs-identity", () => {
  it("takes the package's browser build, which signs with Web Crypto", () => {
    expect(inputs.filter((path) => path.startsWith("dist/"))).toEqual(["dist/browser/index.js"]);
    expect(bundle.text).toContain("crypto.subtle");
    expect(bundle.text).toContain("x-ms-useragent");
  });

  it("imports no Node.js built-in and requires nothing", () => {
    expect(inputs.filter((path) => path.startsWith("node:"))).toEqual([]);
    expect(bundle.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
    expect(bundle.text).not.toMatch(/\brequire\s*\(/);
    expect(bundle.text).not.toMatch(/\bfrom\s*["'`](crypto|http|https|net|tls|zlib|url|util|os|fs)["'`]/);
    expect(bundle.text).not.toMatch(/\bimport\s*\(/);
  });

  it("leaves out the emulator and the Node.js-only pipeline policies", () => {
    expect(inputs.filter((path) => /\/(emulator|surge|redis)\//.test(path))).toEqual([]);
    expect(kept.filter((path) => /\/policies\/(redirect|proxy|agent|tls)Policy\./.test(path))).toEqual([]);
  });

  it("leaves out the pipeline's general fetch client, pipeline and request class, for which the client has lean ones", () => {
    expect(kept.filter((path) => /\/(fetchHttpClient|defaultHttpClient|pipeline|pipelineRequest)\.js$/.test(path))).toEqual([]);
  });

  it.each(["acs-identity/emulator", "acs-identity/surge", "acs-identity/redis"])(
    "cannot resolve %s at all (its browser condition is null)",
    async (specifier) => {
      const failure: unknown = await bundleSource(`import "${specifier}";`).catch((error: unknown) => error);
      expect((failure as { errors?: Array<{ text: string }> }).errors?.map((error) => error.text)).toEqual([
        `Could not resolve "${specifier}"`,
      ]);
    },
  );
});
