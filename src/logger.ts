import { createClientLogger } from "@azure/logger";

/**
 * The package's logger, named `acs-identity`. Turn it on with `AZURE_LOG_LEVEL=info` (or
 * `verbose`) or `setLogLevel` from `@azure/logger`. It logs request lines and allow-listed
 * headers; never bodies, keys, signatures or tokens.
 */
export const logger = createClientLogger("acs-identity");
