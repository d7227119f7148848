/**
 * Every failure this package reports is a DdnsError with a stable `code`, so a
 * flow (Catch node + Switch on msg.error.code) can branch on the kind of failure
 * while a person reads the message. The message is English, for logs and tests;
 * an error may also carry a catalog key and its values, so that what a person
 * reads on the canvas and in the sidebar is in the runtime's language (the
 * nodes render the key through nodes/locales/<lang>/ddns-sidebar.json, key
 * `runtime.reason`; the English there is the message itself).
 */
export type ErrorCode =
  // configuration and input
  | 'ECONFIG' // node configuration is invalid (bad origin, bad regex, ...)
  | 'EBADINPUT' // msg.payload or another msg property is unusable
  // address lookup
  | 'ENOADDR' // the origins answered but none yielded a usable address
  | 'ENOTPUBLIC' // only non-public addresses were found while scope is public
  | 'EDISAGREE' // origins that must agree reported different addresses
  // transport
  | 'ETIMEDOUT' // no (complete) answer within the time allowed
  | 'ENETWORK' // connection refused/reset, DNS failure, socket error
  | 'ETLS' // certificate or TLS handshake refused
  | 'ETOOLARGE' // response bigger than the size cap
  | 'EHTTPSTATUS' // non-2xx HTTP status
  | 'EBADRESPONSE' // answer could not be understood
  | 'EABORTED' // cancelled because the node closed or newer input arrived
  // providers
  | 'EAUTH' // credentials refused; not retried until they change
  | 'EFORBIDDEN' // authenticated but not allowed
  | 'ETHROTTLED' // provider asks us to slow down
  | 'EBLOCKED' // host blocked by an earlier fatal provider answer
  | 'EWAIT' // provider asked us to wait before trying again
  | 'EPROVIDER' // provider rejected the request for another reason
  | 'ECONFLICT' // several records match and none is pinned
  | 'ENOTFOUND' // record or domain missing and not created
  | 'ENOTSERVED' // the provider accepted a write its authoritative name servers do not serve
  // the node itself
  | 'ESTATE' // the context store failed or did not answer in time
  | 'EINTERNAL'; // a bug in this package (a TypeError, ...): not retried, logged with its stack

/** Values of a catalog text: a provider's own words (`badauth`) go in as they are. */
export type ReasonParams = Readonly<Record<string, string | number>>;

/** A reason as a record's result keeps it: a key, its values, the place, and one reason it wraps (`__reason__`). */
export interface ResultReason {
  key: string;
  params?: ReasonParams;
  at?: string;
  inner?: { key: string; params?: ReasonParams; message: string };
}

export interface DdnsErrorOptions {
  /** the catalog key of this reason (`runtime.reason.<key>`), when it has one */
  key?: string;
  /** values for the key's text */
  params?: ReasonParams;
  /** what the reason concerns (an origin, a host name), when the message starts with it */
  at?: string;
  /** true when trying again later may succeed (timeouts, 5xx, throttling) */
  retryable?: boolean;
  /** the provider's own code, e.g. `badauth` or `Throttling.User` */
  providerCode?: string;
  /** request id the provider gave, for support tickets */
  requestId?: string;
  /** HTTP status when the failure came from an HTTP answer */
  statusCode?: number;
  /** how long the server asked us to wait before trying again (Retry-After), in ms */
  retryAfterMs?: number;
  cause?: unknown;
}

export class DdnsError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly requestId?: string;
  readonly statusCode?: number;
  readonly retryAfterMs?: number;
  readonly key?: string;
  readonly params?: ReasonParams;
  readonly at?: string;

  constructor(code: ErrorCode, message: string, options: DdnsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DdnsError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.key !== undefined) this.key = options.key;
    if (options.params !== undefined) this.params = options.params;
    if (options.at !== undefined) this.at = options.at;
  }

  /** The plain object put on `msg.error` details; never carries the cause chain. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.providerCode !== undefined) out.providerCode = this.providerCode;
    if (this.requestId !== undefined) out.requestId = this.requestId;
    if (this.statusCode !== undefined) out.statusCode = this.statusCode;
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    return out;
  }
}

/** the words for a system error code; the code itself stays in the message (and the English text) */
const NETWORK_KEYS: Record<string, string> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'no-such-host',
  EAI_AGAIN: 'no-such-host',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// OpenSSL's verification failures (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...) and Node's ERR_TLS_*
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER|HOSTNAME/;
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errnoCode(err: unknown): string | undefined {
  let current: unknown = err;
  // undici wraps the socket error in `cause`; the useful code is usually one level down
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code) || TLS_CODE.test(code))) {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What JavaScript itself throws for a mistake in the code. A system error
 * (errno code) or an undici error is a fault of the network, not of the code.
 */
function isProgrammingError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (typeof (err as { code?: unknown }).code === 'string') return false;
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError || err.constructor === Error;
}

/**
 * The same error said of a place (`<at>: <message>`), keeping its code, its
 * catalog key and what the provider answered.
 */
export function placed(err: DdnsError, at: string): DdnsError {
  return new DdnsError(err.code, `${at}: ${err.message}`, {
    retryable: err.retryable,
    ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}),
    ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
    ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err.key !== undefined ? { key: err.key, at: err.at ? `${at}: ${err.at}` : at } : {}),
    ...(err.params !== undefined ? { params: err.params } : {}),
    cause: err,
  });
}

/** What a record's result keeps of an error's catalog key (`RecordResult.reason`), said of `at` unless the error says it already. */
export function reasonOf(err: DdnsError, at?: string): ResultReason | undefined {
  if (!err.key) return undefined;
  const outer = at && !err.message.includes(at) ? at : undefined;
  const place = err.at && outer ? `${outer}: ${err.at}` : (err.at ?? outer);
  return { key: err.key, ...(err.params ? { params: err.params } : {}), ...(place ? { at: place } : {}) };
}

/** `{reason}` for a result built from `err`, or nothing when the error has no catalog key. */
export function reasonFrom(err: DdnsError, at?: string): { reason?: ResultReason } {
  const reason = reasonOf(err, at);
  return reason ? { reason } : {};
}

/** Turns anything thrown (undici, dgram, fs, AbortSignal) into a DdnsError. */
export function toDdnsError(err: unknown, context?: string): DdnsError {
  if (err instanceof DdnsError) return err;
  const prefix = context ? `${context}: ` : '';
  const at = context ? { at: context } : {};
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'AbortError' || name === 'TimeoutError') {
    const reason = (err as { cause?: unknown }).cause;
    if (reason instanceof DdnsError) return reason;
    if (name === 'TimeoutError') return new DdnsError('ETIMEDOUT', `${prefix}timed out`, { retryable: true, cause: err, key: 'net.timed-out', ...at });
    return new DdnsError('EABORTED', `${prefix}aborted`, { cause: err, key: 'net.aborted', ...at });
  }
  const code = errnoCode(err);
  if (!code && isProgrammingError(err)) {
    // a bug is not a network failure: retrying it only repeats it, and the stack is what helps
    return new DdnsError('EINTERNAL', `${prefix}internal error: ${message}`, { cause: err });
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return new DdnsError('ETIMEDOUT', `${prefix}timed out (${code})`, { retryable: true, cause: err, key: 'net.timed-out-code', params: { code }, ...at });
  }
  if (code && TLS_CODE.test(code)) {
    return new DdnsError('ETLS', `${prefix}TLS certificate refused (${code})`, { cause: err, key: 'net.tls', params: { code }, ...at });
  }
  if (code) {
    return new DdnsError('ENETWORK', `${prefix}${code}`, { retryable: true, cause: err, key: `net.${NETWORK_KEYS[code] ?? 'unreachable'}`, params: { code }, ...at });
  }
  return new DdnsError('ENETWORK', `${prefix}${message}`, { retryable: true, cause: err });
}

/** Makes `signal.reason` a DdnsError so that whoever aborted decides the code. */
export function abortReason(signal: AbortSignal): DdnsError {
  const reason: unknown = signal.reason;
  if (reason instanceof DdnsError) return reason;
  if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') {
    return new DdnsError('ETIMEDOUT', 'timed out', { retryable: true, key: 'net.timed-out' });
  }
  return new DdnsError('EABORTED', 'aborted', { key: 'net.aborted' });
}
