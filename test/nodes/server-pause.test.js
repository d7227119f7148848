'use strict';
// A server's pause through a real Node-RED runtime (node-red-node-test-helper),
// issue 22 and DESIGN.md's security rules: "A server's pause (Retry-After,
// DynDNS2 w<N>) never undercuts the node's own backoff and never exceeds 7
// days; Clear block lifts a pause as it lifts a block." And a time stored while
// the clock was ahead never shows in the sidebar as a change in the future.
const assert = require('node:assert/strict');
const path = require('node:path');
const { helper, nodeFile, nextMessage, statusWhere, settle } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeCloudflare = require('../servers/fake-cloudflare');

const { MAX_SERVER_PAUSE_MS } = require(path.join(__dirname, '..', '..', 'dist', 'core', 'run.js'));
const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update'), nodeFile('cloudflare-account'), nodeFile('cloudflare-ddns')];

const USERNAME = 'pause-user-4417';
const PASSWORD = 'pause-Pa55word-8d2c';
const TOKEN = 'cf-pause-test-Token-3Jk8wQ2zX5vB7nM1pL4';
const WEEK_MS = 7 * 24 * 3_600_000;
const YEAR_MS = 365 * 24 * 3_600_000;

function flow({ dyn, cf, update = {} }) {
  return [
    { id: 'dacct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', account: 'dacct', hostnames: 'a.example.com', retries: 0, refresh: 25, wires: [['out']], ...update },
    { id: 'cacct', type: 'cloudflare-account', endpoint: cf.url },
    { id: 'ddns', type: 'cloudflare-ddns', account: 'cacct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'auto', ttl: 1, proxied: 'keep', create: true, wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = { dacct: { username: USERNAME, password: PASSWORD }, cacct: { apiToken: TOKEN } };

async function feed(id, payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode(id).receive({ payload });
  return out;
}

async function records() {
  return (await helper.request().get('/ddns/records').expect(200)).body.records;
}

/** As Node-RED with a configured context store: state survives a redeploy (see record-board.test.js). */
async function loadWithContextStore(flowConfig) {
  await helper.load(nodes, flowConfig, credentials);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

function contextOf(node) {
  const context = node.context();
  return {
    get: (key) => new Promise((resolve, reject) => context.get(key, (err, value) => (err ? reject(err) : resolve(value)))),
    set: (key, value) => new Promise((resolve, reject) => context.set(key, value, (err) => (err ? reject(err) : resolve()))),
  };
}

describe("a server's pause: never shorter than the backoff, never longer than a week, lifted by Clear block", function () {
  this.timeout(30000);
  let dyn;
  let cf;
  before(async () => {
    dyn = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com'] } } });
    cf = await fakeCloudflare.start({ tokens: { [TOKEN]: '*' }, zones: ['example.com'] });
  });
  after(async () => {
    await dyn.close();
    await cf.close();
  });
  beforeEach(() => {
    dyn.reset();
    for (const host of dyn.hosts.values()) host.ipv4 = undefined;
    cf.reset();
    cf.clearRecords();
  });
  afterEach(() => helper.unload());

  // The default backoff (1 s base, doubling, half jitter) spaces retries at least 0.5, 1, 2 and
  // 4 s apart: requests at 0, >= 0.5, >= 1.5, >= 3.5 and >= 7.5 s. The window below lasts at most
  // 1 s (the first retry) plus 3 s, so no more than 4 can go out. Before issue 22 a Retry-After
  // of 0 or a past date took the server's word: 2,457 to 3,780 requests in 6 s.
  const storms = [
    ['Retry-After: 0', '0'],
    ['a Retry-After date in the past', new Date(Date.now() - 3_600_000).toUTCString()],
  ];
  for (const [what, header] of storms) {
    it(`503 with ${what}, unlimited retries: no faster than the node's own backoff`, async () => {
      dyn.inject({ status: 503, body: 'busy', headers: { 'retry-after': header }, count: Infinity });
      await helper.load(nodes, flow({ dyn, cf, update: { retries: -1 } }), credentials);
      helper.getNode('upd').receive({ payload: '8.8.8.8' });
      await waitFor(() => dyn.requests.length >= 2, 'the first retry');
      await settle(3000);
      const sent = dyn.requests.length;
      assert.ok(sent <= 4, `${sent} requests in at most 4 s: the backoff allows 4`);
    });
  }

  it('Cloudflare 429 with Retry-After 9999999999 (317 years): paused a week at most, said so; Clear block lifts it and the next input sends', async () => {
    cf.inject({ kind: 'zones', status: 429, headers: { 'retry-after': '9999999999' }, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
    await helper.load(nodes, flow({ dyn, cf }), credentials);
    const ddns = helper.getNode('ddns');
    const paused = statusWhere(ddns, (s) => s.fill === 'yellow' && s.shape === 'ring');
    const before = Date.now();
    const caught = await feed('ddns', '8.8.8.8', 'caught');
    assert.equal(caught.error.code, 'EWAIT');
    assert.match(caught.error.message, /asked for a pause of 317 years; pausing 7 d, the longest this node waits/);
    const status = await paused;
    assert.match(status.text, /paused until/);
    let row = (await records()).find((r) => r.nodeId === 'ddns');
    assert.equal(row.state, 'backoff');
    assert.ok(row.until >= before + MAX_SERVER_PAUSE_MS && row.until <= Date.now() + MAX_SERVER_PAUSE_MS, `paused until ${new Date(row.until).toISOString()}`);
    assert.equal(MAX_SERVER_PAUSE_MS, WEEK_MS);
    assert.equal(row.canUnblock, true, 'the sidebar offers to clear the pause');

    const skipped = await feed('ddns', '8.8.8.8');
    assert.equal(skipped.ddns.results[0].code, 'EWAIT');
    assert.equal(cf.requests.length, 1, 'paused: no request');

    // the server is healthy again; the user clears the pause from the sidebar
    const res = await helper.request().post('/ddns/records/ddns/unblock').send({ name: 'home.example.com' }).expect(200);
    assert.equal(res.body.unblocked, true);
    row = res.body.records.find((r) => r.name === 'home.example.com');
    assert.notEqual(row.state, 'backoff');
    await helper.request().post('/ddns/records/ddns/unblock').send({ name: 'home.example.com' }).expect(409);
    const msg = await feed('ddns', '8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.ok(cf.requests.length > 1, 'the next input sent');
    assert.equal((await records()).find((r) => r.nodeId === 'ddns').state, 'in-sync');
  });

  it('DynDNS2 503 with Retry-After 999999999 (32 years): paused a week at most; Clear block lifts it and the next input sends', async () => {
    dyn.inject({ status: 503, body: 'busy', headers: { 'retry-after': '999999999' } });
    await helper.load(nodes, flow({ dyn, cf }), credentials);
    const before = Date.now();
    const caught = await feed('upd', '8.8.8.8', 'caught');
    assert.equal(caught.error.code, 'EWAIT');
    assert.match(caught.error.message, /pausing 7 d, the longest this node waits/);
    const row = (await records()).find((r) => r.nodeId === 'upd' && r.name === 'a.example.com');
    assert.equal(row.state, 'backoff');
    assert.ok(row.until >= before + WEEK_MS && row.until <= Date.now() + WEEK_MS, `paused until ${new Date(row.until).toISOString()}`);
    await feed('upd', '8.8.8.8');
    assert.equal(dyn.requests.length, 1, 'paused: no request');

    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'a.example.com' }).expect(200);
    const msg = await feed('upd', '8.8.8.8');
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['a.example.com', 'updated']]);
    assert.equal(dyn.requests.length, 2);
  });

  it('a pause stored by an earlier version until the year 2343 is shown, and kept, as a week at most', async () => {
    await loadWithContextStore(flow({ dyn, cf }));
    cf.inject({ kind: 'zones', status: 429, headers: { 'retry-after': '3600' }, errors: [{ code: 971, message: 'Please wait' }] });
    await feed('ddns', '8.8.8.8', 'caught');
    const context = contextOf(helper.getNode('ddns'));
    const stored = await context.get('cloudflare');
    const far = Date.now() + 317 * YEAR_MS;
    // the shape Cloudflare's state had before the record ledger: one pause for the node
    stored.data = { version: 1, zones: {}, records: {}, pause: { until: far, code: '971', ms: far - Date.now() } };
    await context.set('cloudflare', stored);
    // a redeploy reads it again
    await helper.setFlows(flow({ dyn, cf }), 'full', credentials);
    const row = await waitFor(async () => (await records()).find((r) => r.nodeId === 'ddns' && r.state === 'backoff'), 'the stored pause to show');
    assert.ok(row.until <= Date.now() + WEEK_MS, `shown until ${new Date(row.until).toISOString()}`);
    const msg = await feed('ddns', '8.8.8.8');
    assert.equal(msg.ddns.results[0].code, 'EWAIT');
    const kept = await contextOf(helper.getNode('ddns')).get('cloudflare');
    const pauses = Object.values(kept.data.records).map((entry) => entry.pause);
    assert.ok(pauses.length > 0 && pauses.every((pause) => pause.until <= Date.now() + WEEK_MS), `stored until ${pauses.map((pause) => new Date(pause.until).toISOString())}`);
  });

  it('after a clock jump, a last change and check stored in the future show as now in the sidebar and the status', async () => {
    await loadWithContextStore(flow({ dyn, cf }));
    await feed('upd', '8.8.8.8');
    const context = contextOf(helper.getNode('upd'));
    const future = Date.now() + YEAR_MS;
    const state = await context.get('dyndns2');
    // the record ledger's entries of the host (src/core/ledger.ts): written and confirmed "in the future"
    for (const entry of Object.values(state.data.records)) if (entry.name === 'a.example.com') Object.assign(entry, { lastWriteAt: future, verifiedAt: future });
    await context.set('dyndns2', state);
    const history = await context.get('dyndns2History');
    for (const list of Object.values(history)) for (const change of list) change.at = future;
    await context.set('dyndns2History', history);
    // the old node shows its last run: only what the new one shows counts
    const shownBefore = helper._NodePrototype.status.getCalls().length;
    await helper.setFlows(flow({ dyn, cf }), 'full', credentials);
    const statusesOfNew = () => helper._NodePrototype.status.getCalls().slice(shownBefore).filter((call) => call.thisValue === helper.getNode('upd')).map((call) => call.args[0]);
    const row = await waitFor(async () => (await records()).find((r) => r.nodeId === 'upd' && r.type === 'A' && r.history.length > 0), 'the stored row');
    const now = Date.now();
    assert.ok(row.lastChangedAt <= now, `last change shown at ${new Date(row.lastChangedAt).toISOString()}`);
    assert.ok(row.lastCheckedAt <= now, `last check shown at ${new Date(row.lastCheckedAt).toISOString()}`);
    assert.ok(row.history.every((change) => change.at <= now), 'no change of the history in the future');
    assert.ok(row.nextKeepAliveAt <= now + 25 * 24 * 3_600_000, 'the keep-alive counts from now, not from the future');
    const status = await waitFor(() => statusesOfNew().find((s) => s.fill === 'green'), 'the stored state to show in the status');
    assert.doesNotMatch(status.text, new RegExp(String(new Date(future).getFullYear())), 'the status shows no time in the future');
  });
});
