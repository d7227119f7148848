'use strict';
// http-account + http-ddns (generated from src/providers/http on the provider
// descriptor) in a Node-RED runtime against a stand-in DDNS service on loopback
// (test/servers/fake-http-ddns.js) that records every request as it arrived, so
// these tests check what went on the wire: placeholders encoded for where they
// stand (URL-encoded in the URL, JSON-escaped in a JSON body, as is in a header),
// the success pattern, and the masking of credentials in whatever comes back.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeHttpDdns = require('../servers/fake-http-ddns');

const nodes = [nodeFile('http')];

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'http-account' },
    { id: 'ddns', type: 'http-ddns', account: 'acct', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', method: 'GET', url: `${server.url}/update?hostname={hostname}&ip={ip}&user={user}&password={password}`, wires: [['out']], ...ddns },
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

describe('http-ddns node', function () {
  let server;
  let login;
  beforeEach(async () => {
    server = await fakeHttpDdns.start();
    login = { user: server.login.user, password: server.login.password };
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('GET: placeholders in the URL are URL-encoded, so a password with & and spaces arrives whole', async () => {
    await helper.load(nodes, flow(server), { acct: login });
    const msg = await feed('203.0.113.7');
    assert.equal(msg.ddns.results[0].status, 'updated');
    const sent = server.requests[0];
    assert.equal(sent.method, 'GET');
    assert.deepEqual(sent.query, { hostname: 'home.example.com', ip: '203.0.113.7', user: 'ddns-user', password: 'p&ss word+=1' });
    assert.ok(sent.rawUrl.includes('password=p%26ss%20word%2B%3D1'), sent.rawUrl);
    assert.equal(server.records.get('home.example.com/A'), '203.0.113.7');
  });

  it('an unchanged address sends no request; a new one sends one', async () => {
    await helper.load(nodes, flow(server), { acct: login });
    await feed('203.0.113.7');
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 1);
    const moved = await feed('203.0.113.8');
    assert.equal(moved.ddns.results[0].status, 'updated');
    assert.equal(moved.ddns.results[0].previous, '203.0.113.7');
    assert.equal(server.count(), 2);
  });

  it('POST with a JSON body: values are JSON-escaped (a token with a quote and a backslash), sent as application/json', async () => {
    server.login.token = 'tok"en\\with-quote';
    const body = '{"hostname": "{hostname}", "ip": "{ip}", "token": "{token}"}';
    await helper.load(nodes, flow(server, { method: 'POST', url: `${server.url}/api/update`, body }), { acct: { token: server.login.token } });
    const msg = await feed('2001:db8::7');
    assert.equal(msg.ddns.results[0].status, 'updated', msg.ddns.results[0].message);
    const sent = server.requests[0];
    assert.equal(sent.method, 'POST');
    assert.match(sent.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(sent.body), { hostname: 'home.example.com', ip: '2001:db8::7', token: 'tok"en\\with-quote' });
    assert.equal(server.records.get('home.example.com/AAAA'), '2001:db8::7');
  });

  it('headers: Authorization: Bearer {token} carries the token as is', async () => {
    const ddns = { url: `${server.url}/update?hostname={hostname}&myip={ip}`, headers: 'Authorization: Bearer {token}\nX-Client: node-red' };
    await helper.load(nodes, flow(server, ddns), { acct: { token: server.login.token } });
    const msg = await feed('203.0.113.9');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(server.requests[0].headers.authorization, `Bearer ${server.login.token}`);
    assert.equal(server.requests[0].headers['x-client'], 'node-red');
    assert.equal(server.requests[0].query.token, undefined, 'the token went in the header only');
  });

  it('a form body (Content-Type application/x-www-form-urlencoded) gets URL-encoded values', async () => {
    const ddns = { method: 'POST', url: `${server.url}/update`, headers: 'Content-Type: application/x-www-form-urlencoded', body: 'hostname={hostname}&ip={ip}&user={user}&password={password}' };
    await helper.load(nodes, flow(server, ddns), { acct: login });
    const msg = await feed('203.0.113.10');
    assert.equal(msg.ddns.results[0].status, 'updated', msg.ddns.results[0].message);
    assert.equal(server.requests[0].fields.password, 'p&ss word+=1');
  });

  it('{ipv4} and {ipv6} are the input\'s addresses of each family: recordType A sends both in one request', async () => {
    const ddns = { recordType: 'A', url: `${server.url}/update?hostname={hostname}&ipv4={ipv4}&ipv6={ipv6}&token={token}` };
    await helper.load(nodes, flow(server, ddns), { acct: { token: server.login.token } });
    const msg = await feed({ ipv4: '203.0.113.11', ipv6: '2001:db8::11' });
    assert.deepEqual(msg.ddns.results.map((r) => `${r.type}:${r.status}`), ['A:updated']);
    assert.equal(server.count(), 1);
    assert.equal(server.requests[0].query.ipv6, '2001:db8::11');
    assert.equal(server.records.get('home.example.com/AAAA'), '2001:db8::11');
  });

  it('a success pattern that matches the answer counts as done', async () => {
    await helper.load(nodes, flow(server, { success: '^(good|nochg)\\b' }), { acct: login });
    const msg = await feed('203.0.113.12');
    assert.equal(msg.ddns.results[0].status, 'updated');
  });

  it('a 2xx answer that does not match the success pattern fails (EPROVIDER, HTTP 200), quoting a masked excerpt', async () => {
    await helper.load(nodes, flow(server, { success: '^(good|nochg)\\b' }), { acct: login });
    server.answerNext({ status: 200, body: `nohost: no such host for ${server.login.user} / ${server.login.password} / ${encodeURIComponent(server.login.password)}` });
    const caught = await feed('203.0.113.13', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    const result = caught.ddns.results[0];
    assert.equal(result.status, 'failed');
    assert.equal(result.providerCode, 'HTTP 200');
    assert.match(result.message, /does not match the success pattern/);
    assert.match(result.message, /nohost: no such host/);
    const text = JSON.stringify(caught);
    for (const secret of [server.login.password, encodeURIComponent(server.login.password), server.login.user]) assert.ok(!text.includes(secret), `${secret} is masked`);
    // not a block: the next input asks again
    const next = await feed('203.0.113.13');
    assert.equal(next.ddns.results[0].status, 'updated');
  });

  it('HTTP 401 blocks: red, a Catch sees EAUTH, and the next input sends nothing', async () => {
    await helper.load(nodes, flow(server), { acct: { user: 'ddns-user', password: 'wrong password&x' } });
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    // the fake echoes the request line, with the password URL-encoded in it
    assert.match(caught.error.message, /badauth for GET \/update\?hostname=home\.example\.com/);
    assert.match(caught.error.message, /=\*\*\*$/);
    assert.ok(!JSON.stringify(caught).includes('wrong%20password%26x'), 'the URL-encoded password is masked');
    assert.ok(!JSON.stringify(caught).includes('wrong'), 'no piece of the password is left');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    const count = server.count();
    const next = await feed('203.0.113.15');
    assert.equal(next.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.count(), count);
  });

  it('HTTP 403 is EFORBIDDEN', async () => {
    await helper.load(nodes, flow(server), { acct: login });
    server.answerNext({ status: 403, body: 'forbidden' });
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'EFORBIDDEN');
  });

  it('a dry run sends nothing and says what it would write', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), { acct: login });
    const msg = await feed('203.0.113.17');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.match(msg.ddns.results[0].message, /dry run: would update A 203\.0\.113\.17/);
    assert.equal(server.count(), 0);
  });

  const refused = [
    ['an unknown placeholder', { url: 'https://dyn.example.net/update?h={host}' }, /unknown placeholder \{host\}/],
    ['a user name in the URL', { url: 'https://{user}:{password}@dyn.example.net/update' }, /user name or password/],
    ['a URL that is not http(s)', { url: 'ftp://dyn.example.net/{ip}' }, /https:\/\//],
    ['a body with GET', { body: 'ip={ip}' }, /GET request carries no body/],
    ['a JSON body that is not JSON once filled', { method: 'POST', body: '{"ip": {ip}}' }, /not JSON/],
    ['a success pattern that can take exponential time', { success: '(a+)+$' }, /success pattern/],
    ['a header line without a colon', { headers: 'Authorization Bearer {token}' }, /Name: value/],
    ['{token} with an account that has none', { url: 'https://dyn.example.net/update?token={token}' }, /has no token/],
  ];
  for (const [why, ddns, said] of refused) {
    it(`${why} is red at deploy, before any input (ECONFIG)`, async () => {
      await helper.load(nodes, flow(server, ddns), { acct: login });
      await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      const caught = await feed('203.0.113.20', 'caught');
      assert.equal(caught.error.code, 'ECONFIG');
      assert.match(caught.error.message, said);
      assert.equal(server.count(), 0);
    });
  }
});
