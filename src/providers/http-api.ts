/**
 * HTTP for the providers built on descriptors: one request through the
 * package's one HTTP path (src/core/http.ts) with the account's keep-alive
 * agent, and the readings every JSON or text API shares: a status that means
 * a refused login, throttling (with Retry-After, capped) or a server fault, a
 * JSON body read with its size and depth bounded, and server text carried only
 * as a short excerpt with every form of the account's secrets masked.
 */
import type { Dispatcher } from 'undici';
import { DdnsError, type ErrorCode } from '../core/errors';
import type { HttpResponse } from '../core/http';
import { parseJsonAnswer } from '../core/json';
import { serverExcerpt } from '../core/redact';

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  /** largest answer accepted; DNS API answers are small by nature */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface ApiHttp {
  send(req: ApiRequest, signal: AbortSignal): Promise<HttpResponse>;
  /** every form of the account's secrets, to mask in whatever server text is passed on */
  readonly secrets: readonly string[];
}

/** A page of DNS records is a few KB; a megabyte is not a DNS API's answer. */
export const API_MAX_BYTES = 256 * 1024;
export const API_TIMEOUT_MS = 30_000;
/** JSON nested deeper than this is no DNS API's answer: refused before parsing, so it cannot stall the loop */
export const MAX_JSON_DEPTH = 32;

export function createApiHttp(dispatcher: () => Dispatcher, userAgent: string, secrets: readonly string[]): ApiHttp {
  return {
    secrets,
    send(req, signal) {
      // loaded with the first request, not when Node-RED registers the node types
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { httpRequest } = require('../core/http') as typeof import('../core/http');
      return httpRequest({
        url: req.url,
        method: req.method ?? 'GET',
        headers: { 'user-agent': userAgent, ...(req.headers ?? {}) },
        ...(req.body !== undefined ? { body: req.body } : {}),
        dispatcher: dispatcher(),
        signal,
        timeoutMs: req.timeoutMs ?? API_TIMEOUT_MS,
        maxBytes: req.maxBytes ?? API_MAX_BYTES,
      });
    },
  };
}

/** The answer's JSON; EBADRESPONSE (with a masked excerpt) when it is none or nested beyond reason. */
export function readJson(res: HttpResponse, where: string, secrets: readonly string[]): unknown {
  let parsed: unknown;
  try {
    parsed = parseJsonAnswer(res.body, { maxDepth: MAX_JSON_DEPTH, what: where });
  } catch (err) {
    if (err instanceof DdnsError && err.statusCode === undefined) throw new DdnsError(err.code, err.message, { statusCode: res.status });
    throw err;
  }
  if (parsed === undefined) {
    throw new DdnsError('EBADRESPONSE', `${where}: the answer is not JSON (HTTP ${res.status}): ${serverExcerpt(res.body, secrets)}`, { statusCode: res.status });
  }
  return parsed;
}

/**
 * The failure an HTTP status says, or undefined for 2xx: 401 refused login,
 * 403 not allowed, 429 throttled (Retry-After kept), 5xx worth another try,
 * other 4xx the provider's refusal. `detail` is the provider's own words,
 * already read from the body (masked and short).
 */
export function statusFailure(res: HttpResponse, where: string, detail: string, options: { providerCode?: string; now?: number } = {}): DdnsError | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  const said = detail ? `: ${detail}` : '';
  const base = { statusCode: res.status, providerCode: options.providerCode ?? `HTTP ${res.status}` };
  let code: ErrorCode = 'EPROVIDER';
  let retryable = false;
  if (res.status === 401) code = 'EAUTH';
  else if (res.status === 403) code = 'EFORBIDDEN';
  else if (res.status === 429) {
    code = 'ETHROTTLED';
    retryable = true;
  } else if (res.status >= 500) {
    code = 'EHTTPSTATUS';
    retryable = true;
  } else if (res.status === 404) code = 'ENOTFOUND';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseRetryAfter } = require('../core/http') as typeof import('../core/http');
  const asked = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after'], options.now ?? Date.now()) : undefined;
  const words: Record<string, string> = {
    EAUTH: 'the provider refused the credentials',
    EFORBIDDEN: 'the credentials are not allowed to do this',
    ETHROTTLED: 'the provider asks to slow down',
    EHTTPSTATUS: 'the provider had a server error',
    ENOTFOUND: 'not found',
    EPROVIDER: 'the provider refused the request',
  };
  const reason = { key: `http.${code}`, params: { status: res.status, said }, at: where };
  return new DdnsError(code, `${where}: ${words[code]} (HTTP ${res.status})${said}`, { ...base, ...reason, retryable, ...(asked !== undefined ? { retryAfterMs: asked } : {}) });
}
