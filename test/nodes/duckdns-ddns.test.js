'use strict';
// duckdns-account + duckdns-ddns (generated from src/providers/duckdns on the
// provider descriptor) in a Node-RED runtime against the DuckDNS stand-in on
// loopback (test/servers/fake-duckdns.js, after https://www.duckdns.org/spec.jsp).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeDuckdns = require('../servers/fake-duckdns');

const nodes = [nodeFile('duckdns')];

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'duckdns-account', endpoint: server.url },
    { id: 'ddns', type: 'duckdns-ddns', account: 'acct', hostnames: 'home.duckdns.org', recordType: 'auto', wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function feed(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload });
  return out;
}

describe('duckdns-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeDuckdns.start();
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('sends the address with the token and verbose=true, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'updated');
    assert.equal(server.records.get('home').ipv4, '203.0.113.7');
    assert.deepEqual(server.requests[0].query, { domains: 'home', token: server.token, ip: '203.0.113.7', verbose: 'true' });
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 1);
  });

  it('writes both families of {ipv4, ipv6} with type auto, each in its own parameter', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home, lab.duckdns.org' }), { acct: { token: server.token } });
    const msg = await feed({ ipv4: '203.0.113.8', ipv6: '2001:db8::8' });
    assert.deepEqual(msg.ddns.results.map((r) => `${r.name}/${r.type}:${r.status}`), [
      'home.duckdns.org/A:updated',
      'lab.duckdns.org/A:updated',
      'home.duckdns.org/AAAA:updated',
      'lab.duckdns.org/AAAA:updated',
    ]);
    assert.deepEqual(server.records.get('lab'), { ipv4: '203.0.113.8', ipv6: '2001:db8::8' });
    assert.ok(server.requests.every((r) => !('ip' in r.query && 'ipv6' in r.query)));
  });

  it('KO blocks the name: red status, a Catch sees EAUTH, and the next input sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { token: 'bad00000-0000-0000-0000-000000000000' } });
    const caught = await feed('203.0.113.9', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.ok(!JSON.stringify(caught).includes('bad00000-0000'), 'the token is masked');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    assert.match(status.text, /KO/);
    const count = server.count();
    const next = await feed('203.0.113.10');
    assert.equal(next.ddns.results[0].status, 'skipped');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a name that is not a DuckDNS name is red at deploy, before any input', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com' }), { acct: { token: server.token } });
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.match(status.text, /invalid|settings/i);
  });

  it('a dry run sends nothing and says what it would write', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { token: server.token } });
    const msg = await feed('203.0.113.11');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would update A 203\.0\.113\.11/);
    assert.equal(server.count(), 0);
  });
});
