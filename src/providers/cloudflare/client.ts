/**
 * A small Cloudflare API v4 client: one request and the reading of its answer,
 * through the package's one HTTP path (src/core/http.ts) with the account's
 * dispatcher. It never retries: the provider's run does (src/core/run.ts), so
 * backoff and Retry-After are the same as for every provider. No Cloudflare SDK
 * at run time; test/unit/cloudflare-sdk.test.js checks the test server against
 * the official SDK instead.
 *
 * Authentication is an API token only (`Authorization: Bearer`,
 * https://developers.cloudflare.com/fundamentals/api/how-to/make-api-calls/).
 * The Global API Key is refused: it unlocks the whole account (every zone,
 * billing, members), cannot be limited to one zone's DNS and cannot be revoked
 * without breaking everything else that uses it, so a DDNS client is the last
 * place to keep it.
 */
import type { Dispatcher } from 'undici';
import { DdnsError, toDdnsError } from '../../core/errors';
import { httpRequest, type HttpResponse } from '../../core/http';
import { parseJsonAnswer } from '../../core/json';
import { redactSecrets, serverExcerpt } from '../../core/redact';
import { parseServerUrl } from '../../core/validate';
import { errorFromAnswer, type Envelope } from './api-errors';

export const DEFAULT_CLOUDFLARE_ENDPOINT = 'https://api.cloudflare.com/client/v4';
export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * What an answer may weigh. The largest this package asks for is one page of
 * 100 A or AAAA records of one name (PAGE_SIZE in sync.ts): about 600 bytes a
 * record, some 1.6 KB with a 500-character comment and tags, so 160 KB at the
 * very most; the zone lookup by exact name lists one zone. Anything past
 * 256 KiB is not the Cloudflare API, and is not read (JSON parsing of a large
 * hostile answer holds the event loop: issue 22.5).
 */
export const DEFAULT_MAX_BYTES = 256 * 1024;

export type Method = 'GET' | 'POST' | 'PATCH';
export type Query = Readonly<Record<string, string | number | undefined>>;


export interface ResultInfo {
  page?: number;
  per_page?: number;
  count?: number;
  total_count?: number;
  total_pages?: number;
}

export interface ApiAnswer<T> {
  result: T;
  resultInfo?: ResultInfo;
}

export interface CloudflareClientOptions {
  endpoint?: string;
  apiToken: string;
  /** the account's keep-alive agent, asked for when the first request goes out */
  dispatcher: () => Dispatcher;
  timeoutMs?: number;
  maxBytes?: number;
  userAgent?: string;
}

/** What the record workflow needs from a client; unit tests may stand in for it. */
export interface CloudflareApi {
  request<T>(method: Method, path: string, options: { query?: Query; body?: unknown }, signal: AbortSignal): Promise<ApiAnswer<T>>;
}

// a Global API Key is 37 hex digits; API tokens are 40 characters and longer, of a wider alphabet
const GLOBAL_KEY = /^[0-9a-f]{37}$/;

export function checkApiToken(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DdnsError('ECONFIG', 'no API token configured', { key: 'config.no-api-token' });
  // a pasted token often carries a trailing newline; inner spaces mean it is not a token at all
  const token = value.trim().replace(/^Bearer\s+/i, '');
  if (GLOBAL_KEY.test(token)) {
    throw new DdnsError(
      'ECONFIG',
      'this is a Global API Key, not an API token: create an API token with Zone / DNS / Edit for the zone (the Global API Key unlocks the whole account and is not accepted)',
    );
  }
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) throw new DdnsError('ECONFIG', 'the API token is not a Cloudflare API token (printable characters, no spaces)');
  return token;
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class CloudflareClient implements CloudflareApi {
  readonly endpoint: string;
  private readonly base: URL;
  // kept off the enumerable surface so that logging or serialising the client cannot reveal it
  readonly #token: string;
  /** the token as redaction takes it: one array, so its masking forms are worked out once (core/redact.ts) */
  readonly #secrets: readonly string[];
  private readonly dispatcher: () => Dispatcher;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly userAgent: string;

  constructor(options: CloudflareClientOptions) {
    this.base = parseServerUrl('endpoint', (options.endpoint ?? '').trim() || DEFAULT_CLOUDFLARE_ENDPOINT);
    this.endpoint = this.base.toString();
    this.#token = checkApiToken(options.apiToken);
    this.#secrets = [this.#token];
    if (typeof options.dispatcher !== 'function') throw new DdnsError('ECONFIG', 'no HTTP dispatcher given');
    this.dispatcher = options.dispatcher;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.userAgent = options.userAgent ?? 'node-red-contrib-ddns';
  }

  private url(path: string, query: Query | undefined): string {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return `${this.base.origin}${basePath}${path}${queryString(query)}`;
  }

  /** One request and its answer; a DdnsError (never holding the token) for anything but success. */
  async request<T>(method: Method, path: string, options: { query?: Query; body?: unknown }, signal: AbortSignal): Promise<ApiAnswer<T>> {
    const what = `${method} ${path.replace(/\/[0-9a-f]{32}/gi, '/{id}')}`;
    const secrets = this.#secrets;
    let res: HttpResponse;
    try {
      res = await httpRequest({
        url: this.url(path, options.query),
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          'user-agent': this.userAgent,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        dispatcher: this.dispatcher(),
        signal,
        timeoutMs: this.timeoutMs,
        maxBytes: this.maxBytes,
      });
    } catch (thrown) {
      const err = toDdnsError(thrown, `Cloudflare ${what}`);
      const message = redactSecrets(err.message, secrets);
      if (message === err.message) throw err;
      throw new DdnsError(err.code, message, { retryable: err.retryable, ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}) });
    }
    let envelope: Envelope | undefined;
    // too deep to parse is an error of its own, whatever the status; not JSON is read as the status says
    const parsed = parseJsonAnswer(res.body, { what: `Cloudflare ${what}` });
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as Envelope;
    const ok = res.status >= 200 && res.status < 300;
    if (ok && envelope?.success === true) {
      const answer: ApiAnswer<T> = { result: envelope.result as T };
      if (envelope.result_info && typeof envelope.result_info === 'object') answer.resultInfo = envelope.result_info as ResultInfo;
      return answer;
    }
    if (ok && envelope?.success !== false) {
      const excerpt = serverExcerpt(res.body, secrets, 60);
      throw new DdnsError('EBADRESPONSE', `Cloudflare ${what}: the answer is not a Cloudflare API answer${excerpt ? ` ("${excerpt}")` : ''}`, {
        statusCode: res.status,
      });
    }
    throw errorFromAnswer(what, res, envelope, secrets, Date.now());
  }
}
