/**
 * IPv6 addresses for another host on this LAN, built from this host's prefix:
 * the `suffix` and `prefixLength` settings of `ip-source`. The router hands the
 * same /64 (or a /56, /60, ... delegation) to every host on the link, so a host
 * that cannot run its own updater (a printer, a NAS, a camera) is reachable at
 * "our prefix + its interface identifier". The identifier is written either as
 * an IPv6 suffix (`::1234:5678:9abc:def0`) or as the host's MAC address, which
 * becomes the modified EUI-64 identifier that SLAAC derives from it (RFC 4291
 * section 2.5.1 and appendix A).
 *
 * Pure: no I/O. Values are 128-bit BigInts; text out is RFC 5952.
 */
import ipaddr from 'ipaddr.js';
import { DdnsError } from '../core/errors';
import { parseAddress } from '../core/address';

export const DEFAULT_PREFIX_LENGTH = 64;

const ALL_ONES_128 = (1n << 128n) - 1n;

// ---------------------------------------------------------------- MAC addresses

/** `00:11:22:33:44:55`, `00-11-22-33-44-55`, `0011.2233.4455` (Cisco) or `001122334455`. */
const MAC_COLON = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const MAC_DASH = /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/i;
const MAC_DOTTED = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const MAC_BARE = /^[0-9a-f]{12}$/i;

/**
 * A 48-bit MAC address in any of the usual notations, as six octets; undefined
 * when the text is not one. Mixed separators (`00:11-22...`) are not a MAC.
 */
export function parseMacBytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (!(MAC_COLON.test(trimmed) || MAC_DASH.test(trimmed) || MAC_DOTTED.test(trimmed) || MAC_BARE.test(trimmed))) {
    return undefined;
  }
  const hex = trimmed.replace(/[:.-]/g, '');
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** A MAC in any notation as lower-case `aa:bb:cc:dd:ee:ff` (what `ip neigh` prints); undefined if it is not one. */
export function normaliseMac(text: string): string | undefined {
  const bytes = parseMacBytes(text);
  if (!bytes) return undefined;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * The MAC of one host's interface: a unicast address, not all zeros. A group
 * (multicast or broadcast) MAC never belongs to one interface, so it is a typo
 * here; says so rather than building an address nobody holds.
 */
export function parseHostMac(text: string, what = 'MAC address'): Uint8Array {
  const bytes = parseMacBytes(text);
  if (!bytes) {
    throw new DdnsError(
      'ECONFIG',
      `${what} "${text.trim()}" is not a MAC address (write it as 00:11:22:33:44:55, 00-11-22-33-44-55 or 0011.2233.4455)`,
    );
  }
  if (bytes[0] & 0x01) {
    throw new DdnsError('ECONFIG', `${what} "${text.trim()}" is a multicast/broadcast MAC address (group bit set); a host's interface has a unicast one`);
  }
  if (bytes.every((b) => b === 0)) throw new DdnsError('ECONFIG', `${what} "${text.trim()}" is all zeros`);
  return bytes;
}

/**
 * RFC 4291 appendix A: a 48-bit MAC becomes a modified EUI-64 interface
 * identifier by inserting 0xFF 0xFE between the company_id (first three octets)
 * and the vendor part, and inverting the universal/local bit (0x02 of the first
 * octet). `00:1a:2b:3c:4d:5e` -> `021a:2bff:fe3c:4d5e`.
 */
export function macToInterfaceId(mac: Uint8Array): bigint {
  if (mac.length !== 6) throw new DdnsError('ECONFIG', `a MAC address has 6 octets, not ${mac.length}`);
  const eui = [mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]];
  return eui.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

// ---------------------------------------------------------------- suffixes

function bytesToBigInt(bytes: ArrayLike<number>): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function bigIntToIpv6Text(value: bigint): string {
  const bytes: number[] = new Array(16);
  let rest = value & ALL_ONES_128;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
}

/** Bits needed to write the value: 0 for 0, 64 for a modified EUI-64 with the top bits set. */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

const SUFFIX_HINT = 'write an interface identifier as an IPv6 suffix (::1234:5678:9abc:def0, ::a:b:c:d, ::1) or a MAC address (00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455)';

/**
 * The host part to put behind a prefix, as a 128-bit value (only its low bits
 * are meant to be used). Accepts an IPv6 suffix (`::1234:5678:9abc:def0`,
 * `::a:b:c:d`, `::1`, or a full address whose low bits are taken) or a MAC
 * address, which becomes its modified EUI-64 identifier.
 */
export function parseSuffix(text: string): bigint {
  if (typeof text !== 'string') throw new DdnsError('ECONFIG', `suffix must be text; ${SUFFIX_HINT}`);
  const trimmed = text.trim();
  if (trimmed === '') throw new DdnsError('ECONFIG', `suffix is empty; ${SUFFIX_HINT}`);
  if (parseMacBytes(trimmed)) return macToInterfaceId(parseHostMac(trimmed, 'suffix'));
  if (trimmed.includes('/')) {
    throw new DdnsError('ECONFIG', `suffix "${trimmed}" must not carry a /length; the prefix length is its own setting (prefixLength)`);
  }
  if (trimmed.includes('%')) throw new DdnsError('ECONFIG', `suffix "${trimmed}" must not carry a %zone`);
  if (!trimmed.includes(':') || !ipaddr.IPv6.isValid(trimmed)) {
    // `1234:5678:9abc:def0` is the most likely slip: say how to write it
    if (/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,6}$/i.test(trimmed)) {
      throw new DdnsError('ECONFIG', `suffix "${trimmed}" is not an IPv6 suffix; write it with a leading "::", as in ::${trimmed}`);
    }
    throw new DdnsError('ECONFIG', `suffix "${trimmed}" is neither an IPv6 suffix nor a MAC address; ${SUFFIX_HINT}`);
  }
  const value = bytesToBigInt(ipaddr.IPv6.parse(trimmed).toByteArray());
  if (value === 0n) throw new DdnsError('ECONFIG', `suffix "${trimmed}" is all zeros (that is the subnet itself, not a host)`);
  return value;
}

/**
 * A prefix length setting: a number or text (`64`, `/64`); empty means the
 * default /64. Only 1..127 leave room for both a prefix and a host part.
 */
export function parsePrefixLength(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_PREFIX_LENGTH;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^\//, '') : '';
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 127) {
    throw new DdnsError('ECONFIG', `prefixLength must be a whole number from 1 to 127 (usually 64), not ${JSON.stringify(value)}`);
  }
  return n;
}

function checkPrefixLength(prefixLength: number): void {
  if (typeof prefixLength !== 'number' || !Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 127) {
    throw new DdnsError('ECONFIG', `prefixLength must be a whole number from 1 to 127 (usually 64), not ${JSON.stringify(prefixLength)}`);
  }
}

function ipv6Value(address: string, what: string): bigint {
  const parsed = typeof address === 'string' ? parseAddress(address) : undefined;
  if (!parsed || parsed.family !== 6) {
    throw new DdnsError('EBADINPUT', `${what} needs an IPv6 address to take the prefix from, not "${String(address)}"`);
  }
  return bytesToBigInt(ipaddr.IPv6.parse(parsed.address).toByteArray());
}

function prefixMask(prefixLength: number): bigint {
  const hostBits = BigInt(128 - prefixLength);
  return ALL_ONES_128 ^ ((1n << hostBits) - 1n);
}

/**
 * Keeps the first `prefixLength` bits of `address` and puts the suffix's low
 * `128 - prefixLength` bits behind them. A suffix that needs more bits than the
 * host part has is refused (it would silently lose its top bits).
 */
export function applySuffix(address: string, suffix: string | bigint, prefixLength: number = DEFAULT_PREFIX_LENGTH): string {
  checkPrefixLength(prefixLength);
  const id = typeof suffix === 'bigint' ? suffix : parseSuffix(suffix);
  if (id < 0n || id > ALL_ONES_128) throw new DdnsError('ECONFIG', 'suffix must be a 128-bit value');
  const hostBits = 128 - prefixLength;
  const needed = bitLength(id);
  if (needed > hostBits) {
    const shown = typeof suffix === 'string' ? `"${suffix.trim()}"` : bigIntToIpv6Text(id);
    const isMac = typeof suffix === 'string' && parseMacBytes(suffix) !== undefined;
    throw new DdnsError(
      'ECONFIG',
      `suffix ${shown} needs ${needed} bits but a /${prefixLength} prefix leaves only ${hostBits} bits for the host part` +
        (isMac ? ' (a MAC becomes a 64-bit EUI-64 identifier: use a prefix length of 64 or less)' : ` (at most ${hostBits} bits fit)`),
    );
  }
  const base = ipv6Value(address, 'suffix');
  return bigIntToIpv6Text((base & prefixMask(prefixLength)) | id);
}

/** `2001:db8:1:2:a:b:c:d`, 64 -> `2001:db8:1:2::/64` (for `msg.ip.prefix`). */
export function prefixOf(address: string, prefixLength: number = DEFAULT_PREFIX_LENGTH): string {
  checkPrefixLength(prefixLength);
  const base = ipv6Value(address, 'prefixOf');
  return `${bigIntToIpv6Text(base & prefixMask(prefixLength))}/${prefixLength}`;
}

/** A suffix value as RFC 5952 text (`::21a:2bff:fe3c:4d5e`), for status and messages. */
export function suffixText(value: bigint): string {
  return bigIntToIpv6Text(value);
}
