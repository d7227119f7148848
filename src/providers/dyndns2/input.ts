/**
 * Validation of what users and flows hand the updater: host names from the
 * configuration and addresses from msg.payload. Everything that reaches the
 * wire passes through here first, so a CR/LF, a stray character or a huge
 * string is refused before any request is built.
 */
import { DdnsError } from '../../core/errors';

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

export { parsePayloadAddresses } from '../../core/payload';
