'use strict';
// A DynDNS2 server on loopback that behaves like Dyn's: Basic auth, a User-Agent
// check, a list of hosts per user, one return code per host and line, and the
// addresses it holds per host. It counts and records every request, and can be
// told to misbehave for the next N requests (fixed body, HTTP status, hang,
// connection reset, slow body — its own answer when no body is given) so tests
// and benchmarks can count what a client sends in each situation.
const { listenHttp } = require('./listen');
const net = require('node:net');

// this package's format, with the contact No-IP asks for ("... maintainercontact@domain.com") when the account has one
const DEFAULT_USER_AGENT = /^node-red-contrib-ddns - dyndns2-update - [\w.+-]+(?: [^\s@]+@[^\s@]+)?$/;

function parseBasicAuth(header) {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header || '');
  if (!match) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * options:
 *   users: { name: { password, hosts: ['a.example.com', ...] } }  (default: user/pass with a few hosts)
 *   userAgent: RegExp the User-Agent must match (default: this package's format); null = any
 *   path: the update path (default /nic/update); other paths get 404
 *   lineEnding: '\n' (default) or '\r\n'
 *   maxHosts: more names than this in one request answer `numhost` (default 20)
 *   onRequest(record): called for every request before it is answered (e.g. to abort a client)
 *   port: the port to listen on (default: any free one)
 * and, to behave like one provider where it departs from Dyn:
 *   myipNo: false      `myip=no` is then an invalid address (dnserr); by default it leaves the A
 *                      record as it is, as Dynu reads it (ddclient's nic_dynu_update); without myip,
 *                      as at Dyn and Dynu, the A record takes the caller's address
 *   missingIpv4: 'loopback'  INWX: a request without myip sets the A record to 127.0.0.1
 *                      (ddclient's nic_inwx_examples, INWX's behaviour as of June 2024);
 *                'none'  an INWX account its support converted to IPv6-only: no A record is touched
 *   noChangeStatus: 204  selfHOST.de: "no change" is HTTP 204 with an empty body
 *                      (qdm12/ddns-updater's selfhostde provider)
 *   familyParams: 'desec'  deSEC's reading (desec-stack api/desecapi/views/dyndns.py): IPv4 from the
 *                      first of myip, myipv4, ip holding an IPv4 address, IPv6 from myipv6, ipv6,
 *                      myip, ip; `preserve` keeps the record, an empty value deletes it; a family no
 *                      parameter names takes the caller's address when it is of that family, else
 *                      its record is deleted. The answer is a bare `good`.
 */
async function start(options = {}) {
  const users = new Map();
  const hosts = new Map(); // name -> { owner, ipv4, ipv6, updates }
  const requests = [];
  const faults = [];
  const path = options.path || '/nic/update';
  const lineEnding = options.lineEnding || '\n';
  const maxHosts = options.maxHosts || 20;
  const userAgent = options.userAgent === undefined ? DEFAULT_USER_AGENT : options.userAgent;

  function addUser(name, password, hostNames = []) {
    users.set(name, { password });
    for (const host of hostNames) addHost(name, host);
  }
  function addHost(owner, name, addresses = {}) {
    hosts.set(name.toLowerCase(), { owner, ipv4: addresses.ipv4, ipv6: addresses.ipv6, updates: 0 });
  }
  const initialUsers = options.users || { user: { password: 'pass', hosts: ['a.example.com', 'b.example.com', 'c.example.com'] } };
  for (const [name, spec] of Object.entries(initialUsers)) addUser(name, spec.password, spec.hosts || []);

  /** The next `count` requests (default 1; Infinity = until cleared) get this fault instead of a real answer. */
  function inject(fault) {
    const count = fault.count === undefined ? 1 : fault.count;
    faults.push({ ...fault, remaining: count });
  }
  function clearFaults() {
    faults.length = 0;
  }
  function takeFault() {
    while (faults.length > 0 && faults[0].remaining <= 0) faults.shift();
    if (faults.length === 0) return undefined;
    const fault = faults[0];
    fault.remaining--;
    return fault;
  }

  function answerFor(req, url, record) {
    if (url.pathname !== path) return { status: 404, body: 'not found' };
    const auth = parseBasicAuth(req.headers.authorization);
    const user = auth && users.get(auth.username);
    if (!user || user.password !== auth.password) return { status: 200, body: 'badauth' };
    record.user = auth.username;
    if (userAgent && !userAgent.test(req.headers['user-agent'] || '')) return { status: 200, body: 'badagent' };
    const names = (url.searchParams.get('hostname') || '').split(',').filter((n) => n !== '');
    if (names.length === 0) return { status: 200, body: 'notfqdn' };
    if (names.length > maxHosts) return { status: 200, body: 'numhost' };
    // addresses: myip (one or a comma list of both families), myipv6; none = the caller's address
    const caller = req.socket.remoteAddress.replace(/^::ffff:/, '');
    if (options.familyParams === 'desec') return desecAnswer(url, names, auth.username, caller);
    const wanted = {};
    const myip = url.searchParams.get('myip');
    let list;
    if (myip === 'no' && options.myipNo !== false) list = [];
    else if (myip === null && options.missingIpv4 === 'none') list = [];
    else if (myip === null) list = [options.missingIpv4 === 'loopback' ? '127.0.0.1' : caller];
    else list = myip.split(',');
    for (const address of list) {
      if (net.isIPv4(address)) wanted.ipv4 = address;
      else if (net.isIPv6(address)) wanted.ipv6 = address;
      else return { status: 200, body: lineFor(names, () => 'dnserr') };
    }
    const v6 = url.searchParams.get('myipv6');
    if (v6 !== null) {
      if (!net.isIPv6(v6)) return { status: 200, body: lineFor(names, () => 'dnserr') };
      wanted.ipv6 = v6;
    }
    const lines = names.map((name) => {
      if (!name.includes('.')) return 'notfqdn';
      const host = hosts.get(name.toLowerCase());
      if (!host || host.owner !== auth.username) return 'nohost';
      const changed = ['ipv4', 'ipv6'].some((f) => wanted[f] !== undefined && host[f] !== wanted[f]);
      for (const f of ['ipv4', 'ipv6']) if (wanted[f] !== undefined) host[f] = wanted[f];
      host.updates++;
      const echo = [host.ipv4, host.ipv6].filter((a) => a && (a === wanted.ipv4 || a === wanted.ipv6)).join(',');
      return `${changed ? 'good' : 'nochg'} ${echo}`;
    });
    if (options.noChangeStatus && lines.every((line) => line.startsWith('nochg'))) return { status: options.noChangeStatus, body: '' };
    return { status: 200, body: lines.join(lineEnding) };
  }

  // deSEC's view: per family, the first parameter holding that family decides; 'keep' | 'delete' | an address
  function desecAction(url, keys, isFamily, caller) {
    for (const key of keys) {
      const value = url.searchParams.get(key);
      if (value === null) continue;
      const items = value.split(',').map((v) => v.trim()).filter((v) => isFamily(v) || v === '' || v === 'preserve');
      if (items.length === 0) continue;
      if (items[0] === 'preserve') return 'keep';
      if (items[0] === '') return 'delete';
      return items[0];
    }
    return isFamily(caller) ? caller : 'delete';
  }
  function desecAnswer(url, names, owner, caller) {
    const actions = {
      ipv4: desecAction(url, ['myip', 'myipv4', 'ip'], net.isIPv4, caller),
      ipv6: desecAction(url, ['myipv6', 'ipv6', 'myip', 'ip'], net.isIPv6, caller),
    };
    const found = names.map((name) => hosts.get(name.toLowerCase()));
    if (found.some((host) => !host || host.owner !== owner)) return { status: 404, body: 'nohost' };
    for (const host of found) {
      for (const f of ['ipv4', 'ipv6']) {
        if (actions[f] === 'delete') host[f] = undefined;
        else if (actions[f] !== 'keep') host[f] = actions[f];
      }
      host.updates++;
    }
    return { status: 200, body: 'good' };
  }

  function lineFor(names, code) {
    return names.map(code).join(lineEnding);
  }

  function handler(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const record = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search.slice(1),
      hostnames: (url.searchParams.get('hostname') || '').split(',').filter((n) => n !== ''),
      userAgent: req.headers['user-agent'],
      authorization: req.headers.authorization,
      user: undefined,
    };
    requests.push(record);
    if (options.onRequest) options.onRequest(record, requests.length);
    const fault = takeFault();
    res.on('error', () => {});
    if (fault) {
      record.fault = fault.name || Object.keys(fault).filter((k) => k !== 'remaining' && k !== 'count').join(',');
      if (fault.hang) return; // never answers; the client's deadline has to end it
      if (fault.reset) return req.socket.destroy();
      // only slow: the server's own answer, delivered slowly (a busy server, not a broken one)
      const real = fault.slowMs && fault.body === undefined && fault.status === undefined ? answerFor(req, url, record) : undefined;
      if (real) record.answer = real.body;
      const body = real ? real.body : fault.body === undefined ? '' : typeof fault.body === 'function' ? fault.body(record) : String(fault.body);
      res.statusCode = real ? real.status : fault.status || 200;
      res.setHeader('content-type', fault.type || 'text/plain');
      for (const [k, v] of Object.entries(fault.headers || {})) res.setHeader(k, v);
      if (fault.slowMs) {
        res.write(body.slice(0, 2));
        const timer = setTimeout(() => res.end(body.slice(2)), fault.slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      return res.end(body);
    }
    const answer = answerFor(req, url, record);
    record.answer = answer.body;
    res.statusCode = answer.status;
    res.setHeader('content-type', 'text/plain');
    res.end(answer.body);
  }

  const listening = await listenHttp(handler, { port: options.port });
  const { port } = listening;
  const url = listening.origin;
  return {
    /** base URL without a path: the client adds /nic/update */
    url,
    updateUrl: `${url}${path}`,
    port,
    requests,
    hosts,
    users,
    addUser,
    addHost,
    inject,
    clearFaults,
    /** forget requests and faults, keep users and hosts */
    reset() {
      requests.length = 0;
      clearFaults();
    },
    get connections() {
      return listening.open;
    },
    close: () => listening.close(),
  };
}

module.exports = { start, DEFAULT_USER_AGENT };
