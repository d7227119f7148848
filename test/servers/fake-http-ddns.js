'use strict';
// A stand-in for "any other DDNS service" on loopback, for the generic http-ddns node
// (src/providers/http). There is no one API to follow, so it speaks the shapes such
// services take, as the docs page's recipes use them (docs/providers/http.md):
//   - the name and address in the query (`hostname`, `ip` or `myip`, `ipv4`, `ipv6`),
//     in a JSON body (`{"hostname": ..., "ip": ...}`) or in a form body;
//   - the login as `Authorization: Bearer TOKEN`, `?token=TOKEN` (or a JSON `token`),
//     or `?user=USER&password=PASSWORD`.
// A wrong login is HTTP 401 `badauth`, echoing the request line as careless services do; an update answers `good <ip>` in text
// (DynDNS style), or `{"status": "ok"}` to a JSON request. It records every
// request as it arrived (method, raw path, query, headers, body) so tests can
// check what the node really sent, and holds the records by name and type.
const { listenHttp } = require('./listen');

async function start(options = {}) {
  const login = {
    token: options.token ?? 'tok-3f9c1e7a5b2d4c6e',
    user: options.user ?? 'ddns-user',
    password: options.password ?? 'p&ss word+=1',
  };
  /** `${hostname}/${type}` -> address */
  const records = new Map();
  const requests = [];
  const queued = [];
  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://x');
      const seen = { method: req.method, rawUrl: req.url, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      requests.push(seen);
      const next = queued.shift();
      if (next) {
        res.writeHead(next.status ?? 200, { 'content-type': 'text/plain', ...(next.headers ?? {}) });
        res.end(next.body ?? '');
        return;
      }
      const type = String(req.headers['content-type'] ?? '');
      let fields = Object.fromEntries(url.searchParams);
      let json = false;
      if (body !== '' && /^application\/json/i.test(type)) {
        try {
          fields = { ...fields, ...JSON.parse(body) };
          json = true;
        } catch {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('bad json');
          return;
        }
      } else if (body !== '' && /^application\/x-www-form-urlencoded/i.test(type)) {
        fields = { ...fields, ...Object.fromEntries(new URLSearchParams(body)) };
      }
      seen.fields = fields;
      const reply = (status, text) => {
        res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain' });
        res.end(json ? JSON.stringify(text) : text);
      };
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const authorised = bearer === login.token || fields.token === login.token || (fields.user === login.user && fields.password === login.password);
      // careless services echo what they were sent: the node must mask it
      if (!authorised) return reply(401, json ? { status: 'error', message: 'badauth', request: req.url } : `badauth for ${req.method} ${req.url}`);
      const hostname = fields.hostname;
      if (!hostname) return reply(400, json ? { status: 'error', message: 'notfqdn' } : 'notfqdn');
      const written = [];
      const ip = fields.ip ?? fields.myip;
      if (ip) written.push([ip.includes(':') ? 'AAAA' : 'A', ip]);
      if (fields.ipv4) written.push(['A', fields.ipv4]);
      if (fields.ipv6) written.push(['AAAA', fields.ipv6]);
      if (written.length === 0) return reply(400, json ? { status: 'error', message: 'noip' } : 'noip');
      for (const [t, value] of written) records.set(`${hostname}/${t}`, value);
      reply(200, json ? { status: 'ok', hostname, ip: written[0][1] } : `good ${written[0][1]}`);
    });
  });
  return {
    url: server.origin,
    login,
    records,
    requests,
    /** answers for the next requests, in order: {status, headers, body} */
    answerNext(...answers) {
      queued.push(...answers);
    },
    count: () => requests.length,
    reset() {
      records.clear();
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
