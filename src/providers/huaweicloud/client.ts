/**
 * Huawei Cloud DNS API v2 (support.huaweicloud.com/api-dns), the calls a
 * DDNS updater needs, each one signed request (sign.ts):
 * - ListPublicZones      GET  /v2/zones?type=public&name=example.com.
 * - ListRecordSetsByZone GET  /v2/zones/{zone_id}/recordsets?name=home.example.com.&type=A
 * - UpdateRecordSet      PUT  /v2/zones/{zone_id}/recordsets/{recordset_id}
 * - CreateRecordSet      POST /v2/zones/{zone_id}/recordsets
 * The `name` filters of both lists match by "contains" (the docs: fuzzy
 * search by default), so the answers are filtered here on the exact name,
 * with its trailing dot, and (for record sets) the exact type.
 *
 * Errors come in two shapes: the API Gateway's `{"error_code": "APIGW.0301",
 * "error_msg": ...}` (signature, throttling) and the DNS service's
 * `{"code": "DNS.0005", "message": ...}`; both are read, the code kept as
 * providerCode and `X-Request-Id` as requestId. APIGW.0308 (the gateway's
 * throttling) is ETHROTTLED whatever its status.
 */
import { DdnsError } from '../../core/errors';
import type { HttpResponse } from '../../core/http';
import { serverExcerpt } from '../../core/redact';
import { readJson, statusFailure, type ApiHttp, type ApiRequest } from '../http-api';
import { sign } from './sign';

export const THROTTLED_CODE = 'APIGW.0308';

/** A record set as ListRecordSetsByZone returns it (the fields this package reads or keeps). */
export interface Recordset {
  id: string;
  name: string;
  type: string;
  records: string[];
  ttl?: number;
  description?: string;
}

export interface RecordsetBody {
  name: string;
  type: string;
  records: string[];
  ttl?: number;
  description?: string;
}

export interface HuaweiClient {
  /** the public zone's id; undefined when the account has no public zone of that exact name */
  zoneId(zone: string, signal: AbortSignal): Promise<string | undefined>;
  /** the record sets of exactly this name (full, no trailing dot) and type */
  recordsets(zoneId: string, name: string, type: string, signal: AbortSignal): Promise<Recordset[]>;
  update(zoneId: string, recordsetId: string, body: RecordsetBody, signal: AbortSignal): Promise<Recordset>;
  create(zoneId: string, body: RecordsetBody, signal: AbortSignal): Promise<Recordset>;
}

export interface ClientOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  http: ApiHttp;
  now?: () => number;
}

export function createHuaweiClient(options: ClientOptions): HuaweiClient {
  const now = options.now ?? (() => Date.now());

  async function call(method: ApiRequest['method'] & string, path: string, query: Record<string, string>, body: unknown, where: string, signal: AbortSignal): Promise<unknown> {
    const url = new URL(`${options.endpoint}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = sign({
      method,
      url,
      headers: text === undefined ? {} : { 'content-type': 'application/json' },
      ...(text !== undefined ? { body: text } : {}),
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      at: new Date(now()),
    });
    const res = await options.http.send({ method, url, headers: signed.headers, ...(text !== undefined ? { body: text } : {}) }, signal);
    const failed = huaweiFailure(res, where, options.http.secrets);
    if (failed) throw failed;
    const json = readJson(res, where, options.http.secrets);
    if (json === null || typeof json !== 'object') throw new DdnsError('EBADRESPONSE', `${where}: the answer is not a JSON object`, { statusCode: res.status, ...requestIdOf(res) });
    return json;
  }

  return {
    async zoneId(zone, signal) {
      const where = `Huawei Cloud DNS zone ${zone}`;
      const json = (await call('GET', '/v2/zones', { type: 'public', name: `${zone}.` }, undefined, where, signal)) as { zones?: unknown };
      if (!Array.isArray(json.zones)) throw new DdnsError('EBADRESPONSE', `${where}: the answer has no zones list`);
      const exact = json.zones.filter((z): z is { id: string; name: string } => isObject(z) && typeof z.id === 'string' && typeof z.name === 'string' && sameName(z.name, zone));
      return exact[0]?.id;
    },

    async recordsets(zoneId, name, type, signal) {
      const where = `Huawei Cloud DNS ${name} ${type}`;
      const json = (await call('GET', `/v2/zones/${encodeURIComponent(zoneId)}/recordsets`, { name: `${name}.`, type }, undefined, where, signal)) as { recordsets?: unknown };
      if (!Array.isArray(json.recordsets)) throw new DdnsError('EBADRESPONSE', `${where}: the answer has no recordsets list`);
      return json.recordsets.map((r) => readRecordset(r, where)).filter((r) => sameName(r.name, name) && r.type.toUpperCase() === type);
    },

    async update(zoneId, recordsetId, body, signal) {
      const where = `Huawei Cloud DNS ${body.name} ${body.type}`;
      const json = await call('PUT', `/v2/zones/${encodeURIComponent(zoneId)}/recordsets/${encodeURIComponent(recordsetId)}`, {}, body, where, signal);
      return readRecordset(json, where);
    },

    async create(zoneId, body, signal) {
      const where = `Huawei Cloud DNS ${body.name} ${body.type}`;
      const json = await call('POST', `/v2/zones/${encodeURIComponent(zoneId)}/recordsets`, {}, body, where, signal);
      return readRecordset(json, where);
    },
  };
}

/**
 * The failure a non-2xx answer says, in Huawei's words: the gateway's
 * error_code/error_msg or the service's code/message, and the request id.
 */
export function huaweiFailure(res: HttpResponse, where: string, secrets: readonly string[]): DdnsError | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  let said: { code?: string; message?: string; requestId?: string } = {};
  try {
    const json = readJson(res, where, secrets);
    if (isObject(json)) {
      const code = json.error_code ?? json.code;
      const message = json.error_msg ?? json.message;
      said = {
        ...(typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? { code } : {}),
        ...(typeof message === 'string' ? { message } : {}),
        ...(typeof json.request_id === 'string' ? { requestId: json.request_id } : {}),
      };
    }
  } catch {
    // not JSON (a proxy's page): the status and an excerpt say it
  }
  const detail = said.message !== undefined ? serverExcerpt(`${said.code ? `${said.code} ` : ''}${said.message}`, secrets) : serverExcerpt(res.body, secrets);
  const base = statusFailure(res, where, detail, said.code ? { providerCode: said.code } : {})!;
  const requestId = requestIdOf(res).requestId ?? (said.requestId ? shortId(said.requestId) : undefined);
  const throttled = said.code === THROTTLED_CODE;
  return new DdnsError(throttled ? 'ETHROTTLED' : base.code, throttled && base.code !== 'ETHROTTLED' ? `${where}: the provider asks to slow down (HTTP ${res.status}): ${detail}` : base.message, {
    retryable: throttled || base.retryable,
    ...(base.providerCode !== undefined ? { providerCode: base.providerCode } : {}),
    ...(base.statusCode !== undefined ? { statusCode: base.statusCode } : {}),
    ...(base.retryAfterMs !== undefined ? { retryAfterMs: base.retryAfterMs } : {}),
    ...(requestId ? { requestId } : {}),
  });
}

function requestIdOf(res: HttpResponse): { requestId?: string } {
  const raw = res.headers['x-request-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value ? { requestId: shortId(value) } : {};
}

/** a request id is a hex or uuid string; anything else is cut so a server cannot fill the logs through it */
function shortId(id: string): string {
  return id.replace(/[^\w.-]/g, '').slice(0, 64);
}

function readRecordset(value: unknown, where: string): Recordset {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.name !== 'string' || typeof value.type !== 'string') {
    throw new DdnsError('EBADRESPONSE', `${where}: a record set in the answer has no id, name or type`);
  }
  const records = Array.isArray(value.records) ? value.records.filter((r): r is string => typeof r === 'string') : [];
  return {
    id: value.id,
    name: value.name,
    type: value.type,
    records,
    ...(typeof value.ttl === 'number' && Number.isInteger(value.ttl) ? { ttl: value.ttl } : {}),
    ...(typeof value.description === 'string' && value.description !== '' ? { description: value.description } : {}),
  };
}

/** `home.example.com.` from the API against `home.example.com` from the node */
function sameName(fromApi: string, name: string): boolean {
  return fromApi.toLowerCase().replace(/\.$/, '') === name.toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
