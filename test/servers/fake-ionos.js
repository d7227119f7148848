'use strict';
// An IONOS DNS API stand-in on loopback, after the published OpenAPI spec "DNS API" 1.0.2
// (developer.hosting.ionos.com/docs/dns, assets/kms-swagger-specs/dns.yaml; server
// https://api.hosting.ionos.com/dns):
//   GET  /dns/v1/zones                                -> 200 [{name, id, type}]
//   GET  /dns/v1/zones/{zoneId}?recordName=&recordType= -> 200 {id, name, type, records: [record-response]}
//   PUT  /dns/v1/zones/{zoneId}/records/{recordId}    record-update {disabled, content, ttl, prio} -> 200 record-response
//   POST /dns/v1/zones/{zoneId}/records               [record] (an array) -> 201 [record-response]
// Every call needs `X-API-Key: prefix.secret` (securitySchemes ApiKeyAuth); errors are arrays
// of {code, message}, as the spec's examples: 401 UNAUTHORIZED "The customer is not authorized
// to do this operation.", 404 RECORD_NOT_FOUND "Record does not exist.", 400 INVALID_RECORD
// "Record is invalid." and INVALID_DATA "The request body is invalid or not supported by the
// endpoint.", 403 FORBIDDEN_REQUEST "Request not allowed.", 429 "Rate limit excedeed." (no body).
// The spec lists no 404 for GET /zones/{zoneId}; an unknown zone id answers 404 ZONE_NOT_FOUND
// here, the shape of the spec's other not-found answers.
const crypto = require('node:crypto');
const net = require('node:net');
const { listenHttp } = require('./listen');

const API = '/dns/v1';

function canonical(type, value) {
  if (typeof value !== 'string') return undefined;
  if (type === 'A') return net.isIPv4(value) ? value.split('.').map(Number).join('.') : undefined;
  if (type === 'AAAA') return net.isIPv6(value) ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : undefined;
  return value;
}

const err = (code, message) => [{ code, ...(message ? { message } : {}) }];

async function start(options = {}) {
  const apiKey = options.apiKey ?? `${'0123456789abcdef'.repeat(2)}.${'S3cr3t_Key-'.repeat(8)}`;
  /** zone name -> { id, name, type } */
  const zones = new Map();
  for (const name of options.zones ?? ['example.com']) zones.set(name, { id: crypto.randomUUID(), name, type: 'NATIVE' });
  /** record id -> record-response */
  const records = new Map();
  const requests = [];
  const queued = [];
  // true: recordName/recordType are ignored and the whole zone comes back, so the client's own filter is tested
  let looseFilter = options.looseFilter === true;

  const zoneById = (id) => [...zones.values()].find((z) => z.id === id);
  const recordJson = (r) => ({ ...r });

  function makeRecord(zone, { name, type, content, ttl = 3600, prio = 0, disabled = false }) {
    const r = { id: crypto.randomUUID(), name, rootName: zone.name, type, content, changeDate: new Date().toISOString(), ttl, prio, disabled };
    records.set(r.id, r);
    return r;
  }

  /** the spec's record fields, checked as IONOS would refuse them: INVALID_RECORD */
  function invalidRecord(zone, r, partial) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) return 'INVALID_DATA';
    if (!partial) {
      if (typeof r.name !== 'string' || (r.name !== zone.name && !r.name.endsWith(`.${zone.name}`))) return 'INVALID_RECORD';
      if (!['A', 'AAAA', 'CNAME', 'TXT', 'MX'].includes(r.type)) return 'INVALID_RECORD';
    }
    if (r.ttl !== undefined && !Number.isInteger(r.ttl)) return 'INVALID_RECORD';
    if (r.prio !== undefined && !Number.isInteger(r.prio)) return 'INVALID_RECORD';
    if (r.disabled !== undefined && typeof r.disabled !== 'boolean') return 'INVALID_RECORD';
    return undefined;
  }

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const request = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, text };
      requests.push(request);
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
      };
      const next = queued.shift();
      if (next) return send(next.status ?? 200, next.body, next.headers);

      if (req.headers['x-api-key'] !== apiKey) return send(401, err('UNAUTHORIZED', 'The customer is not authorized to do this operation.'));

      let body;
      if (req.method === 'POST' || req.method === 'PUT') {
        try {
          body = JSON.parse(text);
        } catch {
          return send(400, err('INVALID_DATA', 'The request body is invalid or not supported by the endpoint.'));
        }
        request.body = body;
      }

      if (url.pathname === `${API}/zones`) {
        if (req.method !== 'GET') return send(405, err('METHOD_NOT_ALLOWED'));
        return send(200, [...zones.values()].map((z) => ({ name: z.name, id: z.id, type: z.type })));
      }
      const m = /^\/dns\/v1\/zones\/([^/]+)(?:\/records(?:\/([^/]+))?)?$/.exec(url.pathname);
      if (!m) return send(404, err('NOT_FOUND', 'Resource not found.'));
      const zone = zoneById(decodeURIComponent(m[1]));
      if (!zone) return send(404, err('ZONE_NOT_FOUND', 'Zone not found.'));
      const inZone = [...records.values()].filter((r) => r.rootName === zone.name);

      if (!url.pathname.includes('/records')) {
        if (req.method !== 'GET') return send(405, err('METHOD_NOT_ALLOWED'));
        const name = url.searchParams.get('recordName');
        const types = url.searchParams.get('recordType')?.split(',');
        const shown = looseFilter ? inZone : inZone.filter((r) => (!name || r.name === name) && (!types || types.includes(r.type)));
        return send(200, { id: zone.id, name: zone.name, type: zone.type, records: shown.map(recordJson) });
      }

      if (m[2] === undefined) {
        if (req.method !== 'POST') return send(405, err('METHOD_NOT_ALLOWED'));
        // createRecords takes an array of records
        if (!Array.isArray(body) || body.length === 0) return send(400, err('INVALID_DATA', 'The request body is invalid or not supported by the endpoint.'));
        for (const r of body) {
          const bad = invalidRecord(zone, r, false);
          if (bad) return send(400, err(bad, bad === 'INVALID_DATA' ? 'The request body is invalid or not supported by the endpoint.' : 'Record is invalid.'));
          if ((r.type === 'A' || r.type === 'AAAA') && canonical(r.type, r.content) === undefined) return send(400, err('INVALID_RECORD', 'Record is invalid.'));
        }
        const made = body.map((r) => makeRecord(zone, { ...r, content: canonical(r.type, r.content) }));
        return send(201, made.map(recordJson));
      }

      const record = records.get(decodeURIComponent(m[2]));
      if (!record || record.rootName !== zone.name) return send(404, err('RECORD_NOT_FOUND', 'Record does not exist.'));
      if (req.method === 'GET') return send(200, recordJson(record));
      if (req.method !== 'PUT') return send(405, err('METHOD_NOT_ALLOWED'));
      const bad = invalidRecord(zone, body, true);
      if (bad) return send(400, err(bad, 'Record is invalid.'));
      if (body.content !== undefined) {
        const content = canonical(record.type, body.content);
        if (content === undefined) return send(400, err('INVALID_RECORD', 'Record is invalid.'));
        record.content = content;
      }
      for (const field of ['ttl', 'prio', 'disabled']) if (body[field] !== undefined) record[field] = body[field];
      record.changeDate = new Date().toISOString();
      return send(200, recordJson(record));
    });
  });

  return {
    url: `${server.origin}${API}`,
    apiKey,
    zones,
    records,
    requests,
    zoneId: (name) => zones.get(name)?.id,
    /** puts a record in place, as if made in the IONOS control panel; returns it */
    seed(zoneName, fields) {
      return makeRecord(zones.get(zoneName), fields);
    },
    /** the records of a full name and type */
    find: (name, type) => [...records.values()].filter((r) => r.name === name && r.type === type),
    /** the enabled values of a full name and type, sorted */
    values: (name, type) => [...records.values()].filter((r) => r.name === name && r.type === type && !r.disabled).map((r) => r.content).sort(),
    /** drops a zone and adds it again under a new id, as removing and re-adding it in the panel does */
    renewZone(name) {
      const zone = zones.get(name);
      zone.id = crypto.randomUUID();
    },
    setLooseFilter(on) {
      looseFilter = on;
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    /** the next `count` requests are throttled: 429 with Retry-After and no body, as the spec's dyndns 429 */
    throttle(seconds, count = 1) {
      for (let i = 0; i < count; i++) queued.push({ status: 429, headers: { 'retry-after': String(seconds) } });
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => r.method === 'POST' || r.method === 'PUT').length,
    reset() {
      records.clear();
      requests.length = 0;
      queued.length = 0;
      looseFilter = options.looseFilter === true;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
