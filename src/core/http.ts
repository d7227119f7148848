/**
 * The one way this package does HTTP: undici with an Agent owned by a config
 * node (or a source), a deadline per request, and a cap on the body size so a
 * misbehaving server can neither hang a flow nor fill the heap.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { DdnsError, abortReason, toDdnsError } from './errors';
import { startDeadline } from './deadline';

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
  return new Agent({
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
  method?: 'GET' | 'POST';
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

function targetOf(url: URL): { origin: string; path: string } {
  let target = targets.get(url);
  if (!target) {
    target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    targets.set(url, target);
  }
  return target;
}

function send(req: HttpRequest, signal: AbortSignal | undefined): Promise<Dispatcher.ResponseData> {
  const options = { method: req.method ?? 'GET', headers: req.headers, body: req.body, signal };
  if (typeof req.url === 'string') return request(req.url, { dispatcher: req.dispatcher, ...options });
  // undici's request() would read the URL's parts again on every call
  return req.dispatcher.request({ ...targetOf(req.url), ...options });
}

async function exchange(req: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
  // only failures name the URL: a good answer builds nothing for it
  const where = () => describeUrl(req.url);
  if (signal?.aborted) throw withContext(abortReason(signal), where());
  let res: Dispatcher.ResponseData;
  try {
    res = await send(req, signal);
  } catch (err) {
    throw signal?.aborted ? withContext(abortReason(signal), where()) : toDdnsError(err, where());
  }
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > req.maxBytes) {
    res.body.destroy();
    throw new DdnsError('ETOOLARGE', `${where()}: response of ${declared} bytes exceeds the ${req.maxBytes} byte limit`, {
      statusCode: res.statusCode,
    });
  }
  let body: string;
  try {
    body = await readBody(res.body, req.maxBytes, () =>
      new DdnsError('ETOOLARGE', `${where()}: response exceeds the ${req.maxBytes} byte limit`, { statusCode: res.statusCode }),
    );
  } catch (err) {
    if (err instanceof DdnsError) throw err;
    throw signal?.aborted ? withContext(abortReason(signal), where()) : toDdnsError(err, where());
  }
  return { status: res.statusCode, headers: res.headers, body };
}

/**
 * The body as text, refused past `maxBytes` (the stream is destroyed at once).
 * One promise and three listeners: `for await` over the stream made an async
 * iterator and a promise per chunk, for bodies that come in one chunk.
 */
function readBody(body: Dispatcher.ResponseData['body'], maxBytes: number, tooLarge: () => DdnsError): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        fail(tooLarge());
        body.destroy();
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    // stays attached: an error after the end must not become an unhandled 'error' event
    body.on('error', fail);
    // 'close' follows every 'end': the error (and its stack trace) is made only when the end never came
    body.once('close', () => {
      if (!settled) fail(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}

/**
 * A `Retry-After` header (RFC 9110 10.2.3: seconds, or an HTTP date) as a delay
 * in ms from `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text || text.length > 64) return undefined;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function withContext(err: DdnsError, where: string): DdnsError {
  return new DdnsError(err.code, `${where}: ${err.message}`, { retryable: err.retryable, cause: err });
}
