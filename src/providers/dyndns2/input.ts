/**
 * Validation of what users and flows hand the updater: host names from the
 * configuration and addresses from msg.payload. Everything that reaches the
 * wire passes through here first, so a CR/LF, a stray character or a huge
 * string is refused before any request is built.
 */
import { parseAddress, isRecordableRange } from '../../core/address';
import { DdnsError } from '../../core/errors';
import type { Addresses } from './types';

export const MAX_HOSTNAME_LENGTH = 253;
/** More than this many names in one node is a configuration mistake, not a use case. */
export const MAX_HOSTNAMES = 1000;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// letters, digits and inner hyphens per label, dot separated, optional leading `*.` for a wildcard
const HOSTNAME = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** One host name, lower-cased, a trailing root dot dropped; ECONFIG otherwise. */
export function normaliseHostname(raw: string): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > MAX_HOSTNAME_LENGTH || !HOSTNAME.test(name)) {
    // only a short, printable prefix goes into the message: the input may be hostile
    const shown = raw.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
    throw new DdnsError('ECONFIG', `"${shown}" is not a valid host name (letters, digits, hyphens and dots; optional leading "*.")`);
  }
  return name;
}

/** Comma (or whitespace) separated names, or a list; duplicates dropped, order kept. */
export function parseHostnames(input: string | readonly string[] | undefined): string[] {
  if (input === undefined || input === null) throw new DdnsError('ECONFIG', 'no host names configured');
  if (typeof input !== 'string' && !Array.isArray(input)) throw new DdnsError('ECONFIG', 'host names must be a string or a list of strings');
  const parts = typeof input === 'string' ? input.split(/[\s,]+/) : input;
  const names: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') throw new DdnsError('ECONFIG', 'host names must be strings');
    if (part.trim() === '') continue;
    const name = normaliseHostname(part);
    if (!names.includes(name)) names.push(name);
    if (names.length > MAX_HOSTNAMES) throw new DdnsError('ECONFIG', `more than ${MAX_HOSTNAMES} host names`);
  }
  if (names.length === 0) throw new DdnsError('ECONFIG', 'no host names configured');
  return names;
}

// An address in text form is at most 45 characters; anything far longer is refused unread.
const MAX_ADDRESS_TEXT = 100;
// Ranges no DNS record should ever be pointed at, whatever the user's scope.
function parseOne(value: unknown, where: string): { address: string; family: 4 | 6 } {
  if (typeof value !== 'string') throw new DdnsError('EBADINPUT', `${where} must be an address string`);
  if (value.length > MAX_ADDRESS_TEXT) throw new DdnsError('EBADINPUT', `${where} is too long to be an address`);
  if (/[\r\n\0]/.test(value)) throw new DdnsError('EBADINPUT', `${where} contains a line break or NUL`);
  const parsed = parseAddress(value);
  if (!parsed) throw new DdnsError('EBADINPUT', `${where} is not an IPv4 or IPv6 address`);
  if (!isRecordableRange(parsed.range)) throw new DdnsError('EBADINPUT', `${where} is a ${parsed.range} address`);
  return parsed;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * msg.payload as the updater takes it: one address string, or `{ipv4, ipv6}`
 * with at least one of the two. Always canonical text out; EBADINPUT otherwise.
 */
export function parsePayloadAddresses(payload: unknown): Addresses {
  if (typeof payload === 'string') {
    const one = parseOne(payload, 'msg.payload');
    return one.family === 4 ? { ipv4: one.address } : { ipv6: one.address };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) {
    throw new DdnsError('EBADINPUT', 'msg.payload must be an address string or an object {ipv4, ipv6}');
  }
  const record = payload as Record<string, unknown>;
  const out: Addresses = {};
  if (!isEmpty(record.ipv4)) {
    const v4 = parseOne(record.ipv4, 'msg.payload.ipv4');
    if (v4.family !== 4) throw new DdnsError('EBADINPUT', 'msg.payload.ipv4 holds an IPv6 address');
    out.ipv4 = v4.address;
  }
  if (!isEmpty(record.ipv6)) {
    const v6 = parseOne(record.ipv6, 'msg.payload.ipv6');
    if (v6.family !== 6) throw new DdnsError('EBADINPUT', 'msg.payload.ipv6 holds an IPv4 address');
    out.ipv6 = v6.address;
  }
  if (out.ipv4 === undefined && out.ipv6 === undefined) {
    throw new DdnsError('EBADINPUT', 'msg.payload has neither an ipv4 nor an ipv6 address');
  }
  return out;
}
