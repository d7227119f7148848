/**
 * The settings of an RFC 2136 updater (its server node's and its own), checked
 * once when the provider is built, so a mistake shows at deploy as ECONFIG,
 * before anything is sent (the qdm12/ddns-updater way). No message ever
 * repeats the secret.
 */
import ipaddr from 'ipaddr.js';
import { DdnsError } from '../../core/errors';
import { addressJobs } from '../../core/jobs';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/retry';
import { numberSetting } from '../../core/validate';
import { isInZone, normaliseHostname, normaliseKeyName, normaliseZone, parseHostnames } from './names';
import type { Endpoint } from './transport';
import { DEFAULT_ALGORITHM, decodeSecret, isTsigAlgorithm, type TsigKey } from './tsig';
import type { AddressType } from './wire';

export const DEFAULT_PORT = 53;
/** RFC 2136 updaters' common choice for addresses that change; nsupdate has no default, ddclient uses 600 */
export const DEFAULT_TTL = 300;
/** RFC 2181 §8: a TTL is at most 2^31 - 1 seconds */
export const MAX_TTL = 2147483647;
/** per exchange; nsupdate waits 3 s per UDP try: a server on the LAN or across the internet answers well within this */
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRIES = 3;
/**
 * After BADTIME the next attempt waits this long rather than the usual seconds:
 * a clock that was wrong at boot is set by NTP within a minute or two, and an
 * ip-source that emits on change only would not send the address again.
 */
export const CLOCK_RETRY_MS = 60_000;
/** a remembered value is trusted this long without asking the server (the aliyun provider's rule) */
export const VERIFY_AFTER_MS = 24 * 60 * 60 * 1000;

export type RecordTypeSetting = 'auto' | AddressType;

export interface Rfc2136Settings {
  /** `host`, `host:port`, `[IPv6]:port` or a bare IPv6 address; port 53 by default */
  server: string;
  /** empty: each name's zone is found from its SOA */
  zone?: string;
  keyName: string;
  /** default hmac-sha256 */
  algorithm?: string;
  /** base64, as tsig-keygen prints it */
  secret: string;
  /** comma separated; undefined: given with each input */
  hostnames?: string;
  recordType?: string;
  ttl?: number | string;
  dryRun?: boolean;
  /** for tests: backoff between retries, deadline per exchange, clock, message ids, TCP only */
  backoff?: BackoffPolicy;
  retries?: number;
  clockRetryMs?: number;
  timeoutMs?: number;
  now?: () => number;
  nextId?: () => number;
  tcp?: boolean;
}

export interface ResolvedSettings {
  /** Update now: write what memory says is in sync (one request), as the user asked */
  force?: boolean;
  endpoint: Endpoint;
  zone?: string;
  key: TsigKey;
  hostnames?: string[];
  recordType: RecordTypeSetting;
  ttl: number;
  dryRun: boolean;
  backoff: BackoffPolicy;
  retries: number;
  clockRetryMs: number;
  timeoutMs: number;
  now: () => number;
  nextId?: () => number;
  tcp: boolean;
}

function port(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new DdnsError('ECONFIG', `"${text.slice(0, 10)}" is not a port number (1 to 65535)`);
  return Number(text);
}

/** `host[:port]`: an IPv4 address, a host name, `[IPv6]` with an optional port, or a bare IPv6 address. */
export function parseServer(raw: unknown): Endpoint {
  if (typeof raw !== 'string' || raw.trim() === '') throw new DdnsError('ECONFIG', 'no DNS server configured', { key: 'config.no-server' });
  const text = raw.trim();
  if (/[\s/@?#]/.test(text) || text.length > 300) {
    const given = text.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
    throw new DdnsError('ECONFIG', `the DNS server must be host or host:port, without a scheme or path, not "${given}"`, { key: 'config.server-form', params: { given } });
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    if (!ipaddr.IPv6.isValid(bracketed[1])) throw new DdnsError('ECONFIG', `"${bracketed[1].slice(0, 60)}" is not an IPv6 address`);
    return { host: ipaddr.IPv6.parse(bracketed[1]).toRFC5952String(), port: bracketed[2] === undefined ? DEFAULT_PORT : port(bracketed[2]) };
  }
  if ((text.match(/:/g) ?? []).length > 1) {
    if (!ipaddr.IPv6.isValid(text)) throw new DdnsError('ECONFIG', `"${text.slice(0, 60)}" is not an IPv6 address (write [IPv6]:port for a port)`);
    return { host: ipaddr.IPv6.parse(text).toRFC5952String(), port: DEFAULT_PORT };
  }
  const [host, portText] = text.split(':');
  const endpoint = { host: '', port: portText === undefined ? DEFAULT_PORT : port(portText) };
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) endpoint.host = ipaddr.IPv4.parse(host).toString();
  else endpoint.host = normaliseHostname(host);
  if (endpoint.host.startsWith('*')) throw new DdnsError('ECONFIG', 'the DNS server cannot be a wildcard name');
  return endpoint;
}

export function normaliseRecordType(raw: unknown): RecordTypeSetting {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '' || text.toLowerCase() === 'auto') return 'auto';
  const upper = text.toUpperCase();
  if (upper === 'A' || upper === 'AAAA') return upper;
  throw new DdnsError('ECONFIG', `record type must be auto, A or AAAA, not "${text.slice(0, 20)}"`);
}

export function checkNamesInZone(names: readonly string[], zone: string | undefined): void {
  if (!zone) return;
  const outside = names.find((n) => !isInZone(n, zone));
  if (outside) throw new DdnsError('ECONFIG', `${outside} is not inside zone ${zone}`);
}

export function resolveSettings(s: Rfc2136Settings): ResolvedSettings {
  if (!s || typeof s !== 'object') throw new DdnsError('ECONFIG', 'no RFC 2136 settings given');
  const algorithm = typeof s.algorithm === 'string' && s.algorithm.trim() !== '' ? s.algorithm.trim().toLowerCase() : DEFAULT_ALGORITHM;
  if (!isTsigAlgorithm(algorithm)) throw new DdnsError('ECONFIG', `TSIG algorithm must be hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1 or hmac-md5, not "${algorithm.slice(0, 30)}"`);
  if (typeof s.keyName !== 'string' || s.keyName.trim() === '') throw new DdnsError('ECONFIG', 'no TSIG key name configured', { key: 'config.no-key-name' });
  const zone = typeof s.zone === 'string' && s.zone.trim() !== '' ? normaliseZone(s.zone) : undefined;
  const resolved: ResolvedSettings = {
    endpoint: parseServer(s.server),
    key: { name: normaliseKeyName(s.keyName), algorithm, secret: decodeSecret(s.secret) },
    recordType: normaliseRecordType(s.recordType),
    ttl: numberSetting('ttl', s.ttl, { fallback: DEFAULT_TTL, min: 0, max: MAX_TTL }),
    dryRun: s.dryRun === true,
    backoff: s.backoff ?? DEFAULT_BACKOFF,
    retries: s.retries ?? DEFAULT_RETRIES,
    clockRetryMs: s.clockRetryMs ?? CLOCK_RETRY_MS,
    timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: s.now ?? Date.now,
    tcp: s.tcp === true,
  };
  if (zone) resolved.zone = zone;
  if (s.nextId) resolved.nextId = s.nextId;
  if (s.hostnames !== undefined) {
    resolved.hostnames = parseHostnames(s.hostnames);
    checkNamesInZone(resolved.hostnames, zone);
  }
  return resolved;
}

export interface Job {
  type: AddressType;
  value: string;
}

/** What to write for msg.payload: the one jobs rule (src/core/jobs.ts). */
export function jobsFor(recordType: RecordTypeSetting, payload: unknown): Job[] {
  return addressJobs(recordType, payload);
}
