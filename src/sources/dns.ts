/**
 * `dns://RESOLVER[:PORT]/NAME[?type=A|AAAA|TXT][&class=IN|CH]` origins: services
 * that answer with the address a query came from. Known ones:
 *   dns://resolver1.opendns.com/myip.opendns.com                (A; AAAA over IPv6)
 *   dns://1.1.1.1/whoami.cloudflare?type=TXT&class=CH           (Cloudflare)
 *   dns://ns1.google.com/o-o.myaddr.l.google.com?type=TXT       (Google)
 * One UDP round trip per record type, straight to the resolver named in the
 * origin (never the system resolver, which would ask from somewhere else); an
 * answer too large for UDP (TC bit) is asked again over TCP, as dig does
 * (RFC 7766 section 5). The origin's timeout bounds both.
 */
import { DdnsError, abortReason, toDdnsError } from '../core/errors';
import { parseAddress } from '../core/address';
import type { FamilyOption } from '../core/address';
import { CLASS_CODES, TYPE_CODES, answersTo, encodeQuery, nameLabels, type DnsClass, type DnsType } from './dns-wire';
import { parseUdpHost, parseUdpPort, refuseCredentials, resolveUdpTarget, udpRoundTrip, type UdpTarget } from './socket';
import { tcpExchange } from '../core/dns-tcp';
import type { LookupContext, SourceAnswer } from './types';

export const DNS_PORT = 53;

export interface DnsOrigin {
  /** IP literal (IPv6 without brackets) or host name of the server to ask */
  resolver: string;
  port?: number;
  name: string;
  /** unset: A for ipv4, AAAA for ipv6, both for any/dual */
  type?: DnsType;
  /** unset: IN */
  dnsClass?: DnsClass;
}

const PARAMETERS: Record<string, 'type' | 'class'> = { type: 'type', class: 'class' };

function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    throw new DdnsError('ECONFIG', `dns:// origin "${url.href}": the name is not valid percent-encoding`);
  }
}

/** Checks a `dns://` URL once, at deploy, so a typo is an ECONFIG at once instead of a failure at every check. */
export function parseDnsOrigin(url: URL): DnsOrigin {
  if (url.protocol !== 'dns:') throw new DdnsError('ECONFIG', `"${url.href}" is not a dns:// origin`);
  refuseCredentials(url, 'dns');
  const resolver = parseUdpHost(url, 'dns');
  const port = parseUdpPort(url, 'dns', DNS_PORT);
  const path = decodedPath(url);
  if (path === '') throw new DdnsError('ECONFIG', `dns:// origin "${url.href}" needs a name to ask: dns://RESOLVER/NAME`);
  if (path.includes('/')) throw new DdnsError('ECONFIG', `dns:// origin "${url.href}": the name "${path}" contains "/"`);
  const name = nameLabels(path).join('.');

  const origin: DnsOrigin = { resolver, port, name };
  const seen = new Set<string>();
  for (const [key, raw] of url.searchParams) {
    const parameter = PARAMETERS[key.toLowerCase()];
    if (!parameter) throw new DdnsError('ECONFIG', `dns:// origin: unknown parameter "${key}" (only type and class)`);
    if (seen.has(parameter)) throw new DdnsError('ECONFIG', `dns:// origin: ${parameter} is given twice`);
    seen.add(parameter);
    const value = raw.trim().toUpperCase();
    if (parameter === 'type') {
      if (!Object.hasOwn(TYPE_CODES, value)) throw new DdnsError('ECONFIG', `dns:// origin: type must be A, AAAA or TXT, not "${raw}"`);
      origin.type = value as DnsType;
    } else {
      if (!Object.hasOwn(CLASS_CODES, value)) throw new DdnsError('ECONFIG', `dns:// origin: class must be IN or CH, not "${raw}"`);
      origin.dnsClass = value as DnsClass;
    }
  }
  return origin;
}

function typesFor(family: FamilyOption): DnsType[] {
  if (family === 'ipv4') return ['A'];
  if (family === 'ipv6') return ['AAAA'];
  return ['A', 'AAAA'];
}

/** One question to one server: its target, what is asked, and how long it may take. */
export interface DnsAsk {
  target: UdpTarget;
  name: string;
  type: DnsType;
  dnsClass?: DnsClass;
  signal: AbortSignal;
  endsAt: number;
  localAddress?: string;
  /** false: RD off, for authoritative servers */
  recursion?: boolean;
}

/**
 * One question: answers the texts of the records asked for (maybe none). Over
 * UDP first; a truncated answer is asked again over TCP with a fresh id, in
 * what is left of the time.
 */
export async function askDns(q: DnsAsk): Promise<string[]> {
  const dnsClass = q.dnsClass ?? 'IN';
  const recursion = q.recursion !== false;
  const query = encodeQuery({ name: q.name, type: q.type, dnsClass }, undefined, recursion);
  const overUdp = await udpRoundTrip({
    target: q.target,
    request: query.packet,
    accept: (reply) => answersTo(query, reply),
    signal: q.signal,
    timeoutMs: Math.max(1, q.endsAt - Date.now()),
    localAddress: q.localAddress,
  });
  if (!overUdp.truncated) return overUdp.texts;
  const again = encodeQuery({ name: q.name, type: q.type, dnsClass }, undefined, recursion);
  const reply = await tcpExchange({
    target: q.target,
    packet: again.packet,
    signal: q.signal,
    timeoutMs: Math.max(1, q.endsAt - Date.now()),
    localAddress: q.localAddress,
  });
  const overTcp = answersTo(again, reply);
  const what = `${q.name} ${dnsClass} ${q.type}`;
  if (!overTcp) throw new DdnsError('EBADRESPONSE', `${what}: the answer over TCP is not an answer to the question asked`);
  if (overTcp.truncated) throw new DdnsError('EBADRESPONSE', `${what}: the answer is truncated (TC bit) even over TCP`);
  return overTcp.texts;
}

function ask(target: UdpTarget, name: string, type: DnsType, dnsClass: DnsClass, ctx: LookupContext, endsAt: number): Promise<string[]> {
  return askDns({ target, name, type, dnsClass, signal: ctx.signal, endsAt, ...(ctx.localAddress ? { localAddress: ctx.localAddress } : {}) });
}

/** A timeout says less than a real answer (NXDOMAIN, REFUSED), so that one is reported first. */
function mostTelling(errors: DdnsError[]): DdnsError {
  return errors.find((e) => e.code !== 'ETIMEDOUT') ?? errors[0];
}

export async function lookupDns(origin: DnsOrigin, ctx: LookupContext): Promise<SourceAnswer> {
  const started = Date.now();
  const dnsClass = origin.dnsClass ?? 'IN';
  const types = origin.type ? [origin.type] : typesFor(ctx.family);
  const target = await resolveUdpTarget(origin.resolver, origin.port ?? DNS_PORT, ctx);
  const endsAt = started + ctx.timeoutMs;
  // A and AAAA side by side: one lost datagram must not cost the other family its answer
  const outcomes = await Promise.allSettled(types.map((type) => ask(target, origin.name, type, dnsClass, ctx, endsAt)));
  if (ctx.signal.aborted) throw abortReason(ctx.signal);

  const texts: string[] = [];
  const errors: DdnsError[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') texts.push(...outcome.value);
    else errors.push(toDdnsError(outcome.reason));
  }
  if (texts.length === 0) {
    if (errors.length > 0) throw mostTelling(errors);
    throw new DdnsError('ENOADDR', `${origin.name} has no ${dnsClass} ${types.join(' or ')} record`);
  }
  // A TXT record that is just an address is matched like one; anything else is text for the pattern
  const bare = texts.every((text) => parseAddress(text) !== undefined);
  return { texts, kind: bare ? 'addresses' : 'body' };
}
