/**
 * Domain names as the RFC 2136 nodes take them: the host names to keep up to
 * date, the zone and the TSIG key name. Lower-cased, without the root's
 * trailing dot, checked label by label before anything is encoded, so no
 * user text reaches the wire unchecked.
 */
import { DdnsError } from '../../core/errors';

/** RFC 1035 §2.3.4: 255 octets on the wire, which is 253 characters of text. */
export const MAX_NAME_LENGTH = 253;
/** more than this many names in one input is a configuration mistake: each costs a query and an update entry */
export const MAX_NAMES = 100;

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// key names are any domain name; tsig-keygen's and ddclient's examples use hyphens and underscores
const KEY_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

function shown(raw: string): string {
  return raw.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
}

function checked(raw: unknown, what: string, label: RegExp, wildcard: boolean): string {
  if (typeof raw !== 'string') throw new DdnsError('ECONFIG', `${what} must be text`);
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  const body = wildcard && labels[0] === '*' ? labels.slice(1) : labels;
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || body.length === 0 || !body.every((l) => label.test(l))) {
    throw new DdnsError('ECONFIG', `"${shown(raw)}" is not a valid ${what}`);
  }
  return name;
}

/** A host name to update: letters, digits, inner hyphens per label; an optional leading `*.` for a wildcard record. */
export function normaliseHostname(raw: unknown): string {
  return checked(raw, 'host name (letters, digits, hyphens and dots; optional leading "*.")', HOST_LABEL, true);
}

export function normaliseZone(raw: unknown): string {
  return checked(raw, 'zone name such as example.com', HOST_LABEL, false);
}

export function normaliseKeyName(raw: unknown): string {
  return checked(raw, 'TSIG key name (as in the server\'s key "name" { ... } statement)', KEY_LABEL, false);
}

/** Comma or whitespace separated names; duplicates dropped, order kept; ECONFIG when none or too many. */
export function parseHostnames(input: unknown): string[] {
  if (typeof input !== 'string' && !Array.isArray(input)) throw new DdnsError('ECONFIG', 'no host names configured');
  const parts: unknown[] = typeof input === 'string' ? input.split(/[\s,]+/) : input;
  const names: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string' && part.trim() === '') continue;
    const name = normaliseHostname(part);
    if (!names.includes(name)) names.push(name);
    if (names.length > MAX_NAMES) throw new DdnsError('ECONFIG', `more than ${MAX_NAMES} host names`);
  }
  if (names.length === 0) throw new DdnsError('ECONFIG', 'no host names configured');
  return names;
}

/** `name` is `zone` itself or lies below it (label-wise: `badexample.com` is not in `example.com`). */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}
