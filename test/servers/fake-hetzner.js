'use strict';
// A Hetzner Cloud API stand-in on loopback, the DNS part, after the documented API:
//   https://docs.hetzner.cloud/reference/cloud#zones (Get a Zone, List Zones ?name=, id or name in the path)
//   https://docs.hetzner.cloud/reference/cloud#zone-rrsets (Get an RRSet, Create an RRSet)
//   https://docs.hetzner.cloud/reference/cloud#zone-rrset-actions (set_records, change_ttl)
// with the paths and bodies as Hetzner's own client sends them (hetznercloud/hcloud-python,
// hcloud/zones/client.py and domain.py: an RRSet is {id "name/type", name, type, ttl (null = the
// zone's default), labels, protection, records [{value, comment}], zone}; create answers
// {rrset, action}, the actions answer {action}). There is no official Node SDK to check it with.
// Errors have the Cloud API's one shape, {"error": {"code", "message", "details"}}, with the codes
// of hetznercloud/hcloud-go hcloud/error.go: 401 unauthorized, 403 forbidden / token_readonly,
// 404 not_found, 400 invalid_input (details.fields [{name, messages}]) and json_error, 409
// uniqueness_error, 422 incorrect_zone_mode (a secondary zone), 429 rate_limit_exceeded with
// RateLimit-Limit / -Remaining / -Reset (Unix seconds; hcloud/client_handler_rate_limit.go).
// The error messages are the stand-in's own words; the codes and shapes are Hetzner's.
const net = require('node:net');
const { listenHttp } = require('./listen');

const API = '/v1';
const MIN_TTL = 60;
const MAX_TTL = 2147483647;

function canonical(type, value) {
  if (typeof value !== 'string') return undefined;
  if (type === 'A') return net.isIPv4(value) ? value.split('.').map(Number).join('.') : undefined;
  if (type === 'AAAA') return net.isIPv6(value) ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : undefined;
  return value;
}

const errorBody = (code, message, details = {}) => ({ error: { code, message, details } });
const invalid = (fields) => errorBody('invalid_input', 'invalid input in fields ' + fields.map((f) => `'${f.name}'`).join(', '), { fields });

async function start(options = {}) {
  const token = options.token ?? 'hcTok3nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789aBcDeFgHiJkLmNoPqRs';
  /** a token of the same project that may only read ("token_readonly") */
  const readonlyToken = options.readonlyToken;
  let nextId = 1000;
  /** zone name -> { id, name, mode, ttl } */
  const zones = new Map();
  for (const [name, z] of Object.entries(options.zones ?? { 'example.com': {} })) zones.set(name, { id: z.id ?? nextId++, name, mode: z.mode ?? 'primary', ttl: z.ttl ?? 3600 });
  /** `${zone} ${name} ${type}` -> { zone, name, type, ttl, records: [{value, comment}] } */
  const rrsets = new Map();
  const requests = [];
  /** the next answers, queued by a test: {status, headers, body (object or text)} */
  const queued = [];
  let actionId = 1;
  const key = (zone, name, type) => `${zone} ${name} ${type}`;

  const zoneJson = (z) => ({ id: z.id, name: z.name, created: '2026-01-01T00:00:00Z', mode: z.mode, ttl: z.ttl, labels: {}, protection: { delete: false }, status: 'ok', record_count: 0, registrar: 'other', primary_nameservers: [], authoritative_nameservers: { assigned: ['hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.', 'helium.ns.hetzner.de.'], delegated: [], delegation_last_check: null, delegation_status: 'unknown' } });
  const rrsetJson = (r) => ({ id: `${r.name}/${r.type}`, name: r.name, type: r.type, ttl: r.ttl, labels: {}, protection: { change: false }, records: r.records.map((x) => ({ ...x })), zone: zones.get(r.zone).id });
  const action = (command, z) => ({ id: actionId++, command, status: options.actionStatus ?? 'running', progress: 0, started: new Date().toISOString(), finished: null, resources: [{ id: z.id, type: 'zone' }], error: null });

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const request = { method: req.method, path: url.pathname, query: url.search, headers: req.headers, text };
      requests.push(request);
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-correlation-id': `c0ffee${String(requests.length).padStart(4, '0')}`, ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const next = queued.shift();
      if (next) return send(next.status ?? 200, next.body ?? '', next.headers);

      const auth = req.headers.authorization ?? '';
      const readonly = readonlyToken !== undefined && auth === `Bearer ${readonlyToken}`;
      if (auth !== `Bearer ${token}` && !readonly) return send(401, errorBody('unauthorized', 'unable to authenticate'));
      if (!url.pathname.startsWith(`${API}/zones`)) return send(404, errorBody('not_found', 'not found'));
      if (readonly && req.method !== 'GET') return send(403, errorBody('token_readonly', 'The token is only allowed to perform GET requests'));

      if (url.pathname === `${API}/zones`) {
        if (req.method !== 'GET') return send(405, errorBody('method_not_allowed', 'method not allowed'));
        const name = url.searchParams.get('name');
        const list = [...zones.values()].filter((z) => name === null || z.name === name).map(zoneJson);
        return send(200, { zones: list, meta: { pagination: { page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: list.length } } });
      }
      const m = /^\/v1\/zones\/([^/]+)(?:\/rrsets(?:\/([^/]+)\/([^/]+)(?:\/actions\/([a-z_]+))?)?)?$/.exec(url.pathname);
      if (!m) return send(404, errorBody('not_found', 'not found'));
      // "ID or Name of the Zone"
      const idOrName = decodeURIComponent(m[1]);
      const zone = /^\d+$/.test(idOrName) ? [...zones.values()].find((z) => String(z.id) === idOrName) : zones.get(idOrName);
      if (!zone) return send(404, errorBody('not_found', 'zone not found'));
      if (!url.pathname.includes('/rrsets')) {
        if (req.method !== 'GET') return send(405, errorBody('method_not_allowed', 'method not allowed'));
        return send(200, { zone: zoneJson(zone) });
      }

      let body;
      if (req.method === 'POST') {
        try {
          body = JSON.parse(text);
        } catch {
          return send(400, errorBody('json_error', 'invalid JSON in request body'));
        }
        if (!body || typeof body !== 'object' || Array.isArray(body)) return send(400, errorBody('json_error', 'request body must be a JSON object'));
        request.body = body;
      }
      const checkRecords = (type, records, fields) => {
        if (!Array.isArray(records) || records.length === 0) return fields.push({ name: 'records', messages: ['must contain at least one record'] }), undefined;
        const out = [];
        for (const r of records) {
          const value = r && typeof r === 'object' ? canonical(type, r.value) : undefined;
          if (value === undefined) return fields.push({ name: 'records', messages: [`invalid ${type} record value`] }), undefined;
          if (r.comment !== undefined && typeof r.comment !== 'string') return fields.push({ name: 'records', messages: ['comment must be a string'] }), undefined;
          out.push({ value, comment: r.comment ?? '' });
        }
        return out;
      };
      const checkTtl = (ttl, fields) => {
        if (ttl === null) return;
        if (!Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) fields.push({ name: 'ttl', messages: [`must be in between ${MIN_TTL}s and ${MAX_TTL}s`] });
      };

      if (m[2] === undefined) {
        // the collection: POST creates an RRSet
        if (req.method === 'GET') return send(200, { rrsets: [...rrsets.values()].filter((r) => r.zone === zone.name).map(rrsetJson), meta: { pagination: { page: 1, per_page: 25, last_page: 1, total_entries: 0 } } });
        if (req.method !== 'POST') return send(405, errorBody('method_not_allowed', 'method not allowed'));
        if (zone.mode !== 'primary') return send(422, errorBody('incorrect_zone_mode', "This operation is not supported for this Zone's mode."));
        const fields = [];
        if (typeof body.name !== 'string' || !/^(@|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*|\*)$/.test(body.name)) fields.push({ name: 'name', messages: ['invalid name'] });
        if (body.type !== 'A' && body.type !== 'AAAA') fields.push({ name: 'type', messages: ['invalid type'] });
        if (body.ttl !== undefined) checkTtl(body.ttl, fields);
        const records = checkRecords(body.type, body.records, fields);
        if (fields.length > 0) return send(400, invalid(fields));
        if (rrsets.has(key(zone.name, body.name, body.type))) return send(409, errorBody('uniqueness_error', 'RRSet with same name and type already exists', { fields: [{ name: 'name', messages: ['already exists'] }] }));
        const r = { zone: zone.name, name: body.name, type: body.type, ttl: body.ttl ?? null, records };
        rrsets.set(key(zone.name, r.name, r.type), r);
        return send(201, { rrset: rrsetJson(r), action: action('create_rrset', zone) });
      }

      const name = decodeURIComponent(m[2]);
      const type = m[3];
      const r = rrsets.get(key(zone.name, name, type));
      if (!r) return send(404, errorBody('not_found', 'rrset not found'));
      if (m[4] === undefined) {
        if (req.method === 'GET') return send(200, { rrset: rrsetJson(r) });
        return send(405, errorBody('method_not_allowed', 'method not allowed'));
      }
      if (req.method !== 'POST') return send(405, errorBody('method_not_allowed', 'method not allowed'));
      if (zone.mode !== 'primary') return send(422, errorBody('incorrect_zone_mode', "This operation is not supported for this Zone's mode."));
      const fields = [];
      if (m[4] === 'set_records') {
        const records = checkRecords(type, body.records, fields);
        if (fields.length > 0) return send(400, invalid(fields));
        r.records = records;
        return send(201, { action: action('set_rrset_records', zone) });
      }
      if (m[4] === 'change_ttl') {
        if (body.ttl === undefined) fields.push({ name: 'ttl', messages: ['is required'] });
        else checkTtl(body.ttl, fields);
        if (fields.length > 0) return send(400, invalid(fields));
        r.ttl = body.ttl;
        return send(201, { action: action('change_rrset_ttl', zone) });
      }
      return send(404, errorBody('not_found', 'action not found'));
    });
  });

  return {
    url: `${server.origin}${API}`,
    token,
    zones,
    rrsets,
    requests,
    /** the RRSet `name` (`@` for the apex) of `zone`, or undefined */
    rrset: (zone, name, type) => rrsets.get(key(zone, name, type)),
    /** puts an RRSet in place, as if made in the Hetzner Console; records are values or {value, comment} */
    seed(zone, name, type, records, ttl = null) {
      rrsets.set(key(zone, name, type), { zone, name, type, ttl, records: records.map((x) => (typeof x === 'string' ? { value: x, comment: '' } : { comment: '', ...x })) });
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    /** the next `count` requests are throttled: 429 rate_limit_exceeded, the limit refilled `seconds` from now */
    throttle(seconds, count = 1) {
      for (let i = 0; i < count; i++) {
        queued.push({ status: 429, headers: { 'ratelimit-limit': '3600', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds) }, body: errorBody('rate_limit_exceeded', 'limit of 3600 requests per hour reached') });
      }
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => r.method === 'POST').length,
    reset() {
      rrsets.clear();
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
