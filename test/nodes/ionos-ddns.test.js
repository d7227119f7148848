'use strict';
// ionos-account + ionos-ddns (generated from src/providers/ionos on the provider descriptor)
// in a Node-RED runtime against the IONOS DNS API stand-in on loopback
// (test/servers/fake-ionos.js, after the OpenAPI spec "DNS API" 1.0.2 of developer.hosting.ionos.com).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeIonos = require('../servers/fake-ionos');

const nodes = [nodeFile('ionos')];
const ZONE = 'example.com';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'ionos-account', endpoint: server.url },
    { id: 'ddns', type: 'ionos-ddns', account: 'acct', zone: ZONE, zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', ttl: '', wires: [['out']], ...ddns },
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
const writes = (server) => server.requests.filter((r) => r.method !== 'GET');

describe('ionos-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeIonos.start({ zones: [ZONE, 'example.org'] });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('finds the zone id, reads the record by name and type, creates it with a POSTed array, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    const id = server.zoneId(ZONE);
    assert.deepEqual(calls(server), ['GET /dns/v1/zones', `GET /dns/v1/zones/${id}`, `POST /dns/v1/zones/${id}/records`]);
    assert.deepEqual(server.requests[1].query, { recordName: 'home.example.com', recordType: 'A' });
    assert.ok(server.requests.every((r) => r.headers['x-api-key'] === server.apiKey), 'X-API-Key: prefix.secret on every call');
    // createRecords takes an array; the spec recommends a TTL of 3600
    assert.deepEqual(server.requests[2].body, [{ name: 'home.example.com', type: 'A', content: '203.0.113.7', ttl: 3600, prio: 0, disabled: false }]);
    assert.equal(first.ddns.results[0].recordId, server.find('home.example.com', 'A')[0].id);
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 3);
  });

  it('PUTs a record that holds another address by its id, sending its own TTL and prio back when the node sets no TTL', async () => {
    const seeded = server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: 7200, prio: 5 });
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const msg = await feed('203.0.113.8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    assert.deepEqual(writes(server).map((r) => [r.method, r.path, r.body]), [['PUT', `/dns/v1/zones/${server.zoneId(ZONE)}/records/${seeded.id}`, { content: '203.0.113.8', ttl: 7200, prio: 5, disabled: false }]]);
    assert.equal(server.records.get(seeded.id).content, '203.0.113.8');
  });

  it('the TTL the node sets replaces the record\'s own', async () => {
    const seeded = server.seed(ZONE, { name: 'home.example.com', type: 'AAAA', content: '2001:db8::1', ttl: 3600 });
    await helper.load(nodes, flow(server, { ttl: '60', recordType: 'AAAA' }), { acct: { apiKey: server.apiKey } });
    await feed('2001:db8::8');
    assert.deepEqual(writes(server)[0].body, { content: '2001:db8::8', ttl: 60, prio: 0, disabled: false });
    assert.equal(server.records.get(seeded.id).ttl, 60);
  });

  it('reads a record that already holds the address and writes nothing; the zone id is remembered for the next run', async () => {
    server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '203.0.113.9' });
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { apiKey: server.apiKey } });
    const msg = await feed('203.0.113.9');
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['unchanged', 'created']);
    // one zone list for both names: the id is kept in the memo
    assert.equal(server.requests.filter((r) => r.path === '/dns/v1/zones').length, 1);
    const next = await feed('203.0.113.10');
    assert.deepEqual(next.ddns.results.map((r) => r.status), ['updated', 'updated']);
    assert.equal(server.requests.filter((r) => r.path === '/dns/v1/zones').length, 1, 'no zone list on the next run');
  });

  it('a remembered zone id IONOS no longer knows (404) is looked up once more', async () => {
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    await feed('203.0.113.11');
    const old = server.zoneId(ZONE);
    server.renewZone(ZONE);
    const msg = await feed('203.0.113.12');
    assert.equal(msg.ddns.results[0].status, 'updated');
    const id = server.zoneId(ZONE);
    const record = server.find('home.example.com', 'A')[0];
    assert.deepEqual(calls(server).slice(3), [`GET /dns/v1/zones/${old}`, 'GET /dns/v1/zones', `GET /dns/v1/zones/${id}`, `PUT /dns/v1/zones/${id}/records/${record.id}`]);
    assert.equal(record.content, '203.0.113.12');
  });

  it('round robin (two A records at the name) is ECONFLICT listing their ids, and nothing is written', async () => {
    const a = server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '198.51.100.1' });
    const b = server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '198.51.100.2' });
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const caught = await feed('203.0.113.13', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.ok(caught.ddns.results[0].message.includes(a.id) && caught.ddns.results[0].message.includes(b.id), caught.ddns.results[0].message);
    assert.equal(writes(server).length, 0);
  });

  it('a disabled record is switched on again with the address', async () => {
    const seeded = server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '203.0.113.14', disabled: true });
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const msg = await feed('203.0.113.14');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(writes(server)[0].body.disabled, false);
    assert.equal(server.records.get(seeded.id).disabled, false);
  });

  it('401 UNAUTHORIZED blocks: red status, a Catch sees EAUTH with the IONOS code and without the key, and the next input sends nothing', async () => {
    const wrong = `${'f'.repeat(32)}.wrongSecretValue_abcdefghijklmnop`;
    await helper.load(nodes, flow(server), { acct: { apiKey: wrong } });
    const caught = await feed('203.0.113.15', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(caught.ddns.results[0].providerCode, 'UNAUTHORIZED');
    assert.match(caught.ddns.results[0].message, /The customer is not authorized to do this operation/);
    assert.ok(!JSON.stringify(caught).includes('wrongSecretValue'), 'the key is masked');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    const count = server.count();
    const next = await feed('203.0.113.16');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('403 FORBIDDEN_REQUEST is EFORBIDDEN and blocks the record', async () => {
    server.answerNext({ status: 403, body: [{ code: 'FORBIDDEN_REQUEST', message: 'Request not allowed.' }] });
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.equal(caught.ddns.results[0].providerCode, 'FORBIDDEN_REQUEST');
    const count = server.count();
    assert.equal((await feed('203.0.113.18')).ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a zone that is not in the account is ENOTFOUND, said in words', async () => {
    await helper.load(nodes, flow(server, { zone: 'example.net', hostnames: 'home.example.net' }), { acct: { apiKey: server.apiKey } });
    const caught = await feed('203.0.113.19', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.ddns.results[0].message, /IONOS has no zone example\.net in this account/);
    assert.equal(writes(server).length, 0);
  });

  it('a 429 is retried: the record is written after it, with the Retry-After waited', async () => {
    server.throttle(1);
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    const msg = await feed('203.0.113.20');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.requests[0].path, '/dns/v1/zones');
    assert.equal(server.requests[1].path, '/dns/v1/zones', 'the throttled zone list asked again');
  });

  it('a 400 INVALID_RECORD is EPROVIDER with IONOS\'s words', async () => {
    server.seed(ZONE, { name: 'home.example.com', type: 'A', content: '198.51.100.1' });
    await helper.load(nodes, flow(server), { acct: { apiKey: server.apiKey } });
    await feed('203.0.113.21');
    server.answerNext({ status: 400, body: [{ code: 'INVALID_RECORD', message: 'Record is invalid.' }] });
    const caught = await feed('203.0.113.22', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'INVALID_RECORD');
    assert.match(caught.ddns.results[0].message, /Record is invalid\./);
  });

  it('a dry run reads but never writes, and says what it would do', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { apiKey: server.apiKey } });
    const msg = await feed('203.0.113.23');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.23/);
    assert.equal(writes(server).length, 0);
  });

  it('the sidebar lists the records with their type and value after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { apiKey: server.apiKey } });
    await feed('203.0.113.24');
    const board = (await helper.request().get('/ddns/records').expect(200)).body;
    const rows = board.records.filter((r) => r.nodeId === 'ddns').map((r) => `${r.name}/${r.type}=${r.value}`).sort();
    assert.deepEqual(rows, ['home.example.com/A=203.0.113.24', 'www.example.com/A=203.0.113.24']);
  });

  it('an API key without the prefix.secret dot is red at deploy, in words, before any request', async () => {
    await helper.load(nodes, flow(server), { acct: { apiKey: 'justonelongsecretwithoutanydot' } });
    const bad = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.ok(bad.text.length > 0);
    assert.equal(server.count(), 0);
  });
});
