/** Serves the token-handoff page, its sign-in and its token route on 127.0.0.1. */
export declare function serveTokenHandoff(options: {
  connectionString: string;
  users: Record<string, string>;
  port?: number;
}): Promise<{ url: string; close: () => Promise<void> }>;
