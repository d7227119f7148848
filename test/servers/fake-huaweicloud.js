'use strict';
// A Huawei Cloud DNS stand-in on loopback: the DNS API v2 calls a DDNS updater
// makes (support.huaweicloud.com/api-dns: ListPublicZones GET /v2/zones,
// ListRecordSetsByZone GET /v2/zones/{zone_id}/recordsets, UpdateRecordSet PUT
// and CreateRecordSet POST, 202 with the record set) behind an API Gateway
// that checks AK/SK signatures for real: it recomputes SDK-HMAC-SHA256 with
// the secret key ("AK/SK Signing and Authentication Guide"; the algorithm of
// @huaweicloud/huaweicloud-sdk-core's AKSKSigner, which the SDK test sends
// here) and refuses a bad one as the gateway does: HTTP 401
// {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication
// information: ...", "request_id": ...}. Its throttling answer is 429 with
// APIGW.0308. The DNS service's own errors have the other shape,
// {"code": "DNS.xxxx", "message": ...}: DNS.0005 (403) for a key that may not
// touch the zone; DNS.0101 (zone missing) and DNS.0303 (bad TTL) are
// stand-in codes in that shape. Every answer carries X-Request-Id.
// The `name` filters match by "contains", as the docs say the default fuzzy
// search does, so a client must filter the exact name itself.
const crypto = require('node:crypto');
const { listenHttp } = require('./listen');

const MAX_SKEW_MS = 15 * 60_000;

function encode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The gateway's own reading of a request: the string it signs, from the raw request line and headers. */
function canonicalRequest(req, rawBody, signedHeaders) {
  const [rawPath, rawQuery = ''] = req.url.split('?');
  let uri = rawPath.split('/').map((s) => encode(decode(s))).join('/');
  if (!uri.endsWith('/')) uri += '/';
  const pairs = rawQuery === '' ? [] : rawQuery.split('&').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [encode(decode(p)), ''] : [encode(decode(p.slice(0, i))), encode(decode(p.slice(i + 1)))];
  });
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const headers = signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('');
  const payload = req.headers['x-sdk-content-sha256'] ?? sha256(rawBody);
  return [req.method, uri, query, headers, signedHeaders.join(';'), payload].join('\n');
}

async function start(options = {}) {
  const keys = { ...(options.keys ?? { HPUAEXAMPLEAK0000001: 'exampleSecretKey0000000000000000000000001' }) };
  /** access keys the DNS service refuses for the zones (IAM lacks DNS permissions): 403 DNS.0005 */
  const forbidden = new Set(options.forbidden ?? []);
  const zones = (options.zones ?? ['example.com']).map((name, i) => ({ id: `ff80808275f5fc0f0176${String(i).padStart(12, '0')}`, name: `${name}.` }));
  let records = [];
  let requests = [];
  const queued = [];
  let nextId = 1;

  function reply(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'x-request-id': crypto.randomBytes(16).toString('hex'), ...headers });
    res.end(text);
  }

  function refuseAuth(res, why) {
    reply(res, 401, { error_msg: `Incorrect IAM authentication information: ${why}`, error_code: 'APIGW.0301', request_id: crypto.randomBytes(16).toString('hex') });
  }

  /** the access key, or undefined after answering the refusal */
  function authenticate(req, res, rawBody) {
    const auth = req.headers.authorization ?? '';
    const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return refuseAuth(res, 'Authorization header is missing or malformed');
    const [, ak, signedList, signature] = m;
    const signedHeaders = signedList.split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-sdk-date')) return refuseAuth(res, 'host and x-sdk-date must be signed');
    const date = req.headers['x-sdk-date'] ?? '';
    const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!d) return refuseAuth(res, 'x-sdk-date is not in the format YYYYMMDDTHHMMSSZ');
    const at = Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]);
    if (Math.abs(Date.now() - at) > MAX_SKEW_MS) return refuseAuth(res, 'request time expired');
    const sk = keys[ak];
    if (sk === undefined) return refuseAuth(res, 'ak ' + ak + ' not exist');
    const stringToSign = ['SDK-HMAC-SHA256', date, sha256(canonicalRequest(req, rawBody, signedHeaders))].join('\n');
    const expected = crypto.createHmac('sha256', sk).update(stringToSign).digest('hex');
    if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return refuseAuth(res, 'verify aksk signature fail');
    return ak;
  }

  const view = (r) => ({ id: r.id, name: r.name, description: r.description ?? null, type: r.type, ttl: r.ttl, records: [...r.records], status: r.status, zone_id: r.zone_id, zone_name: r.zone_name, default: false, links: { self: `/v2/zones/${r.zone_id}/recordsets/${r.id}` } });

  function checkBody(res, body, partial) {
    if (!body || typeof body !== 'object') return reply(res, 400, { code: 'DNS.0303', message: 'The request body is invalid.' });
    if (body.ttl !== undefined && (!Number.isInteger(body.ttl) || body.ttl < 1 || body.ttl > 2147483647)) return reply(res, 400, { code: 'DNS.0303', message: 'The TTL value is invalid.' });
    if (!partial && (typeof body.name !== 'string' || typeof body.type !== 'string' || !Array.isArray(body.records) || body.records.length === 0)) {
      return reply(res, 400, { code: 'DNS.0303', message: 'name, type and records are required.' });
    }
    return true;
  }

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://x');
      const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: rawBody };
      requests.push(entry);
      const ak = authenticate(req, res, rawBody);
      if (!ak) return;
      entry.ak = ak;
      const next = queued[0];
      if (next) {
        if (--next.count <= 0) queued.shift();
        return reply(res, next.status, next.body ?? '', next.headers ?? {});
      }
      let body;
      if (rawBody !== '') {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return reply(res, 400, { code: 'DNS.0303', message: 'The request body is not JSON.' });
        }
      }
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] !== 'v2' || parts[1] !== 'zones') return reply(res, 404, { error_msg: 'The API does not exist or has not been published in the environment', error_code: 'APIGW.0101', request_id: crypto.randomBytes(16).toString('hex') });
      if (forbidden.has(ak)) return reply(res, 403, { code: 'DNS.0005', message: 'You do not have the permission to perform this operation.' });
      const q = url.searchParams;
      if (parts.length === 2 && req.method === 'GET') {
        const name = (q.get('name') ?? '').toLowerCase();
        const found = zones.filter((z) => z.name.includes(name) && (q.get('type') ?? 'public') === 'public');
        return reply(res, 200, { links: { self: req.url }, zones: found.map((z) => ({ id: z.id, name: z.name, zone_type: 'public', status: 'ACTIVE', ttl: 300, record_num: records.filter((r) => r.zone_id === z.id).length })), metadata: { total_count: found.length } });
      }
      const zone = zones.find((z) => z.id === parts[2]);
      if (!zone || parts[3] !== 'recordsets') return reply(res, 404, { code: 'DNS.0101', message: 'The zone does not exist.' });
      if (parts.length === 4 && req.method === 'GET') {
        const name = (q.get('name') ?? '').toLowerCase();
        const type = q.get('type');
        const found = records.filter((r) => r.zone_id === zone.id && r.name.includes(name) && (!type || r.type === type));
        return reply(res, 200, { links: { self: req.url }, recordsets: found.map(view), metadata: { total_count: found.length } });
      }
      if (parts.length === 4 && req.method === 'POST') {
        if (checkBody(res, body, false) !== true) return;
        const name = body.name.toLowerCase().endsWith('.') ? body.name.toLowerCase() : `${body.name.toLowerCase()}.`;
        if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return reply(res, 400, { code: 'DNS.0303', message: 'The record set name is not in the zone.' });
        if (records.some((r) => r.zone_id === zone.id && r.name === name && r.type === body.type)) return reply(res, 400, { code: 'DNS.0312', message: 'The record set already exists.' });
        const record = { id: `ff8080827${String(nextId++).padStart(23, '0')}`, zone_id: zone.id, zone_name: zone.name, name, type: body.type, records: [...body.records], ttl: body.ttl ?? 300, description: body.description, status: 'PENDING_CREATE' };
        records.push(record);
        return reply(res, 202, view(record));
      }
      if (parts.length === 5 && req.method === 'PUT') {
        const record = records.find((r) => r.zone_id === zone.id && r.id === parts[4]);
        if (!record) return reply(res, 404, { code: 'DNS.0313', message: 'The record set does not exist.' });
        if (checkBody(res, body, true) !== true) return;
        if (Array.isArray(body.records)) record.records = [...body.records];
        if (body.ttl !== undefined) record.ttl = body.ttl;
        if (body.description !== undefined) record.description = body.description;
        record.status = 'PENDING_UPDATE';
        record.updates = (record.updates ?? 0) + 1;
        record.lastBody = body;
        return reply(res, 202, view(record));
      }
      return reply(res, 404, { error_msg: 'The API does not exist or has not been published in the environment', error_code: 'APIGW.0101', request_id: crypto.randomBytes(16).toString('hex') });
    });
  });

  return {
    url: server.origin,
    keys,
    zones,
    requests: () => requests,
    /** records as the service holds them (names with the trailing dot) */
    records: () => records,
    /** a record set put in place as if from the console */
    seed(record) {
      const zone = zones.find((z) => `${record.name}.`.endsWith(z.name) || record.name.endsWith(z.name)) ?? zones[0];
      const name = record.name.endsWith('.') ? record.name : `${record.name}.`;
      const full = { id: `ff8080827${String(nextId++).padStart(23, '0')}`, zone_id: zone.id, zone_name: zone.name, status: 'ACTIVE', ttl: 300, ...record, name };
      records.push(full);
      return full;
    },
    /** values held for a full name (no dot) and type, sorted */
    values: (name, type) => records.filter((r) => r.name === `${name}.` && r.type === type).flatMap((r) => r.records).sort(),
    /** the next `count` authenticated requests get this answer */
    inject(answer) {
      queued.push({ count: 1, status: 200, ...answer });
    },
    /** requests of one kind: zones, list, create, update */
    count(kind) {
      const is = {
        zones: (r) => r.method === 'GET' && r.path === '/v2/zones',
        list: (r) => r.method === 'GET' && r.path.endsWith('/recordsets'),
        create: (r) => r.method === 'POST',
        update: (r) => r.method === 'PUT',
      }[kind];
      return requests.filter((r) => r.ak && is(r)).length;
    },
    reset() {
      requests = [];
      queued.length = 0;
    },
    clearRecords() {
      records = [];
    },
    close: () => server.close(),
  };
}

module.exports = { start, canonicalRequest };
