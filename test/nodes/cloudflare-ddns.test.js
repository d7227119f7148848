'use strict';
// cloudflare-account + cloudflare-ddns in a Node-RED runtime
// (node-red-node-test-helper) against the Cloudflare stand-in on loopback
// (test/servers/fake-cloudflare.js, itself checked against the official SDK).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, settle, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeCloudflare = require('../servers/fake-cloudflare');

const nodes = [nodeFile('cloudflare-account'), nodeFile('cloudflare-ddns')];
const TOKEN = 'cf-node-test-Token-7Hq2xV9pLm4sK8dW1zR3';
const OTHER_TOKEN = 'cf-node-test-Other-4Bn6yT2cQw8eJ5hU0aX9';
const READ_ONLY = 'cf-node-test-ReadOnly-9Kd3fG7hJ2kL5mN8pQ1';
const WRONG = 'cf-node-test-Revoked-2Zx5cV8bN1mQ4wE7rT0';

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'cloudflare-account', endpoint: server.url, ...account },
    { id: 'ddns', type: 'cloudflare-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'auto', ttl: 1, proxied: 'keep', create: true, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (apiToken = TOKEN) => ({ acct: { apiToken } });

/** Sends a payload and waits for the message on `via` (the output, or the Catch node's helper). */
async function feed(payload, via = 'out', extra = {}) {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('ddns').receive({ payload, ...extra });
  return out;
}

async function board() {
  return (await helper.request().get('/ddns/records').expect(200)).body;
}

/** As Node-RED with a configured context store: state survives a redeploy (see record-board.test.js). */
async function loadWithContextStore(flowConfig, creds) {
  await helper.load(nodes, flowConfig, creds);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

const writes = (server) => server.count('create') + server.count('patch');

describe('cloudflare-ddns node', function () {
  let server;
  before(async () => {
    server = await fakeCloudflare.start({
      tokens: { [TOKEN]: '*', [OTHER_TOKEN]: '*', [READ_ONLY]: '*' },
      readOnly: { [READ_ONLY]: true },
      zones: ['example.com', 'hidden.org'],
    });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    server.setOnRequest(null);
  });
  afterEach(() => helper.unload());

  it("changes an existing record with PATCH of content only: the user's proxied flag, TTL, comment and tags survive", async () => {
    const proxiedId = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4', proxied: true, ttl: 1, comment: 'my home', tags: ['owner:me'] });
    const plainId = server.addRecord('example.com', { name: 'www.example.com', type: 'A', content: '1.2.3.4', proxied: false, ttl: 300, comment: 'web' });
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com, www.example.com' }), credentials());
    const msg = await feed('8.8.8.8');
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status, r.previous, r.value, r.recordId]), [
      ['home.example.com', 'A', 'updated', '1.2.3.4', '8.8.8.8', proxiedId],
      ['www.example.com', 'A', 'updated', '1.2.3.4', '8.8.8.8', plainId],
    ]);
    const patches = server.requests.filter((r) => r.kind === 'patch');
    assert.deepEqual(patches.map((r) => r.body), [{ content: '8.8.8.8' }, { content: '8.8.8.8' }]);
    assert.ok(patches.every((r) => r.contentType === 'application/json' && r.authorization === `Bearer ${TOKEN}`));
    const home = server.findById(proxiedId);
    assert.deepEqual([home.content, home.proxied, home.ttl, home.comment, home.tags], ['8.8.8.8', true, 1, 'my home', ['owner:me']]);
    const www = server.findById(plainId);
    assert.deepEqual([www.content, www.proxied, www.ttl, www.comment], ['8.8.8.8', false, 300, 'web']);
    const lists = server.requests.filter((r) => r.kind === 'list');
    assert.deepEqual(lists.map((r) => [r.query.type, r.query['name.exact']]), [['A', 'home.example.com'], ['A', 'www.example.com']]);
    assert.ok(lists.every((r) => r.query.search === undefined && r.query.name === undefined), 'never a search');
  });

  it('the same value again makes no API request at all, and the green status stands', async () => {
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    let msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'created');
    const calls = server.requests.length;
    const status = watchStatus(ddns);
    msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.match(msg.ddns.results[0].message, /no request sent/);
    assert.equal(server.requests.length, calls, 'no API request for an unchanged value');
    assert.equal(status.count, 0, 'no status message for an unchanged value');
  });

  it('creates a missing record and looks the zone up once by name for every later input', async () => {
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com,example.com' }), credentials());
    let msg = await feed('8.8.8.8');
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['home.example.com', 'created'], ['example.com', 'created']]);
    const created = server.requests.filter((r) => r.kind === 'create').map((r) => r.body);
    assert.deepEqual(created, [
      { type: 'A', name: 'home.example.com', content: '8.8.8.8', ttl: 1 },
      { type: 'A', name: 'example.com', content: '8.8.8.8', ttl: 1 },
    ]);
    assert.equal(server.list('home.example.com', 'A')[0].proxied, false, 'created DNS only when proxied is keep');
    msg = await feed('8.8.4.4');
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['updated', 'updated']);
    msg = await feed('9.9.9.9');
    assert.equal(server.count('zones'), 1, 'the zone id is looked up once and remembered');
    assert.equal(server.requests.find((r) => r.kind === 'zones').query.name, 'example.com');
  });

  it('{ipv4, ipv6} with type auto keeps an A and an AAAA record', async () => {
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed({ ipv4: '8.8.8.8', ipv6: '2001:4860:4860::8888' });
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status, r.value]), [
      ['home.example.com', 'A', 'created', '8.8.8.8'],
      ['home.example.com', 'AAAA', 'created', '2001:4860:4860::8888'],
    ]);
    assert.deepEqual(server.list('home.example.com', 'AAAA').map((r) => r.content), ['2001:4860:4860::8888']);
  });

  it('proxied on/off and a TTL other than automatic are written with the content; keep and 1 leave them', async () => {
    const id = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4', proxied: true, ttl: 1 });
    await helper.load(nodes, flow(server, { proxied: 'off', ttl: 120 }), credentials());
    let msg = await feed('8.8.8.8');
    assert.match(msg.ddns.results[0].message, /proxied on -> off/);
    assert.deepEqual(server.requests.find((r) => r.kind === 'patch').body, { content: '8.8.8.8', proxied: false, ttl: 120 });
    assert.deepEqual([server.findById(id).proxied, server.findById(id).ttl], [false, 120]);
    server.reset();
    msg = await feed('8.8.8.8');
    assert.equal(server.requests.length, 0, 'remembered with the wished flag and TTL: no request');
    // proxied on: the TTL of a proxied record is Cloudflare's, so none is sent
    await helper.unload();
    await helper.load(nodes, flow(server, { proxied: 'on', ttl: 120 }), credentials());
    msg = await feed('8.8.4.4');
    assert.deepEqual(server.requests.filter((r) => r.kind === 'patch').map((r) => r.body), [{ content: '8.8.4.4', proxied: true }]);
  });

  it('create off: a missing record fails with ENOTFOUND and nothing is written', async () => {
    await helper.load(nodes, flow(server, { create: false }), credentials());
    const msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'ENOTFOUND');
    assert.match(msg.error.message, /home\.example\.com/);
    assert.equal(writes(server), 0);
  });

  it('two records of one name and type (round robin) are never guessed between: ECONFLICT with their ids', async () => {
    const a = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.1.1.1' });
    const b = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.0.0.1' });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const red = statusWhere(ddns, (s) => s.fill === 'red');
    const msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'ECONFLICT');
    assert.ok(msg.error.message.includes(a) && msg.error.message.includes(b), msg.error.message);
    assert.equal(writes(server), 0);
    await red;
  });

  it('a record deleted and added again in the dashboard is found again, never written through its old id', async () => {
    await helper.load(nodes, flow(server), credentials());
    const first = await feed('8.8.8.8');
    const oldId = first.ddns.results[0].recordId;
    server.deleteRecord(oldId);
    const newId = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '8.8.8.8', comment: 'added again' });
    server.reset();
    const msg = await feed('8.8.4.4');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].recordId], ['updated', newId]);
    assert.ok(!server.requests.some((r) => r.path.includes(oldId)), 'no request names the old id');
    assert.equal(server.findById(newId).comment, 'added again');
  });

  it('a record deleted between lookup and write (81044) is looked up again once', async () => {
    const oldId = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4' });
    let newId;
    server.setOnRequest((req) => {
      if (req.kind === 'patch' && req.path.endsWith(oldId)) {
        server.deleteRecord(oldId);
        newId = server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4' });
      }
    });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('8.8.8.8');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].recordId], ['updated', newId]);
    assert.equal(server.findById(newId).content, '8.8.8.8');
    assert.deepEqual(server.requests.map((r) => r.kind), ['zones', 'list', 'patch', 'list', 'patch']);
  });

  it('a remembered zone id Cloudflare no longer routes (7003) is looked up again', async () => {
    await helper.load(nodes, flow(server), credentials());
    await feed('8.8.8.8');
    server.readdZone('example.com');
    server.reset();
    const msg = await feed('8.8.4.4');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual(server.requests.map((r) => r.kind), ['list', 'zones', 'list', 'patch']);
  });

  it('an invalid token (9109) blocks the node until the block is cleared in the sidebar', async () => {
    await helper.load(nodes, flow(server), credentials(WRONG));
    const ddns = helper.getNode('ddns');
    const blocked = statusWhere(ddns, (s) => s.fill === 'red' && /blocked/i.test(s.text));
    let msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'EAUTH');
    assert.match(msg.error.message, /Invalid access token/);
    assert.equal(msg.ddns.results[0].providerCode, '9109');
    assert.equal(server.requests.length, 1, 'not retried');
    await blocked;

    msg = await feed('8.8.4.4');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].code], ['skipped', 'EBLOCKED']);
    assert.equal(server.requests.length, 1, 'blocked: no request');
    let snapshot = await board();
    const row = snapshot.records.find((r) => r.nodeId === 'ddns' && r.name === 'home.example.com');
    assert.deepEqual([row.state, row.code, row.canUnblock], ['blocked', '9109', true]);

    await helper.request().post('/ddns/records/ddns/unblock').send({ name: 'home.example.com' }).expect(200);
    snapshot = await board();
    assert.ok(!snapshot.records.some((r) => r.nodeId === 'ddns' && r.state === 'blocked'));
    await feed('8.8.4.4', 'caught');
    assert.equal(server.requests.length, 2, 'sent again after the block was cleared');
  });

  it('a block resets when the account token changes, not on a redeploy with the same token', async () => {
    await loadWithContextStore(flow(server), credentials(WRONG));
    await feed('8.8.8.8', 'caught');
    assert.equal(server.requests.length, 1);
    // same token, the node renamed (layout only): still blocked, across the redeploy
    await helper.setFlows(flow(server, { name: 'renamed' }), 'full', credentials(WRONG));
    await waitFor(() => helper.getNode('ddns')?.name === 'renamed', 'the redeployed node');
    let msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.requests.length, 1);
    // a new token: the account's identity changes, the node starts afresh and writes the address it was
    // last asked for without a new input (issue 23: a fixed login heals)
    await helper.setFlows(flow(server, { name: 'renamed' }), 'full', credentials(OTHER_TOKEN));
    await waitFor(() => writes(server) === 1, 'the remembered address written with the new token');
    assert.equal(server.requests.at(-1).authorization, `Bearer ${OTHER_TOKEN}`);
    msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.equal(writes(server), 1);
  });

  it('a token that may not edit the zone (10000) blocks the node too', async () => {
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4' });
    await helper.load(nodes, flow(server), credentials(READ_ONLY));
    const msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'EFORBIDDEN');
    assert.equal(msg.ddns.results[0].providerCode, '10000');
    assert.match(msg.error.message, /Zone \/ DNS \/ Edit/);
    const calls = server.requests.length;
    const again = await feed('8.8.4.4');
    assert.equal(again.ddns.results[0].code, 'EBLOCKED');
    assert.equal(server.requests.length, calls);
  });

  it('a zone the token cannot see is a clear error naming the zone, not a block', async () => {
    await helper.load(nodes, flow(server, { zone: 'nowhere.net', hostnames: 'home.nowhere.net' }), credentials());
    let msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'ENOTFOUND');
    assert.match(msg.error.message, /nowhere\.net/);
    assert.match(msg.error.message, /Zone Resources/);
    msg = await feed('8.8.8.8', 'caught');
    assert.equal(msg.error.code, 'ENOTFOUND');
    assert.equal(server.count('zones'), 2, 'asked again: the zone may have been added to the token');
  });

  it('HTTP 429 honours Retry-After with a waiting (yellow) status, then succeeds', async () => {
    server.inject({ kind: 'list', status: 429, headers: { 'retry-after': '1' }, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const yellow = statusWhere(ddns, (s) => s.fill === 'yellow');
    const msg = await feed('8.8.8.8');
    const status = await yellow;
    assert.match(status.text, /971|429/);
    assert.equal(msg.ddns.results[0].status, 'created');
    const lists = server.requests.filter((r) => r.kind === 'list');
    assert.equal(lists.length, 2);
  });

  it('a Retry-After longer than five minutes pauses the node: no request until it ends', async () => {
    server.inject({ kind: 'zones', status: 429, headers: { 'retry-after': '3600' }, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const yellow = statusWhere(ddns, (s) => s.fill === 'yellow' && s.shape === 'ring');
    const caught = await feed('8.8.8.8', 'caught');
    assert.equal(caught.error.code, 'EWAIT');
    assert.deepEqual([caught.ddns.results[0].status, caught.ddns.results[0].providerCode], ['failed', '971']);
    await yellow;
    const msg = await feed('8.8.8.8');
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].code], ['skipped', 'EWAIT']);
    assert.equal(server.requests.length, 1, 'paused: no request');
    const row = (await board()).records.find((r) => r.nodeId === 'ddns');
    assert.equal(row.state, 'backoff');
    assert.ok(row.until > Date.now() + 50 * 60_000);
  });

  it('a 5xx answer is retried with backoff', async () => {
    server.inject({ kind: 'zones', type: 'html502' });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(server.count('zones'), 2);
  });

  it('the token never appears in messages, status, Catch or the sidebar, even when the server echoes it', async () => {
    server.inject({
      kind: 'zones',
      status: 400,
      count: Infinity,
      errors: (req) => [{ code: 6003, message: `Invalid request headers: got "${req.authorization}" (token ${TOKEN}, ${encodeURIComponent(TOKEN)})` }],
    });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const statuses = watchStatus(ddns);
    const outMsg = nextMessage(helper.getNode('out'));
    const caught = await feed('8.8.8.8', 'caught');
    const out = await outMsg;
    await settle(50);
    const snapshot = await board();
    const seen = JSON.stringify({ caught, out, statuses: statuses.seen, snapshot });
    assert.ok(seen.includes('Invalid request headers'), 'the server text is there');
    for (const form of [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString('base64')]) assert.ok(!seen.includes(form), `token form ${form} leaked`);
    server.clearFaults();
  });

  it('refuses bad input before any request', async () => {
    await helper.load(nodes, flow(server), credentials());
    for (const payload of ['not an address', { ipv4: '2001:db8::1' }, 42, '', '0.0.0.0', '224.0.0.1']) {
      const caught = await feed(payload, 'caught');
      assert.equal(caught.error.code, 'EBADINPUT');
    }
    await helper.unload();
    await helper.load(nodes, flow(server, { recordType: 'A' }), credentials());
    assert.equal((await feed('2001:4860:4860::8888', 'caught')).error.code, 'EBADINPUT');
    assert.equal(server.requests.length, 0);
  });

  it('dry run looks up but never writes', async () => {
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4' });
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com,new.example.com', dryRun: true }), credentials());
    const msg = await feed('8.8.8.8');
    assert.equal(msg.ddns.dryRun, true);
    assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.planned]), [['skipped', 'update'], ['skipped', 'create']]);
    assert.equal(writes(server), 0);
    assert.ok(server.count('list') >= 2);
  });

  it('zone from an environment variable and host names from the message', async () => {
    process.env.DDNS_TEST_CF_ZONE = 'example.com';
    try {
      await helper.load(nodes, flow(server, { zone: 'DDNS_TEST_CF_ZONE', zoneType: 'env', hostnames: '' }), credentials());
      const msg = await feed('8.8.8.8', 'out', { hostnames: 'typed.example.com' });
      assert.deepEqual([msg.ddns.results[0].name, msg.ddns.results[0].status], ['typed.example.com', 'created']);
      const caught = await feed('8.8.8.8', 'caught', { hostnames: 'elsewhere.org' });
      assert.equal(caught.error.code, 'ECONFIG');
    } finally {
      delete process.env.DDNS_TEST_CF_ZONE;
    }
  });

  it('a Global API Key is refused at deploy, with the reason', async () => {
    await helper.load(nodes, flow(server), credentials('0123456789abcdef0123456789abcdef01234'));
    const ddns = helper.getNode('ddns');
    await waitFor(() => ddns.status && true, 'the node');
    const caught = await feed('8.8.8.8', 'caught');
    assert.equal(caught.error.code, 'ECONFIG');
    assert.match(caught.error.message, /Global API Key/);
    assert.equal(server.requests.length, 0);
  });

  it('close aborts a request in flight', async () => {
    server.inject({ kind: 'zones', type: 'hang' });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const errors = [];
    helper.getNode('caught').on('input', (m) => errors.push(m));
    const blue = statusWhere(ddns, (s) => s.fill === 'blue');
    ddns.receive({ payload: '8.8.8.8' });
    await blue;
    await waitFor(() => server.count('zones') === 1, 'the request to reach the server');
    await helper.unload();
    assert.equal(errors.length, 0);
  });
});
