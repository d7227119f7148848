'use strict';
// dnspod-account + dnspod-ddns (generated from src/providers/dnspod on the
// provider descriptor) in a Node-RED runtime against the DNSPod stand-in on
// loopback (test/servers/fake-dnspod.js, itself checked against the official
// SDK in test/unit/dnspod-sdk.test.js). API: Tencent Cloud API 3.0, 2021-03-23
// (DescribeRecordList https://cloud.tencent.com/document/api/1427/56166,
// ModifyRecord .../56157, CreateRecord .../56180).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeDnspod = require('../servers/fake-dnspod');

const nodes = [nodeFile('dnspod')];
const SECRET_ID = 'AKIDnodeTest0123456789abcdefABCDEF';
const SECRET_KEY = 'nodeTestSecretKey0123456789abcdef';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'dnspod-account', endpoint: server.url },
    { id: 'ddns', type: 'dnspod-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'auto', ttl: '', line: '默认', wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (secretKey = SECRET_KEY) => ({ acct: { secretId: SECRET_ID, secretKey } });

async function feed(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload });
  return out;
}

async function board() {
  return (await helper.request().get('/ddns/records').expect(200)).body;
}

const writes = (server) => server.count('ModifyRecord') + server.count('CreateRecord');
const params = (server, action) => server.requests.filter((r) => r.action === action).map((r) => r.params);

describe('dnspod-ddns node', function () {
  let server;
  before(async () => {
    // 'prefix': the fake's Subdomain filter also returns longer names, so the node must filter again
    server = await fakeDnspod.start({ keys: { [SECRET_ID]: SECRET_KEY }, domains: ['example.com'], subdomainMatch: 'prefix' });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });
  afterEach(() => helper.unload());

  it('creates a missing record on the line 默认 with DNSPod\'s default TTL, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), credentials());
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.deepEqual(params(server, 'CreateRecord'), [{ Domain: 'example.com', SubDomain: 'home', RecordType: 'A', RecordLine: '默认', Value: '203.0.113.7' }]);
    assert.equal(server.records()[0].TTL, 600);
    assert.equal(first.ddns.results[0].recordId, String(server.records()[0].RecordId));
    const before = server.requests.length;
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.requests.length, before, 'no request for an address the node knows is there');
  });

  it('ModifyRecord keeps the record\'s weight, remark, MX, status, line id and TTL, sending back what DescribeRecordList gave', async () => {
    const record = server.addRecord({ Name: 'home', Type: 'A', Value: '198.51.100.1', TTL: 120, Weight: 30, Remark: 'office uplink', Status: 'DISABLE', MX: 0 });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.8');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].previous], ['updated', '198.51.100.1']);
    assert.deepEqual(params(server, 'ModifyRecord'), [
      { Domain: 'example.com', RecordId: record.RecordId, SubDomain: 'home', RecordType: 'A', RecordLine: '默认', RecordLineId: '0', Value: '203.0.113.8', TTL: 120, MX: 0, Weight: 30, Status: 'DISABLE', Remark: 'office uplink' },
    ]);
    const held = server.records()[0];
    assert.deepEqual([held.Value, held.TTL, held.Weight, held.Remark, held.Status], ['203.0.113.8', 120, 30, 'office uplink', 'DISABLE']);
  });

  it('a TTL set in the node is written on create and on modify', async () => {
    server.addRecord({ Name: 'www', Type: 'A', Value: '198.51.100.2', TTL: 120 });
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', ttl: '300' }), credentials());
    await feed('203.0.113.9');
    assert.equal(params(server, 'CreateRecord')[0].TTL, 300);
    assert.equal(params(server, 'ModifyRecord')[0].TTL, 300);
  });

  it('Subdomain is matched again exactly: home2 and homework, returned for home, are never touched; home is created', async () => {
    const home2 = server.addRecord({ Name: 'home2', Type: 'A', Value: '198.51.100.3' });
    server.addRecord({ Name: 'homework', Type: 'A', Value: '198.51.100.4' });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.10');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.requests[0].params.Subdomain, 'home');
    assert.ok(server.requests[0].ok, 'the list answered home2 and homework for home');
    assert.equal(server.count('ModifyRecord'), 0);
    assert.equal(server.records().find((r) => r.RecordId === home2.RecordId).Value, '198.51.100.3');
  });

  it('the apex is @, and only records on the configured line are read and written', async () => {
    server.addRecord({ Name: '@', Type: 'AAAA', Value: '2001:db8::1', Line: '默认' });
    const telecom = server.addRecord({ Name: '@', Type: 'AAAA', Value: '2001:db8::2', Line: '电信' });
    await helper.load(nodes, flow(server, { hostnames: 'example.com', line: '电信' }), credentials());
    const msg = await feed('2001:db8::99');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual(server.requests.filter((r) => r.action === 'DescribeRecordList').map((r) => [r.params.Subdomain, r.params.RecordLine]), [['@', '电信']]);
    assert.equal(params(server, 'ModifyRecord')[0].RecordId, telecom.RecordId);
    assert.deepEqual(server.values('example.com', 'AAAA'), ['2001:db8::1', '2001:db8::99']);
  });

  it('two records of one name, type and line (round robin) are never guessed between: ECONFLICT with their ids', async () => {
    const a = server.addRecord({ Name: 'home', Type: 'A', Value: '198.51.100.5' });
    const b = server.addRecord({ Name: 'home', Type: 'A', Value: '198.51.100.6' });
    await helper.load(nodes, flow(server), credentials());
    const caught = await feed('203.0.113.11', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.match(caught.ddns.results[0].message, new RegExp(`${a.RecordId}, ${b.RecordId}`));
    assert.equal(writes(server), 0);
  });

  it('a wrong SecretKey blocks: red status, a Catch sees EAUTH with AuthFailure.SignatureFailure, the next input sends nothing, the sidebar says blocked', async () => {
    await helper.load(nodes, flow(server), credentials('wrongSecretKey00000000000000000000'));
    const red = statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(caught.ddns.results[0].providerCode, 'AuthFailure.SignatureFailure');
    assert.match(caught.ddns.results[0].requestId, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(caught).includes('wrongSecretKey0000'), 'the secret never reaches a message');
    await red;
    const count = server.requests.length;
    assert.equal(count, 1, 'a refused signature is not retried');
    const next = await feed('203.0.113.13');
    assert.deepEqual([next.ddns.results[0].status, next.ddns.results[0].code], ['skipped', 'EBLOCKED']);
    assert.equal(server.requests.length, count);
    const row = (await board()).records.find((r) => r.nodeId === 'ddns' && r.name === 'home.example.com');
    assert.deepEqual([row.state, row.code], ['blocked', 'AuthFailure.SignatureFailure']);
  });

  it('RequestLimitExceeded is retried, and the record written once the API lets it', async () => {
    server.inject('RequestLimitExceeded', 'Your current request times equals to `20` in a second.');
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.14');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.deepEqual(server.requests.map((r) => r.action), ['DescribeRecordList', 'DescribeRecordList', 'CreateRecord']);
  });

  it('InvalidParameter.* is said in words: EPROVIDER with Tencent\'s code and Message, not retried, not blocking', async () => {
    server.inject('InvalidParameter.DomainInvalid', 'The domain is incorrect. Enter a top-level domain such as dnspod.cn.');
    await helper.load(nodes, flow(server), credentials());
    const caught = await feed('203.0.113.15', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'InvalidParameter.DomainInvalid');
    assert.match(caught.ddns.results[0].message, /Enter a top-level domain/);
    assert.equal(server.requests.length, 1);
    const msg = await feed('203.0.113.15');
    assert.equal(msg.ddns.results[0].status, 'created', 'the next input tries again');
  });

  it('a dry run reads but never writes, says what it would do, and is not yellow', async () => {
    server.addRecord({ Name: 'www', Type: 'A', Value: '198.51.100.7' });
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', dryRun: true }), credentials());
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true });
    const msg = await feed('203.0.113.16');
    assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.message]), [
      ['skipped', 'dry run: would create A 203.0.113.16'],
      ['skipped', 'dry run: would update A 203.0.113.16'],
    ]);
    assert.equal(writes(server), 0);
    assert.notEqual(status.current().fill, 'yellow');
  });

  it('the sidebar lists the configured names, then type and value after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, *.example.com' }), credentials());
    let rows = (await board()).records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(rows.map((r) => r.name).sort(), ['*.example.com', 'home.example.com']);
    await feed('203.0.113.17');
    assert.deepEqual(params(server, 'CreateRecord').map((p) => p.SubDomain).sort(), ['*', 'home']);
    rows = (await board()).records.filter((r) => r.nodeId === 'ddns');
    assert.deepEqual(rows.map((r) => [r.name, r.type, r.value]).sort(), [
      ['*.example.com', 'A', '203.0.113.17'],
      ['home.example.com', 'A', '203.0.113.17'],
    ]);
  });

  it('with zone and hostnames empty, msg.zone and msg.hostnames name the records of each input', async () => {
    await helper.load(nodes, flow(server, { zone: '', hostnames: '' }), credentials());
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('ddns').receive({ payload: '203.0.113.18', zone: 'example.com', hostnames: 'lab.example.com' });
    const msg = await out;
    assert.deepEqual([msg.ddns.results[0].name, msg.ddns.results[0].status], ['lab.example.com', 'created']);
    assert.deepEqual(server.values('lab.example.com', 'A'), ['203.0.113.18']);
  });

  it('an account without a SecretKey is red at deploy, before any input', async () => {
    await helper.load(nodes, flow(server), { acct: { secretId: SECRET_ID } });
    await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.equal(server.requests.length, 0);
  });

  for (const [why, ddns] of [
    ['a TTL of 0', { ttl: '0' }],
    ['a TTL over 604800', { ttl: '604801' }],
    ['a line of 65 characters', { line: 'x'.repeat(65) }],
    ['a host name outside the zone', { hostnames: 'home.example.org' }],
  ]) {
    it(`${why} is red at deploy, before any input`, async () => {
      await helper.load(nodes, flow(server, ddns), credentials());
      await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      assert.equal(server.requests.length, 0);
    });
  }
});
