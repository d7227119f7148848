'use strict';
// sources/authoritative.ts and record-check.ts: the verify setting, the zone's
// name servers found by walking up the name (through a stand-in for the system
// resolver), questions without recursion to a real BIND 9 on loopback, and the
// drift check's pacing (one server, at most every verifyAfter).
const assert = require('node:assert/strict');
const { parseVerifySetting, authoritativeServers, askServer, verifyRecord } = require('../../dist/sources/authoritative');
const { RecordChecker, checkSettings } = require('../../dist/sources/record-check');
const bind9 = require('../servers/bind9');

function stubResolver(ns, addresses = {}) {
  const calls = [];
  const fail = (code) => Object.assign(new Error(code), { code });
  return {
    calls,
    async resolveNs(name) {
      calls.push(`NS ${name}`);
      if (ns[name]) return ns[name];
      throw fail(name.split('.').length > 2 ? 'ENOTFOUND' : 'ENODATA');
    },
    async resolve4(name) {
      calls.push(`A ${name}`);
      if (addresses[name]) return addresses[name];
      throw fail('ENODATA');
    },
    async resolve6(name) {
      calls.push(`AAAA ${name}`);
      throw fail('ENODATA');
    },
  };
}

describe('verify setting', () => {
  const cases = [
    ['', { mode: 'auto' }],
    ['auto', { mode: 'auto' }],
    [' OFF ', { mode: 'off' }],
    ['ns1.example.net', { mode: 'list', servers: [{ host: 'ns1.example.net', port: 53 }] }],
    ['192.0.2.53:5353, ns2.example.net', { mode: 'list', servers: [{ host: '192.0.2.53', port: 5353 }, { host: 'ns2.example.net', port: 53 }] }],
    ['[2001:db8::53]:5300 2001:db8::54', { mode: 'list', servers: [{ host: '2001:db8::53', port: 5300 }, { host: '2001:db8::54', port: 53 }] }],
  ];
  for (const [text, expected] of cases) it(`"${text}" is ${expected.mode}`, () => assert.deepEqual(parseVerifySetting(text), expected));
  for (const bad of ['ns1.example.net:0', 'ns1.example.net:99999', 'not a server!', 'a..b']) {
    it(`"${bad}" is ECONFIG`, () => assert.throws(() => parseVerifySetting(bad), { code: 'ECONFIG' }));
  }
  it('verifyTimeout and verifyAfter are checked; a node without verify takes the settings default', () => {
    assert.deepEqual(checkSettings({}).verify, { mode: 'auto' });
    assert.deepEqual(checkSettings({}, 'off').verify, { mode: 'off' });
    assert.deepEqual(checkSettings({ verify: 'auto' }, 'off').verify, { mode: 'auto' });
    assert.equal(checkSettings({ verifyAfter: '0.5' }).afterMs, 30_000);
    assert.equal(checkSettings({}).timeoutMs, 120_000);
    assert.throws(() => checkSettings({ verifyTimeout: 0 }), { code: 'ECONFIG' });
    assert.throws(() => checkSettings({ verifyAfter: 'soon' }), { code: 'ECONFIG' });
  });
});

describe('the zone\'s name servers', () => {
  it('walks up from the name to the closest name with NS records', async () => {
    const resolver = stubResolver({ 'example.net': ['NS1.example.net', 'ns2.example.org'] });
    const found = await authoritativeServers('home.lab.example.net', new AbortController().signal, resolver);
    assert.equal(found.zone, 'example.net');
    assert.deepEqual(found.servers, [{ host: 'ns1.example.net', port: 53 }, { host: 'ns2.example.org', port: 53 }]);
    assert.deepEqual(resolver.calls, ['NS home.lab.example.net', 'NS lab.example.net', 'NS example.net']);
  });
  it('no zone found is ENOTFOUND; a resolver that fails otherwise is ENETWORK', async () => {
    await assert.rejects(authoritativeServers('a.b.invalid', new AbortController().signal, stubResolver({})), { code: 'ENOTFOUND' });
    const broken = { resolveNs: async () => { throw Object.assign(new Error('x'), { code: 'ECONNREFUSED' }); } };
    await assert.rejects(authoritativeServers('a.example.net', new AbortController().signal, broken), { code: 'ENETWORK' });
  });
});

describe('questions to a real BIND 9 without recursion', function () {
  if (bind9.skipWithoutBind(this)) return;
  this.timeout(20000);
  let named;
  before(async () => {
    named = await bind9.start({ keys: [], zones: [{ name: 'example.test', records: ['home IN A 192.0.2.7', 'v6 IN AAAA 2001:db8::7', 'alias IN CNAME elsewhere.example.org.'] }] });
  });
  after(() => named?.stop());
  const server = () => ({ host: '127.0.0.1', port: named.port });
  const signal = () => new AbortController().signal;

  it('a server that serves the value; one that serves another; NXDOMAIN; a CNAME at the name serves no address', async () => {
    assert.deepEqual(await askServer(server(), 'home.example.test', 'A', '192.0.2.7', signal()), { server: `127.0.0.1:${named.port}`, serves: true, values: ['192.0.2.7'] });
    assert.equal((await askServer(server(), 'home.example.test', 'A', '192.0.2.8', signal())).serves, false);
    assert.equal((await askServer(server(), 'v6.example.test', 'AAAA', '2001:db8:0::7', signal())).serves, true);
    const missing = await askServer(server(), 'nope.example.test', 'A', '192.0.2.7', signal());
    assert.deepEqual([missing.serves, missing.error], [false, 'NXDOMAIN']);
    const alias = await askServer(server(), 'alias.example.test', 'A', '192.0.2.7', signal());
    assert.deepEqual([alias.serves, alias.values], [false, []]);
  });
  it('a name server given by name is found through the same resolver', async () => {
    const resolver = stubResolver({}, { 'ns1.example.test': ['127.0.0.1'] });
    const view = await askServer({ host: 'ns1.example.test', port: named.port }, 'home.example.test', 'A', '192.0.2.7', signal(), 2000, resolver);
    assert.equal(view.serves, true);
  });
  it('verifyRecord stops asking a server once it serves the value, and stops at the deadline', async () => {
    const rounds = [];
    const view = await verifyRecord({ name: 'home.example.test', type: 'A', value: '192.0.2.7', servers: [server()], deadlineMs: 5000, signal: signal(), progress: (v) => rounds.push(v.seen) });
    assert.deepEqual([view.seen, view.of, rounds], [1, 1, [1]]);
    const started = Date.now();
    const lag = await verifyRecord({ name: 'home.example.test', type: 'A', value: '192.0.2.99', servers: [server()], deadlineMs: 1500, signal: signal() });
    assert.deepEqual([lag.seen, lag.of], [0, 1]);
    assert.ok(Date.now() - started < 10_000);
  });
  it('drift: one server per check, at most every verifyAfter; a record still served is no drift', async () => {
    const checker = new RecordChecker({ verify: { mode: 'list', servers: [server()] }, timeoutMs: 2000, afterMs: 60_000 });
    const record = { name: 'home.example.test', type: 'A', value: '192.0.2.7' };
    assert.equal(await checker.drift([record], signal()), undefined);
    // asked a moment ago: not due, whatever it would say
    assert.equal(await checker.drift([{ ...record, value: '192.0.2.99' }], signal()), undefined);
    const other = new RecordChecker({ verify: { mode: 'list', servers: [server()] }, timeoutMs: 2000, afterMs: 60_000 });
    const drift = await other.drift([{ ...record, value: '192.0.2.99' }], signal());
    assert.deepEqual(drift.served, ['192.0.2.7']);
  });
});
