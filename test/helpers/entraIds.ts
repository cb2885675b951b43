/** Entra ids (GUIDs) and a clock for the tests of test Entra tokens. */
export const TENANT = "c70d068c-2f32-484d-9455-73070cd5aadd";
export const USER = "b27b64b9-39d2-44a3-869d-67700b74e805";
export const APP = "617d08b5-f35b-4270-87d6-56833d2dee1b";
export const GROUP = "fd63f3cb-3731-4d15-8e47-9d062aba58c5";
/** A fixed issue time, milliseconds since the epoch. */
export const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
