/**
 * A small writer of ASN.1 DER, just the types an X.509 certificate needs: each function returns
 * one whole element (tag, length, content) as bytes, so that a structure is written as nested calls.
 */

/** Universal tags, and the context-specific forms certificates use. */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One element: the tag, the length (short form below 128 bytes, else long form), the content. */
export function element(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.of(tag, length), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([Buffer.of(tag, 0x80 | bytes.length, ...bytes), content]);
}

/** A SEQUENCE of the given elements, in order. */
export const sequence = (...items: Uint8Array[]): Buffer => element(TAG.sequence, Buffer.concat(items));

/** A SET of one element (as a distinguished name's attributes are written). */
export const set = (...items: Uint8Array[]): Buffer => element(TAG.set, Buffer.concat(items));

/** A BOOLEAN. */
export const boolean = (value: boolean): Buffer => element(TAG.boolean, Buffer.of(value ? 0xff : 0x00));

/**
 * An INTEGER from unsigned big-endian bytes: leading zeros dropped, and one zero put back when the
 * high bit is set, so that the value stays positive.
 */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.subarray(start));
  return element(TAG.integer, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed);
}

/** A small non-negative INTEGER. */
export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.of(value));

/** An OBJECT IDENTIFIER from its dotted form, e.g. `2.5.29.17`. */
export function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes: number[] = [first! * 40 + second!];
  for (const arc of rest) {
    const groups: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) groups.unshift(0x80 | (value & 0x7f));
    bytes.push(...groups);
  }
  return element(TAG.oid, Buffer.from(bytes));
}

/** A UTF8String. */
export const utf8String = (text: string): Buffer => element(TAG.utf8String, Buffer.from(text, "utf8"));

/** An OCTET STRING. */
export const octetString = (bytes: Uint8Array): Buffer => element(TAG.octetString, bytes);

/** A BIT STRING of whole bytes (no unused bits). */
export const bitString = (bytes: Uint8Array): Buffer => element(TAG.bitString, Buffer.concat([Buffer.of(0), bytes]));

/**
 * A certificate time: UTCTime (`YYMMDDHHMMSSZ`) through 2049, GeneralizedTime (`YYYYMMDDHHMMSSZ`)
 * from 2050, as RFC 5280 section 4.1.2.5 requires. Milliseconds are dropped.
 */
export function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const year = date.getUTCFullYear();
  return year < 2050 ? element(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`)) : element(TAG.generalizedTime, Buffer.from(`${digits}Z`));
}

/** A context-specific EXPLICIT tag `[n]` around one element. */
export const explicit = (n: number, inner: Uint8Array): Buffer => element(0xa0 | n, inner);

/** A context-specific IMPLICIT primitive `[n]` with these content bytes (as a subjectAltName entry). */
export const implicitPrimitive = (n: number, content: Uint8Array): Buffer => element(0x80 | n, content);
