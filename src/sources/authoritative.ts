/**
 * A record checked where the world reads it: at its zone's authoritative name
 * servers, asked directly and without recursion, as ACME clients check a
 * challenge record before they ask for validation. A provider's "good" is not
 * always the truth (its servers may not serve the change, secondaries lag, a
 * record may be changed by hand later), and only the servers that answer for
 * the zone can say what the world sees.
 *
 * - `verify` is `auto` (the zone's NS records through the system resolver),
 *   `off`, or a list of servers `host[:port]`.
 * - After a write, each server is asked until it serves the value, the
 *   questions spaced out (1 s, 2 s, 4 s, ... at most 15 s apart), a server that
 *   serves it never asked again, all of it within a deadline.
 * - Over UDP with TCP for a truncated answer, through the same DNS code the
 *   `dns://` origins use (src/sources/dns.ts), with RD off.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { sameAddress } from '../core/address';
import { DdnsError, abortReason, toDdnsError } from '../core/errors';
import { checkName, shownName } from '../core/names';
import { sleep } from '../core/retry';
import { DNS_PORT, askDns } from './dns';

export { DNS_PORT };
import type { UdpTarget } from './socket';

export const DEFAULT_VERIFY_TIMEOUT_S = 120;
export const DEFAULT_VERIFY_AFTER_MIN = 10;
/** one question's own limit: a server that does not answer within it is asked again in the next round */
const QUESTION_MS = 3_000;
const LONGEST_SPACING_MS = 15_000;
const MAX_SERVERS = 13;
/**
 * The `verify` rules as data, for the editor's check generated at build
 * (scripts/generate-provider-nodes.js): the words it takes, the list's
 * separator, at most how many servers; a host is an IP literal or a name
 * checked with underscores allowed, a port 1 to 65535.
 */
export const VERIFY_RULE_SOURCES = { words: ['auto', 'off'], separator: /[\s,]+/.source, maxServers: MAX_SERVERS, defaultPort: DNS_PORT } as const;

export interface NameServer {
  /** an IP literal or a host name */
  host: string;
  port: number;
}

export type VerifySetting = { mode: 'auto' } | { mode: 'off' } | { mode: 'list'; servers: NameServer[] };

export interface ServerView {
  /** `ns1.example.net` or `192.0.2.53:5353` */
  server: string;
  serves: boolean;
  /** what it served for the name and type, when it answered */
  values?: string[];
  /** why it could not be asked, or what it answered instead (NXDOMAIN, REFUSED, a timeout) */
  error?: string;
}

export interface Verification {
  /** servers that serve the value */
  seen: number;
  /** servers asked */
  of: number;
  servers: ServerView[];
}

export function serverLabel(server: NameServer): string {
  if (server.port === DNS_PORT) return server.host;
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

function parseServer(part: string): NameServer {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(part);
  let host: string;
  let port = DNS_PORT;
  if (bracketed) {
    host = bracketed[1];
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (isIP(part) === 6) {
    host = part;
  } else {
    const colon = part.lastIndexOf(':');
    host = colon > 0 ? part.slice(0, colon) : part;
    if (colon > 0) port = /^\d{1,5}$/.test(part.slice(colon + 1)) ? Number(part.slice(colon + 1)) : NaN;
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DdnsError('ECONFIG', `verify: "${shownName(part)}" has no valid port (1 to 65535)`);
  if (!isIP(host) && !checkName(host, { minLabels: 1, underscore: true })) {
    throw new DdnsError('ECONFIG', `verify: "${shownName(part)}" is not a name server such as ns1.example.net or 192.0.2.53:53`);
  }
  return { host: host.toLowerCase(), port };
}

/** The `verify` setting: empty or `auto`, `off`, or name servers separated by commas or spaces. */
export function parseVerifySetting(value: unknown): VerifySetting {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.toLowerCase() === 'auto') return { mode: 'auto' };
  if (text.toLowerCase() === 'off') return { mode: 'off' };
  const servers = text.split(new RegExp(VERIFY_RULE_SOURCES.separator)).filter((p) => p !== '').map(parseServer);
  if (servers.length > MAX_SERVERS) throw new DdnsError('ECONFIG', `verify: at most ${MAX_SERVERS} name servers`);
  return { mode: 'list', servers };
}

/**
 * The resolver's calls the zone lookup needs: the system resolver (its
 * servers, as c-ares reads them), or a test's stand-in. Name servers' own
 * addresses are looked up the same way as their names were found.
 */
export interface NsResolver {
  resolveNs(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/**
 * The authoritative servers of the zone `name` is in: the NS records of the
 * closest enclosing name that has them, through the system resolver.
 */
export async function authoritativeServers(name: string, signal: AbortSignal, resolver: NsResolver = dnsPromises): Promise<{ zone: string; servers: NameServer[] }> {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    if (signal.aborted) throw abortReason(signal);
    const candidate = labels.slice(i).join('.');
    let hosts: string[];
    try {
      hosts = await resolver.resolveNs(candidate);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // no NS here (ENODATA) or no such name (ENOTFOUND): the zone cut is further up
      if (code === 'ENODATA' || code === 'ENOTFOUND') continue;
      throw new DdnsError('ENETWORK', `the name servers of ${candidate} could not be looked up (${code ?? toDdnsError(err).message})`, { retryable: true });
    }
    if (hosts.length > 0) return { zone: candidate, servers: hosts.slice(0, MAX_SERVERS).map((host) => ({ host: host.toLowerCase(), port: DNS_PORT })) };
  }
  throw new DdnsError('ENOTFOUND', `no zone with NS records was found above ${name}`);
}

async function targetOf(server: NameServer, resolver: NsResolver): Promise<UdpTarget> {
  const literal = isIP(server.host);
  if (literal === 4 || literal === 6) return { address: server.host, family: literal, port: server.port };
  const v4 = await resolver.resolve4(server.host).catch(() => [] as string[]);
  if (v4.length > 0) return { address: v4[0], family: 4, port: server.port };
  const v6 = await resolver.resolve6(server.host).catch(() => [] as string[]);
  if (v6.length > 0) return { address: v6[0], family: 6, port: server.port };
  throw new DdnsError('ENETWORK', `the address of ${server.host} could not be found`, { retryable: true });
}

/** One server asked for the name and type, without recursion: what it serves, or why it could not say. */
export async function askServer(
  server: NameServer,
  name: string,
  type: 'A' | 'AAAA',
  value: string,
  signal: AbortSignal,
  timeoutMs = QUESTION_MS,
  resolver: NsResolver = dnsPromises,
): Promise<ServerView> {
  const label = serverLabel(server);
  try {
    const target = await targetOf(server, resolver);
    const values = await askDns({ target, name, type, signal, endsAt: Date.now() + timeoutMs, recursion: false });
    return { server: label, serves: values.some((v) => sameAddress(v, value)), values };
  } catch (thrown) {
    if (signal.aborted) throw abortReason(signal);
    const err = toDdnsError(thrown);
    return { server: label, serves: false, error: err.providerCode ?? err.message };
  }
}

export interface VerifyRequest {
  name: string;
  type: 'A' | 'AAAA';
  value: string;
  servers: readonly NameServer[];
  /** how long to keep asking, in ms */
  deadlineMs: number;
  signal: AbortSignal;
  resolver?: NsResolver;
  /** told after each round, for a "verifying: 1 of 2" status */
  progress?(view: Verification): void;
}

/**
 * Asks every server until each serves the value or the deadline passes; a
 * server that serves it is not asked again. The answer names every server
 * and what it served last.
 */
export async function verifyRecord(req: VerifyRequest): Promise<Verification> {
  const endsAt = Date.now() + req.deadlineMs;
  const views = new Map<string, ServerView>();
  let pending = [...req.servers];
  for (let round = 0; ; round++) {
    const asked = await Promise.all(
      pending.map((server) => askServer(server, req.name, req.type, req.value, req.signal, Math.max(1, Math.min(QUESTION_MS, endsAt - Date.now())), req.resolver ?? dnsPromises)),
    );
    for (const view of asked) views.set(view.server, view);
    pending = pending.filter((server) => !views.get(serverLabel(server))?.serves);
    const result = summarise(req.servers, views);
    req.progress?.(result);
    const wait = Math.min(LONGEST_SPACING_MS, 1000 * 2 ** round);
    if (pending.length === 0 || Date.now() + wait >= endsAt) return result;
    await sleep(wait, req.signal);
  }
}

function summarise(servers: readonly NameServer[], views: Map<string, ServerView>): Verification {
  const list = servers.map((s) => views.get(serverLabel(s)) ?? { server: serverLabel(s), serves: false, error: 'not asked' });
  return { seen: list.filter((v) => v.serves).length, of: list.length, servers: list };
}

/** Whether no server could be asked at all (offline, split horizon): not a failure, "not verified". */
export function unreachable(view: Verification): boolean {
  return view.servers.every((s) => s.values === undefined);
}
