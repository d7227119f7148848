/**
 * Validation of what users and flows hand the updater: host names from the
 * configuration and addresses from msg.payload. Everything that reaches the
 * wire passes through here first, so a CR/LF, a stray character or a huge
 * string is refused before any request is built.
 */
import { MAX_NAME_LENGTH, checkName, shownName } from '../../core/names';
import { DdnsError } from '../../core/errors';

export const MAX_HOSTNAME_LENGTH = MAX_NAME_LENGTH;
/** More than this many names in one node is a configuration mistake, not a use case. */
export const MAX_HOSTNAMES = 1000;

/** One host name, lower-cased, a trailing root dot dropped; ECONFIG otherwise. */
export function normaliseHostname(raw: string): string {
  // letters, digits and inner hyphens per label, an optional leading `*.` for a wildcard
  const checked = checkName(raw, { wildcard: true });
  if (!checked) {
    throw new DdnsError('ECONFIG', `"${shownName(raw)}" is not a valid host name (letters, digits, hyphens and dots; optional leading "*.")`, { key: 'config.invalid-hostname', params: { given: shownName(raw) } });
  }
  return checked.name;
}

/** Comma (or whitespace) separated names, or a list; duplicates dropped, order kept. */
export function parseHostnames(input: string | readonly string[] | undefined): string[] {
  if (input === undefined || input === null) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  if (typeof input !== 'string' && !Array.isArray(input)) throw new DdnsError('ECONFIG', 'host names must be a string or a list of strings');
  const parts = typeof input === 'string' ? input.split(/[\s,]+/) : input;
  const names: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') throw new DdnsError('ECONFIG', 'host names must be strings');
    if (part.trim() === '') continue;
    const name = normaliseHostname(part);
    if (!names.includes(name)) names.push(name);
    if (names.length > MAX_HOSTNAMES) throw new DdnsError('ECONFIG', `more than ${MAX_HOSTNAMES} host names`, { key: 'config.too-many-hostnames', params: { max: MAX_HOSTNAMES } });
  }
  if (names.length === 0) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  return names;
}

export { parsePayloadAddresses } from '../../core/payload';
