/**
 * A small Alidns (2015-01-09) API client: signs each call, sends it through the
 * dispatcher it is given (the account node owns the connections), and turns
 * Alibaba's error answers into DdnsErrors (api-errors.ts says which answer
 * means what, and where that comes from). Throttling, LastOperationNotFinished,
 * server errors and timeouts are retried with backoff; a clock the server finds
 * wrong is corrected from its `Date` header and a nonce it has seen is
 * replaced, each once per call. No error carries the request's AccessKey ID,
 * secret, signature or nonce, in any encoding, even when the server echoes them.
 */
import { numberSetting, parseServerUrl } from '../../core/validate';
import type { Dispatcher } from 'undici';
import { DdnsError, toDdnsError } from '../../core/errors';
import { httpRequest, type HttpResponse } from '../../core/http';
import { parseJsonAnswer } from '../../core/json';
import type { BackoffPolicy } from '../../core/retry';
import { Run } from '../../core/run';
import { CLOCK_SKEW_CODE, NONCE_USED_CODE, errorFromResponse, type AlidnsErrorBody } from './api-errors';
import { requestSecrets, scrubbed } from './server-text';
import { newNonce, signRequest } from './sign';

/** The one default endpoint of Alibaba Cloud DNS; the account node takes it from here. */
export const DEFAULT_ALIDNS_ENDPOINT = 'https://alidns.aliyuncs.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_CLIENT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, factor: 2 };
/**
 * What an answer may weigh. The largest this package asks for is one page of
 * DescribeDomainRecords, 500 records (PAGE_SIZE in records.ts): about 300
 * bytes a record, about 900 with a 512-character TXT value and a remark, so
 * some 450 KB at the very most. Anything past 512 KiB
 * is not Alidns, and is not read (JSON parsing of a large hostile answer holds
 * the event loop: issue 22.5).
 */
export const DEFAULT_MAX_BYTES = 512 * 1024;

export type ParamValue = string | number | boolean | undefined;
export type CallParams = Readonly<Record<string, ParamValue>>;

/** Counts the HTTP requests one caller made (retries included), whoever else shares the client. */
export interface CallStats {
  requests: number;
}

/** What the record workflow needs from a client; tests may stand in for it. */
export interface AlidnsApi {
  call<T = unknown>(action: string, params: CallParams, signal?: AbortSignal, stats?: CallStats): Promise<T>;
}

export interface AlidnsClientOptions {
  /** default https://alidns.aliyuncs.com; any http(s) URL (a proxy, a test server) */
  endpoint?: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** the account's keep-alive agent; the client owns no connection */
  dispatcher: Dispatcher;
  /** deadline per HTTP request, body included; default 30 s */
  timeoutMs?: number;
  /** retries after the first attempt for throttling, 5xx, timeouts, network errors; -1 = unlimited; default 3 */
  retries?: number;
  backoff?: BackoffPolicy;
  maxBytes?: number;
  userAgent?: string;
  /** told before each backoff wait, e.g. for a "retrying in 8 s" status */
  onRetry?: (err: DdnsError, attempt: number, delayMs: number) => void;
  /** clock and nonce source, injectable for tests */
  now?: () => number;
  nonce?: () => string;
}

function normaliseEndpoint(endpoint: string | undefined): URL {
  return parseServerUrl('endpoint', (endpoint ?? '').trim() || DEFAULT_ALIDNS_ENDPOINT);
}

function checkCredential(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DdnsError('ECONFIG', `no ${name} configured`);
  // a pasted key often carries a trailing newline; inner spaces mean it is not a key at all
  const trimmed = value.trim();
  if (/\s/.test(trimmed) || trimmed.length > 256) throw new DdnsError('ECONFIG', `${name} is not a valid AccessKey value`);
  return trimmed;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  return numberSetting(name, value, { fallback, min: 1, max: Number.MAX_SAFE_INTEGER });
}

/**
 * The answer's JSON, undefined when it is not JSON; an answer nested too deep
 * to parse safely throws (core/json.ts). A RecordId is a 19-digit number in
 * places; JSON.parse would round it, so any bare one is quoted first (quotes
 * change no depth).
 */
function parseJson(body: string, action: string): unknown {
  return parseJsonAnswer(body.replace(/("RecordId"\s*:\s*)(\d{16,})/g, '$1"$2"'), { what: `Alibaba Cloud DNS ${action}` });
}

type Attempt<T> = { ok: true; data: T } | { ok: false; error: DdnsError; serverDate?: number };

export class AlidnsClient implements AlidnsApi {
  readonly endpoint: string;
  private readonly url: URL;
  private readonly accessKeyId: string;
  // kept off the enumerable surface so that logging or serialising the client cannot reveal it
  readonly #secret: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxBytes: number;
  private readonly userAgent: string;
  private readonly onRetry?: (err: DdnsError, attempt: number, delayMs: number) => void;
  private readonly now: () => number;
  private readonly nonce: () => string;
  private offsetMs = 0;

  constructor(options: AlidnsClientOptions) {
    if (!options || typeof options !== 'object') throw new DdnsError('ECONFIG', 'no Alibaba Cloud account settings given');
    this.url = normaliseEndpoint(options.endpoint);
    this.endpoint = this.url.toString();
    this.accessKeyId = checkCredential('AccessKey ID', options.accessKeyId);
    this.#secret = checkCredential('AccessKey secret', options.accessKeySecret);
    if (!options.dispatcher) throw new DdnsError('ECONFIG', 'no HTTP dispatcher given');
    this.dispatcher = options.dispatcher;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.maxBytes = positive('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES);
    const retries = options.retries ?? DEFAULT_RETRIES;
    if (!Number.isInteger(retries) || retries < -1) throw new DdnsError('ECONFIG', 'retries must be -1 (unlimited) or a whole number >= 0');
    this.retries = retries;
    this.backoff = options.backoff ?? DEFAULT_CLIENT_BACKOFF;
    this.userAgent = options.userAgent ?? 'node-red-contrib-ddns';
    if (options.onRetry) this.onRetry = options.onRetry;
    this.now = options.now ?? (() => Date.now());
    this.nonce = options.nonce ?? newNonce;
  }

  /** How far the server's clock is ahead of ours, learnt from an InvalidTimeStamp.Expired answer. */
  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  /**
   * Calls one API action and returns its parsed JSON answer, retried on its own
   * (module-level use; the provider retries through its run instead). Throws a
   * DdnsError with the provider's code and request id; never one that holds the secret.
   */
  async call<T = unknown>(action: string, params: CallParams = {}, signal?: AbortSignal, stats?: CallStats): Promise<T> {
    const onRetry = this.onRetry;
    const run = new Run({
      signal: signal ?? new AbortController().signal,
      policy: { retries: this.retries, backoff: this.backoff, maxWaitMs: this.backoff.capMs },
      ...(onRetry ? { progress: { retrying: ({ error, attempt, delayMs }) => onRetry(error, attempt, delayMs), resumed: () => undefined } } : {}),
    });
    return run.exchange((exchangeSignal) => this.callOnce<T>(action, params, exchangeSignal, stats));
  }

  /**
   * One exchange: the request, corrected once for a clock the server finds
   * wrong (from its `Date` header) and once for a nonce it has seen, each at
   * most once so a server that keeps refusing cannot loop us. No retries.
   */
  async callOnce<T = unknown>(action: string, params: CallParams = {}, signal?: AbortSignal, stats?: CallStats): Promise<T> {
    if (typeof action !== 'string' || !/^[A-Za-z]+$/.test(action)) throw new DdnsError('ECONFIG', 'invalid Alidns action name');
    let clockCorrected = false;
    let nonceReplaced = false;
    for (;;) {
      const attempt = await this.attempt<T>(action, params, signal, stats);
      if (attempt.ok) return attempt.data;
      const code = attempt.error.providerCode;
      if (code === CLOCK_SKEW_CODE && !clockCorrected && attempt.serverDate !== undefined) {
        clockCorrected = true;
        this.offsetMs = attempt.serverDate - this.now();
        continue;
      }
      if (code === NONCE_USED_CODE && !nonceReplaced) {
        nonceReplaced = true;
        continue;
      }
      throw attempt.error;
    }
  }

  private async attempt<T>(action: string, params: CallParams, signal: AbortSignal | undefined, stats: CallStats | undefined): Promise<Attempt<T>> {
    const nonce = this.nonce();
    const signed = signRequest({
      action,
      params,
      accessKeyId: this.accessKeyId,
      accessKeySecret: this.#secret,
      nonce,
      timestamp: this.now() + this.offsetMs,
    });
    // what an answer to this very request could echo back
    const secrets = requestSecrets([this.accessKeyId, this.#secret, signed.signature, nonce]);
    const url = new URL(this.url);
    url.search = signed.query;
    if (stats) stats.requests++;
    let res: HttpResponse;
    try {
      res = await httpRequest({
        url,
        headers: { 'user-agent': this.userAgent, accept: 'application/json' },
        dispatcher: this.dispatcher,
        ...(signal ? { signal } : {}),
        timeoutMs: this.timeoutMs,
        maxBytes: this.maxBytes,
      });
    } catch (err) {
      throw scrub(toDdnsError(err, `Alibaba Cloud DNS ${action}`), action, secrets);
    }
    return this.interpret<T>(action, params, res, secrets);
  }

  private interpret<T>(action: string, params: CallParams, res: HttpResponse, secrets: readonly string[]): Attempt<T> {
    let body: unknown;
    try {
      body = parseJson(res.body, action);
    } catch (err) {
      return { ok: false, error: err as DdnsError };
    }
    const ok = res.status >= 200 && res.status < 300;
    if (ok && body && typeof body === 'object' && !Array.isArray(body)) {
      const code = (body as AlidnsErrorBody).Code;
      // a 200 that carries an error code is still an error (some gateways answer so)
      if (typeof code !== 'string' || code === '' || code === 'OK' || code === 'Success') return { ok: true, data: body as T };
    }
    if (ok) {
      return { ok: false, error: new DdnsError('EBADRESPONSE', `Alibaba Cloud DNS ${action}: the answer is not JSON`, { statusCode: res.status }) };
    }
    const errorBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as AlidnsErrorBody) : {};
    const error = errorFromResponse({ action, params, status: res.status, body: errorBody, secrets });
    const dateHeader = res.headers.date;
    const serverDate = typeof dateHeader === 'string' ? Date.parse(dateHeader) : NaN;
    return Number.isFinite(serverDate) ? { ok: false, error, serverDate } : { ok: false, error };
  }
}

/** Transport errors quote undici's message; make sure nothing of the request leaks through it. */
function scrub(err: DdnsError, action: string, secrets: readonly string[]): DdnsError {
  const message = scrubbed(err.message, secrets) ?? `Alibaba Cloud DNS ${action}: ${err.code}`;
  if (message === err.message) return err;
  return new DdnsError(err.code, message, {
    retryable: err.retryable,
    ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
  });
}
