/**
 * The `origin` property: one origin per line, parsed once at deploy so a typo
 * is a configuration error shown at once, not a failure at the next check.
 */
import { DdnsError } from '../core/errors';
import { parseDnsOrigin, type DnsOrigin } from './dns';
import { parseSocketOrigin, type SocketOrigin } from './socket';
import { parseNeighbourOriginText, type NeighbourOrigin } from './neighbour';
import { parseUpnpOrigin, type UpnpOrigin } from './upnp';

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
  if (/^neigh:/i.test(text)) return { kind: 'neigh', text, target: parseNeighbourOriginText(text) };
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
      return { kind: 'sock', text, target: parseSocketOrigin(url) };
    case 'dns:':
      return { kind: 'dns', text, query: parseDnsOrigin(url) };
    case 'iface:':
      throw new DdnsError('ECONFIG', `origin "${text}" needs an interface name, as in iface://eth0`);
    case 'upnp:':
      return { kind: 'upnp', text, gateway: parseUpnpOrigin(url) };
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
