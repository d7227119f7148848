/**
 * `sock://HOST[:PORT]` origins, after the dync sample UDP socket provider
 * (FireSpike0/dync, sample/socket_provider.py): the client sends the datagram
 * `ip-request\n`, the provider replies with the address(es) it sees the client
 * at, as text. Its default port, 51001, is the one that sample listens on.
 *
 * This module also holds the one UDP round trip that `dns://` origins use too:
 * send (from the `bind` address when set), wait for a reply from exactly the
 * address and port asked, resend once halfway, give up at the deadline; the
 * socket's life cycle is udp.ts's, shared with SSDP discovery.
 * Only a datagram from the asked address and port is ever looked at, so a
 * reply forged from elsewhere can never yield an address.
 */
import { checkName, shownName } from '../core/names';
import { lookup } from 'node:dns/promises';
import { isIP, isIPv4 } from 'node:net';
import { DdnsError, abortReason, toDdnsError } from '../core/errors';
import { parseAddress } from '../core/address';
import type { LookupContext, SourceAnswer } from './types';
import { udpExchange, type UdpIo } from '../core/udp';

export const DEFAULT_SOCKET_PORT = 51001;
/** What the dync sample provider answers to (and only to). */
export const SOCKET_REQUEST = Buffer.from('ip-request\n', 'utf8');
/** A reply holds a few addresses; anything bigger is not an address provider. */
export const MAX_SOCKET_REPLY_BYTES = 4096;

export interface SocketOrigin {
  host: string;
  port: number;
}

// ---------------------------------------------------------------- origin parsing

/**
 * The host part of a `sock://` or `dns://` URL: an IPv4 literal, a bracketed
 * IPv6 literal (returned without brackets) or a host name. A dotted number that
 * is not a valid IPv4 address (`1.2.3`, `999.1.1.1`) is refused rather than
 * handed to the system resolver, which would read it in surprising ways.
 */
export function parseUdpHost(url: URL, scheme: string): string {
  const host = url.hostname;
  if (host === '') throw new DdnsError('ECONFIG', `${scheme}:// origin "${url.href}" has no host`);
  if (host.startsWith('[')) return host.slice(1, -1); // the URL parser has already validated the IPv6 literal
  if (/^[\d.]+$/.test(host)) {
    if (!isIPv4(host)) throw new DdnsError('ECONFIG', `${scheme}:// origin: "${host}" is not a valid IPv4 address`);
    return host;
  }
  const checked = checkName(host, { underscore: true });
  if (!checked) throw new DdnsError('ECONFIG', `${scheme}:// origin: "${shownName(host)}" is not a valid host name`);
  return checked.name;
}

export function parseUdpPort(url: URL, scheme: string, fallback: number): number {
  if (url.port === '') return fallback;
  const port = Number(url.port); // the URL parser has already refused anything over 65535
  if (port < 1) throw new DdnsError('ECONFIG', `${scheme}:// origin: port must be 1 to 65535, not ${url.port}`);
  return port;
}

export function refuseCredentials(url: URL, scheme: string): void {
  if (url.username || url.password) throw new DdnsError('ECONFIG', `${scheme}:// origins take no user name or password`);
  if (url.hash) throw new DdnsError('ECONFIG', `${scheme}:// origins take no #fragment`);
}

/** `sock://HOST[:PORT]`: nothing else (path, query) is meaningful, so anything else is a typo. */
export function parseSocketOrigin(url: URL): SocketOrigin {
  if (url.protocol !== 'sock:') throw new DdnsError('ECONFIG', `"${url.href}" is not a sock:// origin`);
  refuseCredentials(url, 'sock');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search) {
    throw new DdnsError('ECONFIG', `sock:// origin "${url.href}" takes only a host and a port (sock://HOST[:PORT])`);
  }
  return { host: parseUdpHost(url, 'sock'), port: parseUdpPort(url, 'sock', DEFAULT_SOCKET_PORT) };
}

// ---------------------------------------------------------------- UDP round trip

export interface UdpTarget {
  address: string;
  family: 4 | 6;
  port: number;
}

function familyOf(address: string): 4 | 6 | undefined {
  const family = isIP(address);
  return family === 4 || family === 6 ? family : undefined;
}

/**
 * Which address family to talk over. It matters: a provider (or OpenDNS's
 * myip) reports the address the datagram came from, so an IPv6 lookup must
 * travel over IPv6. A bind address fixes the family outright.
 */
function wantedFamily(ctx: LookupContext): 0 | 4 | 6 {
  if (ctx.localAddress) return familyOf(ctx.localAddress) ?? 0;
  if (ctx.family === 'ipv4') return 4;
  if (ctx.family === 'ipv6') return 6;
  return 0;
}

/** A host name is looked up with the system resolver, within the lookup's signal and deadline. */
export async function resolveUdpTarget(host: string, port: number, ctx: LookupContext): Promise<UdpTarget> {
  if (ctx.signal.aborted) throw abortReason(ctx.signal);
  const family = wantedFamily(ctx);
  const literal = familyOf(host);
  if (literal) {
    if (ctx.localAddress && family && family !== literal) {
      throw new DdnsError('ECONFIG', `bind address ${ctx.localAddress} is IPv${family} but ${host} is IPv${literal}`);
    }
    return { address: host, family: literal, port };
  }
  const found = await new Promise<{ address: string; family: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new DdnsError('ETIMEDOUT', `looking up ${host} took longer than ${ctx.timeoutMs / 1000} s`, { retryable: true }));
    }, ctx.timeoutMs);
    const onAbort = () => {
      cleanup();
      reject(abortReason(ctx.signal));
    };
    function cleanup() {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    lookup(host, { family }).then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (err: unknown) => {
        cleanup();
        reject(toDdnsError(err, `looking up ${host}`));
      },
    );
  });
  const resolvedFamily = familyOf(found.address);
  if (!resolvedFamily) throw new DdnsError('ENETWORK', `looking up ${host} gave no usable address`);
  return { address: found.address, family: resolvedFamily, port };
}

export interface UdpRoundTrip<T> {
  target: UdpTarget;
  request: Buffer;
  /**
   * Looks at each datagram that came from the target: a value ends the round
   * trip; undefined means "not the answer to this request" and waiting goes
   * on; a throw ends it with that error.
   */
  accept: (reply: Buffer) => T | undefined;
  signal: AbortSignal;
  timeoutMs: number;
  /** source address to send from (bind) */
  localAddress?: string;
}

/**
 * One text per peer address, so `2001:DB8:0::1` asked equals `2001:db8::1` seen;
 * the zone is dropped (`fe80::1%eth0` is `fe80::1`) as the kernel may or may not report it.
 */
function peerKey(address: string): string {
  const cut = address.indexOf('%');
  const bare = cut < 0 ? address : address.slice(0, cut);
  return parseAddress(bare)?.address ?? bare.toLowerCase();
}

function describe(target: UdpTarget): string {
  return target.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}

/** One request, one accepted reply. The socket is closed on every way out (udp.ts). */
export function udpRoundTrip<T>(trip: UdpRoundTrip<T>): Promise<T> {
  const { target } = trip;
  const peer = describe(target);
  const expected = peerKey(target.address);
  let ignored = 0;
  const send = (io: UdpIo<T>) => io.send(trip.request, target.port, target.address, `sending to ${peer}`);
  return udpExchange<T>({
    family: target.family,
    localAddress: trip.localAddress,
    signal: trip.signal,
    peer,
    start(io) {
      io.after(trip.timeoutMs, () => {
        const note = ignored > 0 ? ` (${ignored} unrelated datagram(s) ignored)` : '';
        io.fail(new DdnsError('ETIMEDOUT', `no answer from ${peer} within ${trip.timeoutMs / 1000} s${note}`, { retryable: true }));
      });
      // UDP may lose the request or the reply: one resend halfway, same request
      io.after(trip.timeoutMs / 2, () => send(io));
    },
    bound: send,
    message(reply, from, io) {
      if (from.port !== target.port || peerKey(from.address) !== expected) {
        ignored++; // someone else's datagram, or a forged one: never looked at
        return;
      }
      let value: T | undefined;
      try {
        value = trip.accept(reply);
      } catch (err) {
        io.fail(toDdnsError(err, peer));
        return;
      }
      if (value === undefined) ignored++;
      else io.succeed(value);
    },
  });
}

// ---------------------------------------------------------------- sock:// lookup

export async function lookupSocket(origin: SocketOrigin, ctx: LookupContext): Promise<SourceAnswer> {
  const started = Date.now();
  const target = await resolveUdpTarget(origin.host, origin.port, ctx);
  return udpRoundTrip({
    target,
    request: SOCKET_REQUEST,
    signal: ctx.signal,
    timeoutMs: Math.max(1, ctx.timeoutMs - (Date.now() - started)),
    localAddress: ctx.localAddress,
    accept(reply) {
      if (reply.length > MAX_SOCKET_REPLY_BYTES) {
        throw new DdnsError('ETOOLARGE', `reply of ${reply.length} bytes is larger than the ${MAX_SOCKET_REPLY_BYTES} bytes an address reply may be`);
      }
      const text = reply.toString('utf8').trim();
      if (text === '') throw new DdnsError('EBADRESPONSE', 'the provider sent an empty reply');
      // free text: one address a line or separated by spaces; the pattern picks them out
      return { texts: [text], kind: 'body' as const };
    },
  });
}
