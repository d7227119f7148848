'use strict';
// A ClouDNS HTTP API stand-in on loopback, after the API's own pages (no official Node SDK
// exists to check it against):
//   https://www.cloudns.net/wiki/article/41/  GET and POST for every method; limits per IP
//   https://www.cloudns.net/wiki/article/42/  auth-id (API user) or sub-auth-id (sub-user) + auth-password
//   https://www.cloudns.net/wiki/article/57/  /dns/records.json  domain-name, host, type ->
//                                              {"<id>": {id, type, host, record, ttl, status, ...}} or [] for none
//   https://www.cloudns.net/wiki/article/58/  /dns/add-record.json  domain-name, record-type, host, record, ttl
//   https://www.cloudns.net/wiki/article/60/  /dns/mod-record.json  domain-name, record-id, host, record, ttl
// Parameters are read from the query and, for POST, an application/x-www-form-urlencoded body.
// Every answer is HTTP 200 with JSON; a failure is {"status":"Failed","statusDescription":"..."}
// in the documented words:
//   "Invalid authentication, incorrect auth-id or auth-password."                 wrong API user login
//   "Invalid authentication, incorrect sub-auth-id, sub-auth-user or auth-password." wrong sub-user login
//   "Missing domain-name"                       zone not in the account (or not delegated to the sub-user)
//   "Invalid record-id param."                  no such record (articles 66, 152)
//   "Invalid TTL. Choose from the list of the values we support."  a TTL outside the list (wording ours)
// Like the real server, an empty `host` filter is no filter (the apex must be picked out by the
// client), and ttl/status come as strings. `records.json` ignores an unknown type (article 57).
const { listenHttp } = require('./listen');

const TTLS = new Set([60, 300, 900, 1800, 3600, 21600, 43200, 86400, 172800, 259200, 604800, 1209600, 2592000]);

async function start(options = {}) {
  const authId = options.authId ?? '31337';
  const subAuthId = options.subAuthId ?? '4242';
  const password = options.password ?? 'c1ouDNS-pa55 word&=';
  /** zone -> delegated to the sub-user */
  const zones = new Map(Object.entries(options.zones ?? { 'example.com': true }));
  /** every record: {id, zone, type, host, record, ttl, status} */
  const records = [];
  const requests = [];
  const queued = [];
  let nextId = 271828;

  const server = await listenHttp((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const params = new URLSearchParams(url.search);
      if (req.method === 'POST' && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
        for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
      }
      const p = Object.fromEntries(params);
      requests.push({ method: req.method, path: url.pathname, query: url.search, params: p, headers: req.headers });
      const send = (answer, status = 200, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
      };
      const failed = (statusDescription) => send({ status: 'Failed', statusDescription });
      const next = queued.shift();
      if (next) return send(next.body ?? '', next.status ?? 200, next.headers ?? {});
      if (!/^\/(dns|login)\/[\w-]+\.json$/.test(url.pathname)) return send('<html><body>Not Found</body></html>', 404, { 'content-type': 'text/html' });
      let sub = false;
      if (p['sub-auth-id'] !== undefined) {
        if (p['sub-auth-id'] !== subAuthId || p['auth-password'] !== password) return failed('Invalid authentication, incorrect sub-auth-id, sub-auth-user or auth-password.');
        sub = true;
      } else if (p['auth-id'] !== authId || p['auth-password'] !== password) {
        return failed('Invalid authentication, incorrect auth-id or auth-password.');
      }
      if (url.pathname === '/login/login.json') return send({ status: 'Success', statusDescription: 'Success login.' });
      const zone = p['domain-name'];
      if (!zones.has(zone) || (sub && !zones.get(zone))) return failed('Missing domain-name');
      const method = url.pathname.slice('/dns/'.length, -'.json'.length);
      const ttlOk = (ttl) => TTLS.has(Number(ttl)) && /^\d+$/.test(ttl ?? '');
      if (method === 'records') {
        const type = (p.type ?? '').toUpperCase();
        const found = records.filter((r) => r.zone === zone && (!p.host || r.host === p.host.toLowerCase()) && (!p.type || !['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'].includes(type) || r.type === type));
        if (found.length === 0) return send([]);
        return send(Object.fromEntries(found.map(({ zone: _z, ...r }) => [r.id, { ...r, failover: '0', 'dynamicurl_status': 0 }])));
      }
      if (method === 'mod-record') {
        const record = records.find((r) => r.zone === zone && r.id === p['record-id']);
        if (!record) return failed('Invalid record-id param.');
        if (p.host === undefined || !p.record) return failed('Missing record or host.');
        if (!ttlOk(p.ttl)) return failed('Invalid TTL. Choose from the list of the values we support.');
        Object.assign(record, { host: p.host.toLowerCase(), record: p.record, ttl: String(Number(p.ttl)) });
        return send({ status: 'Success', statusDescription: 'The record was modified successfully.' });
      }
      if (method === 'add-record') {
        if (!p['record-type'] || p.host === undefined || !p.record) return failed('Missing record-type, host or record.');
        if (!ttlOk(p.ttl)) return failed('Invalid TTL. Choose from the list of the values we support.');
        const id = String(nextId++);
        records.push({ id, zone, type: p['record-type'].toUpperCase(), host: p.host.toLowerCase(), record: p.record, ttl: String(Number(p.ttl)), status: '1' });
        // the id comes as a number here, as a string in records.json
        return send({ status: 'Success', statusDescription: 'The record was added successfully.', data: { id: Number(id) } });
      }
      return failed('Invalid request.');
    });
  });

  const base = `${server.origin}`;
  return {
    url: base,
    authId,
    subAuthId,
    password,
    records,
    requests,
    /** a record as if made in the ClouDNS control panel; returns its id */
    add(record) {
      const id = String(nextId++);
      records.push({ ttl: '3600', status: '1', host: '', ...record, id, zone: record.zone ?? 'example.com' });
      return id;
    },
    /** delegates a zone to the sub-user, or takes it back */
    delegate(zone, on) {
      zones.set(zone, on);
    },
    values(name, type) {
      return records
        .filter((r) => (r.host ? `${r.host}.${r.zone}` : r.zone) === name && r.type === type)
        .map((r) => r.record)
        .sort();
    },
    /** the next requests get these answers: {status?, headers?, body} */
    answerNext(...answers) {
      queued.push(...answers);
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => /\/dns\/(mod|add)-record\.json$/.test(r.path)).length,
    reset() {
      records.length = 0;
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
