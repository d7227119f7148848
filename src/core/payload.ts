/**
 * `msg.payload` as every updater takes an address: one address string, or
 * `{ipv4, ipv6}` (ip-source's dual stack output) with at least one of the two.
 * Everything that reaches a provider passes through here first, so a CR/LF, a
 * huge string or an address no record should hold is refused before any
 * request is built.
 */
import { parseAddress, isRecordableRange } from './address';
import { DdnsError } from './errors';

/** Canonical addresses (dotted quad, RFC 5952 IPv6), at least one present. */
export interface Addresses {
  ipv4?: string;
  ipv6?: string;
}

/** `{ipv4, ipv6}` as an object payload, not a string, array or buffer. */
export function isAddressPair(payload: unknown): payload is Record<string, unknown> {
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) && !Buffer.isBuffer(payload);
}

// An address in text form is at most 45 characters; anything far longer is refused unread.
const MAX_ADDRESS_TEXT = 100;
function parseOne(value: unknown, where: string): { address: string; family: 4 | 6 } {
  if (typeof value !== 'string') throw new DdnsError('EBADINPUT', `${where} must be an address string`, { key: 'input.not-text', params: { where } });
  if (value.length > MAX_ADDRESS_TEXT) throw new DdnsError('EBADINPUT', `${where} is too long to be an address`, { key: 'input.too-long', params: { where } });
  if (/[\r\n\0]/.test(value)) throw new DdnsError('EBADINPUT', `${where} contains a line break or NUL`, { key: 'input.control', params: { where } });
  const parsed = parseAddress(value);
  if (!parsed) throw new DdnsError('EBADINPUT', `${where} is not an IPv4 or IPv6 address`, { key: 'input.not-address', params: { where } });
  if (!isRecordableRange(parsed.range)) throw new DdnsError('EBADINPUT', `${where} is a ${parsed.range} address`, { key: 'input.range', params: { where, range: parsed.range } });
  return parsed;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** msg.payload as the updaters take it; always canonical text out, EBADINPUT otherwise. */
export function parsePayloadAddresses(payload: unknown): Addresses {
  if (typeof payload === 'string') {
    const one = parseOne(payload, 'msg.payload');
    return one.family === 4 ? { ipv4: one.address } : { ipv6: one.address };
  }
  if (!isAddressPair(payload)) {
    throw new DdnsError('EBADINPUT', 'msg.payload must be an address string or an object {ipv4, ipv6}', { key: 'input.payload-shape' });
  }
  const record = payload as Record<string, unknown>;
  const out: Addresses = {};
  if (!isEmpty(record.ipv4)) {
    const v4 = parseOne(record.ipv4, 'msg.payload.ipv4');
    if (v4.family !== 4) throw new DdnsError('EBADINPUT', 'msg.payload.ipv4 holds an IPv6 address', { key: 'input.ipv4-holds-ipv6' });
    out.ipv4 = v4.address;
  }
  if (!isEmpty(record.ipv6)) {
    const v6 = parseOne(record.ipv6, 'msg.payload.ipv6');
    if (v6.family !== 6) throw new DdnsError('EBADINPUT', 'msg.payload.ipv6 holds an IPv4 address', { key: 'input.ipv6-holds-ipv4' });
    out.ipv6 = v6.address;
  }
  if (out.ipv4 === undefined && out.ipv6 === undefined) {
    throw new DdnsError('EBADINPUT', 'msg.payload has neither an ipv4 nor an ipv6 address', { key: 'input.no-address' });
  }
  return out;
}
