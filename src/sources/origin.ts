/**
 * The `origin` property: one origin per line, parsed once at deploy so a typo
 * is a configuration error shown at once, not a failure at the next check.
 */
import { DdnsError } from '../core/errors';
import type { DnsOrigin } from './dns';
import type { SocketOrigin } from './socket';
import type { NeighbourOrigin } from './neighbour';
import type { UpnpOrigin } from './upnp';

/*
 * Each kind of origin is parsed by its own module, required when a line of
 * that kind is met: a node reading an interface or a web service loads neither
 * the DNS client nor UPnP/SSDP nor the UDP and neighbour-table code.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const dnsModule = () => require('./dns') as typeof import('./dns');
const socketModule = () => require('./socket') as typeof import('./socket');
const neighbourModule = () => require('./neighbour') as typeof import('./neighbour');
const upnpModule = () => require('./upnp') as typeof import('./upnp');
/* eslint-enable @typescript-eslint/no-require-imports */

export type Origin =
  | { kind: 'iface'; text: string; name: string }
  | { kind: 'http'; text: string; url: URL }
  | { kind: 'sock'; text: string; target: SocketOrigin }
  | { kind: 'dns'; text: string; query: DnsOrigin }
  | { kind: 'neigh'; text: string; target: NeighbourOrigin }
  | { kind: 'upnp'; text: string; gateway: UpnpOrigin };

const IFACE = /^iface:\/\/([A-Za-z0-9_.:@-]{1,64})\/?$/;

export function parseOrigin(line: string): Origin {
  const text = line.trim();
  const iface = IFACE.exec(text);
  if (iface) return { kind: 'iface', text, name: iface[1] };
  // a MAC's colons are not a valid URL host, so neigh:// is read as text
  if (/^neigh:/i.test(text)) return { kind: 'neigh', text, target: neighbourModule().parseNeighbourOriginText(text) };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DdnsError('ECONFIG', `origin "${text}" is not a URL (iface://NAME, https://..., sock://HOST:PORT, dns://RESOLVER/NAME, upnp://, neigh://MAC)`);
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      if (url.username || url.password) {
        // it would sit in the flow in plain text, outside the credential store
        throw new DdnsError('ECONFIG', `origin ${url.protocol}//${url.host}${url.pathname}: a user name or password in an origin URL is not supported`);
      }
      return { kind: 'http', text: url.href, url };
    case 'sock:':
      return { kind: 'sock', text, target: socketModule().parseSocketOrigin(url) };
    case 'dns:':
      return { kind: 'dns', text, query: dnsModule().parseDnsOrigin(url) };
    case 'iface:':
      throw new DdnsError('ECONFIG', `origin "${text}" needs an interface name, as in iface://eth0`);
    case 'upnp:':
      return { kind: 'upnp', text, gateway: upnpModule().parseUpnpOrigin(url) };
    default:
      throw new DdnsError('ECONFIG', `origin "${text}" has an unknown scheme ${url.protocol}`);
  }
}

/** Every non-empty, non-comment line of the `origin` property. */
export function parseOrigins(property: string | undefined): Origin[] {
  const lines = String(property ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new DdnsError('ECONFIG', 'no origin configured');
  return lines.map(parseOrigin);
}
