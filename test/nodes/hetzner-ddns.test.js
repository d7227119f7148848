'use strict';
// hetzner-account + hetzner-ddns (generated from src/providers/hetzner on the provider
// descriptor) in a Node-RED runtime against the Hetzner Cloud API stand-in on loopback
// (test/servers/fake-hetzner.js, after https://docs.hetzner.cloud/reference/cloud#zone-rrsets).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeHetzner = require('../servers/fake-hetzner');

const nodes = [nodeFile('hetzner')];
const ZONE = 'example.com';

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'hetzner-account', endpoint: server.url, ...account },
    { id: 'ddns', type: 'hetzner-ddns', account: 'acct', zone: ZONE, zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', ttl: '', wires: [['out']], ...ddns },
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

const calls = (server) => server.requests.map((r) => `${r.method} ${r.path}`);
const posts = (server) => server.requests.filter((r) => r.method === 'POST');

describe('hetzner-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeHetzner.start({ zones: { [ZONE]: { id: 4711 }, 'secondary.example': { mode: 'secondary' } } });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('creates a missing RRSet with the Bearer token and no TTL (the zone default), asks the zone once, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.equal(first.ddns.results[0].recordId, 'home/A');
    assert.deepEqual(calls(server), ['GET /v1/zones/example.com/rrsets/home/A', 'GET /v1/zones/example.com', 'POST /v1/zones/example.com/rrsets']);
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${server.token}`));
    assert.deepEqual(server.requests[2].body, { name: 'home', type: 'A', records: [{ value: '203.0.113.7' }] });
    assert.equal(server.rrset(ZONE, 'home', 'A').ttl, null, 'no TTL sent: the RRSet follows the zone default');
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 3);
  });

  it('the zone is asked once per node: a second missing name in the same zone is created without asking it again', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { apiToken: server.token } });
    const msg = await feed('203.0.113.8');
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['created', 'created']);
    assert.equal(server.requests.filter((r) => r.path === '/v1/zones/example.com').length, 1);
  });

  it('sets the records of an RRSet holding another address, sending back its comment and leaving its TTL alone', async () => {
    server.seed(ZONE, 'home', 'A', [{ value: '198.51.100.1', comment: 'router at home' }], 7200);
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    const msg = await feed('203.0.113.9');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    assert.deepEqual(posts(server).map((r) => [r.path, r.body]), [['/v1/zones/example.com/rrsets/home/A/actions/set_records', { records: [{ value: '203.0.113.9', comment: 'router at home' }] }]]);
    assert.deepEqual(server.rrset(ZONE, 'home', 'A'), { zone: ZONE, name: 'home', type: 'A', ttl: 7200, records: [{ value: '203.0.113.9', comment: 'router at home' }] });
  });

  it('a TTL the node sets goes by change_ttl before set_records; a round robin becomes the one address, with the first comment kept', async () => {
    server.seed(ZONE, 'home', 'AAAA', [{ value: '2001:db8::1' }, { value: '2001:db8::2', comment: 'second' }], 3600);
    await helper.load(nodes, flow(server, { ttl: '300', recordType: 'AAAA' }), { acct: { apiToken: server.token } });
    const msg = await feed('2001:DB8:0:0::8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual(posts(server).map((r) => [r.path.split('/').pop(), r.body]), [
      ['change_ttl', { ttl: 300 }],
      ['set_records', { records: [{ value: '2001:db8::8', comment: 'second' }] }],
    ]);
    assert.deepEqual(server.rrset(ZONE, 'home', 'AAAA').records, [{ value: '2001:db8::8', comment: 'second' }]);
    assert.equal(server.rrset(ZONE, 'home', 'AAAA').ttl, 300);
  });

  it('a TTL the RRSet already has sends no change_ttl', async () => {
    server.seed(ZONE, 'home', 'A', ['198.51.100.2'], 300);
    await helper.load(nodes, flow(server, { ttl: 300 }), { acct: { apiToken: server.token } });
    await feed('203.0.113.10');
    assert.deepEqual(posts(server).map((r) => r.path.split('/').pop()), ['set_records']);
  });

  it('reads an RRSet that already holds the address and writes nothing', async () => {
    server.seed(ZONE, 'home', 'A', ['203.0.113.11']);
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    const msg = await feed('203.0.113.11');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.deepEqual(calls(server), ['GET /v1/zones/example.com/rrsets/home/A']);
  });

  it('the zone apex is the RRSet name @, in the path and in the create', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'example.com' }), { acct: { apiToken: server.token } });
    await feed('203.0.113.12');
    assert.equal(server.requests[0].path, '/v1/zones/example.com/rrsets/@/A');
    assert.equal(posts(server)[0].body.name, '@');
    assert.deepEqual(server.rrset(ZONE, '@', 'A').records, [{ value: '203.0.113.12', comment: '' }]);
    const next = await feed('203.0.113.13');
    assert.equal(next.ddns.results[0].status, 'updated');
    assert.equal(server.requests.at(-1).path, '/v1/zones/example.com/rrsets/@/A/actions/set_records');
  });

  it('unauthorized blocks: red status, a Catch sees EAUTH in words without the token, and the next input sends nothing', async () => {
    const wrong = 'wrongHetznerToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
    await helper.load(nodes, flow(server), { acct: { apiToken: wrong } });
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(caught.ddns.results[0].providerCode, 'unauthorized');
    assert.match(caught.ddns.results[0].message, /Hetzner refused the API token \(unauthorized: unable to authenticate\)/);
    assert.ok(!JSON.stringify(caught).includes(wrong), 'the token is masked');
    assert.equal(watchStatus(helper.getNode('ddns'), { fromStart: true }).current().fill, 'red');
    const count = server.count();
    assert.equal(count, 1, 'a refused token is not retried');
    const next = await feed('203.0.113.15');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a refused 32-character token is said to be a DNS Console token, which the Cloud API does not take', async () => {
    await helper.load(nodes, flow(server), { acct: { apiToken: 'LlGoDUQ39S6akqoav5meAsv5OIpeywhj' } });
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.match(caught.ddns.results[0].message, /DNS Console/);
  });

  it('a read-only token (token_readonly) and forbidden are EFORBIDDEN and block the record', async () => {
    await server.close();
    const readonlyToken = 'readonlyHetznerToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
    server = await fakeHetzner.start({ readonlyToken });
    await helper.load(nodes, flow(server), { acct: { apiToken: readonlyToken } });
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.equal(caught.ddns.results[0].providerCode, 'token_readonly');
    assert.match(caught.ddns.results[0].message, /only allowed to perform GET requests/);
    const count = server.count();
    assert.equal((await feed('203.0.113.18')).ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
    await helper.unload();
    server.answerNext({ status: 403, body: { error: { code: 'forbidden', message: 'insufficient permissions', details: {} } } });
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    const forbidden = await feed('203.0.113.19', 'caught');
    assert.equal(forbidden.error.code, 'EFORBIDDEN');
    assert.equal(forbidden.ddns.results[0].providerCode, 'forbidden');
  });

  it('a zone that is not in the project is ENOTFOUND in words, found by the read, so a dry run says it too', async () => {
    await helper.load(nodes, flow(server, { zone: 'example.net', hostnames: 'home.example.net', dryRun: true }), { acct: { apiToken: server.token } });
    const caught = await feed('203.0.113.20', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.ddns.results[0].message, /the zone example\.net is not in the Hetzner Cloud project of this API token/);
    assert.equal(posts(server).length, 0);
  });

  it('invalid_input is refused in Hetzner\'s words, with each field and its messages (EPROVIDER, not retried)', async () => {
    server.seed(ZONE, 'home', 'A', ['198.51.100.3']);
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    server.answerNext(
      { status: 200, body: { rrset: { id: 'home/A', name: 'home', type: 'A', ttl: null, records: [{ value: '198.51.100.3', comment: '' }], zone: 4711 } } },
      { status: 400, body: { error: { code: 'invalid_input', message: "invalid input in field 'records'", details: { fields: [{ name: 'records', messages: ['record value is not allowed'] }] } } } },
    );
    const caught = await feed('203.0.113.21', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'invalid_input');
    assert.match(caught.ddns.results[0].message, /invalid input in field 'records': records: record value is not allowed/);
    assert.equal(server.count(), 2, 'invalid input is not retried');
  });

  it('a secondary zone refuses the write with incorrect_zone_mode, said in words', async () => {
    await helper.load(nodes, flow(server, { zone: 'secondary.example', hostnames: 'home.secondary.example' }), { acct: { apiToken: server.token } });
    const caught = await feed('203.0.113.22', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.match(caught.ddns.results[0].message, /incorrect_zone_mode.*not supported for this Zone's mode/);
  });

  it('an action that ends in error is a failure in Hetzner\'s words, never a success', async () => {
    server.seed(ZONE, 'home', 'A', ['198.51.100.4']);
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    server.answerNext(
      { status: 200, body: { rrset: { id: 'home/A', name: 'home', type: 'A', ttl: null, records: [{ value: '198.51.100.4', comment: '' }], zone: 4711 } } },
      { status: 201, body: { action: { id: 9, command: 'set_rrset_records', status: 'error', progress: 100, error: { code: 'zone_update_failed', message: 'the zone could not be published' } } } },
    );
    const caught = await feed('203.0.113.23', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'zone_update_failed');
    assert.match(caught.ddns.results[0].message, /the zone could not be published/);
  });

  it('rate_limit_exceeded is paced by RateLimit-Reset: a reset 15 minutes away pauses the record', async () => {
    server.throttle(900);
    await helper.load(nodes, flow(server), { acct: { apiToken: server.token } });
    const msg = await feed('203.0.113.24');
    assert.equal(msg.ddns.results[0].code, 'EWAIT');
    assert.equal(msg.ddns.results[0].providerCode, 'rate_limit_exceeded');
    assert.match(msg.ddns.results[0].message, /1[45] min/);
    const count = server.count();
    const next = await feed('203.0.113.25');
    assert.equal(next.ddns.results[0].code, 'EWAIT');
    assert.equal(server.count(), count, 'nothing sent during the pause');
  });

  it('an account pointing at the retired dns.hetzner.com API is red at deploy, in words, before any input', async () => {
    await helper.load(nodes, flow(server, {}, { endpoint: 'https://dns.hetzner.com/api/v1' }), { acct: { apiToken: server.token } });
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.match(status.text, /the old Hetzner DNS API is retired/);
    const caught = await feed('203.0.113.28', 'caught');
    assert.equal(caught.error.code, 'ECONFIG');
    assert.match(caught.error.message, /the old Hetzner DNS API is retired; use a Hetzner Cloud API token with the default endpoint/);
    assert.equal(server.count(), 0);
  });

  it('a dry run reads but never writes, and says what it would do', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { apiToken: server.token } });
    const msg = await feed('203.0.113.26');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.26/);
    assert.equal(posts(server).length, 0);
  });

  it('the sidebar lists the records with their type and value after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { apiToken: server.token } });
    await feed('203.0.113.27');
    const board = (await helper.request().get('/ddns/records').expect(200)).body;
    const rows = board.records.filter((r) => r.nodeId === 'ddns').map((r) => `${r.name}/${r.type}=${r.value}`).sort();
    assert.deepEqual(rows, ['home.example.com/A=203.0.113.27', 'www.example.com/A=203.0.113.27']);
  });

  for (const [why, ddns, account] of [
    ['a TTL of 59', { ttl: 59 }, { apiToken: 'x'.repeat(64) }],
    ['a token with spaces', {}, { apiToken: 'has spaces in it, not a token' }],
    ['no token', {}, {}],
  ]) {
    it(`${why} is red at deploy, before any input`, async () => {
      await helper.load(nodes, flow(server, ddns), { acct: account });
      await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      assert.equal(server.count(), 0);
    });
  }
});
