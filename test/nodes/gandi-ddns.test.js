'use strict';
// gandi-account + gandi-ddns (generated from src/providers/gandi on the provider
// descriptor) in a Node-RED runtime against the Gandi LiveDNS stand-in on loopback
// (test/servers/fake-gandi.js, after https://api.gandi.net/docs/livedns/).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeGandi = require('../servers/fake-gandi');

const nodes = [nodeFile('gandi')];
const ZONE = 'example.com';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'gandi-account', endpoint: server.url },
    { id: 'ddns', type: 'gandi-ddns', account: 'acct', zone: ZONE, zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', ttl: '', wires: [['out']], ...ddns },
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

const puts = (server) => server.requests.filter((r) => r.method === 'PUT');

describe('gandi-ddns node', function () {
  let server;
  beforeEach(async () => {
    server = await fakeGandi.start({ domains: [ZONE, 'example.net'] });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('creates a missing RRset by PUT with the Bearer token, leaving the TTL to Gandi, and an unchanged address sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const first = await feed('203.0.113.7');
    assert.equal(first.ddns.results[0].status, 'created');
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /v5/livedns/domains/example.com/records/home/A', 'PUT /v5/livedns/domains/example.com/records/home/A']);
    // "Authorization: Bearer <PAT>" (https://api.gandi.net/docs/authentication/)
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${server.token}`));
    assert.deepEqual(server.requests[1].body, { rrset_values: ['203.0.113.7'] });
    assert.equal(server.rrset(ZONE, 'home', 'A').ttl, 10800);
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 2);
  });

  it('an RRset holding another address is PUT with the one address and its own TTL kept', async () => {
    server.seed(ZONE, 'home', 'A', ['198.51.100.1'], 1800);
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].previous, '198.51.100.1');
    // a PUT replaces the whole RRset: without rrset_ttl Gandi would reset it to its default
    assert.deepEqual(puts(server).map((r) => r.body), [{ rrset_values: ['203.0.113.8'], rrset_ttl: 1800 }]);
    assert.deepEqual(server.rrset(ZONE, 'home', 'A'), { fqdn: ZONE, name: 'home', type: 'A', ttl: 1800, values: ['203.0.113.8'] });
  });

  it('the TTL the node sets replaces the RRset\'s; a round robin becomes the one address', async () => {
    server.seed(ZONE, 'home', 'AAAA', ['2001:db8::1', '2001:db8::2'], 3600);
    await helper.load(nodes, flow(server, { ttl: '300', recordType: 'AAAA' }), { acct: { token: server.token } });
    const msg = await feed('2001:db8::8');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual(puts(server)[0].body, { rrset_values: ['2001:db8::8'], rrset_ttl: 300 });
    assert.deepEqual(server.rrset(ZONE, 'home', 'AAAA').values, ['2001:db8::8']);
  });

  it('reads an RRset that already holds the address and writes nothing', async () => {
    server.seed(ZONE, 'home', 'A', ['203.0.113.9']);
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.9');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 1);
  });

  it('the apex is the rrset_name @ (LiveDNS docs), and a wildcard is *', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'example.com, *.example.com', recordType: 'A' }), { acct: { token: server.token } });
    await feed('203.0.113.10');
    assert.deepEqual(puts(server).map((r) => r.path), ['/v5/livedns/domains/example.com/records/@/A', '/v5/livedns/domains/example.com/records/*/A']);
    assert.deepEqual(server.rrset(ZONE, '@', 'A').values, ['203.0.113.10']);
    assert.deepEqual(server.rrset(ZONE, '*', 'A').values, ['203.0.113.10']);
  });

  it('an old API key (24 letters and digits) is red at deploy with the reason, and nothing is sent', async () => {
    await helper.load(nodes, flow(server), { acct: { token: server.apiKey } });
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.ok(status.text.length > 0);
    const caught = await feed('203.0.113.11', 'caught');
    assert.equal(caught.error.code, 'ECONFIG');
    assert.match(caught.error.message, /Gandi has deprecated API keys: create a personal access token with LiveDNS rights/);
    assert.ok(!JSON.stringify(caught).includes(server.apiKey), 'the key is masked');
    assert.equal(server.count(), 0);
  });

  it('a refused token (HTTP 401) blocks: red, a Catch sees EAUTH with the API-key hint and without the token, the next input sends nothing', async () => {
    const wrong = 'ffffffffffffffffffffffffffffffff00000000';
    await helper.load(nodes, flow(server), { acct: { token: wrong } });
    const caught = await feed('203.0.113.12', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(caught.ddns.results[0].providerCode, 'HTTPUnauthorized');
    assert.match(caught.ddns.results[0].message, /Gandi refused the token .*If this is an old API key: Gandi has deprecated API keys/);
    assert.ok(!JSON.stringify(caught).includes(wrong), 'the token is masked');
    assert.equal(watchStatus(helper.getNode('ddns'), { fromStart: true }).current().fill, 'red');
    const count = server.count();
    assert.equal((await feed('203.0.113.13')).ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a token without rights on the domain (HTTP 403) is EFORBIDDEN in words and blocks', async () => {
    const scoped = 'abcdefabcdefabcdefabcdefabcdefabcdef0123';
    server.tokens.set(scoped, ['example.net']);
    await helper.load(nodes, flow(server), { acct: { token: scoped } });
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
    assert.match(caught.ddns.results[0].message, /the token has no LiveDNS right for this domain \(HTTP 403: Access was denied to this resource\.\)/);
    const count = server.count();
    assert.equal((await feed('203.0.113.15')).ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('a domain that is not in LiveDNS is ENOTFOUND, said in words, and does not block', async () => {
    await helper.load(nodes, flow(server, { zone: 'example.org', hostnames: 'home.example.org' }), { acct: { token: server.token } });
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'ENOTFOUND');
    assert.match(caught.ddns.results[0].message, /the domain example\.org is not in Gandi LiveDNS for this token/);
    server.domains.add('example.org');
    const next = await feed('203.0.113.16');
    assert.equal(next.ddns.results[0].status, 'created');
  });

  it('a 400 is EPROVIDER with Gandi\'s field descriptions', async () => {
    server.answerNext({ status: 404, body: fakeGandi.errorBody(404) }, { status: 400, body: fakeGandi.errorBody(400, { message: 'Invalid value', errors: [{ location: 'body', name: 'rrset_values', description: 'invalid value for a A record' }] }) });
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'HTTPBadRequest');
    assert.match(caught.ddns.results[0].message, /Invalid value; rrset_values: invalid value for a A record/);
  });

  it('a 5xx is tried again, then written', async () => {
    server.answerNext({ status: 503, body: 'upstream down' });
    await helper.load(nodes, flow(server), { acct: { token: server.token } });
    const msg = await feed('203.0.113.18');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.requests.filter((r) => r.method === 'GET').length, 2);
  });

  it('a dry run reads but never writes, and says what it would do', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: { token: server.token } });
    const msg = await feed('203.0.113.19');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would create A 203\.0\.113\.19/);
    assert.equal(puts(server).length, 0);
  });

  it('the sidebar lists the records with their type and value after a write', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com', recordType: 'A' }), { acct: { token: server.token } });
    await feed('203.0.113.20');
    const board = (await helper.request().get('/ddns/records').expect(200)).body;
    const rows = board.records.filter((r) => r.nodeId === 'ddns').map((r) => `${r.name}/${r.type}=${r.value}`).sort();
    assert.deepEqual(rows, ['home.example.com/A=203.0.113.20', 'www.example.com/A=203.0.113.20']);
  });

  it('a TTL below 300 is red at deploy before any input', async () => {
    await helper.load(nodes, flow(server, { ttl: 299 }), { acct: { token: server.token } });
    const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
    assert.match(status.text, /invalid|settings/i);
    assert.equal(server.count(), 0);
  });
});
