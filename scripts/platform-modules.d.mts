/** The platform-specific modules: name (without "#") -> source path under src/, without ".ts". */
export declare const PLATFORM_MODULES: Readonly<Record<string, string>>;
/** The alias map for one platform: `{ "#hmac": "/abs/src/auth/hmac.ts", ... }`. */
export declare function platformAliases(browser: boolean): Record<string, string>;
