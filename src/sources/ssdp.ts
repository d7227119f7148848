/**
 * SSDP discovery of the home router (UPnP Device Architecture 1.1, section 1.3):
 * one `M-SEARCH` for an InternetGatewayDevice, sent to the multicast group
 * 239.255.255.250:1900 (or, for tests and for routers one knows, to a unicast
 * address), and the unicast `HTTP/1.1 200 OK` replies collected until the
 * search window closes. What a reply gives is the LOCATION of the device
 * description; `upnp.ts` takes it from there.
 *
 * A reply is only believed when its LOCATION is a plain http:// URL on the very
 * address the reply came from: a device cannot send us off to fetch a
 * description from some other host (a server on the Internet, say), so the
 * lookup stays between this host and the router that answered. And with
 * `from` (upnp.ts passes the default gateways) only those hosts' replies are
 * taken at all: on a LAN any device can answer a multicast search, and the
 * first to answer is not always the router (issue 22.7).
 */
import { isIP } from 'node:net';
import { DdnsError, abortReason, toDdnsError } from '../core/errors';
import { sameAddress } from '../core/address';
import type { LookupContext } from './types';
import { udpExchange, type UdpIo } from '../core/udp';

export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
export const IGD_DEVICE_TYPE = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1';
/** What a gateway of any version may answer to a search for version 1 (version 2 devices answer it too). */
const IGD_ANY_VERSION = /^urn:schemas-upnp-org:device:InternetGatewayDevice:\d{1,2}$/;
/** The spec's recommended multicast TTL: the search stays on the local link and the next hop. */
export const SSDP_TTL = 2;
/** An SSDP reply is a handful of header lines; anything bigger is not one. */
export const MAX_SSDP_REPLY_BYTES = 8192;
export const DEFAULT_MX = 2;

export interface DiscoverOptions {
  /** where the M-SEARCH goes; default the SSDP multicast group. A unicast address asks one device. */
  address?: string;
  /** default 1900 */
  port?: number;
  /** the ST header; default the InternetGatewayDevice:1 device type */
  searchTarget?: string;
  /** MX: seconds devices may wait before answering (1 to 5; default 2) */
  mx?: number;
  /** how long replies are collected; default MX + 1 s, never beyond ctx.timeoutMs */
  windowMs?: number;
  /** resolve with the first gateway that answers instead of waiting for the window to close */
  first?: boolean;
  /** take replies from these addresses only (the default gateways); default from any host */
  from?: readonly string[];
  /** told of each usable reply that `from` turned away, once per LOCATION */
  onIgnored?: (gateway: Gateway) => void;
}

export interface Gateway {
  /** the device description URL (the LOCATION header) */
  location: string;
  /** the ST the device answered with */
  searchTarget: string;
  usn?: string;
  server?: string;
  /** where the reply came from */
  address: string;
  port: number;
}

export type DiscoverContext = Pick<LookupContext, 'signal' | 'timeoutMs' | 'localAddress'>;

// ---------------------------------------------------------------- messages

function hostHeader(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The M-SEARCH request: an HTTP request line and headers over UDP, ending in an empty line. */
export function buildSearchRequest(searchTarget: string, mx: number, address = SSDP_ADDRESS, port = SSDP_PORT): Buffer {
  return Buffer.from(
    [
      'M-SEARCH * HTTP/1.1',
      `HOST: ${hostHeader(address, port)}`,
      'MAN: "ssdp:discover"',
      `MX: ${mx}`,
      `ST: ${searchTarget}`,
      'USER-AGENT: Node.js UPnP/1.1 node-red-contrib-ddns',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

export interface SsdpMessage {
  /** the first line, e.g. `HTTP/1.1 200 OK` */
  startLine: string;
  /** header names in lower case; the first of a repeated header wins */
  headers: Record<string, string>;
}

/** Reads the start line and headers of an SSDP datagram; undefined when it is not HTTP-shaped. */
export function parseSsdpMessage(datagram: Buffer | string): SsdpMessage | undefined {
  const text = typeof datagram === 'string' ? datagram : datagram.toString('latin1');
  if (text.length > MAX_SSDP_REPLY_BYTES) return undefined;
  const lines = text.split(/\r?\n/);
  const startLine = lines[0].trim();
  if (!/^(HTTP\/1\.[01] \d{3}|[A-Z-]+ \S+ HTTP\/1\.[01])/.test(startLine)) return undefined;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { startLine, headers };
}

/**
 * A gateway from one search reply, or undefined when the reply is not a
 * usable answer to our search: not `200`, another device type, no LOCATION,
 * a LOCATION that is not http:// or that names another host than the sender.
 */
export function gatewayFromReply(
  datagram: Buffer | string,
  from: { address: string; port: number },
  searchTarget = IGD_DEVICE_TYPE,
): Gateway | undefined {
  const message = parseSsdpMessage(datagram);
  if (!message || !/^HTTP\/1\.[01] 200\b/.test(message.startLine)) return undefined;
  const st = message.headers.st ?? '';
  const wanted = st === searchTarget || (searchTarget === IGD_DEVICE_TYPE && IGD_ANY_VERSION.test(st));
  if (!wanted) return undefined;
  const location = message.headers.location;
  if (!location) return undefined;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || url.username || url.password) return undefined;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const sender = from.address.split('%')[0];
  if (!isIP(host) || !sameAddress(host, sender)) return undefined;
  const gateway: Gateway = { location: url.href, searchTarget: st, address: from.address, port: from.port };
  if (message.headers.usn) gateway.usn = message.headers.usn;
  if (message.headers.server) gateway.server = message.headers.server;
  return gateway;
}

// ---------------------------------------------------------------- discovery

function isMulticast(address: string): boolean {
  if (isIP(address) === 4) {
    const first = Number(address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return /^ff/i.test(address);
}

function checkedOptions(ctx: DiscoverContext, options: DiscoverOptions) {
  const address = options.address ?? SSDP_ADDRESS;
  const family = isIP(address);
  if (family !== 4 && family !== 6) throw new DdnsError('ECONFIG', `SSDP target "${address}" is not an IP address`);
  const port = options.port ?? SSDP_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DdnsError('ECONFIG', `SSDP port must be 1 to 65535, not ${port}`);
  const mx = options.mx ?? DEFAULT_MX;
  if (!Number.isInteger(mx) || mx < 1 || mx > 5) throw new DdnsError('ECONFIG', `MX must be a whole number of seconds from 1 to 5, not ${mx}`);
  const searchTarget = options.searchTarget ?? IGD_DEVICE_TYPE;
  if (!/^[\x21-\x7e]{1,200}$/.test(searchTarget)) throw new DdnsError('ECONFIG', 'the SSDP search target must be one printable word');
  if (ctx.localAddress) {
    const local = isIP(ctx.localAddress);
    if (local !== family) {
      throw new DdnsError(
        'ECONFIG',
        local === 0
          ? `bind address "${ctx.localAddress}" is not an IP address`
          : `bind address ${ctx.localAddress} is IPv${local} but SSDP discovery goes to ${address} (IPv${family})`,
      );
    }
  }
  const windowMs = Math.max(1, Math.min(options.windowMs ?? mx * 1000 + 1000, ctx.timeoutMs));
  const from = options.from?.map((a) => a.split('%')[0]);
  return { address, family: family as 4 | 6, port, mx, searchTarget, windowMs, first: options.first ?? false, from };
}

/**
 * Sends one M-SEARCH (and once more a third into the window, as UDP may lose
 * it), and collects the gateways that answer, one per LOCATION, until the
 * window closes or, with `first`, until one answers; with `from`, a reply
 * from any other host is passed over (and told to `onIgnored`). No answer is
 * an empty list, not an error; a socket that cannot be bound or send is ENETWORK, a
 * bad option ECONFIG, an aborted signal its reason. From `ctx.localAddress`
 * (bind) the search leaves through that address's interface.
 */
export function discoverGateways(ctx: DiscoverContext, options: DiscoverOptions = {}): Promise<Gateway[]> {
  let settings: ReturnType<typeof checkedOptions>;
  try {
    settings = checkedOptions(ctx, options);
  } catch (err) {
    return Promise.reject(err);
  }
  const { signal } = ctx;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const target = hostHeader(settings.address, settings.port);
  const request = buildSearchRequest(settings.searchTarget, settings.mx, settings.address, settings.port);
  const multicast = isMulticast(settings.address);

  const found: Gateway[] = [];
  const ignored = new Set<string>();
  const allowed = (gateway: Gateway) => {
    const sender = gateway.address.split('%')[0];
    return !settings.from || settings.from.some((address) => sameAddress(address, sender));
  };
  const send = (io: UdpIo<Gateway[]>) => io.send(request, settings.port, settings.address, `sending the SSDP search to ${target}`);
  return udpExchange<Gateway[]>({
    family: settings.family,
    localAddress: ctx.localAddress,
    signal,
    peer: `SSDP search to ${target}`,
    start(io) {
      io.after(settings.windowMs, () => io.succeed(found));
      io.after(settings.windowMs / 3, () => {
        if (!(settings.first && found.length > 0)) send(io);
      });
    },
    bound(io) {
      if (multicast) {
        try {
          io.socket.setMulticastTTL(SSDP_TTL);
          // the search leaves through the bind address's interface, not the default route's
          // (IPv6 names the interface by scope, not address: there the bound address decides)
          if (ctx.localAddress && settings.family === 4) io.socket.setMulticastInterface(ctx.localAddress);
        } catch (err) {
          io.fail(toDdnsError(err, `sending the SSDP search from ${ctx.localAddress ?? 'the default interface'}`));
          return;
        }
      }
      send(io);
    },
    message(reply, from, io) {
      if (reply.length > MAX_SSDP_REPLY_BYTES) return;
      const gateway = gatewayFromReply(reply, from, settings.searchTarget);
      if (!gateway || found.some((g) => g.location === gateway.location)) return;
      if (!allowed(gateway)) {
        if (!ignored.has(gateway.location)) {
          ignored.add(gateway.location);
          options.onIgnored?.(gateway);
        }
        return;
      }
      found.push(gateway);
      if (settings.first) io.succeed(found);
    },
  });
}
