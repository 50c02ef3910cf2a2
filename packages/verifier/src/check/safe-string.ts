/**
 * `String(value)` that never throws: an object without a usable `toString` (`Object.create(null)`,
 * `{ toString: 1 }`, an array holding one) becomes its tag, `[object Object]`.
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
