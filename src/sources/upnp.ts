/**
 * `upnp://` origins: ask the home router itself, over UPnP IGD, for the address
 * its WAN connection has; no third-party service sees the lookup.
 *
 * - `upnp://HOST[:PORT]/PATH`: the device description at http://HOST:PORT/PATH
 *   (the LOCATION a discovery shows, e.g. `upnp://192.168.1.1:5000/rootDesc.xml`).
 * - `upnp://`: find the router first by SSDP (`ssdp.ts`), taking answers from
 *   the default gateway only (`default-gateway.ts`): any device on the LAN can
 *   answer the search, and one that answered first had its "WAN address"
 *   published (issue 22.7). Answers from other hosts are named in the error
 *   when the gateway itself does not answer.
 *
 * Then: fetch the description, pick the WANIPConnection (v2 or v1) or
 * WANPPPConnection service from any (nested) device, resolve its controlURL
 * against URLBase or the description URL, and call the SOAP action
 * GetExternalIPAddress. A service that reports no address (the line is down, or
 * a DSL router's unused connection type) makes way for the next one.
 *
 * The description cannot send the lookup anywhere else: a control URL (after
 * URLBase) must have the scheme, host and port of the description it came
 * from, which SSDP already ties to the router that answered (ssdp.ts). A
 * description that names another host (169.254.169.254, an internal server) is
 * refused before any request is made.
 *
 * A router that reports a private or empty external address is most likely
 * behind another NAT (the ISP's box, or carrier-grade NAT): miniupnpd reports a
 * private WAN address as it is (miniupnp/miniupnp#298), and newer versions an
 * empty one (#333). That is said in so many words; it is not "the line is down".
 *
 * XML is read by the small scanner in upnp-xml.ts (no DTD, no external
 * entities, linear time).
 */
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import type { HttpResponse } from '../core/http';
import { DdnsError, abortReason } from '../core/errors';
import { notPublicBecause, parseAddress } from '../core/address';
import { serverExcerpt } from '../core/redact';
import { parseUdpHost, parseUdpPort, refuseCredentials } from './socket';
import { discoverGateways, type DiscoverOptions, type Gateway } from './ssdp';
import { ROUTE_TABLE, readDefaultGateways } from './default-gateway';
import { childText, descendants, parseXml } from './upnp-xml';

type HttpModule = typeof import('../core/http');
let httpModule: HttpModule | undefined;
/** undici comes with it: loaded when a router is first asked, not when a `upnp://` origin is parsed at deploy */
function http(): HttpModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (httpModule ??= require('../core/http') as HttpModule);
}
import type { LookupContext, SourceAnswer } from './types';

export interface UpnpOrigin {
  /** the device description URL (http://HOST:PORT/PATH); absent: find the router by SSDP */
  description?: string;
}

/** The WAN connection services that have GetExternalIPAddress, most preferred first. */
export const WAN_SERVICE_TYPES = [
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

/** A router's description is a few kilobytes; some list many services. */
export const UPNP_MAX_BYTES = 256 * 1024;
const USER_AGENT = 'Node.js UPnP/1.1 node-red-contrib-ddns';

// ---------------------------------------------------------------- origin parsing

/** `upnp://` (discover) or `upnp://HOST[:PORT]/PATH` (a known description URL; the port defaults to 80). */
export function parseUpnpOrigin(url: URL): UpnpOrigin {
  if (url.protocol !== 'upnp:') throw new DdnsError('ECONFIG', `"${url.href}" is not a upnp:// origin`);
  if (!url.href.startsWith('upnp://')) {
    throw new DdnsError('ECONFIG', `upnp origin "${url.href}": write upnp:// (discover the router) or upnp://HOST:PORT/PATH`);
  }
  refuseCredentials(url, 'upnp');
  if (url.hostname === '') {
    if ((url.pathname === '' || url.pathname === '/') && !url.search && url.port === '') return {};
    throw new DdnsError('ECONFIG', `upnp:// origin "${url.href}" has a path but no host (upnp:// alone discovers the router)`);
  }
  const host = parseUdpHost(url, 'upnp');
  const port = parseUdpPort(url, 'upnp', 80);
  if (url.pathname === '' || url.pathname === '/') {
    throw new DdnsError(
      'ECONFIG',
      `upnp:// origin "${url.href}" needs the path of the router's device description, as in upnp://192.168.1.1:5000/rootDesc.xml (or upnp:// alone to discover it)`,
    );
  }
  const authority = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  let description: URL;
  try {
    description = new URL(`http://${authority}${url.pathname}${url.search}`);
  } catch {
    throw new DdnsError('ECONFIG', `upnp:// origin "${url.href}" does not make a valid description URL`);
  }
  return { description: description.href };
}

// ---------------------------------------------------------------- device description

export interface WanService {
  serviceType: (typeof WAN_SERVICE_TYPES)[number];
  /** absolute control URL */
  controlUrl: string;
}

/** A control URL the description named on another host, port or scheme: listed, never asked. */
export interface RefusedService {
  serviceType: string;
  /** scheme://host:port of the refused URL */
  origin: string;
}

export interface WanServices {
  services: WanService[];
  refused: RefusedService[];
}

/**
 * The WAN connection services a device description lists, in any embedded
 * device (InternetGatewayDevice > WANDevice > WANConnectionDevice), most
 * preferred type first and in document order within a type. Control URLs are
 * resolved against URLBase when the description has one, else against the URL
 * the description came from. A control URL on another scheme, host or port than
 * the description is refused (listed in `refused`, never in `services`).
 */
export function findWanServices(xml: string, descriptionUrl: string): WanServices {
  const description = new URL(descriptionUrl);
  const doc = parseXml(xml);
  const root = descendants(doc, 'root')[0] ?? doc;
  let base = descriptionUrl;
  const urlBase = childText(root, 'URLBase');
  if (urlBase) {
    try {
      const parsed = new URL(urlBase, descriptionUrl);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') base = parsed.href;
    } catch {
      // an unusable URLBase: relative URLs are relative to the description, as in UPnP 1.1
    }
  }
  const found: Array<WanService & { rank: number; order: number }> = [];
  const refused: RefusedService[] = [];
  for (const service of descendants(root, 'service')) {
    const type = childText(service, 'serviceType') ?? '';
    const rank = (WAN_SERVICE_TYPES as readonly string[]).indexOf(type);
    const control = childText(service, 'controlURL');
    if (rank < 0 || !control) continue;
    let controlUrl: URL;
    try {
      controlUrl = new URL(control, base);
    } catch {
      continue;
    }
    if (controlUrl.protocol !== description.protocol || controlUrl.host !== description.host) {
      refused.push({ serviceType: type, origin: serverExcerpt(`${controlUrl.protocol}//${controlUrl.host}`, [], 80) });
      continue;
    }
    controlUrl.hash = '';
    if (found.some((f) => f.serviceType === type && f.controlUrl === controlUrl.href)) continue;
    found.push({ serviceType: WAN_SERVICE_TYPES[rank], controlUrl: controlUrl.href, rank, order: found.length });
  }
  const services = found.sort((a, b) => a.rank - b.rank || a.order - b.order).map(({ serviceType, controlUrl }) => ({ serviceType, controlUrl }));
  return { services, refused };
}

// ---------------------------------------------------------------- SOAP

export function buildSoapRequest(serviceType: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:GetExternalIPAddress xmlns:u="${serviceType}"></u:GetExternalIPAddress></s:Body>` +
    '</s:Envelope>\r\n'
  );
}

/** UPnP error codes (UDA 1.1 section 3.2.2 and the IGD WAN*Connection specs) worth a word. */
const UPNP_ERRORS: Record<string, string> = {
  '401': 'Invalid Action',
  '402': 'Invalid Args',
  '501': 'Action Failed',
  '606': 'Action not authorized',
};

function shortText(text: string | undefined, max = 120): string {
  return serverExcerpt(text ?? '', [], max);
}

/**
 * The external address out of a GetExternalIPAddress answer, or the reason
 * there is none: a SOAP fault (EBADRESPONSE, with the UPnP error code as
 * `providerCode`), another non-2xx status (EHTTPSTATUS), an answer without
 * NewExternalIPAddress or with something that is not an address in it
 * (EBADRESPONSE), an empty or 0.0.0.0 address: the router is not connected
 * (ENOADDR).
 */
export function parseExternalAddressResponse(res: Pick<HttpResponse, 'status' | 'body'>): string {
  const doc = parseXml(res.body);
  const fault = descendants(doc, 'Fault')[0];
  const success = res.status >= 200 && res.status <= 299;
  if (fault) {
    const upnpError = descendants(fault, 'UPnPError')[0];
    const code = upnpError ? childText(upnpError, 'errorCode') : undefined;
    const description = shortText((upnpError && childText(upnpError, 'errorDescription')) || UPNP_ERRORS[code ?? '']);
    const faultString = shortText(childText(fault, 'faultstring'));
    const what = code ? `UPnP error ${shortText(code, 12)}${description ? ` (${description})` : ''}` : faultString || 'a SOAP fault';
    return fail(
      new DdnsError('EBADRESPONSE', `the router refused GetExternalIPAddress: ${what}`, {
        statusCode: res.status,
        ...(code ? { providerCode: shortText(code, 12) } : {}),
        // 501 Action Failed: the router could not answer now (its WAN link is coming up)
        retryable: code === '501' || (!code && res.status >= 500),
      }),
    );
  }
  if (!success) {
    return fail(
      new DdnsError('EHTTPSTATUS', `the router answered GetExternalIPAddress with HTTP ${res.status}`, {
        statusCode: res.status,
        retryable: res.status >= 500 || res.status === 429,
      }),
    );
  }
  const element = descendants(doc, 'NewExternalIPAddress')[0];
  if (!element) {
    return fail(new DdnsError('EBADRESPONSE', 'the answer to GetExternalIPAddress holds no NewExternalIPAddress'));
  }
  const text = element.text.trim();
  if (text === '' || text === '0.0.0.0') {
    // WANIPConnection:2 section 2.3.13: empty when the address cannot be had; miniupnpd also
    // leaves out a private WAN address (miniupnp/miniupnp#333), the usual case behind another NAT
    return fail(
      new DdnsError(
        'ENOADDR',
        "the router reports an empty external address: its WAN address is probably private (double NAT?), or its WAN link is not up",
        { retryable: true },
      ),
    );
  }
  const parsed = parseAddress(text);
  if (!parsed) return fail(new DdnsError('EBADRESPONSE', `NewExternalIPAddress "${shortText(text, 64)}" is not an IP address`));
  return parsed.address;
}

/**
 * What to tell a user whose router reports a non-public WAN address: it does not
 * know the public one, because another NAT (the ISP's router, carrier-grade NAT)
 * sits in front of it (miniupnp/miniupnp#298).
 */
export function doubleNatHint(address: string): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed || (parsed.range !== 'private' && parsed.range !== 'carrierGradeNat')) return undefined;
  const front = parsed.range === 'carrierGradeNat' ? "the ISP's carrier-grade NAT" : 'another router';
  return `the router's WAN address ${parsed.address} is ${notPublicBecause(parsed)}: double NAT? The router is behind ${front} and does not know the public address; use a web or DNS origin instead`;
}

function fail(err: DdnsError): never {
  throw err;
}

function where(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

function shortType(serviceType: string): string {
  return serviceType.slice(serviceType.lastIndexOf(':service:') + 9);
}

interface Exchange {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  endsAt: number;
  maxBytes: number;
}

function remaining(exchange: Exchange): number {
  return Math.max(1, exchange.endsAt - Date.now());
}

function isFinal(err: DdnsError, exchange: Exchange): boolean {
  return exchange.signal.aborted || err.code === 'EABORTED' || err.code === 'ETIMEDOUT';
}

async function askExternalAddress(service: WanService, exchange: Exchange): Promise<string> {
  const res = await http().httpRequest({
    url: service.controlUrl,
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset="utf-8"',
      soapaction: `"${service.serviceType}#GetExternalIPAddress"`,
      'user-agent': USER_AGENT,
    },
    body: buildSoapRequest(service.serviceType),
    dispatcher: exchange.dispatcher,
    signal: exchange.signal,
    timeoutMs: remaining(exchange),
    maxBytes: exchange.maxBytes,
  });
  return parseExternalAddressResponse(res);
}

/** Description, then each WAN connection service in turn until one reports an address. */
async function externalAddressAt(descriptionUrl: string, exchange: Exchange): Promise<string> {
  const res = await http().httpRequest({
    url: descriptionUrl,
    headers: { accept: 'text/xml, application/xml;q=0.9, */*;q=0.5', 'user-agent': USER_AGENT },
    dispatcher: exchange.dispatcher,
    signal: exchange.signal,
    timeoutMs: remaining(exchange),
    maxBytes: exchange.maxBytes,
  });
  if (res.status < 200 || res.status > 299) {
    throw new DdnsError('EHTTPSTATUS', `device description ${where(descriptionUrl)} answered HTTP ${res.status}`, {
      statusCode: res.status,
      retryable: res.status >= 500 || res.status === 429,
    });
  }
  const { services, refused } = findWanServices(res.body, descriptionUrl);
  if (services.length === 0 && refused.length > 0) {
    const elsewhere = [...new Set(refused.map((r) => r.origin))].join(', ');
    const own = new URL(descriptionUrl);
    throw new DdnsError(
      'EBADRESPONSE',
      `device description ${where(descriptionUrl)} sends its control requests to ${elsewhere}: refused, not asked (a control URL must be on ${own.protocol}//${own.host}, where the description came from)`,
    );
  }
  if (services.length === 0) {
    throw new DdnsError(
      'EBADRESPONSE',
      `device description ${where(descriptionUrl)} lists no WANIPConnection or WANPPPConnection service: not an Internet gateway`,
    );
  }
  const failures: Array<{ service: WanService; error: DdnsError }> = [];
  for (const service of services) {
    try {
      return await askExternalAddress(service, exchange);
    } catch (err) {
      const error = err instanceof DdnsError ? err : new DdnsError('EBADRESPONSE', String(err));
      if (isFinal(error, exchange)) throw error;
      failures.push({ service, error });
    }
  }
  // one connection not being up is the news when another only failed to say so
  const lead = failures.find((f) => f.error.code === 'ENOADDR') ?? failures[0];
  const message =
    failures.length === 1
      ? `${where(lead.service.controlUrl)}: ${lead.error.message}`
      : failures.map((f) => `${shortType(f.service.serviceType)} at ${where(f.service.controlUrl)}: ${f.error.message}`).join('; ');
  throw new DdnsError(lead.error.code, message, {
    retryable: failures.some((f) => f.error.retryable),
    ...(lead.error.providerCode !== undefined ? { providerCode: lead.error.providerCode } : {}),
    ...(lead.error.statusCode !== undefined ? { statusCode: lead.error.statusCode } : {}),
  });
}

// ---------------------------------------------------------------- lookup

export interface UpnpLookupOptions {
  /** discovery settings (tests point it at a unicast responder) */
  discover?: DiscoverOptions;
  /** the hosts whose discovery answers count; default the route table's default gateways (tests name a loopback address) */
  defaultGateways?: () => Promise<readonly string[]>;
}

function list(addresses: readonly string[]): string {
  return addresses.join(', ');
}

/** Why discovery found no router: silence, or only answers from hosts that are not the gateway. */
function noRouterError(gateways: readonly string[], ignored: readonly Gateway[], localAddress: string | undefined): DdnsError {
  if (ignored.length === 0) {
    return new DdnsError(
      'ETIMEDOUT',
      `no UPnP Internet gateway answered the SSDP search${localAddress ? ` from ${localAddress}` : ''} (is UPnP enabled on the router?)`,
      { retryable: true },
    );
  }
  const senders = [...new Set(ignored.map((g) => g.address))];
  const gateway = gateways.length === 1 ? `the default gateway ${gateways[0]}` : `a default gateway (${list(gateways)})`;
  return new DdnsError(
    'ENOADDR',
    `UPnP answer${senders.length === 1 ? '' : 's'} from ${list(senders)} ignored: not ${gateway}, and the gateway did not answer (is UPnP enabled on the router?)`,
    { retryable: true },
  );
}

/**
 * The router's external address as `{texts: [address], kind: 'addresses'}`.
 * GetExternalIPAddress is IPv4 only, so an IPv6 lookup ends at once in ENOADDR
 * without asking. The whole exchange (discovery included) fits in
 * ctx.timeoutMs; ctx.signal cancels it; ctx.localAddress (bind) is where
 * the SSDP search and the HTTP connections leave from.
 */
export async function lookupUpnp(origin: UpnpOrigin, ctx: LookupContext, options: UpnpLookupOptions = {}): Promise<SourceAnswer> {
  if (ctx.family === 'ipv6') {
    throw new DdnsError('ENOADDR', 'a UPnP Internet gateway reports only its IPv4 address (GetExternalIPAddress)');
  }
  if (ctx.signal.aborted) throw abortReason(ctx.signal);
  const endsAt = Date.now() + ctx.timeoutMs;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);

  let description = origin.description;
  if (description === undefined) {
    const defaultGateways = await (options.defaultGateways ?? (() => readDefaultGateways()))();
    if (signal.aborted) throw abortReason(signal);
    if (defaultGateways.length === 0) {
      throw new DdnsError(
        'ENETWORK',
        `no IPv4 default gateway found (${ROUTE_TABLE}): UPnP discovery takes answers from the default gateway only; name the router's description as upnp://HOST:PORT/PATH instead`,
        { retryable: true },
      );
    }
    const ignored: Gateway[] = [];
    let gateways: Gateway[];
    try {
      gateways = await discoverGateways(
        { signal, timeoutMs: Math.max(1, endsAt - Date.now()), localAddress: ctx.localAddress },
        { ...options.discover, first: true, from: defaultGateways, onIgnored: (g) => ignored.push(g) },
      );
    } catch (err) {
      // the deadline and the search window end together: either way, the router did not answer
      throw err instanceof DdnsError && err.code === 'ETIMEDOUT' ? noRouterError(defaultGateways, ignored, ctx.localAddress) : err;
    }
    if (signal.aborted) throw abortReason(signal);
    if (gateways.length === 0) throw noRouterError(defaultGateways, ignored, ctx.localAddress);
    description = gateways[0].location;
  }

  // a bound lookup needs its own connection from that address; others reuse the node's keep-alive agent
  const ownAgent =
    ctx.dispatcher && !ctx.localAddress
      ? undefined
      : http().createHttpAgent({ localAddress: ctx.localAddress, connectTimeoutMs: ctx.timeoutMs, keepAliveTimeoutMs: 1000 });
  try {
    const address = await externalAddressAt(description, {
      dispatcher: ownAgent ?? ctx.dispatcher!,
      signal,
      endsAt,
      maxBytes: ctx.maxBytes ?? UPNP_MAX_BYTES,
    });
    const hint = doubleNatHint(address);
    return hint ? { texts: [address], kind: 'addresses', notPublicHint: hint } : { texts: [address], kind: 'addresses' };
  } finally {
    await ownAgent?.destroy();
  }
}
