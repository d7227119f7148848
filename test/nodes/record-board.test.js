'use strict';
// The DDNS sidebar's runtime half: the record board fed by the updater nodes,
// GET /ddns/records, POST /ddns/records/:nodeId/unblock and the live updates on
// the comms topic ddns/records, against the fake DynDNS2 and Alidns servers.
const assert = require('node:assert/strict');
const path = require('node:path');
const express = require('express');
const request = require('supertest');
const { helper, nodeFile, nextMessage } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeAlidns = require('../servers/fake-alidns');
const fakeDns = require('../servers/fake-dns');

const board = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'record-board.js'));
const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update'), nodeFile('aliyun-account'), nodeFile('aliyun-ddns')];

const USERNAME = 'board-user-7731';
const PASSWORD = 'board-Pa55word-1c9e';
const KEY_ID = 'LTAI-board-key-5e21';
const SECRET = 'board-Secret-Key-88f0';
// nothing that identifies or unlocks an account may ever be on the board
const FORBIDDEN = [PASSWORD, SECRET, KEY_ID, USERNAME, Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'), 'authorization'];
const DAY_MS = 24 * 60 * 60 * 1000;

function flow(dyn, ali, { update = {}, ddns = {} } = {}) {
  return [
    { id: 'dacct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', name: 'home', account: 'dacct', hostnames: 'a.example.com,b.example.com', retries: 0, refresh: 25, wires: [['out']], ...update },
    { id: 'aacct', type: 'aliyun-account', endpoint: ali.url },
    { id: 'ddns', type: 'aliyun-ddns', account: 'aacct', domain: 'example.com', rr: 'www', recordType: 'auto', ttl: 600, line: 'default', create: true, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = ({ password = PASSWORD, secret = SECRET } = {}) => ({
  dacct: { username: USERNAME, password },
  aacct: { accessKeyId: KEY_ID, accessKeySecret: secret },
});

async function records() {
  const res = await helper.request().get('/ddns/records').expect(200).expect('Content-Type', /json/);
  return res.body;
}
const rowsOf = (snapshot, nodeId) => snapshot.records.filter((r) => r.nodeId === nodeId);
const rowOf = (snapshot, nodeId, name, type) => snapshot.records.find((r) => r.nodeId === nodeId && r.name === name && r.type === type);

/** Polls GET /ddns/records until predicate(snapshot) holds. */
async function recordsWhere(predicate, what = 'the board to match') {
  let last;
  return waitFor(async () => {
    last = await records();
    return predicate(last) ? last : undefined;
  }, `${what}; last: ${JSON.stringify(last)}`, 3000);
}

/** Sends a payload to a node and waits for its output (or Catch) message. */
async function feed(id, payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode(id).receive({ payload });
  return out;
}

/**
 * Loads the flow, then gives the runtime a configured context store (memory),
 * as a settings file with contextStorage would: only then does Node-RED keep a
 * node's context when the node is redeployed (without one it deletes it on
 * close). The helper never loads context stores itself.
 */
async function loadWithContextStore(flowConfig, creds) {
  await helper.load(nodes, flowConfig, creds);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

function contextGet(node, key) {
  return new Promise((resolve, reject) => node.context().get(key, (err, value) => (err ? reject(err) : resolve(value))));
}

function assertNoCredential(label, value) {
  const text = JSON.stringify(value).toLowerCase();
  for (const secret of FORBIDDEN) assert.ok(!text.includes(secret.toLowerCase()), `${label} carries ${secret}`);
}

describe('DDNS sidebar record board', function () {
  let dyn;
  let ali;
  const published = [];
  const onComms = (event) => {
    if (event && event.topic === board.RECORDS_TOPIC) published.push(event);
  };

  before(async () => {
    dyn = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com', 'b.example.com'] } } });
    ali = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com'] });
    helper._events.on('comms', onComms);
  });
  after(async () => {
    helper._events.removeListener('comms', onComms);
    await dyn.close();
    await ali.close();
  });
  beforeEach(() => {
    published.length = 0;
    dyn.reset();
    for (const host of dyn.hosts.values()) {
      host.ipv4 = undefined;
      host.ipv6 = undefined;
    }
    ali.reset();
    ali.clearRecords();
  });
  afterEach(() => helper.unload());

  it('lists every record of every updater node, pending before the first input and in sync after it', async () => {
    await helper.load(nodes, flow(dyn, ali), credentials());
    let snapshot = await recordsWhere((s) => s.records.length === 3);
    assert.deepEqual(snapshot.nodes.map((n) => [n.id, n.type, n.name, n.dryRun]).sort(), [
      ['ddns', 'aliyun-ddns', '', false],
      ['upd', 'dyndns2-update', 'home', false],
    ]);
    assert.deepEqual(snapshot.records.map((r) => [r.nodeId, r.name, r.type, r.state]).sort(), [
      ['ddns', 'www.example.com', undefined, 'pending'],
      ['upd', 'a.example.com', undefined, 'pending'],
      ['upd', 'b.example.com', undefined, 'pending'],
    ]);

    const before = Date.now();
    await feed('upd', '8.8.8.8');
    await feed('ddns', '8.8.4.4');
    snapshot = await records();
    assert.equal(snapshot.records.length, 3, 'the typed rows replace the pending ones');
    const a = rowOf(snapshot, 'upd', 'a.example.com', 'A');
    assert.equal(a.nodeName, 'home');
    assert.equal(a.nodeType, 'dyndns2-update');
    assert.equal(a.state, 'in-sync');
    assert.equal(a.value, '8.8.8.8');
    assert.ok(a.lastChangedAt >= before && a.lastCheckedAt >= a.lastChangedAt);
    assert.ok(Math.abs(a.nextKeepAliveAt - (a.lastChangedAt + 25 * DAY_MS)) < 1000, 'keep-alive: last write + refresh days');
    assert.deepEqual(a.history.map((h) => [h.previous, h.value]), [[undefined, '8.8.8.8']]);
    const www = rowOf(snapshot, 'ddns', 'www.example.com', 'A');
    assert.equal(www.state, 'in-sync');
    assert.equal(www.value, '8.8.4.4');
    assert.equal(www.nextKeepAliveAt, undefined, 'Alidns has no keep-alive');
    assert.ok(www.lastCheckedAt >= before);

    // the same value again: checked again (at a later moment), not changed
    await waitFor(() => Date.now() > a.lastCheckedAt, 'the clock to move past the first check');
    await feed('upd', '8.8.8.8');
    const again = rowOf(await records(), 'upd', 'a.example.com', 'A');
    assert.equal(again.lastChangedAt, a.lastChangedAt);
    assert.ok(again.lastCheckedAt > a.lastCheckedAt);
    assert.equal(again.history.length, 1);
  });

  it('keeps the last ten changes of each record in node context and shows them after a redeploy', async () => {
    await loadWithContextStore(flow(dyn, ali, { update: { hostnames: 'a.example.com' } }), credentials());
    for (let i = 1; i <= 12; i++) await feed('upd', `8.8.8.${i}`);
    await feed('upd', '8.8.8.12');
    for (const value of ['9.9.9.1', '9.9.9.2', '9.9.9.3']) await feed('ddns', value);

    let snapshot = await records();
    const a = rowOf(snapshot, 'upd', 'a.example.com', 'A');
    assert.equal(a.history.length, 10, 'capped at ten');
    assert.deepEqual(a.history[0], { at: a.lastChangedAt, previous: '8.8.8.11', value: '8.8.8.12' });
    assert.deepEqual(a.history.map((h) => h.value), ['8.8.8.12', '8.8.8.11', '8.8.8.10', '8.8.8.9', '8.8.8.8', '8.8.8.7', '8.8.8.6', '8.8.8.5', '8.8.8.4', '8.8.8.3']);
    for (let i = 1; i < a.history.length; i++) assert.ok(a.history[i - 1].at >= a.history[i].at, 'newest first');
    const www = rowOf(snapshot, 'ddns', 'www.example.com', 'A');
    assert.deepEqual(www.history.map((h) => [h.previous, h.value]), [['9.9.9.2', '9.9.9.3'], ['9.9.9.1', '9.9.9.2'], [undefined, '9.9.9.1']]);

    // kept through the async context API, where a persistent store would keep it across restarts
    const stored = await contextGet(helper.getNode('upd'), 'dyndns2History');
    assert.equal(stored['A a.example.com'].length, 10);
    assert.equal((await contextGet(helper.getNode('ddns'), 'aliyunHistory'))['A www.example.com'].length, 3);

    // a redeploy starts new node instances: their rows come from the stored state, before any input
    await helper.setFlows(flow(dyn, ali, { update: { hostnames: 'a.example.com', name: 'renamed' } }), 'full', credentials());
    snapshot = await recordsWhere((s) => rowOf(s, 'upd', 'a.example.com', 'A')?.nodeName === 'renamed' && rowOf(s, 'ddns', 'www.example.com', 'A'));
    const restarted = rowOf(snapshot, 'upd', 'a.example.com', 'A');
    assert.equal(restarted.state, 'in-sync');
    assert.equal(restarted.value, '8.8.8.12');
    assert.equal(restarted.history.length, 10);
    assert.equal(restarted.nextKeepAliveAt, a.nextKeepAliveAt);
    assert.equal(rowOf(snapshot, 'ddns', 'www.example.com', 'A').value, '9.9.9.3');
  });

  it('a badauth block shows as blocked with the code; clearing it lets the next input send again', async () => {
    await helper.load(nodes, flow(dyn, ali), credentials());
    dyn.inject({ body: 'badauth' });
    await feed('upd', '8.8.8.8', 'caught');
    let snapshot = await records();
    for (const name of ['a.example.com', 'b.example.com']) {
      const row = rowOf(snapshot, 'upd', name, 'A');
      assert.equal(row.state, 'blocked');
      assert.equal(row.code, 'badauth');
      assert.equal(row.canUnblock, true);
      assert.ok(row.since > 0);
      assert.match(row.message, /refused/);
    }
    await feed('upd', '8.8.4.4');
    assert.equal(dyn.requests.length, 1, 'blocked: no request');

    // what cannot be cleared
    await helper.request().post('/ddns/records/upd/unblock').send({}).expect(400);
    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'c.example.com' }).expect(409);
    await helper.request().post('/ddns/records/nope/unblock').send({ name: 'a.example.com' }).expect(404);
    // the Alidns node can be unblocked too, but nothing of it is blocked
    await helper.request().post('/ddns/records/ddns/unblock').send({ name: 'www.example.com' }).expect(409);

    const res = await helper.request().post('/ddns/records/upd/unblock').send({ name: 'a.example.com' }).expect(200);
    assert.equal(res.body.unblocked, true);
    // per record: the cleared host's A record, the one it is to write, waits for the next input
    const expected = [
      ['a.example.com', 'A', 'pending'],
      ['b.example.com', 'A', 'blocked'],
    ];
    assert.deepEqual(res.body.records.map((r) => [r.name, r.type, r.state]), expected);
    assert.deepEqual(rowsOf(await records(), 'upd').map((r) => [r.name, r.type, r.state]), expected);
    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'a.example.com' }).expect(409);

    const msg = await feed('upd', '8.8.4.4');
    assert.equal(dyn.requests.length, 2, 'the cleared host is sent again');
    assert.deepEqual(dyn.requests[1].hostnames, ['a.example.com']);
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['a.example.com', 'updated'], ['b.example.com', 'skipped']]);
    snapshot = await records();
    assert.equal(rowOf(snapshot, 'upd', 'a.example.com', 'A').state, 'in-sync');
    assert.equal(rowOf(snapshot, 'upd', 'b.example.com', 'A').state, 'blocked');
  });

  it('a block cleared while a request is in flight is lifted when that run saves', async () => {
    // c.example.com is not in the account: nohost blocks it
    await helper.load(nodes, flow(dyn, ali, { update: { hostnames: 'a.example.com,c.example.com' } }), credentials());
    await feed('upd', '8.8.8.8', 'caught');
    assert.equal(rowOf(await records(), 'upd', 'c.example.com', 'A').code, 'nohost');
    // the next run sends a.example.com only, and its answer is slow
    dyn.inject({ body: 'good 8.8.4.4', slowMs: 300 });
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('upd').receive({ payload: '8.8.4.4' });
    await waitFor(() => dyn.requests.length === 2, 'the slow request to reach the server');
    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'c.example.com' }).expect(200);
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['a.example.com', 'updated'], ['c.example.com', 'skipped']]);
    const state = await contextGet(helper.getNode('upd'), 'dyndns2');
    assert.equal(state.data.records['c.example.com/A'].block, undefined, 'the run saved its state without the block');
    assert.equal(rowOf(await records(), 'upd', 'c.example.com', 'A').state, 'pending');
    await feed('upd', '8.8.4.4', 'caught');
    assert.equal(dyn.requests.length, 3, 'c.example.com is sent again');
    assert.deepEqual(dyn.requests[2].hostnames, ['c.example.com']);
  });

  it('backing off, failed, dry run and a failed input each show as such', async () => {
    const f = flow(dyn, ali);
    f.splice(4, 0, { id: 'dryddns', type: 'aliyun-ddns', account: 'aacct', domain: 'example.com', rr: 'dry', recordType: 'A', dryRun: true, wires: [['out']] });
    await helper.load(nodes, f, credentials({ secret: 'not-the-secret' }));
    dyn.inject({ body: '911' });
    const before = Date.now();
    await feed('upd', '8.8.8.8', 'caught');
    await feed('ddns', '8.8.8.8', 'caught');
    let snapshot = await records();
    const a = rowOf(snapshot, 'upd', 'a.example.com', 'A');
    assert.equal(a.state, 'backoff');
    assert.equal(a.code, '911');
    assert.ok(a.until >= before + 30 * 60_000 - 1000 && a.until <= Date.now() + 30 * 60_000);
    // a refused AccessKey pair blocks the node's records until the login changes (the conformance suite's rule)
    const www = rowOf(snapshot, 'ddns', 'www.example.com', 'A');
    assert.equal(www.state, 'blocked');
    assert.equal(www.code, 'SignatureDoesNotMatch');
    assert.ok(www.message);

    const pending = rowsOf(snapshot, 'dryddns');
    assert.deepEqual(pending.map((r) => [r.name, r.type, r.state]), [['dry.example.com', 'A', 'pending']]);
    assert.equal(snapshot.nodes.find((n) => n.id === 'dryddns').dryRun, true);

    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('upd').receive({ payload: 'not an address' });
    await caught;
    snapshot = await records();
    assert.equal(snapshot.nodes.find((n) => n.id === 'upd').error.code, 'EBADINPUT');
    assert.equal(rowOf(snapshot, 'upd', 'a.example.com', 'A').state, 'backoff', 'a bad input leaves the records as they were');
  });

  it('a request being retried shows on its node until the retry succeeds', async () => {
    await helper.load(nodes, flow(dyn, ali, { update: { retries: 1 } }), credentials());
    dyn.inject({ status: 500, body: 'down' });
    const out = nextMessage(helper.getNode('out'));
    const before = Date.now();
    helper.getNode('upd').receive({ payload: '8.8.8.8' });
    const during = await recordsWhere((s) => s.nodes.find((n) => n.id === 'upd').retrying);
    const { retrying } = during.nodes.find((n) => n.id === 'upd');
    assert.equal(retrying.code, 'EHTTPSTATUS');
    assert.ok(retrying.until > before && retrying.until <= Date.now() + 1000);
    await out;
    const after = await records();
    assert.equal(after.nodes.find((n) => n.id === 'upd').retrying, undefined);
    assert.equal(rowOf(after, 'upd', 'a.example.com', 'A').state, 'in-sync');
  });

  it('dry run: the row says what would be written, the value stays what the server holds', async () => {
    ali.addRecord('example.com', { RR: 'www', Type: 'A', Value: '1.1.1.1' });
    await helper.load(nodes, flow(dyn, ali, { ddns: { dryRun: true } }), credentials());
    await feed('ddns', '8.8.8.8');
    const row = rowOf(await records(), 'ddns', 'www.example.com', 'A');
    assert.equal(row.state, 'dry-run');
    assert.equal(row.value, '1.1.1.1');
    assert.match(row.message, /would update 1\.1\.1\.1 -> 8\.8\.8\.8/);
    assert.deepEqual(row.history, []);
  });

  it('an input that changes nothing pushes nothing to the editors; the next read shows the new check time', async () => {
    await helper.load(nodes, flow(dyn, ali, { update: { hostnames: 'a.example.com' } }), credentials());
    await feed('upd', '8.8.8.8');
    await waitFor(() => published.some((e) => e.data.nodeId === 'upd' && e.data.records.some((r) => r.state === 'in-sync')), 'the live update after the first run');
    const first = rowOf(await records(), 'upd', 'a.example.com', 'A');
    await waitFor(() => Date.now() > first.lastCheckedAt, 'the clock to move past the first check');
    // a live update of this node would come within 50 ms of the run: the second run's is awaited as long as that
    published.length = 0;
    await feed('upd', '8.8.8.8');
    const again = rowOf(await records(), 'upd', 'a.example.com', 'A');
    assert.ok(again.lastCheckedAt > first.lastCheckedAt, 'GET /ddns/records has the new check time');
    assert.deepEqual({ ...again, lastCheckedAt: 0 }, { ...first, lastCheckedAt: 0 }, 'nothing else changed');
    await feed('ddns', '8.8.8.8'); // another node's run: its push proves the publishing timer ran
    await waitFor(() => published.some((e) => e.data.nodeId === 'ddns'), 'the other node\'s live update');
    assert.deepEqual(published.filter((e) => e.data.nodeId === 'upd'), [], 'no push for the unchanged run');
  });

  it('pushes each node\'s rows on the comms topic ddns/records, and its leaving', async () => {
    await helper.load(nodes, flow(dyn, ali), credentials());
    await feed('upd', '8.8.8.8');
    // live updates of one node within 50 ms go out as one: wait for the one after the run
    await waitFor(() => published.some((e) => e.data.nodeId === 'upd' && e.data.records.some((r) => r.state === 'in-sync')), 'the live update after the run');
    const updates = published.map((e) => e.data).filter((d) => d.nodeId === 'upd');
    assert.ok(updates.length >= 1);
    assert.ok(published.every((e) => e.retain === false), 'not retained');
    const last = updates[updates.length - 1];
    assert.equal(last.node.id, 'upd');
    assert.deepEqual(last.records.map((r) => [r.name, r.type, r.state, r.value]), [
      ['a.example.com', 'A', 'in-sync', '8.8.8.8'],
      ['b.example.com', 'A', 'in-sync', '8.8.8.8'],
    ]);
    for (let i = 1; i < updates.length; i++) assert.ok(updates[i].revision > updates[i - 1].revision);
    published.length = 0;
    await helper.unload();
    await waitFor(() => published.some((e) => e.data.nodeId === 'upd'), 'the live update saying the node left');
    const gone = published.map((e) => e.data).filter((d) => d.nodeId === 'upd');
    assert.equal(gone.length, 1);
    assert.equal(gone[0].node, null);
  });

  it('never carries a credential: not in GET, POST or comms, whatever happened', async () => {
    const seen = [];
    await helper.load(nodes, flow(dyn, ali), credentials({ password: 'wrong-' + PASSWORD, secret: 'wrong-' + SECRET }));
    FORBIDDEN.push('wrong-');
    try {
      dyn.inject({ body: 'badauth' });
      await feed('upd', '8.8.8.8', 'caught');
      await feed('ddns', '8.8.8.8', 'caught');
      seen.push(['GET after failures', await records()]);
      seen.push(['POST', (await helper.request().post('/ddns/records/upd/unblock').send({ name: 'a.example.com' })).body]);
      seen.push(['POST refused', (await helper.request().post('/ddns/records/upd/unblock').send({ name: 'x' })).body]);
      await helper.unload();
      await helper.load(nodes, flow(dyn, ali), credentials());
      await feed('upd', '8.8.8.8');
      await feed('ddns', '8.8.8.8');
      seen.push(['GET after success', await records()]);
      await waitFor(() => published.some((e) => e.data.nodeId === 'ddns' && e.data.records.some((r) => r.state === 'in-sync')), 'the live updates after the runs');
      seen.push(['comms', published]);
      assert.ok(published.length > 0);
      for (const [label, value] of seen) assertNoCredential(label, value);
    } finally {
      FORBIDDEN.pop();
    }
  });
});

// issue 26: a row says how many of the zone's authoritative name servers serve its value,
// and since when (docs/verify.md); a record put back after a change outside the node says so
describe('DDNS sidebar record board: served by', function () {
  let ali;
  let dns;
  let dyn;
  before(async () => {
    ali = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com'] });
    dyn = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com', 'b.example.com'] } } });
    // the zone's name server: serves what the node is about to write
    dns = await fakeDns.start({ records: [{ name: 'www.example.com', type: 'A', value: '203.0.113.7' }] });
  });
  after(async () => {
    await ali.close();
    await dyn.close();
    await dns.close();
  });
  afterEach(() => helper.unload());

  it('a written record verified at its name server shows served by 1 of 1 and when; an unchanged run keeps it; verify off shows none', async () => {
    const f = flow(dyn, ali, { ddns: { verify: `127.0.0.1:${dns.port}`, verifyTimeout: 5 }, update: { verify: 'off' } });
    await helper.load(nodes, f, credentials());
    const before = Date.now();
    const msg = await feed('ddns', '203.0.113.7');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.deepEqual([msg.ddns.results[0].verified.seen, msg.ddns.results[0].verified.of], [1, 1]);
    assert.ok(dns.queries.some((q) => q.name === 'www.example.com'), 'the name server was asked');
    let row = rowOf(await recordsWhere((s) => rowOf(s, 'ddns', 'www.example.com', 'A')?.servedBy, 'served by on the row'), 'ddns', 'www.example.com', 'A');
    assert.equal(row.state, 'in-sync');
    assert.deepEqual([row.servedBy.seen, row.servedBy.of], [1, 1]);
    assert.ok(row.servedBy.at >= before && row.servedBy.at <= Date.now(), `servedBy.at ${row.servedBy.at}`);
    assert.equal(row.restored, undefined);
    const seenAt = row.servedBy.at;

    // the same address again: nothing written, nothing verified anew; the row still says where it was seen, and when
    const again = await feed('ddns', '203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(again.ddns.results[0].verified, undefined);
    row = rowOf(await records(), 'ddns', 'www.example.com', 'A');
    assert.deepEqual(row.servedBy, { seen: 1, of: 1, at: seenAt });
    assert.ok(row.lastCheckedAt >= seenAt);

    // a node that checks nothing claims nothing
    await feed('upd', '203.0.113.7');
    const dynRow = rowOf(await recordsWhere((s) => rowOf(s, 'upd', 'a.example.com', 'A')?.state === 'in-sync', 'the DynDNS2 rows in sync'), 'upd', 'a.example.com', 'A');
    assert.equal(dynRow.servedBy, undefined);
  });

  it('composeRows: served by from a verified result, kept for the same value only, restored noted; never on a failed row', () => {
    const identity = { id: 'n1', type: 'aliyun-ddns', dryRun: false };
    const now = 1_700_000_100_000;
    const at = now - 60_000;
    const verified = { seen: 2, of: 3, servers: [] };
    const written = { name: 'www.example.com', type: 'A', status: 'updated', value: '203.0.113.7', previous: '198.51.100.1', verified, restored: true };
    const view = (last) => ({ stored: [], history: {}, lastResults: new Map([['A www.example.com', last]]) });

    let [row] = board.composeRows(identity, view({ result: written, at, dryRun: false }), now);
    assert.deepEqual([row.state, row.servedBy, row.restored], ['in-sync', { seen: 2, of: 3, at }, true]);

    // an unchanged run after it: kept for the same value, with the time it was seen; the restore note is the write's own
    const first = { result: written, at, dryRun: false, servedBy: board.servedByOf(written, at) };
    const same = { name: 'www.example.com', type: 'A', status: 'unchanged', value: '203.0.113.7' };
    assert.deepEqual(board.servedByOf(same, now, first), { seen: 2, of: 3, at });
    [row] = board.composeRows(identity, view({ result: same, at: now, dryRun: false, servedBy: board.servedByOf(same, now, first) }), now);
    assert.deepEqual([row.servedBy, row.restored], [{ seen: 2, of: 3, at }, undefined]);
    // another value was never seen there
    assert.equal(board.servedByOf({ ...same, value: '203.0.113.8' }, now, first), undefined);

    // a failed run says nothing of the name servers
    const failed = { name: 'www.example.com', type: 'A', status: 'failed', code: 'ENETWORK', message: 'down', verified };
    [row] = board.composeRows(identity, view({ result: failed, at, dryRun: false }), now);
    assert.deepEqual([row.state, row.servedBy, row.restored], ['failed', undefined, undefined]);

    // seen "in the future" (a clock stepped back): no later than now
    [row] = board.composeRows(identity, view({ result: written, at: now + 3_600_000, dryRun: false }), now);
    assert.equal(row.servedBy.at, now);
  });
});

describe('DDNS sidebar admin routes', function () {
  // node-red-node-test-helper runs without adminAuth, where needsPermission lets
  // everything through; here the routes are mounted on an app whose
  // needsPermission checks a scope the way Node-RED's adminAuth does.
  const { hasPermission } = require(require.resolve('@node-red/editor-api/lib/auth/permissions', { paths: [path.dirname(require.resolve('node-red'))] }));
  let app;
  const asked = [];
  before(() => {
    app = express();
    app.use(express.json());
    const RED = {
      httpAdmin: app,
      comms: { publish() {} },
      auth: {
        needsPermission(permission) {
          asked.push(permission);
          return (req, res, next) => (hasPermission(req.get('x-scope') || '', permission) ? next() : res.status(401).end());
        },
      },
    };
    const own = new board.RecordBoard();
    board.installRecordRoutes(RED, own);
    board.installRecordRoutes(RED, own); // once per admin app, however often asked
    own.join({ id: 'n1', type: 'dyndns2-update', dryRun: false }, async () => 'unblocked', () => true);
  });

  it('reading needs ddns.read, clearing a block and "update now" need ddns.write', async () => {
    assert.deepEqual(asked.sort(), ['ddns.read', 'ddns.write', 'ddns.write']);
    await request(app).post('/ddns/records/n1/update').set('x-scope', 'read').send({}).expect(401);
    await request(app).post('/ddns/records/n1/update').set('x-scope', 'ddns.write').send({}).expect(202);
    await request(app).post('/ddns/records/nobody/update').set('x-scope', 'ddns.write').send({}).expect(404);
    await request(app).get('/ddns/records').expect(401);
    await request(app).get('/ddns/records').set('x-scope', 'read').expect(200);
    await request(app).get('/ddns/records').set('x-scope', 'ddns.read').expect(200);
    await request(app).post('/ddns/records/n1/unblock').send({ name: 'a.example.com' }).expect(401);
    await request(app).post('/ddns/records/n1/unblock').set('x-scope', 'read').send({ name: 'a.example.com' }).expect(401);
    await request(app).post('/ddns/records/n1/unblock').set('x-scope', 'ddns.write').send({ name: 'a.example.com' }).expect(200);
    await request(app).post('/ddns/records/n1/unblock').set('x-scope', '*').send({ name: 'a.example.com' }).expect(200);
  });

  it('takes JSON only: a cross-site form (urlencoded, multipart, text/plain) is refused without acting', async () => {
    let asked = 0;
    const own = new board.RecordBoard();
    const formApp = express();
    formApp.use(express.json());
    formApp.use(express.urlencoded({ extended: true }));
    formApp.use(express.text());
    board.installRecordRoutes({ httpAdmin: formApp, comms: { publish() {} }, auth: { needsPermission: () => (req, res, next) => next() } }, own);
    own.join({ id: 'n1', type: 'dyndns2-update', dryRun: false }, async () => { asked++; return 'unblocked'; }, () => { asked++; return true; });
    await request(formApp).post('/ddns/records/n1/unblock').type('form').send('name=a.example.com').expect(415);
    await request(formApp).post('/ddns/records/n1/unblock').set('content-type', 'text/plain').send('{"name":"a.example.com"}').expect(415);
    await request(formApp).post('/ddns/records/n1/update').type('form').send('x=1').expect(415);
    await request(formApp).post('/ddns/records/n1/update').field('x', '1').expect(415);
    assert.equal(asked, 0, 'nothing was cleared or run');
    await request(formApp).post('/ddns/records/n1/unblock').send({ name: 'a.example.com' }).expect(200);
    assert.equal(asked, 1);
  });
});
