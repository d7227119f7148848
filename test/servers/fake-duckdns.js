'use strict';
// A DuckDNS stand-in on loopback, speaking https://www.duckdns.org/spec.jsp:
// GET /update?domains=a,b&token=T[&ip=V4][&ipv6=V6][&verbose=true][&clear=true].
// Answers `OK` or `KO` (bad token, or a name the token does not own); with
// verbose=true `OK\n<ipv4>\n<ipv6>\nUPDATED|NOCHANGE`. Without `ip` (and
// without `ipv6`) it takes the address the request came from, as DuckDNS does.
const { listenHttp } = require('./listen');

async function start(options = {}) {
  const token = options.token ?? 'a7c4d0ad-114e-40ef-ba1d-d217904a50f2';
  const owned = new Set(options.domains ?? ['home', 'lab']);
  /** by subname: {ipv4, ipv6} */
  const records = new Map();
  const requests = [];
  /** the next answers, queued by a test: {status, headers, body} */
  const queued = [];
  const server = await listenHttp((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const next = queued.shift();
    if (next) {
      res.writeHead(next.status ?? 200, { 'content-type': 'text/plain', ...(next.headers ?? {}) });
      res.end(next.body ?? '');
      return;
    }
    if (url.pathname !== '/update') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const q = url.searchParams;
    const names = (q.get('domains') ?? '').split(',').map((d) => d.replace(/\.duckdns\.org$/, '')).filter(Boolean);
    const verbose = q.get('verbose') === 'true';
    const reply = (text) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
      res.end(text);
    };
    if (q.get('token') !== token || names.length === 0 || names.some((n) => !owned.has(n))) return reply('KO');
    let ip = q.get('ip') ?? '';
    const ipv6 = q.get('ipv6') ?? '';
    if (ip === '' && ipv6 === '') ip = req.socket.remoteAddress.replace(/^::ffff:/, '');
    let changed = false;
    for (const n of names) {
      const record = records.get(n) ?? {};
      if (q.get('clear') === 'true') {
        changed = changed || record.ipv4 !== undefined || record.ipv6 !== undefined;
        records.set(n, {});
        continue;
      }
      const v4 = ip && !ip.includes(':') ? ip : undefined;
      const v6 = ipv6 || (ip.includes(':') ? ip : undefined);
      if (v4 && record.ipv4 !== v4) (record.ipv4 = v4), (changed = true);
      if (v6 && record.ipv6 !== v6) (record.ipv6 = v6), (changed = true);
      records.set(n, record);
    }
    const first = records.get(names[0]) ?? {};
    reply(verbose ? `OK\n${first.ipv4 ?? ''}\n${first.ipv6 ?? ''}\n${changed ? 'UPDATED' : 'NOCHANGE'}` : 'OK');
  });
  return {
    url: server.origin,
    token,
    records,
    requests,
    /** answers for the next requests, in order */
    answerNext(...answers) {
      queued.push(...answers);
    },
    count: () => requests.length,
    /** forgets records, requests and queued answers */
    reset() {
      records.clear();
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start };
