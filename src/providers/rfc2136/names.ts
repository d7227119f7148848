/**
 * Domain names as the RFC 2136 nodes take them: the host names to keep up to
 * date, the zone and the TSIG key name, checked by the one rule set
 * (src/core/names.ts) before anything is encoded, and kept in the form the
 * wire carries: ASCII (an internationalised name in punycode), lower case, no
 * root dot. Names are owner names in the zone, so `_` is allowed as in any
 * zone file, and `*` as the leftmost label of a wildcard record.
 */
import { checkName, shownName, MAX_NAME_LENGTH } from '../../core/names';
import { DdnsError } from '../../core/errors';

export { MAX_NAME_LENGTH };
/** more than this many names in one input is a configuration mistake: each costs a query and an update entry */
export const MAX_NAMES = 100;

/** A host name to update, in wire form. */
export function normaliseHostname(raw: unknown): string {
  const checked = checkName(raw, { international: true, underscore: true, wildcard: true });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(raw)}" is not a valid host name (letters, digits, hyphens and dots; optional leading "*.")`, { key: 'config.invalid-hostname', params: { given: shownName(raw) } });
  return checked.ascii;
}

/** A zone (one label is enough: `lan`, `home.arpa` and the like are zones on one's own server). */
export function normaliseZone(raw: unknown): string {
  const checked = checkName(raw, { international: true });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(raw)}" is not a valid zone name such as example.com`);
  return checked.ascii;
}

/** The key's name exactly as the server's `key "name" { ... }` statement has it. */
export function normaliseKeyName(raw: unknown): string {
  const checked = checkName(raw, { underscore: true });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(raw)}" is not a valid TSIG key name (as in the server's key "name" { ... } statement)`);
  return checked.ascii;
}

/** Comma or whitespace separated names; duplicates dropped, order kept; ECONFIG when none or too many. */
export function parseHostnames(input: unknown): string[] {
  if (typeof input !== 'string' && !Array.isArray(input)) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  const parts: unknown[] = typeof input === 'string' ? input.split(/[\s,]+/) : input;
  const names: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string' && part.trim() === '') continue;
    const name = normaliseHostname(part);
    if (!names.includes(name)) names.push(name);
    if (names.length > MAX_NAMES) throw new DdnsError('ECONFIG', `more than ${MAX_NAMES} host names`, { key: 'config.too-many-hostnames', params: { max: MAX_NAMES } });
  }
  if (names.length === 0) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  return names;
}

/** `name` is `zone` itself or lies below it (label-wise: `badexample.com` is not in `example.com`). */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}
