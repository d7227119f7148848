'use strict';
// A Gandi LiveDNS stand-in on loopback, after the documented API v5:
//   https://api.gandi.net/docs/livedns/ (GET and PUT /domains/{fqdn}/records/{rrset_name}/{rrset_type};
//   the RRset object {rrset_name, rrset_type, rrset_ttl, rrset_values, rrset_href}; the apex as `@`;
//   rrset_ttl from 300 to 2592000, 10800 when a PUT leaves it out; PUT answers 201
//   {"message": "DNS Record Created"})
//   https://api.gandi.net/docs/authentication/ (`Authorization: Bearer <personal access token>`;
//   the deprecated `Authorization: Apikey <key>`)
//   https://api.gandi.net/docs/reference/ (errors and the rate limit)
// Errors have the shape Gandi answers with, {"code", "message", "object", "cause"}, as users
// have quoted them: 403 {"object": "HTTPForbidden", "cause": "Forbidden", "code": 403, "message":
// "Access was denied to this resource."} (qdm12/ddns-updater#852), 404 {"object": "HTTPNotFound",
// "cause": "Not Found", "code": 404, "message": "The resource could not be found."}
// (rmbolger/Posh-ACME#554); a 400 adds "errors": [{location, name, description}].
// A personal access token is scoped to some domains; a domain outside its scope is a 403.
const net = require('node:net');
const { listenHttp } = require('./listen');

const API = '/v5/livedns';
const TTL = { min: 300, max: 2592000, default: 10800 };

const ERRORS = {
  400: { object: 'HTTPBadRequest', cause: 'Bad Request' },
  401: { object: 'HTTPUnauthorized', cause: 'Unauthorized', message: 'The server could not verify that you authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad api key), or your access token has expired' },
  403: { object: 'HTTPForbidden', cause: 'Forbidden', message: 'Access was denied to this resource.' },
  404: { object: 'HTTPNotFound', cause: 'Not Found', message: 'The resource could not be found.' },
  405: { object: 'HTTPMethodNotAllowed', cause: 'Method Not Allowed', message: 'The method is not allowed for the requested URL.' },
  429: { object: 'HTTPTooManyRequests', cause: 'Too Many Requests', message: 'Too many requests.' },
};

function errorBody(status, extra = {}) {
  const e = ERRORS[status] ?? { object: 'HTTPError', cause: 'Error', message: 'Error' };
  return { code: status, message: e.message, object: e.object, cause: e.cause, ...extra };
}

function validValue(type, value) {
  if (typeof value !== 'string') return false;
  if (type === 'A') return net.isIPv4(value);
  if (type === 'AAAA') return net.isIPv6(value);
  return value !== '';
}

async function start(options = {}) {
  const token = options.token ?? '5f0c7e4a9b21d3c8e6a1f0b7d4c29e83a6b51f07';
  /** token -> the domains it has LiveDNS rights on ('*' = all of the account's) */
  const tokens = new Map(Object.entries(options.tokens ?? { [token]: '*' }));
  const apiKey = options.apiKey ?? 'Ab3dEf6hIj9kLm2oPq5sTu8w';
  const domains = new Set(options.domains ?? ['example.com']);
  /** `${fqdn} ${name} ${type}` -> { fqdn, name, type, ttl, values } */
  const rrsets = new Map();
  const requests = [];
  const queued = [];
  const key = (fqdn, name, type) => `${fqdn} ${name} ${type}`;

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
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const next = queued.shift();
      if (next) return send(next.status ?? 200, next.body ?? '', next.headers);

      // authentication: a PAT as Bearer; the deprecated API key still answers under its own scheme
      const auth = req.headers.authorization ?? '';
      const bearer = /^Bearer (\S+)$/.exec(auth);
      const apikey = /^Apikey (\S+)$/.exec(auth);
      let scope;
      if (bearer && tokens.has(bearer[1])) scope = tokens.get(bearer[1]);
      else if (apikey && apikey[1] === apiKey) scope = '*';
      else return send(401, errorBody(401));

      const m = /^\/v5\/livedns\/domains\/([^/]+)\/records\/([^/]+)\/([A-Z0-9]+)$/.exec(url.pathname);
      if (!m) return send(404, errorBody(404));
      const fqdn = decodeURIComponent(m[1]).toLowerCase();
      const name = decodeURIComponent(m[2]).toLowerCase();
      const type = m[3];
      if (scope !== '*' && !scope.includes(fqdn)) return send(403, errorBody(403));
      if (!domains.has(fqdn)) return send(404, errorBody(404));
      const href = `http://${req.headers.host}${API}/domains/${fqdn}/records/${encodeURIComponent(name)}/${type}`;

      if (req.method === 'GET') {
        const r = rrsets.get(key(fqdn, name, type));
        if (!r) return send(404, errorBody(404));
        return send(200, { rrset_name: r.name, rrset_type: r.type, rrset_ttl: r.ttl, rrset_values: [...r.values], rrset_href: href });
      }
      if (req.method !== 'PUT') return send(405, errorBody(405));
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return send(400, errorBody(400, { message: 'Invalid JSON body' }));
      }
      request.body = body;
      const errors = [];
      if (!body || typeof body !== 'object' || Array.isArray(body)) errors.push({ location: 'body', name: '', description: 'must be an object' });
      else {
        if (!Array.isArray(body.rrset_values) || body.rrset_values.length === 0) errors.push({ location: 'body', name: 'rrset_values', description: 'is required' });
        else if (!body.rrset_values.every((v) => validValue(type, v))) errors.push({ location: 'body', name: 'rrset_values', description: `invalid value for a ${type} record` });
        if (body.rrset_ttl !== undefined && (!Number.isInteger(body.rrset_ttl) || body.rrset_ttl < TTL.min || body.rrset_ttl > TTL.max)) {
          errors.push({ location: 'body', name: 'rrset_ttl', description: `must be between ${TTL.min} and ${TTL.max}` });
        }
      }
      if (errors.length > 0) return send(400, errorBody(400, { message: 'Invalid value', errors }));
      rrsets.set(key(fqdn, name, type), { fqdn, name, type, ttl: body.rrset_ttl ?? TTL.default, values: [...body.rrset_values] });
      return send(201, { message: 'DNS Record Created' });
    });
  });

  return {
    url: `${server.origin}${API}`,
    token,
    apiKey,
    tokens,
    domains,
    rrsets,
    requests,
    /** the RRset at `name` (apex '@') in `fqdn`, or undefined */
    rrset: (fqdn, name, type) => rrsets.get(key(fqdn, name, type)),
    /** puts an RRset in place, as if made in Gandi's web interface */
    seed(fqdn, name, type, values, ttl = TTL.default) {
      rrsets.set(key(fqdn, name, type), { fqdn, name, type, ttl, values: [...values] });
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    /** the next `count` requests are throttled with Retry-After */
    throttle(seconds, count = 1) {
      for (let i = 0; i < count; i++) queued.push({ status: 429, headers: { 'retry-after': String(seconds) }, body: errorBody(429) });
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => r.method === 'PUT').length,
    reset() {
      rrsets.clear();
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start, errorBody };
