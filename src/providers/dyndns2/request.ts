/**
 * What goes on the wire for a DynDNS2 update: the server URL, the query
 * (hostname list, addresses in the provider's dual stack style, optional
 * parameters) and the headers. Pure functions; nothing here sends anything.
 */
import { parseServerUrl } from '../../core/validate';
import { DdnsError } from '../../core/errors';
import { normaliseHostname } from './input';
import type { PresetQuirks } from './presets';
import {
  DUAL_STACK_MODES,
  FAMILIES,
  type Addresses,
  type DualStackMode,
  type Family,
  type ProviderParams,
  type UpdateOptions,
} from './types';

/** Dyn's limit, which every DynDNS2 server inherited. */
export const MAX_HOSTS_PER_REQUEST = 20;
export const DEFAULT_PATH = '/nic/update';

/**
 * The update endpoint from what a user typed: the scheme is required (a LAN
 * server speaks http://, a provider https://: guessing sent `127.0.0.1:18950`
 * to https and failed with a TLS error), a URL without a path gets
 * `/nic/update`, a query the provider needs (OVH's `system=dyndns`) is kept.
 */
export function normaliseServerUrl(server: string): URL {
  return parseServerUrl('server', server, { defaultPath: DEFAULT_PATH, allowQuery: true });
}

export function validateDualStack(mode: string | undefined): DualStackMode {
  if (mode === undefined || mode === '') return 'combined';
  if ((DUAL_STACK_MODES as readonly string[]).includes(mode)) return mode as DualStackMode;
  throw new DdnsError('ECONFIG', `dualStack must be one of ${DUAL_STACK_MODES.join(', ')}, not "${String(mode).slice(0, 20)}"`);
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function enumOption<T extends string>(name: string, value: unknown, allowed: readonly T[], yes: T, no: T): T | undefined {
  if (isUnset(value)) return undefined;
  if (value === true) return yes;
  if (value === false) return no;
  const upper = String(value).trim().toUpperCase();
  if ((allowed as readonly string[]).includes(upper)) return upper as T;
  throw new DdnsError('ECONFIG', `${name} must be one of ${allowed.join(', ')}`);
}

/** Options in the protocol's spelling; unset ones stay out of the query entirely. */
export function normaliseOptions(options: UpdateOptions | undefined): ProviderParams {
  const out: ProviderParams = {};
  if (!options) return out;
  const wildcard = enumOption('wildcard', options.wildcard, ['ON', 'OFF', 'NOCHG'] as const, 'ON', 'OFF');
  if (wildcard) out.wildcard = wildcard;
  const backmx = enumOption('backmx', options.backmx, ['YES', 'NO', 'NOCHG'] as const, 'YES', 'NO');
  if (backmx) out.backmx = backmx;
  const offline = enumOption('offline', options.offline, ['YES', 'NO'] as const, 'YES', 'NO');
  if (offline) out.offline = offline;
  if (!isUnset(options.mx)) {
    if (typeof options.mx !== 'string') throw new DdnsError('ECONFIG', 'mx must be a host name or NOCHG');
    out.mx = options.mx.trim().toUpperCase() === 'NOCHG' ? 'NOCHG' : normaliseHostname(options.mx);
  }
  return out;
}

/** Splits a list into runs of at most `size`, order kept. */
export function chunk<T>(items: readonly T[], size = MAX_HOSTS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One host and the addresses it should be sent. */
export interface HostWrite {
  host: string;
  send: Addresses;
}

/** One HTTP request: these hosts, these addresses. */
export interface PlannedRequest {
  url: URL;
  hostnames: string[];
  /** the families the request carries, for bookkeeping after the answer */
  families: Family[];
  sent: Addresses;
}

/** The address part of the query in the provider's dual stack style. */
export function addressParams(mode: DualStackMode, sent: Addresses, quirks: PresetQuirks = {}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (mode === 'myipv6') {
    if (sent.ipv4) out.push(['myip', sent.ipv4]);
    // Dynu takes a missing myip as "use the request's source address" (ddclient's nic_dynu_update sends myip=no)
    else if (sent.ipv6 && quirks.ipv6Alone === 'myip-no') out.push(['myip', 'no']);
    if (sent.ipv6) out.push(['myipv6', sent.ipv6]);
  } else {
    // combined, and separate (where `sent` only ever holds one family)
    const list = FAMILIES.map((f) => sent[f]).filter((a): a is string => !!a);
    if (list.length > 0) out.push(['myip', list.join(',')]);
  }
  // deSEC sets a family the request does not name from the source address, or deletes it;
  // `preserve` keeps it (qdm12/ddns-updater's desec provider sends the same)
  if (quirks.absentFamily === 'preserve' && out.length > 0) {
    if (!sent.ipv4) out.push(['myipv4', 'preserve']);
    if (!sent.ipv6) out.push(['myipv6', 'preserve']);
  }
  return out;
}

// Commas and colons are legal in a query and some DynDNS2 servers do not decode %2C
// in a hostname list; everything here is already validated to [a-z0-9.:*,-].
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

export function buildUpdateUrl(
  base: URL,
  hostnames: readonly string[],
  mode: DualStackMode,
  sent: Addresses,
  params: ProviderParams,
  quirks: PresetQuirks = {},
): URL {
  const url = new URL(base.href);
  const ours: Array<[string, string]> = [['hostname', hostnames.join(',')], ...addressParams(mode, sent, quirks)];
  for (const key of ['wildcard', 'mx', 'backmx', 'offline'] as const) {
    const value = params[key];
    if (value !== undefined) ours.push([key, value]);
  }
  // the server URL's own query (OVH: system=dyndns) comes first; ours wins on a clash
  const names = new Set(ours.map(([k]) => k));
  const kept = [...url.searchParams].filter(([k]) => !names.has(k)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  url.search = [...kept, ...ours.map(([k, v]) => `${k}=${encodeValue(v)}`)].join('&');
  return url;
}

function groupKey(send: Addresses): string {
  return `${send.ipv4 ?? ''}|${send.ipv6 ?? ''}`;
}

/**
 * Turns the writes into requests: hosts that get the same addresses share a
 * request (up to 20 names); in `separate` mode each family is its own request.
 */
export function planRequests(
  base: URL,
  mode: DualStackMode,
  writes: readonly HostWrite[],
  params: ProviderParams,
  quirks: PresetQuirks = {},
): PlannedRequest[] {
  const units: HostWrite[] = [];
  for (const write of writes) {
    if (mode === 'separate') {
      for (const family of FAMILIES) {
        const address = write.send[family];
        if (address) units.push({ host: write.host, send: { [family]: address } });
      }
    } else if (write.send.ipv4 || write.send.ipv6) {
      units.push(write);
    }
  }
  const groups = new Map<string, HostWrite[]>();
  for (const unit of units) {
    const key = groupKey(unit.send);
    const group = groups.get(key);
    if (group) group.push(unit);
    else groups.set(key, [unit]);
  }
  const out: PlannedRequest[] = [];
  for (const group of groups.values()) {
    const sent = group[0].send;
    const families = FAMILIES.filter((f) => sent[f] !== undefined);
    for (const batch of chunk(group.map((w) => w.host))) {
      out.push({ url: buildUpdateUrl(base, batch, mode, sent, params, quirks), hostnames: batch, families, sent });
    }
  }
  return out;
}

/** A version string safe to put in a header. */
function cleanVersion(version: string | undefined): string {
  return typeof version === 'string' && /^[\w.+-]{1,64}$/.test(version) ? version : 'unknown';
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * The account's optional contact for the User-Agent: an e-mail address, as No-IP
 * asks ("NameOfUpdateProgram/VersionNumber maintainercontact@domain.com",
 * https://www.noip.com/integrate/request). Empty = none; anything else is refused,
 * since it goes into a header.
 */
export function validateContact(contact: unknown): string | undefined {
  if (contact === undefined || contact === null) return undefined;
  if (typeof contact !== 'string') throw new DdnsError('ECONFIG', 'contact must be an e-mail address');
  const text = contact.trim();
  if (text === '') return undefined;
  if (text.length > 254 || !EMAIL.test(text)) throw new DdnsError('ECONFIG', 'contact must be an e-mail address, e.g. admin@example.com');
  return text;
}

/**
 * Dyn's format, which every DynDNS2 server accepts (company - model - version),
 * with the contact No-IP asks for appended when the account has one.
 */
export function userAgent(version: string | undefined, contact?: string): string {
  const base = `node-red-contrib-ddns - dyndns2-update - ${cleanVersion(version)}`;
  return contact ? `${base} ${contact}` : base;
}

export function validateCredentials(username: unknown, password: unknown): { username: string; password: string } {
  if (typeof username !== 'string' || username === '') throw new DdnsError('ECONFIG', 'no user name configured', { key: 'config.no-username' });
  if (typeof password !== 'string' || password === '') throw new DdnsError('ECONFIG', 'no password configured', { key: 'config.no-password' });
  // RFC 7617: a colon cannot be told apart from the separator
  if (username.includes(':')) throw new DdnsError('ECONFIG', 'the user name must not contain ":"');
  if (username.length > 1024 || password.length > 1024) throw new DdnsError('ECONFIG', 'user name or password is too long');
  return { username, password };
}

export function buildHeaders(username: string, password: string, version: string | undefined, contact?: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
    'user-agent': userAgent(version, contact),
    accept: 'text/plain, */*;q=0.5',
  };
}
