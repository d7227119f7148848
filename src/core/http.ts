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

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const deadline = req.timeoutMs === undefined ? undefined : startDeadline(req.timeoutMs, req.signal);
  try {
    return await exchange(req, deadline?.signal ?? req.signal);
  } finally {
    deadline?.clear();
  }
}

async function exchange(req: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
  // only failures name the URL: a good answer builds nothing for it
  const where = () => describeUrl(req.url);
  if (signal?.aborted) throw withContext(abortReason(signal), where());
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      dispatcher: req.dispatcher,
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal,
    });
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
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > req.maxBytes) {
        res.body.destroy();
        throw new DdnsError('ETOOLARGE', `${where()}: response exceeds the ${req.maxBytes} byte limit`, {
          statusCode: res.statusCode,
        });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof DdnsError) throw err;
    throw signal?.aborted ? withContext(abortReason(signal), where()) : toDdnsError(err, where());
  }
  return { status: res.statusCode, headers: res.headers, body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') };
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
