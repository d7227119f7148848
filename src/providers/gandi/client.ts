/**
 * Gandi LiveDNS (API v5, https://api.gandi.net/docs/livedns/), the two calls a
 * DDNS record needs, both on one URL, `/domains/{fqdn}/records/{rrset_name}/{rrset_type}`:
 * - GET: the RRset, `{rrset_name, rrset_type, rrset_ttl, rrset_values, rrset_href}`,
 *   or 404 when there is none;
 * - PUT: `{rrset_values, rrset_ttl}` creates the RRset or replaces it whole,
 *   answered 201 `{"message": "DNS Record Created"}`. A PUT without
 *   `rrset_ttl` would give an existing RRset Gandi's default TTL, so the TTL
 *   the record had is sent back when the node sets none.
 * The apex is the rrset_name `@`. Every request carries
 * `Authorization: Bearer <personal access token>` (https://api.gandi.net/docs/authentication/).
 *
 * Errors are `{"code", "message", "object", "cause"}` (a 400 adds `errors`,
 * one `{location, name, description}` per refused field): 401
 * `HTTPUnauthorized`, 403 `HTTPForbidden` "Access was denied to this
 * resource.", 404 `HTTPNotFound`. The `object` is kept as the provider code.
 */
import { DdnsError } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import type { HttpResponse } from '../../core/http';
import { readJson, statusFailure, type ApiHttp } from '../http-api';
import type { CurrentRecord, RecordTarget } from '../record-provider';

/** an RRset answer is a few hundred bytes; an error page is small too */
const MAX_ANSWER = 64 * 1024;

/** Said at deploy for a value shaped like an old API key, and with a refused token, since Gandi cannot tell us which it got. */
export const DEPRECATED_API_KEY =
  "Gandi has deprecated API keys: create a personal access token with LiveDNS rights in your Gandi account's security settings";

export interface GandiRrset {
  ttl?: number;
  values: string[];
}

export interface GandiClient {
  read(target: RecordTarget, signal: AbortSignal): Promise<CurrentRecord | undefined>;
  /** PUT the RRset as the one value; `ttl` undefined leaves the TTL to Gandi (new RRsets only) */
  write(target: RecordTarget, ttl: number | undefined, signal: AbortSignal): Promise<void>;
}

/** The rrset_name of a full name in its zone: `@` for the apex. */
export function rrsetNameOf(name: string, zone: string): string {
  if (name === zone) return '@';
  if (!name.endsWith(`.${zone}`)) throw new DdnsError('ECONFIG', `${name} is not in the zone ${zone}`);
  return name.slice(0, -(zone.length + 1));
}

export function recordPath(zone: string, rrsetName: string, type: string): string {
  return `/domains/${encodeURIComponent(zone)}/records/${rrsetName === '@' ? '@' : encodeURIComponent(rrsetName)}/${type}`;
}

/** Gandi's error body in words: its message (else its cause), and each refused field. */
export function gandiDetail(body: unknown): { words: string; object?: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { words: '' };
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof b.message === 'string' && b.message !== '') parts.push(b.message);
  // the cause is the HTTP reason phrase ("Forbidden"): words only when there is no message
  if (parts.length === 0 && typeof b.cause === 'string' && b.cause !== '') parts.push(b.cause);
  if (Array.isArray(b.errors)) {
    for (const e of b.errors.slice(0, 8)) {
      if (!e || typeof e !== 'object') continue;
      const { name, description } = e as Record<string, unknown>;
      if (typeof description === 'string') parts.push(typeof name === 'string' ? `${name}: ${description}` : description);
    }
  }
  return { words: parts.join('; '), ...(typeof b.object === 'string' && /^\w{1,40}$/.test(b.object) ? { object: b.object } : {}) };
}

function parseBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

export function createGandiClient(endpoint: string, token: string, http: ApiHttp): GandiClient {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };

  /** The failure a non-2xx answer says; undefined for 2xx. `zoneMissing` words a 404 that can only be the domain. */
  function failure(res: HttpResponse, where: string, zoneMissing?: string): DdnsError | undefined {
    if (res.status >= 200 && res.status < 300) return undefined;
    const detail = gandiDetail(parseBody(res));
    const said = serverExcerpt(detail.words !== '' ? detail.words : res.body, http.secrets);
    const providerCode = detail.object ?? `HTTP ${res.status}`;
    const base = { statusCode: res.status, providerCode };
    const quoted = said ? `: ${said}` : '';
    if (res.status === 401) {
      // PATs expire; and an old API key sent as a Bearer token is refused here too
      return new DdnsError('EAUTH', `${where}: Gandi refused the token (HTTP 401${quoted}); a personal access token expires and must then be made anew. If this is an old API key: ${DEPRECATED_API_KEY}`, base);
    }
    if (res.status === 403) {
      return new DdnsError('EFORBIDDEN', `${where}: the token has no LiveDNS right for this domain (HTTP 403${quoted}); give the token "Manage domain name technical configurations" for it. If this is an old API key: ${DEPRECATED_API_KEY}`, base);
    }
    if (res.status === 404 && zoneMissing) {
      return new DdnsError('ENOTFOUND', `${where}: the domain ${zoneMissing} is not in Gandi LiveDNS for this token (HTTP 404${quoted})`, base);
    }
    return statusFailure(res, where, said, { providerCode })!;
  }

  return {
    async read(target, signal) {
      const zone = target.zone!;
      const where = `Gandi ${target.name} ${target.type}`;
      const res = await http.send({ url: `${endpoint}${recordPath(zone, rrsetNameOf(target.name, zone), target.type)}`, headers, maxBytes: MAX_ANSWER }, signal);
      // 404 is both "no such RRset" and "no such domain"; a missing domain shows on the PUT
      if (res.status === 404) return undefined;
      const failed = failure(res, where);
      if (failed) throw failed;
      const body = readJson(res, where, http.secrets) as Record<string, unknown> | null;
      const values = body && typeof body === 'object' ? body.rrset_values : undefined;
      const type = body && typeof body === 'object' ? body.rrset_type : undefined;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string') || (type !== undefined && type !== target.type)) {
        throw new DdnsError('EBADRESPONSE', `${where}: not a Gandi RRset: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
      }
      const ttl = body!.rrset_ttl;
      const rrset: GandiRrset = { values: values as string[], ...(typeof ttl === 'number' && Number.isInteger(ttl) && ttl > 0 ? { ttl } : {}) };
      return { values: rrset.values, data: rrset };
    },
    async write(target, ttl, signal) {
      const zone = target.zone!;
      const where = `Gandi ${target.name} ${target.type}`;
      const body = { rrset_values: [target.value], ...(ttl !== undefined ? { rrset_ttl: ttl } : {}) };
      const res = await http.send(
        { method: 'PUT', url: `${endpoint}${recordPath(zone, rrsetNameOf(target.name, zone), target.type)}`, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), maxBytes: MAX_ANSWER },
        signal,
      );
      // a PUT creates what is missing, so its 404 can only be the domain
      const failed = failure(res, where, zone);
      if (failed) throw failed;
    },
  };
}
