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
 * The last addresses parsed, and why each is not public: a steady check reads
 * the same address every time, and a check reads it three times (scanner,
 * family and scope, result). Only good parses are kept (hostile text cannot
 * fill it with misses), frozen because they are shared, and the map is
 * emptied when full: a hit is the common case, not a guarantee.
 */
const MEMO_SIZE = 64;
const parsedMemo = new Map<string, Readonly<ParsedAddress>>();
const verdictMemo = new Map<string, string | null>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * Parses one textual address. Only the plain forms a DNS record may hold are
 * accepted: dotted-quad IPv4 (no octal or short forms ipaddr.js would allow) and
 * IPv6 without a zone. IPv4-mapped IPv6 becomes the IPv4 address.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const known = parsedMemo.get(text);
  if (known) return known;
  const parsed = parseFresh(text);
  return parsed && remember(parsedMemo, text, Object.freeze(parsed));
}

function parseFresh(text: string): ParsedAddress | undefined {
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

/**
 * IPv6 "public" is global unicast as IANA allocates it: inside 2000::/3 (RFC 4291
 * section 2.4; everything else is unassigned or special, so `4000::1` is not
 * public even though ipaddr.js calls it unicast), minus the blocks of the IANA
 * IPv6 Special-Purpose Address Registry that lie inside it. Those are listed
 * here rather than taken from ipaddr.js, whose list grows between versions:
 * - 2001::/23 IETF protocol assignments (RFC 2928): "not globally reachable" as a
 *   block. It holds Teredo 2001::/32, benchmarking 2001:2::/48, AMT 2001:3::/32,
 *   AS112 2001:4:112::/48, ORCHID 2001:10::/28, ORCHIDv2 2001:20::/28 and drone
 *   DETs 2001:30::/28: anycast service addresses and cryptographic identifiers
 *   that are never a host's own locator, and Teredo addresses that only exist
 *   through a relay and change with the IPv4 mapping.
 * - 2001:db8::/32 and 3fff::/20: documentation (RFC 3849, RFC 9637).
 * - 2002::/16 6to4: the registry marks its reachability "N/A" (it depends on
 *   relays) and RFC 7526 deprecated the anycast relays; the address is derived
 *   from the IPv4 one, which is the record worth keeping.
 * - 2620:4f:8000::/48: AS112 direct delegation (RFC 7534), a service anycast.
 * ddclient's is_ipv6_global drops only ::/16, fc00::/7, fe80::/10 and ff00::/8,
 * so it would publish a documentation or 6to4 address; here they are refused.
 */
const IPV6_GLOBAL_UNICAST: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];
const IPV6_SPECIAL_IN_GLOBAL: Array<{ cidr: [ipaddr.IPv6, number]; label: string }> = [
  { cidr: ipaddr.IPv6.parseCIDR('2001:db8::/32'), label: 'documentation (2001:db8::/32)' },
  { cidr: ipaddr.IPv6.parseCIDR('2001::/32'), label: 'Teredo (2001::/32)' },
  { cidr: ipaddr.IPv6.parseCIDR('2001::/23'), label: 'IETF protocol assignment (2001::/23: benchmarking, ORCHID, anycast services)' },
  { cidr: ipaddr.IPv6.parseCIDR('2002::/16'), label: '6to4 (2002::/16)' },
  { cidr: ipaddr.IPv6.parseCIDR('2620:4f:8000::/48'), label: 'AS112 service (2620:4f:8000::/48)' },
  { cidr: ipaddr.IPv6.parseCIDR('3fff::/20'), label: 'documentation (3fff::/20)' },
];
/** IPv4 blocks of the IANA IPv4 Special-Purpose Registry that older ipaddr.js versions call unicast. */
const IPV4_SPECIAL: Array<{ cidr: [ipaddr.IPv4, number]; label: string }> = [
  { cidr: ipaddr.IPv4.parseCIDR('192.0.0.0/24'), label: 'IETF protocol assignment (192.0.0.0/24)' },
  { cidr: ipaddr.IPv4.parseCIDR('192.31.196.0/24'), label: 'AS112 service (192.31.196.0/24)' },
  { cidr: ipaddr.IPv4.parseCIDR('192.52.193.0/24'), label: 'AMT (192.52.193.0/24)' },
  { cidr: ipaddr.IPv4.parseCIDR('192.88.99.0/24'), label: 'deprecated 6to4 relay anycast (192.88.99.0/24)' },
  { cidr: ipaddr.IPv4.parseCIDR('192.175.48.0/24'), label: 'AS112 service (192.175.48.0/24)' },
  { cidr: ipaddr.IPv4.parseCIDR('198.18.0.0/15'), label: 'benchmarking (198.18.0.0/15)' },
];

/**
 * Why an address is not public, or undefined when it is: the only addresses
 * worth writing into public DNS with scope `public`.
 */
export function notPublicBecause(parsed: ParsedAddress): string | undefined {
  const key = `${parsed.range} ${parsed.address}`;
  const known = verdictMemo.get(key);
  if (known !== undefined) return known ?? undefined;
  return remember(verdictMemo, key, judge(parsed) ?? null) ?? undefined;
}

function judge(parsed: ParsedAddress): string | undefined {
  if (!isPublicRange(parsed.range)) return describeRange(parsed.range);
  if (parsed.family === 4) {
    const v4 = ipaddr.IPv4.parse(parsed.address);
    return IPV4_SPECIAL.find((s) => v4.match(s.cidr))?.label;
  }
  const v6 = ipaddr.IPv6.parse(parsed.address);
  if (!v6.match(IPV6_GLOBAL_UNICAST)) return 'not global unicast (outside 2000::/3)';
  return IPV6_SPECIAL_IN_GLOBAL.find((s) => v6.match(s.cidr))?.label;
}

export function isPublicAddress(parsed: ParsedAddress): boolean {
  return notPublicBecause(parsed) === undefined;
}

const RANGE_LABELS: Record<string, string> = {
  private: 'private (RFC 1918)',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique local (ULA)',
  reserved: 'reserved or documentation',
  deprecatedSiteLocal: 'site-local (fec0::/10, deprecated)',
  discard: 'discard-only (100::/64)',
  rfc6052: 'IPv4/IPv6 translation (64:ff9b::/96)',
  rfc6145: 'IPv4-translated (::ffff:0:0:0/96)',
  '6to4': '6to4 (2002::/16)',
  teredo: 'Teredo (2001::/32)',
  benchmarking: 'benchmarking',
  amt: 'AMT relay anycast',
  as112: 'AS112 service',
  as112v6: 'AS112 service',
  deprecatedOrchid: 'ORCHID (2001:10::/28)',
  orchid2: 'ORCHIDv2 (2001:20::/28)',
  droneRemoteIdProtocolEntityTags: 'drone DET (2001:30::/28)',
  segmentRouting: 'SRv6 SID (5f00::/16)',
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
