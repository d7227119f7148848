/**
 * The one way this package does HTTP: undici with an Agent owned by a config
 * node (or a source), a deadline per request, and a cap on the body size so a
 * misbehaving server can neither hang a flow nor fill the heap.
 */
import type { Agent, Dispatcher } from 'undici';
import { DdnsError, abortReason, placed, toDdnsError } from './errors';
import { startDeadline } from './deadline';

/**
 * undici's Agent without the rest of undici: its index also loads fetch,
 * WebSocket, EventSource, the mock agents, the caches and the interceptors
 * (110 files against 25), none of which this package uses, and cost 8 MB of
 * RSS and 3 MB of heap more once loaded (measured on Node 20). Requests go
 * through `dispatch()`, which the Agent has by itself. Should a later undici
 * move the file, the whole module is loaded instead: slower to load, same
 * behaviour (test/unit/lazy-load.test.js says which one was taken).
 */
function agentClass(): typeof Agent {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('undici/lib/dispatcher/agent') as typeof Agent;
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('undici') as typeof import('undici')).Agent;
  }
}
const UndiciAgent = agentClass();

export interface HttpAgentOptions {
  connectTimeoutMs?: number;
  /** keep idle sockets this long so periodic checks reuse one connection */
  keepAliveTimeoutMs?: number;
  /** source address for outgoing connections (two uplinks) */
  localAddress?: string;
  /** extra trust and client certificates, from a tls-config node */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; passphrase?: string; servername?: string };
  connections?: number;
  /** resolve host names to this family only: an IPv4 lookup must travel over IPv4 */
  family?: 4 | 6;
}

export function createHttpAgent(options: HttpAgentOptions = {}): Agent {
  const connect: Record<string, unknown> = { timeout: options.connectTimeoutMs ?? 10_000 };
  if (options.family) connect.family = options.family;
  if (options.tls) {
    for (const [key, value] of Object.entries(options.tls)) if (value !== undefined && value !== '') connect[key] = value;
  }
  return new UndiciAgent({
    connect,
    // undici passes its own localAddress to every connect, so it must be set here, not in `connect`
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
    keepAliveMaxTimeout: 600_000,
    // one socket per origin unless asked: undici would otherwise open a second one for the
    // request that follows a response it has not finished releasing, defeating keep-alive
    connections: options.connections ?? 1,
    // our own deadline (timeoutMs) governs; these only stop sockets hanging forever
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
  });
}

export interface HttpRequest {
  url: string | URL;
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  /** cancels the request (node closed, newer input) */
  signal?: AbortSignal;
  /**
   * deadline for the whole exchange, body included; leave it out when the
   * caller's signal already carries one (an ip-source lookup bounds all its stages)
   */
  timeoutMs?: number;
  /** largest body accepted, in bytes */
  maxBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const DEFAULT_MAX_BYTES = 64 * 1024;

function describeUrl(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  // never echo credentials or query strings (they may carry secrets) into errors
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  if (req.timeoutMs === undefined) return exchange(req, req.signal);
  const deadline = startDeadline(req.timeoutMs, req.signal);
  return exchange(req, deadline.signal).finally(() => deadline.clear());
}

/** origin and path of a URL given as an object (an origin parsed at deploy): read once, not on every request */
const targets = new WeakMap<URL, { origin: string; path: string }>();

function targetOf(url: string | URL): { origin: string; path: string } {
  if (typeof url === 'string') {
    const parsed = new URL(url);
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  }
  let target = targets.get(url);
  if (!target) {
    target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    targets.set(url, target);
  }
  return target;
}

/**
 * One request through the dispatcher's own handler interface, the body kept
 * as it arrives. undici's `request()` wraps the same call in a readable stream
 * and a promise per step, and measured 0.15 to 0.2 ms more CPU per request
 * here (a check every 30 s runs with cold caches). It also settles an aborted
 * request only when the request reaches a socket: a request queued behind a
 * hung one on the same connection would hold a redeploy until that one ended.
 * This one settles the moment its signal aborts.
 */
function exchange(req: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
  // only failures name the URL: a good answer builds nothing for it
  const where = () => describeUrl(req.url);
  if (signal?.aborted) return Promise.reject(withContext(abortReason(signal), where()));
  let target: { origin: string; path: string };
  try {
    target = targetOf(req.url);
  } catch (err) {
    return Promise.reject(toDdnsError(err, where()));
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    /** why the request must end before it reached a socket */
    let ended: Error | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => stop(withContext(abortReason(signal!), where()));
    const settle = (err: Error | undefined, value?: HttpResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    /** settles now and cuts the request wherever it is */
    const stop = (err: DdnsError) => {
      settle(err);
      if (controller) controller.abort(err);
      else ended = err;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (ended) c.abort(ended);
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        // 1xx answers come before the real one
        if (statusCode < 200) return;
        status = statusCode;
        headers = responseHeaders as Record<string, string | string[] | undefined>;
        const declared = Number(headers['content-length']);
        if (Number.isFinite(declared) && declared > req.maxBytes) {
          stop(new DdnsError('ETOOLARGE', `${where()}: response of ${declared} bytes exceeds the ${req.maxBytes} byte limit`, { statusCode, key: 'net.too-large-declared', params: { size: declared, limit: req.maxBytes }, at: where() }));
        }
      },
      onResponseData(_c, chunk) {
        if (settled) return;
        size += chunk.length;
        if (size > req.maxBytes) {
          stop(new DdnsError('ETOOLARGE', `${where()}: response exceeds the ${req.maxBytes} byte limit`, { statusCode: status, key: 'net.too-large', params: { limit: req.maxBytes }, at: where() }));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        settle(undefined, { status, headers, body });
      },
      onResponseError(_c, err) {
        settle(signal?.aborted ? withContext(abortReason(signal), where()) : toDdnsError(err, where()));
      },
    };
    req.dispatcher.dispatch({ ...target, method: req.method ?? 'GET', headers: req.headers, body: req.body }, handler);
  });
}

/**
 * A `Retry-After` header (RFC 9110 10.2.3: seconds, or an HTTP date) as a delay
 * in ms from `now`; undefined when absent or unreadable. It is what the server
 * asked for, so a message can say so: `Run.exchange` turns it into a pause no
 * shorter than the node's backoff and no longer than MAX_SERVER_PAUSE_MS.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text || text.length > 64) return undefined;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function withContext(err: DdnsError, where: string): DdnsError {
  return placed(err, where);
}
