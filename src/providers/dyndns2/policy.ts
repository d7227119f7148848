/**
 * What each DynDNS2 answer obliges a client to do. The protocol is strict:
 * a fatal code must stop all updates for the host until a person fixes the
 * cause, `911`/`dnserr` ask for a pause, and repeated pointless updates get
 * accounts banned. HTTP trouble (5xx, timeouts, resets) is the only thing
 * worth retrying with backoff.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import { parseRetryAfter, type HttpResponse } from '../../core/http';
import { excerpt, parseLine, parseResponseBody, type ReturnCode } from './response';

/** `911` and `dnserr`: no request for the host for at least this long. */
export const WAIT_AFTER_SERVER_TROUBLE_MS = 30 * 60_000;

export type Verdict =
  | { kind: 'success'; providerCode: 'good' | 'nochg' }
  /** stop sending for this host until its configuration or credentials change */
  | { kind: 'block'; providerCode: string; error: DdnsError }
  /** no request for this host before `waitMs` has passed */
  | { kind: 'wait'; providerCode: string; error: DdnsError; waitMs: number };

interface CodeRule {
  kind: 'block' | 'wait';
  code: ErrorCode;
  message: string;
}

const RULES: Record<Exclude<ReturnCode, 'good' | 'nochg'>, CodeRule> = {
  badauth: { kind: 'block', code: 'EAUTH', message: 'user name or password refused' },
  '!donator': { kind: 'block', code: 'EPROVIDER', message: 'a requested option (offline, mx, ...) is not available to this account' },
  notfqdn: { kind: 'block', code: 'EPROVIDER', message: 'not a fully qualified host name' },
  nohost: { kind: 'block', code: 'EPROVIDER', message: 'host name does not exist in this account' },
  numhost: { kind: 'block', code: 'EPROVIDER', message: 'too many host names in one request' },
  abuse: { kind: 'block', code: 'EBLOCKED', message: 'host is blocked by the provider for update abuse' },
  badagent: { kind: 'block', code: 'EBLOCKED', message: 'the provider refused this client (user agent)' },
  dnserr: { kind: 'wait', code: 'EWAIT', message: 'provider DNS error; pausing updates for 30 minutes' },
  '911': { kind: 'wait', code: 'EWAIT', message: 'provider trouble or maintenance; pausing updates for 30 minutes' },
};

/**
 * Codes that concern the account or the whole service, not one host: after one
 * of them no further request of the same run can do better, so none is sent.
 */
const ACCOUNT_WIDE = new Set(['badauth', 'badagent', '!donator', '911', 'HTTP 401', 'HTTP 403']);

export function isAccountWide(providerCode: string): boolean {
  return ACCOUNT_WIDE.has(providerCode);
}

function prefixed(host: string | undefined, text: string): string {
  return host ? `${host}: ${text}` : text;
}

export function verdictForCode(code: ReturnCode, host?: string): Verdict {
  if (code === 'good' || code === 'nochg') return { kind: 'success', providerCode: code };
  const rule = RULES[code];
  const error = new DdnsError(rule.code, prefixed(host, `${rule.message} (${code})`), { providerCode: code });
  if (rule.kind === 'wait') return { kind: 'wait', providerCode: code, error, waitMs: WAIT_AFTER_SERVER_TROUBLE_MS };
  return { kind: 'block', providerCode: code, error };
}

/** 401/403 without a return code in the body: as good as `badauth`. */
export function verdictForAuthStatus(status: 401 | 403, host?: string): Verdict {
  const providerCode = `HTTP ${status}`;
  const error =
    status === 401
      ? new DdnsError('EAUTH', prefixed(host, 'credentials refused (HTTP 401)'), { providerCode, statusCode: status })
      : new DdnsError('EFORBIDDEN', prefixed(host, 'update not allowed (HTTP 403)'), { providerCode, statusCode: status });
  return { kind: 'block', providerCode, error };
}

/**
 * The same verdict for another host: after an account-wide answer the hosts of
 * later batches get it without a request, each with its own name in the message.
 */
export function verdictForHost(verdict: Verdict, host: string): Verdict {
  if (verdict.providerCode === 'HTTP 401' || verdict.providerCode === 'HTTP 403') {
    return verdictForAuthStatus(verdict.providerCode === 'HTTP 401' ? 401 : 403, host);
  }
  const code = verdict.providerCode as ReturnCode;
  return Object.prototype.hasOwnProperty.call(RULES, code) || code === 'good' || code === 'nochg' ? verdictForCode(code, host) : verdict;
}

/** The error a host carries while it is skipped because of an earlier block. */
export function blockedError(host: string, providerCode: string, since: number): DdnsError {
  return new DdnsError(
    'EBLOCKED',
    `${host}: not sent; blocked since ${new Date(since).toISOString()} by "${providerCode}" until the configuration or credentials change`,
    { providerCode },
  );
}

export function waitingError(host: string, providerCode: string | undefined, until: number): DdnsError {
  return new DdnsError('EWAIT', `${host}: not sent; the provider asked for a pause until ${new Date(until).toISOString()}`, {
    providerCode,
    retryable: true,
  });
}

/**
 * One verdict per host from an HTTP answer, or a thrown DdnsError for the
 * whole request: retryable for 5xx/429, EBADRESPONSE for a garbled 2xx body
 * (the update may have happened; sending it again risks an abuse block),
 * EHTTPSTATUS for other statuses.
 */
export function interpretResponse(res: HttpResponse, hostnames: readonly string[], now: number = Date.now()): Verdict[] {
  const count = hostnames.length;
  if (res.status >= 200 && res.status <= 299) {
    return parseResponseBody(res.body, count).map((answer, i) => verdictForCode(answer.code, hostnames[i]));
  }
  // some servers send the return code with a 4xx/5xx status; only error codes count then
  const lines = res.body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const single = lines.length === 1 ? parseLine(lines[0]) : undefined;
  if (single && single.code !== 'good' && single.code !== 'nochg') {
    return hostnames.map((host) => verdictForCode(single.code, host));
  }
  if (res.status === 401 || res.status === 403) return hostnames.map((host) => verdictForAuthStatus(res.status as 401 | 403, host));
  const detail = res.body.trim() === '' ? '' : `: "${excerpt(res.body)}"`;
  const throttled = res.status === 429;
  const retryable = throttled || res.status >= 500;
  const asked = retryable ? parseRetryAfter(res.headers['retry-after'], now) : undefined;
  throw new DdnsError(throttled ? 'ETHROTTLED' : 'EHTTPSTATUS', `server answered HTTP ${res.status}${detail}`, {
    statusCode: res.status,
    retryable,
    ...(asked === undefined ? {} : { retryAfterMs: asked }),
  });
}
