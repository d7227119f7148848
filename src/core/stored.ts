/**
 * Reading back what a context store handed over: whatever comes back (an older
 * version's shape, a hand-edited file, a store shared with something else) is
 * taken as far as it is valid and never trusted. The small checks every
 * state reader needs, in one place.
 */

/** A time in ms since the epoch, or undefined. */
export function storedTime(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A provider's short word (`badauth`, `HTTP 429`, `Throttling.User`), or undefined. */
export function storedCode(value: unknown, max = 32): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max && /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}
