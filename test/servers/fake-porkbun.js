'use strict';
// A Porkbun API v3 stand-in on loopback, after https://porkbun.com/api/json/v3/documentation
// (no official Node SDK exists to check it against). Every call is a POST whose JSON body
// carries `apikey` and `secretapikey`; answers are {"status":"SUCCESS", ...} or
// {"status":"ERROR","message":"..."} with HTTP 400, as seen in the wild:
//   "Invalid API key. (002)"                  wrong keys (jeessy2/ddns-go#388)
//   "Domain is not opted in to API access."   API ACCESS off for the domain (jeessy2/ddns-go#1015)
//   "Invalid domain."                          not this account's domain (acmesh-official/acme.sh#3450)
// Served under /api/json/v3 like api.porkbun.com:
//   /dns/retrieveByNameType/{domain}/{type}[/{subdomain}]  -> {records: [{id, name, type, content, ttl, prio, notes}]}
//   /dns/edit/{domain}/{id}      {name, type, content, ttl?, prio?, notes?}
//   /dns/editByNameType/{domain}/{type}[/{subdomain}]  {content, ttl?, prio?, notes?}
//   /dns/create/{domain}         {name, type, content, ttl?, prio?, notes?} -> {id}
// TTL: "The minimum and the default is 600 seconds" (documentation): omitted is 600, less is raised to 600.
// Omitted optional fields of an edit are reset to their defaults (ttl 600, prio 0, notes ''): the
// documentation lists them as optional without saying an edit keeps them, so the client must send them.
const { listenHttp } = require('./listen');

const BASE = '/api/json/v3';

async function start(options = {}) {
  const apiKey = options.apiKey ?? `pk1_${'5299b57125c8f3cd'.repeat(4)}`;
  const secretApiKey = options.secretApiKey ?? `sk1_${'7d119e3f656b00ae'.repeat(4)}`;
  /** domain -> API access switched on */
  const domains = new Map(Object.entries(options.domains ?? { 'example.com': true }));
  /** every record: {id, name (full), type, content, ttl, prio, notes, domain} */
  const records = [];
  const requests = [];
  const queued = [];
  let nextId = 106926650;

  const server = await listenHttp((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      let body;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method, path, body, headers: req.headers });
      const send = (status, answer, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
      };
      const error = (message) => send(400, { status: 'ERROR', message });
      const next = queued.shift();
      if (next) return send(next.status ?? 200, next.body ?? '', next.headers ?? {});
      if (!path.startsWith(`${BASE}/`)) return send(404, '<html><body>Not Found</body></html>', { 'content-type': 'text/html' });
      if (req.method !== 'POST') return error('All HTTP request must use POST.');
      if (!body || typeof body !== 'object') return error('Invalid JSON.');
      if (body.apikey !== apiKey || body.secretapikey !== secretApiKey) return error('Invalid API key. (002)');
      const parts = path.slice(BASE.length + 1).split('/').map(decodeURIComponent);
      if (parts[0] === 'ping') return send(200, { status: 'SUCCESS', yourIp: req.socket.remoteAddress });
      if (parts[0] !== 'dns') return send(404, { status: 'ERROR', message: 'Invalid command.' });
      const [, command, domain] = parts;
      if (!domains.has(domain)) return error('Invalid domain.');
      if (!domains.get(domain)) return error('Domain is not opted in to API access.');
      const full = (sub) => (sub ? `${sub}.${domain}` : domain);
      const ttlOf = (ttl) => String(Math.max(600, Number(ttl) || 600));
      if (command === 'retrieveByNameType') {
        const [, , , type, sub = ''] = parts;
        const found = records.filter((r) => r.domain === domain && r.type === type && r.name === full(sub));
        return send(200, { status: 'SUCCESS', cloudflare: 'enabled', records: found.map(({ domain: _d, ...r }) => r) });
      }
      if (command === 'edit') {
        const record = records.find((r) => r.domain === domain && r.id === parts[3]);
        if (!record) return error('Invalid record ID.');
        if (typeof body.type !== 'string' || typeof body.content !== 'string') return error('Edit error: type and content are required.');
        Object.assign(record, { name: full(body.name ?? ''), type: body.type, content: body.content, ttl: ttlOf(body.ttl), prio: String(body.prio ?? '0'), notes: body.notes ?? '' });
        return send(200, { status: 'SUCCESS' });
      }
      if (command === 'editByNameType') {
        const [, , , type, sub = ''] = parts;
        for (const r of records.filter((x) => x.domain === domain && x.type === type && x.name === full(sub))) {
          Object.assign(r, { content: body.content, ttl: ttlOf(body.ttl), prio: String(body.prio ?? '0'), notes: body.notes ?? '' });
        }
        return send(200, { status: 'SUCCESS' });
      }
      if (command === 'create') {
        if (typeof body.type !== 'string' || typeof body.content !== 'string') return error('Create error: type and content are required.');
        const id = String(nextId++);
        records.push({ id, name: full(body.name ?? ''), type: body.type, content: body.content, ttl: ttlOf(body.ttl), prio: String(body.prio ?? '0'), notes: body.notes ?? '', domain });
        // the id comes as a number in create's answer, as a string in retrieve's
        return send(200, { status: 'SUCCESS', id: Number(id) });
      }
      return send(404, { status: 'ERROR', message: 'Invalid command.' });
    });
  });

  return {
    url: `${server.origin}${BASE}`,
    apiKey,
    secretApiKey,
    records,
    requests,
    /** a record as if made in Porkbun's DNS management; returns its id */
    add(record) {
      const id = String(nextId++);
      records.push({ ttl: '600', prio: '0', notes: '', ...record, id, domain: record.domain ?? 'example.com' });
      return id;
    },
    /** API ACCESS on or off for a domain, as the domain management toggle does */
    apiAccess(domain, on) {
      domains.set(domain, on);
    },
    values(name, type) {
      return records.filter((r) => r.name === name && r.type === type).map((r) => r.content).sort();
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    count: () => requests.length,
    writes: () => requests.filter((r) => /^\/api\/json\/v3\/dns\/(edit|editByNameType|create)\//.test(r.path)).length,
    reset() {
      records.length = 0;
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
