'use strict';
// A Namecheap Dynamic DNS stand-in on loopback, after Namecheap's "How do I use a browser to
// dynamically update the host's IP?" (https://www.namecheap.com/support/knowledgebase/article.aspx/29/11/)
// and the answers ddclient (nic_namecheap_update), ddns-updater (providers/namecheap) and users' scripts
// read: GET /update?host=H&domain=D&password=P[&ip=V4]. The answer is the XML `<interface-response>`
// with an `encoding="utf-16"` declaration over UTF-8 bytes (why ddns-updater overrides its decoder's
// charset), served as text/html. Checks in Namecheap's order: the domain, then its Dynamic DNS
// password, then the host's "A + Dynamic DNS" record (Dynamic DNS never creates one). Without `ip`
// it takes the address the request came from, as Namecheap does. An IPv6 `ip` is refused (the
// endpoint writes A records only); the wording of that refusal is this fake's own.
const { listenHttp } = require('./listen');

const PASSWORD = '0123456789abcdef0123456789abcdef';

function esc(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Namecheap's answer: success with the address now held, or one error with its response. */
function interfaceResponse({ ip, error } = {}) {
  const head = '<?xml version="1.0" encoding="utf-16"?>\r\n<interface-response>\r\n  <Command>SETDNSHOST</Command>\r\n  <Language>eng</Language>\r\n';
  if (!error) {
    return `${head}  <IP>${esc(ip)}</IP>\r\n  <ErrCount>0</ErrCount>\r\n  <errors />\r\n  <ResponseCount>0</ResponseCount>\r\n  <Done>true</Done>\r\n  <debug><![CDATA[]]></debug>\r\n</interface-response>`;
  }
  return (
    `${head}  <ErrCount>1</ErrCount>\r\n  <errors>\r\n    <Err1>${esc(error.text)}</Err1>\r\n  </errors>\r\n  <ResponseCount>1</ResponseCount>\r\n` +
    `  <responses>\r\n    <response>\r\n      <ResponseNumber>${error.number}</ResponseNumber>\r\n      <ResponseString>${esc(error.response)}</ResponseString>\r\n    </response>\r\n  </responses>\r\n` +
    `  <Done>true</Done>\r\n  <debug><![CDATA[]]></debug>\r\n</interface-response>`
  );
}

const ERRORS = {
  password: { text: 'Passwords do not match', number: 304156, response: 'Validation error; invalid ; password' },
  domain: { text: 'Domain name not found', number: 316153, response: 'Validation error; not found ; domain name(s)' },
  record: { text: 'No Records updated. A record not Found;', number: 380091, response: 'No updates; A record not Found;' },
  ip: { text: 'Invalid IP', number: 304156, response: 'Validation error; invalid ; IP' },
};

async function start(options = {}) {
  const domain = options.domain ?? 'example.com';
  const password = options.password ?? PASSWORD;
  /** host ('@', 'www', '*', ...) -> the IPv4 its A + Dynamic DNS record holds ('' until written) */
  const records = new Map((options.hosts ?? ['@', 'home', 'www', '*']).map((h) => [h, '']));
  const requests = [];
  /** the next answers, queued by a test: {status, headers, body} */
  const queued = [];
  const server = await listenHttp((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const next = queued.shift();
    if (next) {
      res.writeHead(next.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...(next.headers ?? {}) });
      res.end(next.body ?? '');
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/update') {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body><h1>404 - File or directory not found.</h1></body></html>');
      return;
    }
    const q = url.searchParams;
    const reply = (answer) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(interfaceResponse(answer));
    };
    if ((q.get('domain') ?? '').toLowerCase() !== domain) return reply({ error: ERRORS.domain });
    if (q.get('password') !== password) return reply({ error: ERRORS.password });
    const host = (q.get('host') ?? '').toLowerCase();
    if (!records.has(host)) return reply({ error: ERRORS.record });
    const ip = q.get('ip') || req.socket.remoteAddress.replace(/^::ffff:/, '');
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return reply({ error: ERRORS.ip });
    records.set(host, ip);
    reply({ ip });
  });
  return {
    url: server.origin,
    domain,
    password,
    records,
    requests,
    interfaceResponse,
    ERRORS,
    /** answers for the next requests, in order */
    answerNext(...answers) {
      queued.push(...answers);
    },
    count: () => requests.length,
    /** forgets written values, requests and queued answers; the hosts stay */
    reset() {
      for (const host of records.keys()) records.set(host, '');
      requests.length = 0;
      queued.length = 0;
    },
    close: () => server.close(),
  };
}

module.exports = { start, interfaceResponse, PASSWORD };
