'use strict';
// Attacks on an account shared by many updater nodes (issue: hostile servers):
// one host's server asking for a pause of days must not hold the account's
// request slot, so every other node on the account is still served.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fake = require('../servers/fake-dyndns2');

const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
const OTHERS = 40;
const names = Array.from({ length: OTHERS }, (_, i) => `h${i}.example.com`);

function flow(server, slow = {}) {
  const out = [
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined' },
    { id: 'slow', type: 'dyndns2-update', account: 'acct', hostnames: 'slow.example.com', retries: -1, wires: [['out']], ...slow },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  names.forEach((name, i) => out.push({ id: `n${i}`, type: 'dyndns2-update', account: 'acct', hostnames: name, retries: 0, wires: [['out']] }));
  return out;
}

describe('hostile server: one host in a long backoff does not hold its account', function () {
  this.timeout(60000);
  let server;
  let slowAnswer;
  before(async () => {
    server = await fake.start({
      users: { user: { password: 'pw', hosts: ['slow.example.com', ...names] } },
      onRequest(record) {
        if (record.hostnames.includes('slow.example.com')) server.inject(slowAnswer);
      },
    });
  });
  after(() => server.close());
  afterEach(async () => {
    server.reset();
    await helper.unload();
  });

  it('503 with Retry-After: 999999 becomes a "paused until" state for that host; the other 40 nodes are served', async () => {
    slowAnswer = { status: 503, body: 'busy', headers: { 'retry-after': '999999' } };
    await helper.load(nodes, flow(server), { acct: { username: 'user', password: 'pw' } });
    const slow = helper.getNode('slow');
    const status = watchStatus(slow);
    const done = new Map();
    helper.getNode('out').on('input', (msg) => done.set(msg._id, msg));
    const caught = nextMessage(helper.getNode('caught'), 10000);
    slow.receive({ payload: '8.8.8.8', _id: 'slow' });
    names.forEach((_, i) => helper.getNode(`n${i}`).receive({ payload: '8.8.8.8', _id: `n${i}` }));
    await waitFor(() => done.size === OTHERS + 1, 'an answer for every node', 20000);
    for (let i = 0; i < OTHERS; i++) assert.equal(done.get(`n${i}`).ddns.results[0].status, 'updated', `node n${i}`);
    const err = await caught;
    assert.equal(err.error.code, 'EWAIT');
    const result = done.get('slow').ddns.results[0];
    assert.deepEqual([result.status, result.code], ['failed', 'EWAIT']);
    assert.match(result.message, /pause of 12 d/);
    assert.equal(status.current().fill, 'yellow');
    assert.match(status.current().text, /^paused until \d{4}-\d\d-\d\d \d\d:\d\d \(HTTP 503\)$/);
    // the pause holds: the next input sends nothing for that host
    const before = server.requests.length;
    const next = nextMessage(helper.getNode('out'));
    slow.receive({ payload: '8.8.8.8' });
    assert.equal((await next).ddns.results[0].status, 'skipped');
    assert.equal(server.requests.length, before);
  });

  it('a host retried forever (retries -1, HTTP 503) waits between attempts without the slot: the others are served', async () => {
    slowAnswer = { status: 503, body: 'busy' };
    await helper.load(nodes, flow(server), { acct: { username: 'user', password: 'pw' } });
    const slow = helper.getNode('slow');
    const status = watchStatus(slow);
    const done = new Map();
    helper.getNode('out').on('input', (msg) => done.set(msg._id, msg));
    slow.receive({ payload: '8.8.8.8', _id: 'slow' });
    await waitFor(() => status.current() && status.current().fill === 'yellow', 'the slow node waiting to retry');
    names.forEach((_, i) => helper.getNode(`n${i}`).receive({ payload: '8.8.8.8', _id: `n${i}` }));
    await waitFor(() => done.size === OTHERS, 'an answer for every other node', 20000);
    assert.ok(!done.has('slow'), 'the slow node is still retrying');
    assert.match(status.current().text, /^server error \(HTTP 503\), retrying at \d\d:\d\d:\d\d$/);
  });
});

describe('a clock jump does not stretch a pause', function () {
  let server;
  before(async () => {
    server = await fake.start({ users: { user: { password: 'pw', hosts: ['a.example.com'] } } });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('a 911 answered while the clock was a year ahead pauses for 30 minutes after the clock is put right, and says so in the log', async () => {
    const realNow = Date.now;
    const YEAR = 365 * 24 * 3600 * 1000;
    await helper.load(nodes, [
      { id: 'acct', type: 'dyndns2-account', server: server.url },
      { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { acct: { username: 'user', password: 'pw' } });
    const upd = helper.getNode('upd');
    const warnings = [];
    upd.on('call:warn', (call) => warnings.push(String(call.args[0])));
    server.inject({ body: '911' });
    Date.now = () => realNow() + YEAR;
    try {
      const first = nextMessage(helper.getNode('out'));
      upd.receive({ payload: '8.8.8.8' });
      assert.equal((await first).ddns.results[0].code, 'EWAIT');
    } finally {
      Date.now = realNow;
    }
    const second = nextMessage(helper.getNode('out'));
    upd.receive({ payload: '8.8.8.8' });
    const result = (await second).ddns.results[0];
    assert.deepEqual([result.status, result.code], ['skipped', 'EWAIT'], 'still paused: 30 minutes have not passed');
    assert.match(warnings.join('\n'), /lay further ahead than its length \(was the clock ahead\?\)/);
    const row = (await helper.request().get('/ddns/records').expect(200)).body.records.find((r) => r.nodeId === 'upd');
    assert.ok(row.until <= Date.now() + 30 * 60_000, `paused until ${new Date(row.until).toISOString()}, not a year from now`);
    assert.equal(server.requests.length, 1);
  });
});
