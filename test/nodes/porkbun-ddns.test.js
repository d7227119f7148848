'use strict';
// porkbun-account + porkbun-ddns (generated from src/providers/porkbun on the provider
// descriptor) in a Node-RED runtime against the Porkbun API v3 stand-in on loopback
// (test/servers/fake-porkbun.js, after https://porkbun.com/api/json/v3/documentation).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakePorkbun = require('../servers/fake-porkbun');

const nodes = [nodeFile('porkbun')];
const BASE = '/api/json/v3';

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'porkbun-account', endpoint: server.url, ...account },
    { id: 'ddns', type: 'porkbun-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'A', ttl: '', wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

function keys(server) {
  return { acct: { apiKey: server.apiKey, secretApiKey: server.secretApiKey } };
}

async function feed(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload });
  return out;
}

describe('porkbun-ddns node', function () {
  this.timeout(20000);
  let server;
  beforeEach(async () => {
    server = await fakePorkbun.start();
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('creates a missing record by its subdomain with both keys in the JSON body, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), keys(server));
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path}`),
      [`POST ${BASE}/dns/retrieveByNameType/example.com/A/home`, `POST ${BASE}/dns/create/example.com`],
    );
    for (const r of server.requests) {
      assert.equal(r.body.apikey, server.apiKey);
      assert.equal(r.body.secretapikey, server.secretApiKey);
      assert.match(r.headers['content-type'], /application\/json/);
    }
    // no TTL set in the node: none sent, Porkbun's default (600) applies
    assert.deepEqual(server.requests[1].body, { apikey: server.apiKey, secretapikey: server.secretApiKey, name: 'home', type: 'A', content: '203.0.113.7' });
    assert.equal(first.ddns.results[0].recordId, server.records[0].id);
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 2);
  });

  it('the apex is read with a path that ends with the type, and created with an empty name', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'example.com', recordType: 'AAAA', ttl: '3600' }), keys(server));
    const msg = await feed('2001:db8::5');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.requests[0].path, `${BASE}/dns/retrieveByNameType/example.com/AAAA`);
    assert.equal(server.requests[1].body.name, '');
    assert.equal(server.requests[1].body.ttl, '3600');
    assert.deepEqual(server.values('example.com', 'AAAA'), ['2001:db8::5']);
  });

  it("an update edits the record by id and keeps its notes, prio and TTL when the node's TTL is empty", async () => {
    const id = server.add({ name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: '1200', notes: 'router', prio: '0' });
    await helper.load(nodes, flow(server), keys(server));
    const msg = await feed('203.0.113.8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    const edit = server.requests[1];
    assert.equal(edit.path, `${BASE}/dns/edit/example.com/${id}`);
    assert.deepEqual(server.records[0], { id, name: 'home.example.com', type: 'A', content: '203.0.113.8', ttl: '1200', prio: '0', notes: 'router', domain: 'example.com' });
  });

  it("the node's TTL replaces the record's on an update; the notes stay", async () => {
    server.add({ name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: '1200', notes: 'router' });
    await helper.load(nodes, flow(server, { ttl: '900' }), keys(server));
    await feed('203.0.113.9');
    assert.equal(server.records[0].ttl, '900');
    assert.equal(server.records[0].notes, 'router');
  });

  it('a domain not opted in to API access is EFORBIDDEN, says where to switch it on, and blocks the record', async () => {
    server.apiAccess('example.com', false);
    await helper.load(nodes, flow(server), keys(server));
    const caught = await feed('203.0.113.10', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.match(caught.error.message, /switch on API ACCESS for this domain in Porkbun's domain management/);
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    const count = server.count();
    const next = await feed('203.0.113.11');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('refused keys ("Invalid API key. (002)") are EAUTH, block, and never appear in what the node says', async () => {
    const wrong = `sk1_${'bad0'.repeat(16)}`;
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey, secretApiKey: wrong } });
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.match(caught.error.message, /Invalid API key/);
    assert.ok(!JSON.stringify(caught).includes('bad0bad0'), 'the secret is masked');
    assert.equal(server.count(), 1);
    const next = await feed('203.0.113.13');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), 1);
  });

  it('a 429 is retried and the record then written', async () => {
    server.answerNext({ status: 429, headers: { 'retry-after': '0' }, body: JSON.stringify({ status: 'ERROR', message: 'Too many requests.' }) });
    await helper.load(nodes, flow(server), keys(server));
    const msg = await feed('203.0.113.14');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.count(), 3, 'the refused read, the read again, the create');
  });

  it('two A records at the name are ECONFLICT: neither is changed', async () => {
    server.add({ name: 'home.example.com', type: 'A', content: '198.51.100.1' });
    server.add({ name: 'home.example.com', type: 'A', content: '198.51.100.2' });
    await helper.load(nodes, flow(server), keys(server));
    const caught = await feed('203.0.113.15', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.equal(server.writes(), 0);
    assert.deepEqual(server.values('home.example.com', 'A'), ['198.51.100.1', '198.51.100.2']);
  });

  it('a dry run reads but writes nothing, and says it would create', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), keys(server));
    const msg = await feed('203.0.113.16');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.16/);
    assert.equal(server.writes(), 0);
    assert.equal(server.count(), 1);
  });

  it('the sidebar lists the configured names, then their values after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com' }), keys(server));
    await feed('203.0.113.17');
    const rows = (await helper.request().get('/ddns/records').expect(200)).body.records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(rows.map((r) => [r.name, r.type, r.value, r.state]).sort(), [
      ['home.example.com', 'A', '203.0.113.17', 'in-sync'],
      ['www.example.com', 'A', '203.0.113.17', 'in-sync'],
    ]);
  });

  for (const [why, account, credentials] of [
    ['the old porkbun.com API host (it stopped answering in December 2024)', { endpoint: 'https://porkbun.com/api/json/v3' }, undefined],
    ['swapped keys', {}, (s) => ({ acct: { apiKey: s.secretApiKey, secretApiKey: s.apiKey } })],
  ]) {
    it(`${why} is red at deploy, before any input`, async () => {
      await helper.load(nodes, flow(server, {}, account), credentials ? credentials(server) : keys(server));
      const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      assert.ok(status.text);
      assert.equal(server.count(), 0);
    });
  }
});
