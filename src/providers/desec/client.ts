/**
 * The deSEC REST API (https://desec.readthedocs.io/en/latest/dns/rrsets.html),
 * the three calls a DDNS record needs:
 * - GET   /domains/{zone}/rrsets/{subname}/{type}/ : the RRset, 200 or 404;
 * - PATCH /domains/{zone}/rrsets/{subname}/{type}/ : `{"records": [value]}`
 *   (and `ttl` when the node sets one), the other fields kept;
 * - POST  /domains/{zone}/rrsets/ : `{subname, type, ttl, records}` to create
 *   (`ttl` is mandatory there).
 * The apex has the empty subname, which the URL spells `@` ("Accessing the
 * Zone Apex": `//` would be normalised away). Every request carries
 * `Authorization: Token <token>` (https://desec.readthedocs.io/en/latest/auth/tokens.html).
 *
 * Answers are Django REST framework's: `{"detail": "..."}` for 401/403/404/429,
 * and field → messages (`{"ttl": ["Ensure this value is ..."]}`) for a 400,
 * said here in words. A 429 carries `Retry-After` in seconds (the detail says
 * "Expected available in N seconds" too, read when the header is missing).
 */
import { sameAddress } from '../../core/address';
import { DdnsError } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import type { HttpResponse } from '../../core/http';
import { readJson, statusFailure, type ApiHttp } from '../http-api';
import type { CurrentRecord, RecordTarget } from '../record-provider';

/** deSEC's RRset answers are a few hundred bytes; an error page is small too */
const MAX_ANSWER = 64 * 1024;
/** "ttl ... is required" on create; the documented default minimum TTL of a domain */
export const CREATE_TTL = 3600;

export interface DesecClient {
  read(target: RecordTarget, signal: AbortSignal): Promise<CurrentRecord | undefined>;
  /** PATCH the existing RRset, or POST a new one when `exists` is false */
  write(target: RecordTarget, exists: boolean, ttl: number | undefined, signal: AbortSignal): Promise<void>;
}

/** The subname of a full name in its zone: '' for the apex. */
export function subnameOf(name: string, zone: string): string {
  if (name === zone) return '';
  if (!name.endsWith(`.${zone}`)) throw new DdnsError('ECONFIG', `${name} is not in the zone ${zone}`);
  return name.slice(0, -(zone.length + 1));
}

/** The RRset's path segment: the apex is `@`, as the docs reserve it. */
export function rrsetPath(zone: string, subname: string, type: string): string {
  return `/domains/${encodeURIComponent(zone)}/rrsets/${subname === '' ? '@' : encodeURIComponent(subname)}/${type}/`;
}

/** Django REST framework's error body in words: `detail`, or each field with its messages. */
export function desecDetail(body: unknown): string {
  if (Array.isArray(body)) return body.map(desecDetail).filter((s) => s !== '').join('; ');
  if (!body || typeof body !== 'object') return '';
  const parts: string[] = [];
  for (const [field, said] of Object.entries(body as Record<string, unknown>).slice(0, 8)) {
    const words = Array.isArray(said) ? said.filter((s): s is string => typeof s === 'string').join(' ') : typeof said === 'string' ? said : desecDetail(said);
    if (words === '') continue;
    parts.push(field === 'detail' || field === 'non_field_errors' ? words : `${field}: ${words}`);
  }
  return parts.join('; ');
}

/** "Request was throttled. Expected available in 12 seconds." */
function detailWait(detail: string): number | undefined {
  const m = /available in (\d{1,7}) seconds?/i.exec(detail);
  return m ? Number(m[1]) * 1000 : undefined;
}

function parseBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

export function createDesecClient(endpoint: string, token: string, http: ApiHttp): DesecClient {
  const headers = { authorization: `Token ${token}`, accept: 'application/json' };

  /** The failure a non-2xx answer says; undefined for 2xx. `zone` words a 404 on the domain itself. */
  function failure(res: HttpResponse, where: string, zoneMissing?: string): DdnsError | undefined {
    if (res.status >= 200 && res.status < 300) return undefined;
    const detail = desecDetail(parseBody(res));
    const said = serverExcerpt(detail !== '' ? detail : res.body, http.secrets);
    if (res.status === 404 && zoneMissing) {
      return new DdnsError('ENOTFOUND', `${where}: the zone ${zoneMissing} is not in this deSEC account (HTTP 404${said ? `: ${said}` : ''})`, { statusCode: 404, providerCode: 'HTTP 404' });
    }
    const err = statusFailure(res, where, said)!;
    if (res.status === 429 && err.retryAfterMs === undefined) {
      const wait = detailWait(detail);
      if (wait !== undefined) return new DdnsError(err.code, err.message, { statusCode: 429, providerCode: err.providerCode ?? 'HTTP 429', retryable: true, retryAfterMs: wait });
    }
    return err;
  }

  /** The RRset of an answer, checked: type and records as the docs show them. */
  function rrsetOf(res: HttpResponse, where: string, type: string): string[] {
    const body = readJson(res, where, http.secrets) as { type?: unknown; records?: unknown } | null;
    const records = body && typeof body === 'object' ? body.records : undefined;
    if (!Array.isArray(records) || records.some((r) => typeof r !== 'string') || (body!.type !== undefined && body!.type !== type)) {
      throw new DdnsError('EBADRESPONSE', `${where}: not a deSEC RRset: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
    }
    return records as string[];
  }

  return {
    async read(target, signal) {
      const zone = target.zone!;
      const where = `deSEC ${target.name} ${target.type}`;
      const res = await http.send({ url: `${endpoint}${rrsetPath(zone, subnameOf(target.name, zone), target.type)}`, headers, maxBytes: MAX_ANSWER }, signal);
      // 404 is both "no such RRset" and "no such domain" (docs); a missing domain shows on the create
      if (res.status === 404) return undefined;
      const failed = failure(res, where);
      if (failed) throw failed;
      return { values: rrsetOf(res, where, target.type) };
    },
    async write(target, exists, ttl, signal) {
      const zone = target.zone!;
      const subname = subnameOf(target.name, zone);
      const where = `deSEC ${target.name} ${target.type}`;
      const body = exists
        ? { records: [target.value], ...(ttl !== undefined ? { ttl } : {}) }
        : { subname, type: target.type, ttl: ttl ?? CREATE_TTL, records: [target.value] };
      const path = exists ? rrsetPath(zone, subname, target.type) : `/domains/${encodeURIComponent(zone)}/rrsets/`;
      const res = await http.send(
        { method: exists ? 'PATCH' : 'POST', url: `${endpoint}${path}`, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), maxBytes: MAX_ANSWER },
        signal,
      );
      // a POST names the domain alone, so its 404 is the zone; a PATCH's may be the RRset gone since the read
      const failed = failure(res, where, exists ? undefined : zone);
      if (failed) throw failed;
      const held = rrsetOf(res, where, target.type);
      if (held.length !== 1 || !sameAddress(held[0], target.value)) {
        throw new DdnsError('EBADRESPONSE', `${where}: deSEC answered ${res.status} but holds ${held.join(' ').slice(0, 100) || 'nothing'}, not ${target.value}`, { statusCode: res.status });
      }
    },
  };
}
