/**
 * The IONOS DNS API (developer.hosting.ionos.com/docs/dns, OpenAPI "DNS API"
 * 1.0.2, server https://api.hosting.ionos.com/dns), the four calls a DDNS
 * record needs, each with the header `X-API-Key: prefix.secret`:
 * - GET  /v1/zones: `[{name, id, type}]`, every zone of the account;
 * - GET  /v1/zones/{zoneId}?recordName=home.example.com&recordType=A: the
 *   customer zone `{id, name, type, records: [{id, name, rootName, type,
 *   content, changeDate, ttl, prio, disabled}]}`; `recordName` is "the record
 *   names that should be included", and the answer is filtered here on the
 *   exact name and type all the same;
 * - PUT  /v1/zones/{zoneId}/records/{recordId} with the record-update body
 *   `{content, ttl, prio, disabled}`: 200 and the record (since 1.0.1);
 * - POST /v1/zones/{zoneId}/records with an ARRAY of records `[{name, type,
 *   content, ttl, prio, disabled}]`: 201 and the created records (since 1.0.1).
 * Record names are full names (`www.example.com`), the zone's own name for the apex.
 *
 * Errors are an array too: `[{"code": "UNAUTHORIZED", "message": "The customer
 * is not authorized to do this operation."}]` (the spec's unauthorized-error,
 * also go-acme/lego's fixture get_records_error.json); the first entry's code
 * is kept as providerCode and its message passed on, masked.
 */
import { sameAddress } from '../../core/address';
import { DdnsError } from '../../core/errors';
import type { HttpResponse } from '../../core/http';
import { serverExcerpt } from '../../core/redact';
import { readJson, statusFailure, type ApiHttp } from '../http-api';

/** a zone filtered to one name and type is a few hundred bytes; an account's zone list a few KB */
const MAX_ANSWER = 128 * 1024;

export interface IonosZone {
  id: string;
  name: string;
  type: string;
}

/** A record as the customer zone answer holds it (the fields read or kept). */
export interface IonosRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl?: number;
  prio?: number;
  disabled: boolean;
}

/** The record-update body: all four fields, so the record's own TTL and priority are sent back as read. */
export interface RecordUpdate {
  content: string;
  ttl: number;
  prio: number;
  disabled: false;
}

export interface RecordCreate {
  name: string;
  type: string;
  content: string;
  ttl: number;
  prio: 0;
  disabled: false;
}

export interface IonosClient {
  zones(signal: AbortSignal): Promise<IonosZone[]>;
  /** the records of exactly this full name and type; ENOTFOUND when the zone id is unknown */
  records(zoneId: string, name: string, type: string, signal: AbortSignal): Promise<IonosRecord[]>;
  update(zoneId: string, recordId: string, body: RecordUpdate, signal: AbortSignal): Promise<void>;
  /** the new record's id, when the answer carries it */
  create(zoneId: string, record: RecordCreate, signal: AbortSignal): Promise<string | undefined>;
}

/** The first entry of an IONOS error array: its code and its message. */
export function ionosError(body: unknown): { code?: string; message?: string } {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (!first || typeof first !== 'object') return {};
  const { code, message } = first as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' && code !== '' ? { code: code.slice(0, 60) } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
  };
}

function parsed(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

/** A number the API sent, or undefined. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The records of a customer zone answer; undefined when it is not one. */
export function readRecords(body: unknown): IonosRecord[] | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const records = (body as { records?: unknown }).records;
  // a zone without a record of that name comes without the field in some answers (lego's types: omitempty)
  if (records === undefined) return [];
  if (!Array.isArray(records)) return undefined;
  const out: IonosRecord[] = [];
  for (const r of records as Array<Record<string, unknown>>) {
    if (!r || typeof r !== 'object') continue;
    if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.type !== 'string' || typeof r.content !== 'string') continue;
    const ttl = count(r.ttl);
    const prio = count(r.prio);
    out.push({ id: r.id, name: r.name, type: r.type, content: r.content, ...(ttl !== undefined ? { ttl } : {}), ...(prio !== undefined ? { prio } : {}), disabled: r.disabled === true });
  }
  return out;
}

/** `Home.Example.com.` and `home.example.com` are one name. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

export function createIonosClient(endpoint: string, apiKey: string, http: ApiHttp): IonosClient {
  const headers = { 'x-api-key': apiKey, accept: 'application/json' };
  const seg = (part: string) => encodeURIComponent(part);

  /** The failure a non-2xx answer says, in IONOS's words; undefined for 2xx. */
  function failure(res: HttpResponse, where: string, zoneMissing?: string): DdnsError | undefined {
    if (res.status >= 200 && res.status < 300) return undefined;
    const said = ionosError(parsed(res));
    const text = serverExcerpt(said.message ?? said.code ?? res.body, http.secrets);
    const providerCode = said.code ?? `HTTP ${res.status}`;
    if (res.status === 404 && zoneMissing) {
      return new DdnsError('ENOTFOUND', `${where}: the zone with id ${zoneMissing} is not (or no longer) in this IONOS account (HTTP 404${text ? `: ${text}` : ''})`, { statusCode: 404, providerCode });
    }
    return statusFailure(res, where, text, { providerCode });
  }

  async function call(method: 'GET' | 'PUT' | 'POST', url: URL | string, body: unknown, where: string, signal: AbortSignal, zoneMissing?: string): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const res = await http.send(
      { method, url, headers: text === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(text !== undefined ? { body: text } : {}), maxBytes: MAX_ANSWER },
      signal,
    );
    const failed = failure(res, where, zoneMissing);
    if (failed) throw failed;
    // an empty 200 is how the API answered writes before 1.0.1
    if (res.body.trim() === '') return undefined;
    return readJson(res, where, http.secrets);
  }

  return {
    async zones(signal) {
      const where = 'IONOS zones';
      const body = await call('GET', `${endpoint}/zones`, undefined, where, signal);
      if (!Array.isArray(body)) throw new DdnsError('EBADRESPONSE', `${where}: the answer is not a list of zones`);
      const out: IonosZone[] = [];
      for (const z of body as Array<Record<string, unknown>>) {
        if (z && typeof z === 'object' && typeof z.id === 'string' && typeof z.name === 'string') out.push({ id: z.id, name: z.name, type: typeof z.type === 'string' ? z.type : '' });
      }
      return out;
    },
    async records(zoneId, name, type, signal) {
      const where = `IONOS ${name} ${type}`;
      const url = new URL(`${endpoint}/zones/${seg(zoneId)}`);
      url.searchParams.set('recordName', name);
      url.searchParams.set('recordType', type);
      const body = await call('GET', url, undefined, where, signal, zoneId);
      const records = readRecords(body);
      if (!records) throw new DdnsError('EBADRESPONSE', `${where}: the answer is not an IONOS zone with its records`);
      return records.filter((r) => sameName(r.name, name) && r.type.toUpperCase() === type);
    },
    async update(zoneId, recordId, update, signal) {
      const where = `IONOS update ${recordId}`;
      const body = await call('PUT', `${endpoint}/zones/${seg(zoneId)}/records/${seg(recordId)}`, update, where, signal);
      // the answer (since 1.0.1) is the record as now held: one that holds another address was not written
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const content = (body as { content?: unknown }).content;
        if (typeof content === 'string' && !sameAddress(content, update.content)) {
          throw new DdnsError('EBADRESPONSE', `${where}: IONOS answered 200 but holds ${content.slice(0, 45)}, not ${update.content}`);
        }
      }
    },
    async create(zoneId, record, signal) {
      const where = `IONOS create ${record.type} ${record.name}`;
      const body = await call('POST', `${endpoint}/zones/${seg(zoneId)}/records`, [record], where, signal, zoneId);
      if (!Array.isArray(body)) return undefined;
      const made = (body as Array<Record<string, unknown>>).find((r) => r && typeof r === 'object' && typeof r.name === 'string' && sameName(r.name, record.name) && r.type === record.type);
      return made && typeof made.id === 'string' ? made.id : undefined;
    },
  };
}
