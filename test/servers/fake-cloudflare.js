'use strict';
// A Cloudflare API v4 stand-in on loopback for tests. It answers the calls a
// DDNS client makes (zones by name, DNS records by exact name and type,
// create, PATCH) in Cloudflare's shapes: the envelope {success, errors,
// messages, result}, V4 page arrays with result_info, 32-hex ids, and the error
// codes Cloudflare uses (9109 invalid token, 10000 zone not allowed, 7003
// unknown zone id, 81044 record gone, 81058 identical record, 1004 validation).
// test/unit/cloudflare-sdk.test.js drives it with the official `cloudflare`
// SDK, so its shapes are the ones that SDK reads. Tokens are API tokens sent
// as `Authorization: Bearer`; each may see some zones only. It records every
// request, counts them, and can be told to misbehave for the next N requests.
const { listenHttp } = require('./listen');
const crypto = require('node:crypto');
const net = require('node:net');

const ZONE_PAGE_MAX = 50;
const RECORD_PAGE_DEFAULT = 100;

class ApiError extends Error {
  constructor(status, errors, headers = {}) {
    super(errors.map((e) => e.message).join('; '));
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

const newId = () => crypto.randomBytes(16).toString('hex');
const isoNow = () => new Date().toISOString();

/**
 * options:
 *   tokens: { token: ['example.com', ...] | '*' }   zones each token may see and edit (default { 'test-token-...': '*' })
 *   readOnly: { token: true }                       the token sees its zones but may not edit (10000 on writes)
 *   zones: ['example.com', ...]                      zones in the account (default ['example.com'])
 */
async function start(options = {}) {
  const tokens = new Map(Object.entries(options.tokens || { 'cf-test-token-0123456789abcdef0123': '*' }));
  const readOnly = options.readOnly || {};
  const zones = new Map(); // id -> {id, name, status}
  const records = new Map(); // id -> record
  const requests = [];
  const faults = [];
  let onRequest;
  for (const name of options.zones || ['example.com']) addZone(name);

  function addZone(name, status = 'active') {
    const zone = { id: newId(), name: name.toLowerCase(), status };
    zones.set(zone.id, zone);
    return zone.id;
  }
  function zoneByName(name) {
    return [...zones.values()].find((z) => z.name === name.toLowerCase());
  }
  /** Deletes a zone and adds it again: same name, new id (a remembered id then answers 7003). */
  function readdZone(name) {
    const old = zoneByName(name);
    if (old) zones.delete(old.id);
    const id = addZone(name);
    for (const record of records.values()) if (old && record.zone_id === old.id) record.zone_id = id;
    return id;
  }
  function addRecord(zoneName, spec) {
    const zone = zoneByName(zoneName);
    if (!zone) throw new Error(`fake-cloudflare: no zone ${zoneName}`);
    const now = isoNow();
    const record = {
      id: newId(),
      zone_id: zone.id,
      zone_name: zone.name,
      name: spec.name.toLowerCase(),
      type: spec.type || 'A',
      content: spec.content,
      proxiable: true,
      proxied: spec.proxied === true,
      ttl: spec.ttl === undefined ? 1 : spec.ttl,
      settings: {},
      meta: {},
      comment: spec.comment === undefined ? null : spec.comment,
      tags: spec.tags || [],
      created_on: now,
      modified_on: now,
    };
    records.set(record.id, record);
    return record.id;
  }
  function list(name, type) {
    return [...records.values()].filter((r) => r.name === name.toLowerCase() && (type === undefined || r.type === type));
  }
  function deleteRecord(id) {
    return records.delete(id);
  }
  function clearRecords() {
    records.clear();
  }
  function reset() {
    requests.length = 0;
    faults.length = 0;
  }
  /** Requests of one kind: 'zones', 'list', 'create', 'patch' (or any, when omitted). */
  function count(kind) {
    return requests.filter((r) => kind === undefined || r.kind === kind).length;
  }

  /**
   * The next `count` requests (default 1; Infinity = until cleared) of `kind` (a kind or list of kinds, as for
   * count()) get this fault: 'hang' (never answer), 'reset' (drop the connection), 'html502' (a proxy's error
   * page), or {status, errors, headers} (a Cloudflare error envelope), or {status, body, headers} (raw). `errors`
   * may be a function of the request record (an answer that echoes the request).
   */
  function inject(fault) {
    const spec = typeof fault === 'string' ? { type: fault } : { ...fault };
    spec.remaining = spec.count === undefined ? 1 : spec.count;
    spec.kinds = spec.kind === undefined ? undefined : [].concat(spec.kind);
    faults.push(spec);
  }
  function takeFault(kind) {
    const fault = faults.find((f) => f.remaining > 0 && (!f.kinds || f.kinds.includes(kind)));
    if (!fault) return undefined;
    fault.remaining--;
    return fault;
  }

  // ----- auth ----------------------------------------------------------------------------------

  function tokenOf(req) {
    const header = req.headers.authorization;
    if (req.headers['x-auth-key'] || req.headers['x-auth-email']) {
      // a Global API Key: this stand-in knows none
      throw new ApiError(403, [{ code: 9103, message: 'Unknown X-Auth-Key or X-Auth-Email' }]);
    }
    if (!header) throw new ApiError(400, [{ code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' }]);
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m) {
      throw new ApiError(400, [{ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }]);
    }
    if (!tokens.has(m[1])) throw new ApiError(403, [{ code: 9109, message: 'Invalid access token' }]);
    return m[1];
  }
  function mayUse(token, zone) {
    const allowed = tokens.get(token);
    return allowed === '*' || (Array.isArray(allowed) && allowed.includes(zone.name));
  }
  function zoneFor(token, zoneId, path) {
    const zone = zones.get(zoneId);
    if (!zone) {
      throw new ApiError(400, [
        { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
        { code: 7000, message: 'No route for that URI' },
      ]);
    }
    if (!mayUse(token, zone)) throw new ApiError(403, [{ code: 10000, message: 'Authentication error' }]);
    return zone;
  }

  // ----- the API -------------------------------------------------------------------------------

  function page(items, query, defaultSize, maxSize) {
    const pageNo = query.get('page') === null ? 1 : Number(query.get('page'));
    const size = query.get('per_page') === null ? defaultSize : Number(query.get('per_page'));
    if (!Number.isInteger(pageNo) || pageNo < 1 || !Number.isInteger(size) || size < 1 || size > maxSize) {
      throw new ApiError(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: [{ code: 9999, message: 'Invalid page or per_page' }] }]);
    }
    const slice = items.slice((pageNo - 1) * size, pageNo * size);
    return {
      result: slice,
      result_info: { page: pageNo, per_page: size, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / size)) },
    };
  }

  function listZones(token, query) {
    const name = query.get('name');
    const found = [...zones.values()]
      .filter((z) => mayUse(token, z) && (name === null || z.name === name.toLowerCase()))
      .map((z) => ({ id: z.id, name: z.name, status: z.status, paused: false, type: 'full', name_servers: ['ns1.example.net', 'ns2.example.net'] }));
    return page(found, query, 20, ZONE_PAGE_MAX);
  }

  function listRecords(zone, query) {
    const type = query.get('type');
    // name.exact (and the older plain `name`) match the whole name, case-insensitively
    const exact = query.get('name.exact') ?? query.get('name');
    const contains = query.get('name.contains');
    const search = query.get('search');
    const found = [...records.values()].filter(
      (r) =>
        r.zone_id === zone.id &&
        (type === null || r.type === type) &&
        (exact === null || r.name === exact.toLowerCase()) &&
        (contains === null || r.name.includes(contains.toLowerCase())) &&
        (search === null || r.name.includes(search.toLowerCase()) || r.content.includes(search)),
    );
    return page(found, query, RECORD_PAGE_DEFAULT, 5_000_000);
  }

  function validate(zone, record) {
    const chain = [];
    if (!['A', 'AAAA', 'CNAME', 'TXT', 'MX'].includes(record.type)) chain.push({ code: 9000, message: 'DNS record type is invalid.' });
    if (record.type === 'A' && net.isIPv4(record.content) !== true) chain.push({ code: 9005, message: 'Content for A record must be a valid IPv4 address.' });
    if (record.type === 'AAAA' && net.isIPv6(record.content) !== true) chain.push({ code: 9006, message: 'Content for AAAA record must be a valid IPv6 address.' });
    if (typeof record.name !== 'string' || (record.name !== zone.name && !record.name.endsWith(`.${zone.name}`))) {
      chain.push({ code: 9007, message: 'DNS name is invalid.' });
    }
    const ttl = record.ttl;
    if (!(ttl === 1 || (Number.isInteger(ttl) && ttl >= 60 && ttl <= 86400))) chain.push({ code: 9021, message: 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.' });
    if (typeof record.proxied !== 'boolean') chain.push({ code: 9003, message: 'Invalid proxied value.' });
    if (chain.length > 0) throw new ApiError(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: chain }]);
    for (const other of records.values()) {
      if (other.id === record.id || other.zone_id !== zone.id || other.name !== record.name) continue;
      if (other.type === 'CNAME' && record.type !== 'CNAME') throw new ApiError(400, [{ code: 81054, message: 'A CNAME record with that host already exists.' }]);
      if (other.type === record.type && other.content === record.content) throw new ApiError(400, [{ code: 81058, message: 'An identical record already exists.' }]);
    }
  }

  function createRecord(zone, body) {
    if (!body || typeof body !== 'object') throw new ApiError(400, [{ code: 9207, message: 'Request body is invalid.' }]);
    const record = {
      id: newId(),
      zone_id: zone.id,
      zone_name: zone.name,
      name: typeof body.name === 'string' ? body.name.toLowerCase() : body.name,
      type: body.type,
      content: body.content,
      proxiable: true,
      proxied: body.proxied === undefined ? false : body.proxied,
      ttl: body.ttl === undefined ? 1 : body.ttl,
      settings: {},
      meta: {},
      comment: body.comment === undefined ? null : body.comment,
      tags: body.tags || [],
      created_on: isoNow(),
      modified_on: isoNow(),
    };
    validate(zone, record);
    records.set(record.id, record);
    return { result: record };
  }

  function patchRecord(zone, id, body) {
    const record = records.get(id);
    if (!record || record.zone_id !== zone.id) throw new ApiError(404, [{ code: 81044, message: 'Record does not exist.' }]);
    if (!body || typeof body !== 'object') throw new ApiError(400, [{ code: 9207, message: 'Request body is invalid.' }]);
    const next = { ...record };
    for (const key of ['name', 'type', 'content', 'proxied', 'ttl', 'comment', 'tags']) if (key in body) next[key] = body[key];
    if (typeof next.name === 'string') next.name = next.name.toLowerCase();
    validate(zone, next);
    next.modified_on = isoNow();
    records.set(id, next);
    return { result: next };
  }

  function route(req, url, body, entry) {
    const parts = entry.path.replace(/\/+$/, '').split('/').filter(Boolean);
    const token = tokenOf(req);
    entry.token = token;
    if (parts.length === 1 && parts[0] === 'zones' && req.method === 'GET') {
      entry.kind = 'zones';
      return listZones(token, url.searchParams);
    }
    if (parts[0] === 'zones' && parts[2] === 'dns_records') {
      const zone = zoneFor(token, parts[1], entry.path);
      if (parts.length === 3 && req.method === 'GET') {
        entry.kind = 'list';
        return listRecords(zone, url.searchParams);
      }
      const writing = (parts.length === 3 && req.method === 'POST') || (parts.length === 4 && req.method === 'PATCH');
      if (writing && readOnly[token]) throw new ApiError(403, [{ code: 10000, message: 'Authentication error' }]);
      if (parts.length === 3 && req.method === 'POST') {
        entry.kind = 'create';
        return createRecord(zone, body);
      }
      if (parts.length === 4 && req.method === 'PATCH') {
        entry.kind = 'patch';
        entry.recordId = parts[3];
        return patchRecord(zone, parts[3], body);
      }
      entry.kind = req.method.toLowerCase();
    }
    throw new ApiError(405, [{ code: 7001, message: 'Method not allowed for this authentication scheme' }]);
  }

  function kindOf(method, path) {
    const parts = path.replace(/\/+$/, '').split('/').filter(Boolean);
    if (parts.length === 1 && parts[0] === 'zones') return 'zones';
    if (parts[2] === 'dns_records') {
      if (parts.length === 3) return method === 'GET' ? 'list' : method === 'POST' ? 'create' : method.toLowerCase();
      if (parts.length === 4) return method === 'PATCH' ? 'patch' : method.toLowerCase();
    }
    return 'other';
  }

  function answer(res, status, payload, headers = {}) {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cf-ray': '8f1c2d3e4a5b6c7d-AMS', ...headers });
    res.end(text);
  }

  async function handler(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://x');
    let body;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = null;
    }
    // the API lives under /client/v4, as api.cloudflare.com's does
    const path = url.pathname.replace(/^\/client\/v4(?=\/|$)/, '');
    const entry = {
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      kind: kindOf(req.method, path),
    };
    requests.push(entry);
    if (onRequest) await onRequest(entry);
    const fault = takeFault(entry.kind);
    if (fault) {
      if (fault.type === 'hang') return;
      if (fault.type === 'reset') return req.socket.destroy();
      if (fault.type === 'html502') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>');
      }
      if (fault.body !== undefined) {
        res.writeHead(fault.status || 200, { 'content-type': 'application/json', ...(fault.headers || {}) });
        return res.end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body));
      }
      const errors = typeof fault.errors === 'function' ? fault.errors(entry) : fault.errors || [];
      return answer(res, fault.status || 400, { success: false, errors, messages: [], result: null }, fault.headers);
    }
    try {
      const out = route(req, url, body, entry);
      answer(res, 200, { success: true, errors: [], messages: [], ...out });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answer(res, err.status, { success: false, errors: err.errors, messages: [], result: null }, err.headers);
    }
  }

  const listening = await listenHttp((req, res) => {
    handler(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err && err.stack));
    });
  });

  return {
    url: `${listening.origin}/client/v4`,
    port: listening.port,
    zones,
    records,
    requests,
    count,
    addZone,
    readdZone,
    zoneId: (name) => zoneByName(name)?.id,
    addRecord,
    list,
    deleteRecord,
    findById: (id) => records.get(id),
    clearRecords,
    inject,
    clearFaults: () => {
      faults.length = 0;
    },
    reset,
    /** Calls fn(request) for every request before it is answered (e.g. to change records meanwhile); null clears. */
    setOnRequest(fn) {
      onRequest = fn || undefined;
    },
    close: () => listening.close(),
  };
}

module.exports = { start };
