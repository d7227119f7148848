/**
 * What each Cloudflare answer means for the node. Every v4 API answer is an
 * envelope `{success, errors: [{code, message}], messages, result}`
 * (https://developers.cloudflare.com/fundamentals/api/how-to/make-api-calls/);
 * the error codes below are matched as numbers, each with where it comes from.
 * Server text is kept only as a short excerpt with the token masked
 * (src/core/redact.ts): a proxy or a careless server may echo the
 * `Authorization` header.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import { parseRetryAfter, type HttpResponse } from '../../core/http';
import { serverExcerpt } from '../../core/redact';

export interface ApiMessage {
  code?: unknown;
  message?: unknown;
  error_chain?: unknown;
}

export interface Envelope {
  success?: unknown;
  errors?: unknown;
  messages?: unknown;
  result?: unknown;
  result_info?: unknown;
}

/**
 * The token itself is refused: "Invalid access token" / "Unauthorized to access
 * requested resource" (9109, HTTP 403), "Invalid API Token" (1000), "Unable to
 * authenticate request" (10001), a header Cloudflare cannot read (6003 "Invalid
 * request headers" with 6111 "Invalid format for Authorization header"; 9106
 * "Missing X-Auth-Key, X-Auth-Email or Authorization headers", as reported in
 * cloudflare/cloudflare-python#2678), and 9103 "Unknown X-Auth-Key or
 * X-Auth-Email" (a Global API Key pasted as a token). Another attempt with the
 * same token can only fail again and counts against the account's rate limit.
 */
export const TOKEN_REFUSED = new Set([9109, 1000, 10001, 6003, 6111, 9106, 9103]);
/**
 * 10000 "Authentication error" (HTTP 403): the token is valid but not allowed
 * on this zone (its Zone Resources leave the zone out, or it lacks DNS:Edit);
 * Cloudflare's own troubleshooting page for Terraform shows it for DNS record
 * writes ("HTTP status 403: Authentication error (10000)").
 */
export const ZONE_REFUSED = 10000;
/**
 * 7003 "Could not route to /zones/<id>/dns_records, perhaps your object
 * identifier is invalid?" (with 7000 "No route for that URI"): the remembered
 * zone id no longer names a zone (the zone was deleted and added again, and got
 * a new id), as in fire1ce/DDNS-Cloudflare-Bash#5.
 */
export const NO_ROUTE = new Set([7003, 7000]);
/** 81044 "Record does not exist." (PATCH of a record id that is gone; zanjie1999/cloudflare-api-v4-ddns#5: a cached stale id). */
export const RECORD_GONE = 81044;
/**
 * 81057 "Record already exists." / 81058 "An identical record already exists."
 * (NewFuture/DDNS#21, certbot/certbot#10725, which treats both as "the record
 * is there"): a create whose record appeared meanwhile (a retried request whose
 * first answer was lost, or someone else), so the name is looked up again.
 */
export const ALREADY_EXISTS = new Set([81057, 81058]);
/**
 * 81053 "An A, AAAA, or CNAME record with that host already exists", 81054 "A
 * CNAME record with that host already exists" (favonia/cloudflare-ddns#990): a
 * CNAME holds the name; only the user can choose which record stays.
 */
export const NAME_TAKEN = new Set([81053, 81054]);
/**
 * 971 "Please wait and consider throttling your request speed": Cloudflare's
 * own throttling answer; the API's global limit is 1200 requests per five
 * minutes per user, after which every call is refused with HTTP 429 for five
 * minutes (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
 */
export const THROTTLED = 971;

export interface Answer {
  code?: number;
  message: string;
}

function numberCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  return undefined;
}

/** The first error of an envelope and, where Cloudflare nests the cause (1004 DNS Validation Error), the first link of its chain. */
export function firstError(envelope: Envelope | undefined): { answer?: Answer; chain?: Answer } {
  const errors = Array.isArray(envelope?.errors) ? (envelope!.errors as ApiMessage[]) : [];
  const first = errors.find((e) => e && typeof e === 'object');
  if (!first) return {};
  const answer: Answer = { message: typeof first.message === 'string' ? first.message : '' };
  const code = numberCode(first.code);
  if (code !== undefined) answer.code = code;
  const chain = Array.isArray(first.error_chain) ? (first.error_chain as ApiMessage[]).find((e) => e && typeof e === 'object') : undefined;
  if (!chain) return { answer };
  const link: Answer = { message: typeof chain.message === 'string' ? chain.message : '' };
  const chainCode = numberCode(chain.code);
  if (chainCode !== undefined) link.code = chainCode;
  return { answer, chain: link };
}

/** Every code of an answer, the chain's included: a code may sit in either place. */
export function errorCodes(envelope: Envelope | undefined): number[] {
  const out: number[] = [];
  const errors = Array.isArray(envelope?.errors) ? (envelope!.errors as ApiMessage[]) : [];
  for (const e of errors) {
    if (!e || typeof e !== 'object') continue;
    const code = numberCode(e.code);
    if (code !== undefined) out.push(code);
    if (Array.isArray(e.error_chain)) {
      for (const link of e.error_chain as ApiMessage[]) {
        const linkCode = link && typeof link === 'object' ? numberCode(link.code) : undefined;
        if (linkCode !== undefined) out.push(linkCode);
      }
    }
  }
  return out;
}

interface Classified {
  code: ErrorCode;
  retryable: boolean;
  hint?: string;
  /** the catalog key of the hint's sentence (`runtime.reason.cloudflare.<key>`) */
  key?: string;
}

function classify(status: number, codes: readonly number[]): Classified {
  // the status first for throttling and outages: they are worth another attempt whatever code rides along
  if (status === 429 || codes.includes(THROTTLED)) return { code: 'ETHROTTLED', retryable: true };
  if (status >= 500) return { code: 'EHTTPSTATUS', retryable: true };
  if (codes.some((c) => TOKEN_REFUSED.has(c))) {
    return { code: 'EAUTH', retryable: false, hint: 'the API token is invalid, expired or revoked; enter a valid token in the cloudflare-account', key: 'token-refused' };
  }
  if (codes.includes(ZONE_REFUSED)) {
    return { code: 'EFORBIDDEN', retryable: false, hint: "the token may not edit this zone's DNS: give it Zone / DNS / Edit with this zone in its Zone Resources", key: 'zone-refused' };
  }
  if (status === 401) return { code: 'EAUTH', retryable: false, hint: 'the API token was refused', key: 'token-401' };
  if (status === 403) return { code: 'EFORBIDDEN', retryable: false, hint: 'the token may not do this', key: 'token-403' };
  if (codes.includes(RECORD_GONE)) return { code: 'ENOTFOUND', retryable: false };
  if (codes.some((c) => NO_ROUTE.has(c))) return { code: 'ENOTFOUND', retryable: false };
  if (codes.some((c) => NAME_TAKEN.has(c))) {
    return { code: 'ECONFLICT', retryable: false, hint: 'another record (a CNAME) holds this name; delete it or choose another name', key: 'name-taken' };
  }
  if (codes.length > 0) return { code: 'EPROVIDER', retryable: false };
  return { code: 'EHTTPSTATUS', retryable: false };
}

/** The error a failed answer stands for, its server text cut short and the token masked. */
export function errorFromAnswer(what: string, res: HttpResponse, envelope: Envelope | undefined, secrets: readonly string[], now: number): DdnsError {
  const codes = errorCodes(envelope);
  const { answer, chain } = firstError(envelope);
  const kind = classify(res.status, codes);
  const providerCode = answer?.code !== undefined ? String(answer.code) : `HTTP ${res.status}`;
  const said = answer ? serverExcerpt(chain?.message ? `${answer.message}: ${chain.message}` : answer.message, secrets) : '';
  const detail = said ? `${said} (${answer?.code ?? `HTTP ${res.status}`})` : `HTTP ${res.status}`;
  const message = `Cloudflare ${what}: ${detail}${kind.hint ? `; ${kind.hint}` : ''}`;
  const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after'], now) : undefined;
  return new DdnsError(kind.code, message, {
    // the server's words (`detail`) are quoted as they are; the hint is ours, in the runtime's language
    ...(kind.key ? { key: `cloudflare.${kind.key}`, params: { detail }, at: `Cloudflare ${what}` } : {}),
    retryable: kind.retryable,
    providerCode,
    statusCode: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(requestIdOf(res) ? { requestId: requestIdOf(res) } : {}),
  });
}

/** Cloudflare's `cf-ray` names the request for its support; only a plausible one is kept. */
function requestIdOf(res: HttpResponse): string | undefined {
  const ray = res.headers['cf-ray'];
  const text = Array.isArray(ray) ? ray[0] : ray;
  return typeof text === 'string' && /^[0-9a-f]{8,32}(-[A-Z]{3})?$/i.test(text) ? text : undefined;
}

/** The failure was the token's or the token's right to the zone: no request until the token changes. */
export function blocksAccount(err: DdnsError): boolean {
  return err.code === 'EAUTH' || (err.code === 'EFORBIDDEN' && err.providerCode === String(ZONE_REFUSED));
}

export function hasCode(err: DdnsError, codes: ReadonlySet<number> | number): boolean {
  const code = err.providerCode !== undefined && /^\d+$/.test(err.providerCode) ? Number(err.providerCode) : undefined;
  if (code === undefined) return false;
  return typeof codes === 'number' ? code === codes : codes.has(code);
}
