/**
 * Every failure this package reports is a DdnsError with a stable `code`, so a
 * flow (Catch node + Switch on msg.error.code) can branch on the kind of failure
 * while a person reads the message.
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

export interface DdnsErrorOptions {
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

  constructor(code: ErrorCode, message: string, options: DdnsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DdnsError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
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

/** Turns anything thrown (undici, dgram, fs, AbortSignal) into a DdnsError. */
export function toDdnsError(err: unknown, context?: string): DdnsError {
  if (err instanceof DdnsError) return err;
  const prefix = context ? `${context}: ` : '';
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'AbortError' || name === 'TimeoutError') {
    const reason = (err as { cause?: unknown }).cause;
    if (reason instanceof DdnsError) return reason;
    if (name === 'TimeoutError') return new DdnsError('ETIMEDOUT', `${prefix}timed out`, { retryable: true, cause: err });
    return new DdnsError('EABORTED', `${prefix}aborted`, { cause: err });
  }
  const code = errnoCode(err);
  if (!code && isProgrammingError(err)) {
    // a bug is not a network failure: retrying it only repeats it, and the stack is what helps
    return new DdnsError('EINTERNAL', `${prefix}internal error: ${message}`, { cause: err });
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return new DdnsError('ETIMEDOUT', `${prefix}timed out (${code})`, { retryable: true, cause: err });
  }
  if (code && TLS_CODE.test(code)) {
    return new DdnsError('ETLS', `${prefix}TLS certificate refused (${code})`, { cause: err });
  }
  if (code) {
    return new DdnsError('ENETWORK', `${prefix}${code}`, { retryable: true, cause: err });
  }
  return new DdnsError('ENETWORK', `${prefix}${message}`, { retryable: true, cause: err });
}

/** Makes `signal.reason` a DdnsError so that whoever aborted decides the code. */
export function abortReason(signal: AbortSignal): DdnsError {
  const reason: unknown = signal.reason;
  if (reason instanceof DdnsError) return reason;
  if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') {
    return new DdnsError('ETIMEDOUT', 'timed out', { retryable: true });
  }
  return new DdnsError('EABORTED', 'aborted');
}
