/** Serves the built browser sample on 127.0.0.1 with a config.js holding `connectionString`. */
export declare function serveSample(options: {
  connectionString: string;
  port?: number;
}): Promise<{ url: string; close: () => Promise<void> }>;
