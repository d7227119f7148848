'use strict';
// cloudns-account + cloudns-ddns (generated from src/providers/cloudns on the provider
// descriptor) in a Node-RED runtime against the ClouDNS HTTP API stand-in on loopback
// (test/servers/fake-cloudns.js, after https://www.cloudns.net/wiki/article/41/ and the
// records articles 57, 58 and 60).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeCloudns = require('../servers/fake-cloudns');

const nodes = [nodeFile('cloudns')];

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'cloudns-account', endpoint: server.url, ...account },
    { id: 'ddns', type: 'cloudns-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'A', ttl: '', wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

function login(server, extra = {}) {
  return { acct: { authId: server.authId, authPassword: server.password, ...extra } };
}

async function feed(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload });
  return out;
}

describe('cloudns-ddns node', function () {
  this.timeout(20000);
  let server;
  beforeEach(async () => {
    server = await fakeCloudns.start();
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('creates a missing record with a POST form body that carries the login (never the URL), and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), login(server));
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path}${r.query}`),
      ['POST /dns/records.json', 'POST /dns/add-record.json'],
    );
    for (const r of server.requests) {
      assert.match(r.headers['content-type'], /application\/x-www-form-urlencoded/);
      assert.equal(r.params['auth-id'], server.authId);
      assert.equal(r.params['auth-password'], server.password, 'the password with its space, & and = arrives whole');
      assert.equal(r.params['sub-auth-id'], undefined);
    }
    assert.deepEqual({ ...server.requests[0].params, 'auth-password': '' }, { 'auth-id': server.authId, 'auth-password': '', 'domain-name': 'example.com', host: 'home', type: 'A' });
    // no TTL in the node: a new record gets 300 (ClouDNS requires one)
    const add = server.requests[1].params;
    assert.deepEqual([add['domain-name'], add['record-type'], add.host, add.record, add.ttl], ['example.com', 'A', 'home', '203.0.113.7', '300']);
    assert.equal(first.ddns.results[0].recordId, server.records[0].id);
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 2);
  });

  it("an update modifies the record by id and sends its own TTL back when the node's TTL is empty", async () => {
    const id = server.add({ host: 'home', type: 'A', record: '198.51.100.1', ttl: '86400' });
    await helper.load(nodes, flow(server), login(server));
    const msg = await feed('203.0.113.8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    assert.equal(msg.ddns.results[0].recordId, id);
    const mod = server.requests[1];
    assert.equal(mod.path, '/dns/mod-record.json');
    assert.deepEqual([mod.params['record-id'], mod.params.host, mod.params.record, mod.params.ttl], [id, 'home', '203.0.113.8', '86400']);
    assert.deepEqual(server.values('home.example.com', 'A'), ['203.0.113.8']);
  });

  it("the node's TTL replaces the record's on an update", async () => {
    server.add({ host: 'home', type: 'A', record: '198.51.100.1', ttl: '86400' });
    await helper.load(nodes, flow(server, { ttl: '60' }), login(server));
    await feed('203.0.113.9');
    assert.equal(server.records[0].ttl, '60');
  });

  it('the apex (host "") is picked out of an answer that lists the type zone-wide, and AAAA is written there', async () => {
    server.add({ host: 'www', type: 'AAAA', record: '2001:db8::1' });
    const apex = server.add({ host: '', type: 'AAAA', record: '2001:db8::2' });
    await helper.load(nodes, flow(server, { hostnames: 'example.com', recordType: 'AAAA' }), login(server));
    const msg = await feed('2001:db8::5');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].recordId, apex);
    assert.equal(server.requests[0].params.host, '');
    assert.deepEqual(server.values('example.com', 'AAAA'), ['2001:db8::5']);
    assert.deepEqual(server.values('www.example.com', 'AAAA'), ['2001:db8::1'], 'the www record is left alone');
  });

  it('a sub-user logs in with sub-auth-id, and a zone not delegated to it is ENOTFOUND ("Missing domain-name") with a hint', async () => {
    server.delegate('example.com', false);
    await helper.load(nodes, flow(server), { acct: { subAuthId: server.subAuthId, authPassword: server.password } });
    const caught = await feed('203.0.113.10', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.error.message, /Missing domain-name/);
    assert.match(caught.error.message, /delegated to it/);
    assert.equal(server.requests[0].params['sub-auth-id'], server.subAuthId);
    assert.equal(server.requests[0].params['auth-id'], undefined);
    // not a block: the zone can be delegated without touching the login
    server.delegate('example.com', true);
    const next = await feed('203.0.113.10');
    assert.equal(next.ddns.results[0].status, 'created');
  });

  it('a refused login ("Invalid authentication, ...", HTTP 200) is EAUTH, blocks, and the password never appears in what the node says', async () => {
    await helper.load(nodes, flow(server), login(server, { authPassword: 'wrong-Secret-9911' }));
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.match(caught.error.message, /Invalid authentication, incorrect auth-id or auth-password/);
    assert.ok(!JSON.stringify(caught).includes('wrong-Secret-9911'), 'the password is masked');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    assert.equal(server.count(), 1);
    const next = await feed('203.0.113.13');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), 1);
  });

  it('the in-body rate limit ("Request blocked, ... more than 20 requests per second.", HTTP 200) is retried and the record then written', async () => {
    server.answerNext({ body: JSON.stringify({ status: 'Failed', statusDescription: 'Request blocked, 127.0.0.1 is sending more than 20 requests per second.' }) });
    await helper.load(nodes, flow(server), login(server));
    const msg = await feed('203.0.113.14');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.count(), 3, 'the refused read, the read again, the add');
  });

  it('another Failed answer is EPROVIDER with ClouDNS\'s words, and does not block', async () => {
    server.answerNext({ body: JSON.stringify({ status: 'Failed', statusDescription: 'This zone is a slave zone.' }) });
    await helper.load(nodes, flow(server), login(server));
    const caught = await feed('203.0.113.15', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.match(caught.error.message, /This zone is a slave zone/);
    const next = await feed('203.0.113.15');
    assert.equal(next.ddns.results[0].status, 'created');
  });

  it('two A records at the host are ECONFLICT with their ids: neither is changed', async () => {
    const a = server.add({ host: 'home', type: 'A', record: '198.51.100.1' });
    const b = server.add({ host: 'home', type: 'A', record: '198.51.100.2' });
    await helper.load(nodes, flow(server), login(server));
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.match(caught.error.message, new RegExp(`${a}, ${b}`));
    assert.equal(server.writes(), 0);
  });

  it('a dry run reads but writes nothing, and says it would update', async () => {
    server.add({ host: 'home', type: 'A', record: '198.51.100.1' });
    await helper.load(nodes, flow(server, { dryRun: true }), login(server));
    const msg = await feed('203.0.113.17');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would update A 203\.0\.113\.17/);
    assert.equal(server.writes(), 0);
    assert.equal(server.count(), 1);
  });

  it('the sidebar lists the configured names, then their values after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, *.example.com' }), login(server));
    await feed('203.0.113.18');
    assert.deepEqual(server.values('*.example.com', 'A'), ['203.0.113.18']);
    const rows = (await helper.request().get('/ddns/records').expect(200)).body.records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(rows.map((r) => [r.name, r.type, r.value, r.state]).sort(), [
      ['*.example.com', 'A', '203.0.113.18', 'in-sync'],
      ['home.example.com', 'A', '203.0.113.18', 'in-sync'],
    ]);
  });

  for (const [why, ddns, credentials] of [
    ['a TTL ClouDNS does not offer (600; articles 58 and 60 list the allowed ones)', { ttl: '600' }, undefined],
    ['both an auth-id and a sub-auth-id', {}, (s) => login(s, { subAuthId: s.subAuthId })],
    ['neither an auth-id nor a sub-auth-id', {}, (s) => ({ acct: { authPassword: s.password } })],
    ['an auth-id that is not a number', {}, (s) => login(s, { authId: 'admin@example.com' })],
  ]) {
    it(`${why} is red at deploy, before any input`, async () => {
      await helper.load(nodes, flow(server, ddns), credentials ? credentials(server) : login(server));
      const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      assert.ok(status.text);
      assert.equal(server.count(), 0);
    });
  }
});
