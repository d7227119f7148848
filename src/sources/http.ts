/**
 * `http://` and `https://` origins: "what is my IP" services. Only a 2xx answer
 * can yield an address; an error page that happens to contain one (a proxy's
 * 500, a captive portal) is an error, never an update.
 *
 * The answer also carries the server's own addresses, so the built-in scanner
 * never mistakes a service naming itself for our address: Cloudflare's
 * `https://1.1.1.1/cdn-cgi/trace` starts with `h=1.1.1.1` (issue 22.8).
 */
import { subscribe } from 'node:diagnostics_channel';
import { createHttpAgent, DEFAULT_MAX_BYTES, httpRequest } from '../core/http';
import { DdnsError } from '../core/errors';
import { parseAddress } from '../core/address';
import type { LookupContext, SourceAnswer } from './types';

/**
 * The addresses undici connected to, per host name, newest last: what a name
 * such as `one.one.one.one` resolved to. undici publishes each new connection
 * on this documented diagnostics channel; a kept-alive connection is recorded
 * once, when it opened. Bounded: a few addresses for each of the last hosts.
 */
const connectedTo = new Map<string, string[]>();
const MAX_HOSTS = 64;
const MAX_ADDRESSES_PER_HOST = 4;

subscribe('undici:client:connected', (message) => {
  const { connectParams, socket } = message as { connectParams?: { hostname?: string }; socket?: { remoteAddress?: string } };
  const host = connectParams?.hostname;
  const remote = socket?.remoteAddress && parseAddress(socket.remoteAddress)?.address;
  if (!host || !remote) return;
  const seen = connectedTo.get(host) ?? [];
  if (!seen.includes(remote)) seen.push(remote);
  if (seen.length > MAX_ADDRESSES_PER_HOST) seen.shift();
  connectedTo.delete(host); // re-inserted: the map's order is the order of use
  connectedTo.set(host, seen);
  if (connectedTo.size > MAX_HOSTS) connectedTo.delete(connectedTo.keys().next().value!);
});

/** The server's own addresses: its URL's host literal and the addresses connected to for its name. */
function serverAddressesOf(url: URL): string[] {
  const host = url.hostname;
  const literal = parseAddress(host.startsWith('[') ? host.slice(1, -1) : host)?.address;
  const connected = connectedTo.get(host) ?? [];
  return literal && !connected.includes(literal) ? [literal, ...connected] : connected;
}

function familyNumber(family: LookupContext['family']): 4 | 6 | undefined {
  return family === 'ipv4' ? 4 : family === 'ipv6' ? 6 : undefined;
}

const HEADERS = { accept: 'text/plain, application/json;q=0.9, */*;q=0.5', 'user-agent': 'node-red-contrib-ddns' };
const HTML_TYPE = /html/i;
const HTML_START = /^\s*<(!doctype|html)/i;

export async function lookupHttp(url: URL, ctx: LookupContext): Promise<SourceAnswer> {
  // a bound lookup needs its own connection from that address; others reuse the node's keep-alive agent
  const ownAgent =
    ctx.dispatcher && !ctx.localAddress
      ? undefined
      : createHttpAgent({ localAddress: ctx.localAddress, connectTimeoutMs: ctx.timeoutMs, family: familyNumber(ctx.family) });
  try {
    const res = await httpRequest({
      url,
      dispatcher: ownAgent ?? ctx.dispatcher!,
      // the lookup's own deadline (in ctx.signal) bounds this request: no second timer
      signal: ctx.signal,
      maxBytes: ctx.maxBytes ?? DEFAULT_MAX_BYTES,
      headers: HEADERS,
    });
    if (res.status < 200 || res.status > 299) {
      throw new DdnsError('EHTTPSTATUS', `${url.host} answered HTTP ${res.status}`, {
        statusCode: res.status,
        retryable: res.status >= 500 || res.status === 429,
      });
    }
    const type = String(res.headers['content-type'] ?? '');
    const markup = HTML_TYPE.test(type) || HTML_START.test(res.body);
    return { texts: [res.body], kind: 'body', markup, serverAddresses: serverAddressesOf(url) };
  } finally {
    // awaited only when there is one: `await undefined` would still cost a turn
    if (ownAgent) await ownAgent.destroy();
  }
}
