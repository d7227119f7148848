/**
 * The Hetzner Cloud API's DNS zones and RRSets (https://docs.hetzner.cloud/reference/cloud#zones,
 * https://docs.hetzner.cloud/reference/cloud#zone-rrsets), the calls a DDNS record needs.
 * Paths as Hetzner's own client spells them (hetznercloud/hcloud-python, hcloud/zones/client.py):
 * - GET  /zones/{id_or_name}/rrsets/{rr_name}/{rr_type}: `{"rrset": {...}}`, or 404 `not_found`;
 * - POST /zones/{id_or_name}/rrsets: `{name, type, ttl?, records: [{value}]}` creates one,
 *   answering `{"rrset", "action"}`;
 * - POST /zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/set_records:
 *   `{records: [{value, comment?}]}` replaces the records, answering `{"action"}`;
 * - POST .../actions/change_ttl: `{ttl}`;
 * - GET  /zones/{id_or_name}: the zone, asked when an RRSet read says 404 and the zone was
 *   never seen, to tell a missing zone from a missing RRSet (both are `not_found`).
 * A zone is addressed by its name ("ID or Name of the Zone"), so no id lookup is needed;
 * the apex's rr_name is `@`. Every request carries `Authorization: Bearer <token>`.
 *
 * Errors have one shape (https://docs.hetzner.cloud/reference/cloud#errors; the codes as
 * hetznercloud/hcloud-go lists them in hcloud/error.go):
 * `{"error": {"code": "unauthorized|forbidden|not_found|invalid_input|rate_limit_exceeded|...",
 * "message": "...", "details": {...}}}`, `invalid_input` with `details.fields[{name, messages}]`.
 * A 429 names the moment the limit is refilled in `RateLimit-Reset` (Unix seconds;
 * hetznercloud/hcloud-go, hcloud/client_handler_rate_limit.go).
 */
import { sameAddress } from '../../core/address';
import { DdnsError, type ErrorCode } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import type { HttpResponse } from '../../core/http';
import { readJson, statusFailure, type ApiHttp } from '../http-api';
import type { CurrentRecord, RecordTarget } from '../record-provider';

/** An RRSet or an action is well under a KB; an error page is small too */
const MAX_ANSWER = 64 * 1024;

/** One record of an RRSet as the API holds it. */
export interface HetznerRecord {
  value: string;
  comment?: string;
}

/** What a read learns beyond the values: enough to write the RRSet back with its other fields kept. */
export interface HetznerRrset {
  ttl: number | null;
  records: HetznerRecord[];
}

export interface HetznerClient {
  /** the RRSet (with the id of its zone, when the answer names it), or undefined on a 404: no such RRSet, or no such zone */
  read(target: RecordTarget, signal: AbortSignal): Promise<(CurrentRecord & { zoneId?: string }) | undefined>;
  /** the zone's id, or ENOTFOUND in words */
  zoneId(zone: string, signal: AbortSignal): Promise<string>;
  create(target: RecordTarget, ttl: number | undefined, signal: AbortSignal): Promise<string | undefined>;
  setRecords(target: RecordTarget, records: HetznerRecord[], signal: AbortSignal): Promise<void>;
  changeTtl(target: RecordTarget, ttl: number, signal: AbortSignal): Promise<void>;
}

/** The RRSet's name in its zone: `@` for the apex. */
export function rrName(name: string, zone: string): string {
  if (name === zone) return '@';
  if (!name.endsWith(`.${zone}`)) throw new DdnsError('ECONFIG', `${name} is not in the zone ${zone}`);
  return name.slice(0, -(zone.length + 1));
}

/** The RRSet's path; the apex's `@` is a legal path character (RFC 3986 pchar), so it is sent as written, not as `%40`. */
export function rrsetPath(zone: string, name: string, type: string): string {
  const rr = rrName(name, zone);
  return `/zones/${encodeURIComponent(zone)}/rrsets/${rr === '@' ? '@' : encodeURIComponent(rr)}/${type}`;
}

/** The records to send: the one address, with the comment the replaced record carried (the first one that had one). */
export function replacementRecords(value: string, current: readonly HetznerRecord[] | undefined): HetznerRecord[] {
  const comment = current?.find((r) => typeof r.comment === 'string' && r.comment !== '')?.comment;
  return [comment !== undefined ? { value, comment } : { value }];
}

interface HetznerError {
  code: string;
  message: string;
  fields: string;
}

/** The `{"error": {...}}` body, when it is one. */
export function hetznerError(body: unknown): HetznerError | undefined {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (!error || typeof error !== 'object') return undefined;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string') return undefined;
  const fields = details && typeof details === 'object' ? (details as { fields?: unknown }).fields : undefined;
  const said = Array.isArray(fields)
    ? fields
        .slice(0, 8)
        .map((f) => {
          const { name, messages } = (f ?? {}) as { name?: unknown; messages?: unknown };
          const words = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string').join(' ') : '';
          return typeof name === 'string' && words !== '' ? `${name}: ${words}` : '';
        })
        .filter((s) => s !== '')
        .join('; ')
    : '';
  return { code, message: typeof message === 'string' ? message : '', fields: said };
}

/** Hetzner's error words that mean the same to every project: what this node does with each. */
const CODES: Readonly<Record<string, { code: ErrorCode; retryable?: boolean }>> = {
  unauthorized: { code: 'EAUTH' },
  forbidden: { code: 'EFORBIDDEN' },
  // "The token is only allowed to perform GET requests": a read-only token never will write
  token_readonly: { code: 'EFORBIDDEN' },
  not_found: { code: 'ENOTFOUND' },
  rate_limit_exceeded: { code: 'ETHROTTLED', retryable: true },
  // "Another action is running" / "the resource has changed during the request, please retry"
  locked: { code: 'EPROVIDER', retryable: true },
  conflict: { code: 'EPROVIDER', retryable: true },
  timeout: { code: 'EHTTPSTATUS', retryable: true },
  bad_gateway: { code: 'EHTTPSTATUS', retryable: true },
  server_error: { code: 'EHTTPSTATUS', retryable: true },
  service_error: { code: 'EHTTPSTATUS', retryable: true },
  maintenance: { code: 'EHTTPSTATUS', retryable: true },
};

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `RateLimit-Reset` (Unix seconds) as the wait from now; undefined when absent or garbled. */
export function rateLimitWait(res: HttpResponse, now: number): number | undefined {
  const reset = header(res, 'ratelimit-reset');
  if (reset === undefined || !/^\d{1,12}$/.test(reset.trim())) return undefined;
  return Math.max(0, Number(reset.trim()) * 1000 - now);
}

function parseBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

export function createHetznerClient(endpoint: string, token: string, http: ApiHttp, now: () => number = () => Date.now()): HetznerClient {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  /** Hetzner Cloud tokens are 64 characters; the retired DNS Console's were 32 */
  const oldTokenHint = token.length === 32 ? '; a 32-character token is likely one of the retired DNS Console, which the Cloud API does not accept: make one in the Hetzner Console under Security > API tokens' : '';

  /** The failure a non-2xx answer says, in Hetzner's words; undefined for 2xx. */
  function failure(res: HttpResponse, where: string, notFound?: string): DdnsError | undefined {
    if (res.status >= 200 && res.status < 300) return undefined;
    const said = hetznerError(parseBody(res));
    const words = said ? [said.message, said.fields].filter((s) => s !== '').join(': ') : '';
    const excerpt = serverExcerpt(words !== '' ? words : res.body, http.secrets);
    const providerCode = said?.code ?? `HTTP ${res.status}`;
    const requestId = header(res, 'x-correlation-id');
    const base = statusFailure(res, where, excerpt, { providerCode, now: now() })!;
    const mapped = said ? CODES[said.code] : undefined;
    const code = mapped?.code ?? base.code;
    const retryable = mapped?.retryable ?? base.retryable;
    const retryAfterMs = code === 'ETHROTTLED' ? (rateLimitWait(res, now()) ?? base.retryAfterMs) : base.retryAfterMs;
    let message = base.message;
    if (code === 'ENOTFOUND' && notFound) message = `${where}: ${notFound} (${providerCode}${excerpt ? `: ${excerpt}` : ''})`;
    else if (code === 'EAUTH') message = `${where}: Hetzner refused the API token (${providerCode}${excerpt ? `: ${excerpt}` : ''})${oldTokenHint}`;
    else if (code !== base.code || said) message = `${where}: Hetzner ${said ? `answered ${said.code}` : 'refused the request'} (HTTP ${res.status})${excerpt ? `: ${excerpt}` : ''}`;
    return new DdnsError(code, message, {
      statusCode: res.status,
      providerCode,
      retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(requestId ? { requestId: requestId.slice(0, 64) } : {}),
    });
  }

  const missingZone = (zone: string): string => `the zone ${zone} is not in the Hetzner Cloud project of this API token`;

  /** The RRSet of an answer, checked: type and records as the reference shows them. */
  function rrsetOf(res: HttpResponse, where: string, type: string): { id?: string; zoneId?: string } & HetznerRrset {
    const body = readJson(res, where, http.secrets) as { rrset?: unknown } | null;
    const rrset = body && typeof body === 'object' ? (body.rrset as { id?: unknown; type?: unknown; ttl?: unknown; records?: unknown; zone?: unknown } | undefined) : undefined;
    const records = rrset && typeof rrset === 'object' ? rrset.records : undefined;
    const valid =
      Array.isArray(records) &&
      records.every((r) => r && typeof r === 'object' && typeof (r as { value?: unknown }).value === 'string') &&
      (rrset!.type === undefined || rrset!.type === type) &&
      (rrset!.ttl === undefined || rrset!.ttl === null || typeof rrset!.ttl === 'number');
    if (!valid) throw new DdnsError('EBADRESPONSE', `${where}: not a Hetzner RRSet: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
    return {
      ...(typeof rrset!.id === 'string' ? { id: rrset!.id.slice(0, 300) } : {}),
      ...(typeof rrset!.zone === 'number' || (typeof rrset!.zone === 'string' && rrset!.zone.length <= 40) ? { zoneId: String(rrset!.zone) } : {}),
      ttl: typeof rrset!.ttl === 'number' ? rrset!.ttl : null,
      records: (records as Array<{ value: string; comment?: unknown }>).map((r) => (typeof r.comment === 'string' ? { value: r.value, comment: r.comment } : { value: r.value })),
    };
  }

  /** An action answer: "error" is a failure in Hetzner's words; "running" is accepted (the zone is published shortly after). */
  function checkAction(res: HttpResponse, where: string): void {
    const body = readJson(res, where, http.secrets) as { action?: unknown } | null;
    const action = body && typeof body === 'object' ? (body.action as { status?: unknown; error?: unknown } | undefined) : undefined;
    if (!action || typeof action !== 'object' || typeof action.status !== 'string') {
      throw new DdnsError('EBADRESPONSE', `${where}: not a Hetzner action: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
    }
    if (action.status === 'error') {
      const error = (action.error ?? {}) as { code?: unknown; message?: unknown };
      const code = typeof error.code === 'string' ? error.code : 'action_failed';
      const said = serverExcerpt(typeof error.message === 'string' ? error.message : '', http.secrets);
      throw new DdnsError('EPROVIDER', `${where}: Hetzner's action failed (${code})${said ? `: ${said}` : ''}`, { statusCode: res.status, providerCode: code });
    }
  }

  function post(path: string, body: unknown, signal: AbortSignal): Promise<HttpResponse> {
    return http.send({ method: 'POST', url: `${endpoint}${path}`, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), maxBytes: MAX_ANSWER }, signal);
  }

  const client: HetznerClient = {
    async read(target, signal) {
      const zone = target.zone!;
      const where = `Hetzner ${target.name} ${target.type}`;
      const res = await http.send({ url: `${endpoint}${rrsetPath(zone, target.name, target.type)}`, headers, maxBytes: MAX_ANSWER }, signal);
      if (res.status === 404) return undefined;
      const failed = failure(res, where);
      if (failed) throw failed;
      const rrset = rrsetOf(res, where, target.type);
      const data: HetznerRrset = { ttl: rrset.ttl, records: rrset.records };
      return { values: rrset.records.map((r) => r.value), ...(rrset.id ? { id: rrset.id } : {}), ...(rrset.zoneId ? { zoneId: rrset.zoneId } : {}), data };
    },
    async zoneId(zone, signal) {
      const where = `Hetzner zone ${zone}`;
      const res = await http.send({ url: `${endpoint}/zones/${encodeURIComponent(zone)}`, headers, maxBytes: MAX_ANSWER }, signal);
      const failed = failure(res, where, missingZone(zone));
      if (failed) throw failed;
      const body = readJson(res, where, http.secrets) as { zone?: { id?: unknown; name?: unknown } } | null;
      const id = body && typeof body === 'object' && body.zone && typeof body.zone === 'object' ? body.zone.id : undefined;
      if ((typeof id !== 'number' && typeof id !== 'string') || String(id).length > 40) {
        throw new DdnsError('EBADRESPONSE', `${where}: not a Hetzner zone: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
      }
      return String(id);
    },
    async create(target, ttl, signal) {
      const zone = target.zone!;
      const where = `Hetzner ${target.name} ${target.type}`;
      // without `ttl` the RRSet follows the zone's default TTL
      const body = { name: rrName(target.name, zone), type: target.type, ...(ttl !== undefined ? { ttl } : {}), records: [{ value: target.value }] };
      const res = await post(`/zones/${encodeURIComponent(zone)}/rrsets`, body, signal);
      // the create names the zone alone, so its 404 is the zone
      const failed = failure(res, where, missingZone(zone));
      if (failed) throw failed;
      const rrset = rrsetOf(res, where, target.type);
      if (rrset.records.length !== 1 || !sameAddress(rrset.records[0].value, target.value)) {
        throw new DdnsError('EBADRESPONSE', `${where}: Hetzner answered ${res.status} but the RRSet holds ${rrset.records.map((r) => r.value).join(' ').slice(0, 100) || 'nothing'}, not ${target.value}`, { statusCode: res.status });
      }
      return rrset.id;
    },
    async setRecords(target, records, signal) {
      const where = `Hetzner ${target.name} ${target.type}`;
      const res = await post(`${rrsetPath(target.zone!, target.name, target.type)}/actions/set_records`, { records }, signal);
      const failed = failure(res, where, `the ${target.type} RRSet of ${target.name} is gone since it was read`);
      if (failed) throw failed;
      checkAction(res, where);
    },
    async changeTtl(target, ttl, signal) {
      const where = `Hetzner ${target.name} ${target.type} TTL`;
      const res = await post(`${rrsetPath(target.zone!, target.name, target.type)}/actions/change_ttl`, { ttl }, signal);
      const failed = failure(res, where, `the ${target.type} RRSet of ${target.name} is gone since it was read`);
      if (failed) throw failed;
      checkAction(res, where);
    },
  };
  return client;
}
