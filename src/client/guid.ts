/**
 * A GUID (UUID) in its usual text form, either case (the service's own examples mix them): resource
 * ids, request ids, Entra object ids. The client's checks and the emulator share it.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a GUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (any case). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Whether every value is a GUID string. */
export function areGuids(...values: unknown[]): boolean {
  return values.every((value) => typeof value === "string" && isGuid(value));
}
