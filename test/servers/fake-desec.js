'use strict';
// A deSEC stand-in on loopback, after the documented REST API:
//   https://desec.readthedocs.io/en/latest/dns/rrsets.html (RRset object, create,
//   retrieve a specific RRset, the apex as `@` or `{subname}...`, modify with PATCH)
//   https://desec.readthedocs.io/en/latest/auth/tokens.html (`Authorization: Token <secret>`)
//   https://desec.readthedocs.io/en/latest/rate-limits.html (429 with Retry-After)
// deSEC runs on Django REST framework, and its errors have that framework's shapes:
// 401 {"detail":"Invalid token."} (and "Authentication credentials were not provided."),
// 404 {"detail":"Not found."} for a domain the token's account does not own or a missing
// RRset, 400 field -> messages ({"ttl":["Ensure this value is greater than or equal to 3600."]}),
// 415 for a body that is not JSON, 429 {"detail":"Request was throttled. Expected available
// in N seconds."} with Retry-After: N.
const net = require('node:net');
const { listenHttp } = require('./listen');

const API = '/api/v1';
const MAX_TTL = 86400;

function canonical(type, value) {
  if (typeof value !== 'string') return undefined;
  if (type === 'A') return net.isIPv4(value) ? value.split('.').map(Number).join('.') : undefined;
  if (type === 'AAAA') return net.isIPv6(value) ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : undefined;
  return value;
}

async function start(options = {}) {
  const token = options.token ?? 'i-T3b1h_OI-H9ab8tRS98stGtURe';
  /** domain name -> { minimum_ttl } */
  const domains = new Map(Object.entries(options.domains ?? { 'example.com': { minimum_ttl: 3600 } }));
  /** `${domain} ${subname} ${type}` -> { subname, type, ttl, records, domain } */
  const rrsets = new Map();
  const requests = [];
  /** the next answers, queued by a test: {status, headers, body (object or text)} */
  const queued = [];
  const key = (domain, subname, type) => `${domain} ${subname} ${type}`;

  function rrsetJson(r) {
    return {
      created: '2026-12-04T00:00:00.000000Z',
      domain: r.domain,
      subname: r.subname,
      name: r.subname === '' ? `${r.domain}.` : `${r.subname}.${r.domain}.`,
      type: r.type,
      records: [...r.records],
      ttl: r.ttl,
      touched: new Date().toISOString(),
    };
  }

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const request = { method: req.method, path: url.pathname, headers: req.headers, text };
      requests.push(request);
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(status === 204 ? '' : typeof body === 'string' ? body : JSON.stringify(body));
      };
      const next = queued.shift();
      if (next) return send(next.status ?? 200, next.body ?? '', next.headers);

      const auth = req.headers.authorization;
      if (!auth) return send(401, { detail: 'Authentication credentials were not provided.' }, { 'www-authenticate': 'Token' });
      if (auth !== `Token ${token}`) return send(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });

      const m = /^\/api\/v1\/domains\/([^/]+)\/(?:rrsets\/(?:([^/]*)\/([^/]+)\/)?)?$/.exec(url.pathname);
      if (!m) return send(404, { detail: 'Not found.' });
      const domain = decodeURIComponent(m[1]);
      const zone = domains.get(domain);
      if (!zone) return send(404, { detail: 'Not found.' });
      if (!url.pathname.includes('/rrsets/')) {
        if (req.method !== 'GET') return send(405, { detail: `Method "${req.method}" not allowed.` });
        return send(200, { name: domain, minimum_ttl: zone.minimum_ttl, created: '2026-01-01T00:00:00Z', published: null, touched: null, keys: [] });
      }

      let body;
      if (req.method === 'POST' || req.method === 'PATCH') {
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(415, { detail: `Unsupported media type "${req.headers['content-type'] ?? ''}" in request.` });
        try {
          body = JSON.parse(text);
        } catch {
          return send(400, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
        }
        request.body = body;
      }
      const checkTtl = (ttl, errors) => {
        if (!Number.isInteger(ttl)) errors.ttl = ['A valid integer is required.'];
        else if (ttl < zone.minimum_ttl) errors.ttl = [`Ensure this value is greater than or equal to ${zone.minimum_ttl}.`];
        else if (ttl > MAX_TTL) errors.ttl = [`Ensure this value is less than or equal to ${MAX_TTL}.`];
      };
      const checkRecords = (type, records, errors) => {
        if (!Array.isArray(records)) return (errors.records = ['Expected a list of items but got type "' + typeof records + '".']), undefined;
        const out = records.map((r) => canonical(type, r));
        if (out.some((r) => r === undefined)) return (errors.records = [`Record content of ${type} RRset malformed.`]), undefined;
        return out;
      };

      if (m[3] === undefined) {
        // the collection: POST creates one RRset
        if (req.method === 'GET') return send(200, [...rrsets.values()].filter((r) => r.domain === domain).map(rrsetJson));
        if (req.method !== 'POST') return send(405, { detail: `Method "${req.method}" not allowed.` });
        if (!body || typeof body !== 'object' || Array.isArray(body)) return send(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
        const errors = {};
        for (const field of ['type', 'records', 'ttl']) if (body[field] === undefined) errors[field] = ['This field is required.'];
        const subname = body.subname ?? '';
        if (typeof subname !== 'string' || !/^([*]|[*]\.)?[a-z0-9_.-]*$/.test(subname)) errors.subname = ['Subname can only use (lowercase) a-z, 0-9, ., -, and _, may start with a \'*.\', or just be \'*\'.'];
        if (body.ttl !== undefined) checkTtl(body.ttl, errors);
        const records = body.records !== undefined ? checkRecords(body.type, body.records, errors) : undefined;
        if (Object.keys(errors).length > 0) return send(400, errors);
        if (rrsets.has(key(domain, subname, body.type))) return send(400, { non_field_errors: ['Another RRset with the same subdomain and type exists for this domain. (Try modifying it.)'] });
        const r = { domain, subname, type: body.type, ttl: body.ttl, records };
        rrsets.set(key(domain, subname, body.type), r);
        return send(201, rrsetJson(r));
      }

      // one RRset: `@` or `{subname}...` for the apex (docs, "Accessing the Zone Apex")
      let subname = decodeURIComponent(m[2]);
      if (subname === '@') subname = '';
      else if (subname.endsWith('...')) subname = subname.slice(0, -3);
      const type = m[3];
      const r = rrsets.get(key(domain, subname, type));
      if (!r) return send(404, { detail: 'Not found.' });
      if (req.method === 'GET') return send(200, rrsetJson(r));
      if (req.method !== 'PATCH') return send(405, { detail: `Method "${req.method}" not allowed.` });
      if (!body || typeof body !== 'object' || Array.isArray(body)) return send(400, { non_field_errors: ['Invalid data. Expected a dictionary.'] });
      const errors = {};
      if (body.ttl !== undefined) checkTtl(body.ttl, errors);
      const records = body.records !== undefined ? checkRecords(type, body.records, errors) : undefined;
      if (Object.keys(errors).length > 0) return send(400, errors);
      if (records && records.length === 0) {
        rrsets.delete(key(domain, subname, type));
        return send(204);
      }
      if (records) r.records = records;
      if (body.ttl !== undefined) r.ttl = body.ttl;
      return send(200, rrsetJson(r));
    });
  });

  return {
    url: `${server.origin}${API}`,
    token,
    rrsets,
    requests,
    /** the RRset at `subname` (apex '') in `domain`, or undefined */
    rrset: (domain, subname, type) => rrsets.get(key(domain, subname, type)),
    /** puts an RRset in place, as if made in the web interface */
    seed(domain, subname, type, records, ttl = 3600) {
      rrsets.set(key(domain, subname, type), { domain, subname, type, ttl, records: [...records] });
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    /** the next `count` requests are throttled, as deSEC does */
    throttle(seconds, count = 1) {
      for (let i = 0; i < count; i++) {
        queued.push({ status: 429, headers: { 'retry-after': String(seconds) }, body: { detail: `Request was throttled. Expected available in ${seconds} seconds.` } });
      }
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => r.method === 'POST' || r.method === 'PATCH').length,
    reset() {
      rrsets.clear();
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
