/**
 * `http://` and `https://` origins: "what is my IP" services. Only a 2xx answer
 * can yield an address; an error page that happens to contain one (a proxy's
 * 500, a captive portal) is an error, never an update.
 */
import { createHttpAgent, DEFAULT_MAX_BYTES, httpRequest } from '../core/http';
import { DdnsError } from '../core/errors';
import type { LookupContext, SourceAnswer } from './types';

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
    return { texts: [res.body], kind: 'body', markup };
  } finally {
    // awaited only when there is one: `await undefined` would still cost a turn
    if (ownAgent) await ownAgent.destroy();
  }
}
