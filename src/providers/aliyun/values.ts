/**
 * Record types this package writes and what a valid value of each looks like.
 * Values are compared the way DNS means them: an IPv6 address in any textual
 * form is the same address, a host name ignores case and a trailing dot, TXT
 * is compared exactly.
 */
import { checkName, shownName } from '../../core/names';
import { parseAddress, sameAddress, isRecordableRange } from '../../core/address';
import { DdnsError } from '../../core/errors';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export function normaliseRecordType(type: unknown): RecordType {
  const text = typeof type === 'string' ? type.trim().toUpperCase() : '';
  if ((RECORD_TYPES as readonly string[]).includes(text)) return text as RecordType;
  throw new DdnsError('ECONFIG', `record type must be one of ${RECORD_TYPES.join(', ')}, not "${String(type).slice(0, 20)}"`);
}

/** The value in the form it is written in; EBADINPUT when it cannot be a value of that type. */
export function normaliseValue(type: RecordType, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DdnsError('EBADINPUT', `no value for the ${type} record`);
  const text = value.trim();
  if (type === 'A' || type === 'AAAA') {
    const parsed = parseAddress(text);
    const family = type === 'A' ? 4 : 6;
    if (!parsed || parsed.family !== family) {
      throw new DdnsError('EBADINPUT', `"${text.slice(0, 64)}" is not an IPv${family} address, as an ${type} record needs`);
    }
    if (!isRecordableRange(parsed.range)) throw new DdnsError('EBADINPUT', `${parsed.address} is a ${parsed.range} address, which no record should hold`);
    return parsed.address;
  }
  if (type === 'CNAME' || type === 'MX') {
    const host = checkName(text, { underscore: true });
    if (!host) throw new DdnsError('EBADINPUT', `"${shownName(text)}" is not a host name, as a ${type} record needs`);
    return host.name;
  }
  // TXT: Alidns takes up to 512 characters per record value
  if (text.length > 512) throw new DdnsError('EBADINPUT', 'TXT value is longer than 512 characters');
  return text;
}

export function sameValue(type: RecordType, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (type === 'A' || type === 'AAAA') return sameAddress(a, b);
  if (type === 'CNAME' || type === 'MX') return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
  return a === b;
}
