/**
 * The first 12 characters of a token or key and an ellipsis: enough to tell two apart, never
 * enough to use one. The samples print secrets only through this.
 */
export function preview(secret: string): string {
  return `${secret.slice(0, 12)}…`;
}
