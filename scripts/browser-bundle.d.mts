import type { BuildOptions, BuildResult, Metafile } from "esbuild";

export declare const ROOT: string;
export declare function bundleForBrowser(options: BuildOptions): Promise<BuildResult<{ metafile: true }>>;
export declare function bundleSource(code: string): Promise<{ bytes: Uint8Array; text: string; metafile: Metafile }>;
export declare function gzipSize(bytes: Uint8Array): number;
