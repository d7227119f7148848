'use strict';
// desec-account + desec-ddns (generated from src/providers/desec on the provider
// descriptor) in a Node-RED runtime against the deSEC stand-in on loopback
// (test/servers/fake-desec.js, after https://desec.readthedocs.io/en/latest/dns/rrsets.html).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeDesec = require('../servers/fake-desec');

const nodes = [nodeFile('desec')];
const ZONE = 'example.com';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'desec-account', endpoint: server.url },
    { id: 'ddns', type: 'desec-ddns', account: 'acct', zone: ZONE, zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', wires: [['out']], ...ddns },
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

const writes = (server) => server.requests.filter((r) => r.method !== 'GET');

describe('desec-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeDesec.start({ domains: { [ZONE]: { minimum_ttl: 3600 }, 'dedyn.example': { minimum_ttl: 60 } } });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('creates a missing RRset by POST with the token header and TTL 3600, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /api/v1/domains/example.com/rrsets/home/A/', 'POST /api/v1/domains/example.com/rrsets/']);
    assert.ok(server.requests.every((r) => r.headers.authorization === `Token ${server.token}`));
    // "type, records, and ttl are mandatory" (Creating an RRset)
    assert.deepEqual(server.requests[1].body, { subname: 'home', type: 'A', ttl: 3600, records: ['203.0.113.7'] });
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 2);
  });

  it('PATCHes an RRset that holds another address with records only, keeping its TTL', async () => {
    server.seed(ZONE, 'home', 'A', ['198.51.100.1'], 7200);
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    assert.deepEqual(writes(server).map((r) => [r.method, r.path, r.body]), [['PATCH', '/api/v1/domains/example.com/rrsets/home/A/', { records: ['203.0.113.8'] }]]);
    assert.deepEqual(server.rrset(ZONE, 'home', 'A'), { domain: ZONE, subname: 'home', type: 'A', ttl: 7200, records: ['203.0.113.8'] });
  });

  it('the TTL the node sets goes with the PATCH; a round-robin RRset becomes the one address', async () => {
    server.seed(ZONE, 'home', 'AAAA', ['2001:db8::1', '2001:db8::2']);
    await helper.load(nodes, flow(server, { ttl: '86400', recordType: 'AAAA' }), { acct: { token: server.token } });
    const msg = await feed('2001:DB8:0:0::8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    // the address goes in its canonical form, the form deSEC keeps (RRset field reference, records)
    assert.deepEqual(writes(server)[0].body, { records: ['2001:db8::8'], ttl: 86400 });
    assert.deepEqual(server.rrset(ZONE, 'home', 'AAAA').records, ['2001:db8::8']);
  });

  it('reads an RRset that already holds the address and writes nothing', async () => {
    server.seed(ZONE, 'home', 'A', ['203.0.113.9']);
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.9');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 1);
    assert.equal(writes(server).length, 0);
  });

  it('the zone apex is the subname "" and its RRset URL uses @ (docs: Accessing the Zone Apex)', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'example.com' }), { acct: { token: server.token } });
    await feed('203.0.113.10');
    assert.equal(server.requests[0].path, '/api/v1/domains/example.com/rrsets/@/A/');
    assert.equal(server.requests[1].body.subname, '');
    assert.deepEqual(server.rrset(ZONE, '', 'A').records, ['203.0.113.10']);
    const next = await feed('203.0.113.11', 'out');
    assert.equal(next.ddns.results[0].status, 'updated');
    assert.deepEqual(server.requests.slice(-1).map((r) => `${r.method} ${r.path}`), ['PATCH /api/v1/domains/example.com/rrsets/@/A/']);
  });

  it('"Invalid token." blocks: red status, a Catch sees EAUTH without the token, and the next input sends nothing', async () => {
    const wrong = 'wrongTokenAbcdefghij_1234567';
    await helper.load(nodes, flow(server), { acct: { token: wrong } });
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.match(caught.ddns.results[0].message, /Invalid token/);
    assert.ok(!JSON.stringify(caught).includes(wrong), 'the token is masked');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    const count = server.count();
    const next = await feed('203.0.113.13');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a 403 (a token policy without write access) is EFORBIDDEN and blocks the record', async () => {
    server.answerNext({ status: 403, body: { detail: 'Insufficient token permissions.' } });
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.match(caught.ddns.results[0].message, /Insufficient token permissions/);
    const count = server.count();
    assert.equal((await feed('203.0.113.15')).ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a zone that is not in the account is ENOTFOUND, said in words', async () => {
    await helper.load(nodes, flow(server, { zone: 'example.net', hostnames: 'home.example.net' }), { acct: { token: server.token } });
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.ddns.results[0].message, /the zone example\.net is not in this deSEC account/);
  });

  it('a TTL below the domain\'s minimum is refused by deSEC, and its field message is passed on in words (EPROVIDER)', async () => {
    await helper.load(nodes, flow(server, { ttl: 600 }), { acct: { token: server.token } });
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.match(caught.ddns.results[0].message, /ttl: Ensure this value is greater than or equal to 3600\./);
    assert.equal(server.rrset(ZONE, 'home', 'A'), undefined);
  });

  it('a domain with a lower minimum TTL takes a TTL of 60 on create', async () => {
    await helper.load(nodes, flow(server, { zone: 'dedyn.example', hostnames: 'home.dedyn.example', ttl: 60 }), { acct: { token: server.token } });
    const msg = await feed('203.0.113.18');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.rrset('dedyn.example', 'home', 'A').ttl, 60);
  });

  it('a throttle answer without Retry-After is paced by its "Expected available in N seconds" detail: a long one pauses the record', async () => {
    server.answerNext({ status: 429, body: { detail: 'Request was throttled. Expected available in 900 seconds.' } });
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.19');
    assert.equal(msg.ddns.results[0].code, 'EWAIT');
    assert.match(msg.ddns.results[0].message, /15 min|900/);
    const count = server.count();
    const next = await feed('203.0.113.20');
    assert.equal(next.ddns.results[0].code, 'EWAIT');
    assert.equal(server.count(), count, 'nothing sent during the pause');
  });

  it('a dry run reads but never writes, and says what it would do', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { token: server.token } });
    const msg = await feed('203.0.113.21');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.21/);
    assert.equal(writes(server).length, 0);
  });

  it('the sidebar lists the record with its type and value after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { token: server.token } });
    await feed('203.0.113.22');
    const board = (await helper.request().get('/ddns/records').expect(200)).body;
    const rows = board.records.filter((r) => r.nodeId === 'ddns').map((r) => `${r.name}/${r.type}=${r.value}`).sort();
    assert.deepEqual(rows, ['home.example.com/A=203.0.113.22', 'www.example.com/A=203.0.113.22']);
  });

  it('a token with spaces, or a TTL above 86400, is red at deploy before any input', async () => {
    await helper.load(nodes, flow(server, { ttl: 90000 }), { acct: { token: server.token } });
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.match(status.text, /invalid|settings/i);
    await helper.unload();
    await helper.load(nodes, flow(server), { acct: { token: 'has spaces in it' } });
    const bad = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.ok(bad.text.length > 0);
    assert.equal(server.count(), 0);
  });
});
