'use strict';
// namecheap-account + namecheap-ddns (generated from src/providers/namecheap on the provider
// descriptor) in a Node-RED runtime against the Namecheap Dynamic DNS stand-in on loopback
// (test/servers/fake-namecheap.js, after Namecheap's knowledge base article 29/11 and the answers
// ddclient and ddns-updater read).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeNamecheap = require('../servers/fake-namecheap');

const nodes = [nodeFile('namecheap')];
const WRONG = 'ffffffffffffffffffffffffffffffff';

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'namecheap-account', endpoint: server.url, domain: 'example.com', ...account },
    { id: 'ddns', type: 'namecheap-ddns', account: 'acct', hostnames: '@, www', recordType: 'auto', wires: [['out']], ...ddns },
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

describe('namecheap-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeNamecheap.start();
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('sends host, domain, password and ip per host (@ is the domain itself), and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { password: server.password } });
    const first = await feed('203.0.113.7');
    assert.deepEqual(first.ddns.results.map((r) => `${r.name}/${r.type}:${r.status}`), ['example.com/A:updated', 'www.example.com/A:updated']);
    assert.deepEqual(server.requests.map((r) => [r.path, r.query]), [
      ['/update', { host: '@', domain: 'example.com', password: server.password, ip: '203.0.113.7' }],
      ['/update', { host: 'www', domain: 'example.com', password: server.password, ip: '203.0.113.7' }],
    ]);
    assert.equal(server.records.get('@'), '203.0.113.7');
    const again = await feed('203.0.113.7');
    assert.deepEqual(again.ddns.results.map((r) => r.status), ['unchanged', 'unchanged']);
    assert.equal(server.count(), 2, 'an update-only service: the ledger decides, no request');
    const changed = await feed('203.0.113.8');
    assert.deepEqual(changed.ddns.results.map((r) => [r.status, r.previous]), [['updated', '203.0.113.7'], ['updated', '203.0.113.7']]);
    assert.equal(server.count(), 4);
  });

  it('takes a wildcard and a full name inside the domain as hosts', async () => {
    await helper.load(nodes, flow(server, { hostnames: '*, home.example.com' }), { acct: { password: server.password } });
    const msg = await feed('198.51.100.4');
    assert.deepEqual(msg.ddns.results.map((r) => r.name), ['*.example.com', 'home.example.com']);
    assert.deepEqual(server.requests.map((r) => r.query.host), ['*', 'home']);
  });

  it('an IPv6 address is EBADINPUT said in words, with no request (Namecheap Dynamic DNS is IPv4 only)', async () => {
    await helper.load(nodes, flow(server), { acct: { password: server.password } });
    for (const payload of ['2001:db8::1', { ipv6: '2001:db8::1' }]) {
      const caught = await feed(payload, 'caught');
      assert.equal(caught.error.code, 'EBADINPUT');
      assert.match(caught.error.message, /takes IPv4 addresses only; use a AAAA record in Namecheap's Advanced DNS by hand, or another provider for IPv6/);
      const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
      assert.equal(status.fill, 'red');
      assert.ok(!/EBADINPUT/.test(status.text), status.text);
    }
    assert.equal(server.count(), 0);
  });

  it('{ipv4, ipv6} with type auto writes the A records only, and each result says the IPv6 address was not sent', async () => {
    await helper.load(nodes, flow(server), { acct: { password: server.password } });
    const msg = await feed({ ipv4: '203.0.113.9', ipv6: '2001:db8::9' });
    assert.deepEqual(msg.ddns.results.map((r) => `${r.type}:${r.status}`), ['A:updated', 'A:updated']);
    for (const r of msg.ddns.results) assert.match(r.message, /IPv6 address was not sent/);
    assert.ok(server.requests.every((r) => r.query.ip === '203.0.113.9'));
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'green');
    assert.ok(!status.text.includes('2001:db8::9'), `the status claims no IPv6: ${status.text}`);
  });

  it('record type AAAA, or an account without a domain, is red at deploy', async () => {
    await helper.load(nodes, flow(server, { recordType: 'AAAA' }), { acct: { password: server.password } });
    assert.match((await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red')).text, /invalid|settings/i);
    await helper.unload();
    await helper.load(nodes, flow(server, {}, { domain: '' }), { acct: { password: server.password } });
    assert.equal((await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red')).fill, 'red');
    assert.equal(server.count(), 0);
  });

  it('"Passwords do not match" is EAUTH and blocks: red, no password anywhere, and the next input sends nothing', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'www' }), { acct: { password: WRONG } });
    const caught = await feed('203.0.113.10', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.match(caught.error.message, /Advanced DNS page/);
    assert.ok(!JSON.stringify(caught).includes(WRONG), 'the password is not in the message');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    assert.match(status.text, /Passwords do not match/);
    const next = await feed('203.0.113.11');
    assert.deepEqual(next.ddns.results.map((r) => [r.status, r.code]), [['skipped', 'EBLOCKED']]);
    assert.equal(server.count(), 1);
  });

  it('a server that echoes the password in its error text has it masked in the message, the status and the sidebar', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'www' }), { acct: { password: server.password } });
    server.answerNext({ body: server.interfaceResponse({ error: { text: `Invalid request password=${server.password}`, number: 1, response: `echo ${server.password}` } }) });
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    const rows = (await helper.request().get('/ddns/records').expect(200)).body;
    for (const text of [JSON.stringify(caught), status.text, JSON.stringify(rows)]) assert.ok(!text.includes(server.password) && !text.includes(server.password.slice(0, 10)), text);
    assert.match(caught.error.message, /Invalid request/);
  });

  it('"Domain name not found" and a host without an A + Dynamic DNS record are ENOTFOUND in words, not blocks', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'www' }, { domain: 'example.org' }), { acct: { password: server.password } });
    const domain = await feed('203.0.113.13', 'caught');
    assert.equal(domain.error.code, 'ENOTFOUND');
    assert.match(domain.error.message, /does not know the domain example\.org/);
    await helper.unload();
    await helper.load(nodes, flow(server, { hostnames: 'lab' }), { acct: { password: server.password } });
    const record = await feed('203.0.113.13', 'caught');
    assert.equal(record.error.code, 'ENOTFOUND');
    assert.match(record.error.message, /no Dynamic DNS record for the host lab in example\.com .*Advanced DNS page/);
    const count = server.count();
    server.records.set('lab', '');
    const retried = await feed('203.0.113.13');
    assert.equal(retried.ddns.results[0].status, 'updated', 'not blocked: the record added by hand is written on the next input');
    assert.equal(server.count(), count + 1);
  });

  it('an answer that holds another address than the one sent is EBADRESPONSE, never a success', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'www' }), { acct: { password: server.password } });
    server.answerNext({ body: server.interfaceResponse({ ip: '192.0.2.99' }) });
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EBADRESPONSE');
    assert.match(caught.error.message, /holds 192\.0\.2\.99, not 203\.0\.113\.14/);
  });

  it('a dry run sends nothing and says what it would write', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { password: server.password } });
    const msg = await feed('203.0.113.15');
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['skipped', 'skipped']);
    assert.match(msg.ddns.results[0].message, /dry run: would update A 203\.0\.113\.15/);
    assert.equal(server.count(), 0);
  });

  it('the sidebar lists the hosts under their full names with type A before and after the first write', async () => {
    await helper.load(nodes, flow(server), { acct: { password: server.password } });
    const before = (await helper.request().get('/ddns/records').expect(200)).body.records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(before.map((r) => [r.name, r.type]).sort(), [['example.com', 'A'], ['www.example.com', 'A']]);
    await feed('203.0.113.16');
    const after = (await helper.request().get('/ddns/records').expect(200)).body.records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(after.map((r) => [r.name, r.value, r.state]).sort(), [['example.com', '203.0.113.16', 'in-sync'], ['www.example.com', '203.0.113.16', 'in-sync']]);
  });

  it('hosts from msg.hostnames are taken relative to the account domain', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'hostnames', hostnamesType: 'msg' }), { acct: { password: server.password } });
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('ddns').receive({ payload: '203.0.113.17', hostnames: 'home' });
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['home.example.com', 'updated']]);
    assert.equal(server.requests[0].query.host, 'home');
  });
});
