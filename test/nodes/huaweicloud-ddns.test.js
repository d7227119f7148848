'use strict';
// huaweicloud-account + huaweicloud-ddns (generated from src/providers/huaweicloud
// on the provider descriptor) in a Node-RED runtime against the Huawei Cloud DNS
// stand-in on loopback (test/servers/fake-huaweicloud.js, which verifies AK/SK
// signatures and is itself checked against the official SDK core).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeHuawei = require('../servers/fake-huaweicloud');

const nodes = [nodeFile('huaweicloud')];
const AK = 'HPUANODETESTAK000011';
const SK = 'nodeTestSecretKey00000000000000000000011';
const DENIED_AK = 'HPUANODEDENIEDAK0012';
const WRONG_SK = 'nodeTestWrongSecret00000000000000000000011';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'huaweicloud-account', endpoint: server.url },
    { id: 'ddns', type: 'huaweicloud-ddns', account: 'acct', zone: 'example.com', zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', ttl: '', dryRun: false, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (accessKey = AK, secretKey = SK) => ({ acct: { accessKey, secretKey } });

async function feed(payload, via = 'out', extra = {}) {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload, ...extra });
  return out;
}

const board = async () => (await helper.request().get('/ddns/records').expect(200)).body;
const writes = (server) => server.count('create') + server.count('update');

describe('huaweicloud-ddns node', function () {
  let server;
  before(async () => {
    server = await fakeHuawei.start({ keys: { [AK]: SK, [DENIED_AK]: SK }, forbidden: [DENIED_AK], zones: ['example.com', 'sub.example.com'] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });
  afterEach(() => helper.unload());

  it('creates a missing record set with TTL 300, then an unchanged address sends nothing; the zone id is looked up once', async () => {
    await helper.load(nodes, flow(server), credentials());
    const green = statusWhere(helper.getNode('ddns'), (st) => st.fill === 'green' && /203\.0\.113\.7/.test(st.text));
    const first = await feed('203.0.113.7');
    assert.deepEqual([first.ddns.results[0].status, first.ddns.results[0].type], ['created', 'A']);
    const [record] = server.records();
    assert.deepEqual([record.name, record.type, record.records, record.ttl], ['home.example.com.', 'A', ['203.0.113.7'], 300]);
    assert.equal(first.ddns.results[0].recordId, record.id);
    await green;
    const count = server.requests().length;
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.requests().length, count, 'no request for an unchanged address');
    await feed('203.0.113.8');
    assert.equal(server.count('zones'), 1, 'the zone id came from the memo the second time');
    assert.equal(server.count('update'), 1);
  });

  it("updates an existing record set by id with PUT, keeping the record's TTL and description when the node sets none", async () => {
    const seeded = server.seed({ name: 'home.example.com', type: 'A', records: ['198.51.100.1'], ttl: 3600, description: 'my home router' });
    server.seed({ name: 'myhome.example.com', type: 'A', records: ['198.51.100.2'] });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.9');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].previous, msg.ddns.results[0].recordId], ['updated', '198.51.100.1', seeded.id]);
    assert.deepEqual(seeded.lastBody, { name: 'home.example.com.', type: 'A', records: ['203.0.113.9'], ttl: 3600, description: 'my home router' });
    assert.deepEqual(server.values('myhome.example.com', 'A'), ['198.51.100.2'], 'the fuzzy match was not touched');
  });

  it('a TTL set in the node is written; a TTL out of range is red at deploy', async () => {
    const seeded = server.seed({ name: 'home.example.com', type: 'A', records: ['198.51.100.1'], ttl: 3600 });
    await helper.load(nodes, flow(server, { ttl: '60' }), credentials());
    await feed('203.0.113.10');
    assert.equal(seeded.ttl, 60);
    await helper.unload();
    await helper.load(nodes, flow(server, { ttl: '0' }), credentials());
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.match(status.text, /invalid|settings/i);
  });

  it('writes A and AAAA from {ipv4, ipv6} with type auto, and a record already holding the value is left alone', async () => {
    server.seed({ name: 'home.example.com', type: 'AAAA', records: ['2001:db8:0:0::5'] });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed({ ipv4: '203.0.113.11', ipv6: '2001:db8::5' });
    assert.deepEqual(msg.ddns.results.map((r) => `${r.type}:${r.status}`), ['A:created', 'AAAA:unchanged']);
    assert.equal(writes(server), 1);
  });

  it('a wrong secret key is refused with APIGW.0301: red, a Catch sees EAUTH, the next input sends nothing, no secret anywhere', async () => {
    await helper.load(nodes, flow(server), credentials(AK, WRONG_SK));
    const ddns = helper.getNode('ddns');
    const red = statusWhere(ddns, (s) => s.fill === 'red');
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(caught.ddns.results[0].providerCode, 'APIGW.0301');
    assert.match(caught.ddns.results[0].requestId, /^[0-9a-f]{32}$/);
    assert.equal(server.requests().length, 1, 'not retried');
    await red;
    const next = await feed('203.0.113.13');
    assert.deepEqual([next.ddns.results[0].status, next.ddns.results[0].code], ['skipped', 'EBLOCKED']);
    assert.equal(server.requests().length, 1, 'blocked: no request');
    const row = (await board()).records.find((r) => r.nodeId === 'ddns' && r.name === 'home.example.com');
    assert.deepEqual([row.state, row.code], ['blocked', 'APIGW.0301']);
    const text = JSON.stringify([caught, next, await board(), watchStatus(ddns, { fromStart: true }).current()]);
    for (const secret of [WRONG_SK, SK]) assert.ok(!text.includes(secret), 'no secret key in messages, status or sidebar');
  });

  it('a key without DNS permission (403 DNS.0005) blocks as EFORBIDDEN', async () => {
    await helper.load(nodes, flow(server), credentials(DENIED_AK));
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.equal(caught.ddns.results[0].providerCode, 'DNS.0005');
    const next = await feed('203.0.113.14');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.requests().length, 1);
  });

  it('APIGW.0308 throttling with a short Retry-After is waited for, then written', async () => {
    server.inject({ status: 429, headers: { 'retry-after': '1' }, body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached', request_id: 'x' } });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.15');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.count('zones'), 2, 'the throttled zone lookup was sent again');
  });

  it('a zone the account does not have is ENOTFOUND, said in words', async () => {
    await helper.load(nodes, flow(server, { zone: 'other.org', hostnames: 'home.other.org' }), credentials());
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.ddns.results[0].message, /no public zone other\.org/);
    assert.equal(writes(server), 0);
  });

  it('two record sets of one name and type are never guessed between: ECONFLICT with their ids', async () => {
    const a = server.seed({ name: 'home.example.com', type: 'A', records: ['198.51.100.1'] });
    const b = server.seed({ name: 'home.example.com', type: 'A', records: ['198.51.100.2'] });
    await helper.load(nodes, flow(server), credentials());
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.ok(caught.ddns.results[0].message.includes(a.id) && caught.ddns.results[0].message.includes(b.id));
    assert.equal(writes(server), 0);
  });

  it('a remembered zone id the service no longer knows is looked up again', async () => {
    await helper.load(nodes, flow(server), credentials());
    await feed('203.0.113.18');
    const old = server.zones[0].id;
    server.zones[0].id = 'ff80808275f5fc0f0176999999999999';
    server.clearRecords();
    try {
      const msg = await feed('203.0.113.19', 'out', { force: true });
      assert.equal(msg.ddns.results[0].status, 'created');
      assert.equal(server.count('zones'), 2);
    } finally {
      server.zones[0].id = old;
    }
  });

  it('a dry run reads but writes nothing, is not yellow, and says what it would do', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), credentials());
    const msg = await feed('203.0.113.20');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.20/);
    assert.equal(writes(server), 0);
    assert.notEqual(watchStatus(helper.getNode('ddns'), { fromStart: true }).current().fill, 'yellow');
  });

  it('zone and names from the message when the node leaves them empty; the sidebar lists the written record', async () => {
    await helper.load(nodes, flow(server, { zone: '', hostnames: '' }), credentials());
    const msg = await feed('203.0.113.21', 'out', { zone: 'sub.example.com', hostnames: 'a.sub.example.com' });
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.deepEqual(server.values('a.sub.example.com', 'A'), ['203.0.113.21']);
    assert.equal(server.records()[0].zone_id, server.zones[1].id);
    const row = (await board()).records.find((r) => r.nodeId === 'ddns' && r.name === 'a.sub.example.com');
    assert.deepEqual([row.type, row.value], ['A', '203.0.113.21']);
  });
});
