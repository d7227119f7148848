/**
 * Address parsing, normalisation and classification. Every address that leaves
 * this package goes through here, so IPv6 is always RFC 5952 text and "public"
 * means the same thing for every origin.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;
export type FamilyOption = 'ipv4' | 'ipv6' | 'any' | 'dual';
export type ScopeOption = 'public' | 'any';

export interface ParsedAddress {
  /** canonical text: dotted quad, or RFC 5952 compressed IPv6 */
  address: string;
  family: IpFamily;
  /** ipaddr.js range name: unicast, private, loopback, carrierGradeNat, ... */
  range: string;
}

const STRICT_IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Parses one textual address. Only the plain forms a DNS record may hold are
 * accepted: dotted-quad IPv4 (no octal or short forms ipaddr.js would allow) and
 * IPv6 without a zone. IPv4-mapped IPv6 becomes the IPv4 address.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return undefined;
  if (STRICT_IPV4.test(trimmed)) {
    const v4 = ipaddr.IPv4.parse(trimmed);
    return { address: v4.toString(), family: 4, range: v4.range() };
  }
  if (!trimmed.includes(':') || trimmed.includes('%') || !ipaddr.IPv6.isValid(trimmed)) return undefined;
  const v6 = ipaddr.IPv6.parse(trimmed);
  if (v6.isIPv4MappedAddress()) {
    const v4 = v6.toIPv4Address();
    return { address: v4.toString(), family: 4, range: v4.range() };
  }
  return { address: v6.toRFC5952String(), family: 6, range: v6.range() };
}

/** Ranges no DNS record should ever point at, whatever the scope: 0.0.0.0, ::, multicast, broadcast. */
const NEVER_RECORDED = new Set(['unspecified', 'multicast', 'broadcast']);

export function isRecordableRange(range: string): boolean {
  return !NEVER_RECORDED.has(range);
}

/** Public means globally routable unicast: the only kind worth writing into public DNS. */
export function isPublicRange(range: string): boolean {
  return range === 'unicast';
}

const RANGE_LABELS: Record<string, string> = {
  private: 'private (RFC 1918)',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique local (ULA)',
  reserved: 'reserved or documentation',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

export function describeRange(range: string): string {
  return RANGE_LABELS[range] ?? range;
}

export function matchesFamily(family: IpFamily, option: FamilyOption): boolean {
  if (option === 'ipv4') return family === 4;
  if (option === 'ipv6') return family === 6;
  return true;
}

/** `fd00:25a:c::25:7c:e` -> `fd00:025a:000c:0000:0000:0025:007c:000e`; other text unchanged. */
export function expandIpv6(text: string): string {
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return text;
  return ipaddr.IPv6.parse(text)
    .toNormalizedString()
    .split(':')
    .map((part) => part.padStart(4, '0'))
    .join(':');
}

/** The same address in any textual form compares equal. */
export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const pa = parseAddress(a);
  const pb = parseAddress(b);
  if (!pa || !pb) return a === b;
  return pa.address === pb.address;
}
