'use strict';
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fake = require('../servers/fake-dyndns2');

const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
const PASSWORD = 's3cret-pa55word';

function flow(server, update = {}, account = {}) {
  return [
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined', ...account },
    { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com,b.example.com', retries: 1, refresh: 25, wires: [['out']], ...update },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (password = PASSWORD) => ({ acct: { username: 'user', password } });

describe('dyndns2-update node', function () {
  let server;
  before(async () => {
    server = await fake.start({ users: { user: { password: PASSWORD, hosts: ['a.example.com', 'b.example.com'] } } });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    for (const host of server.hosts.values()) {
      host.ipv4 = undefined;
      host.ipv6 = undefined;
    }
  });
  afterEach(() => helper.unload());

  it('updates both hosts in one request, then sends nothing for the same address', async () => {
    await helper.load(nodes, flow(server), credentials());
    const upd = helper.getNode('upd');
    const out = helper.getNode('out');
    const status = watchStatus(upd);
    let received = nextMessage(out);
    upd.receive({ payload: '8.8.8.8' });
    let msg = await received;
    assert.equal(server.requests.length, 1);
    assert.match(server.requests[0].userAgent, /^node-red-contrib-ddns - dyndns2-update - \d+\.\d+\.\d+/);
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status, r.value, r.providerCode]), [
      ['a.example.com', 'A', 'updated', '8.8.8.8', 'good'],
      ['b.example.com', 'A', 'updated', '8.8.8.8', 'good'],
    ]);
    assert.equal(msg.payload, '2 updated');

    const green = status.current();
    assert.equal(green.fill, 'green');
    assert.match(green.text, /^in sync: 8\.8\.8\.8 since \d\d:\d\d:\d\d$/);
    const shown = status.count;
    received = nextMessage(out);
    upd.receive({ payload: '8.8.8.8' });
    msg = await received;
    assert.equal(server.requests.length, 1, 'no request for an address the server has');
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['unchanged', 'unchanged']);
    assert.equal(status.count, shown, 'an unchanged run shows no new status: the green one stands');
  });

  it('badauth blocks the hosts: a Catch node sees EAUTH once, later inputs make no request', async () => {
    await helper.load(nodes, flow(server), credentials('wrong'));
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '8.8.8.8' });
    const err = await caught;
    assert.equal(err.error.code, 'EAUTH');
    assert.ok(!JSON.stringify(err).includes('wrong'), 'the password never leaves the node');
    assert.equal(server.requests.length, 1);
    // in words, with the provider's own answer; the code EAUTH travels in msg.error
    assert.deepEqual(status.current(), { fill: 'red', shape: 'ring', text: 'blocked: badauth (a.example.com +1)' });
    const shown = status.count;
    const out = nextMessage(helper.getNode('out'));
    upd.receive({ payload: '8.8.4.4' });
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['skipped', 'skipped']);
    assert.equal(server.requests.length, 1, 'a blocked host is never sent again');
    assert.equal(status.count, shown, 'still blocked: the red status stands');
  });

  it('bad input is refused before anything is sent', async () => {
    await helper.load(nodes, flow(server), credentials());
    const upd = helper.getNode('upd');
    for (const payload of ['8.8.8.8\r\nX: y', { ipv4: 'nope' }, 'x'.repeat(100000), 42, null]) {
      const caught = nextMessage(helper.getNode('caught'));
      upd.receive({ payload });
      assert.equal((await caught).error.code, 'EBADINPUT');
    }
    assert.equal(server.requests.length, 0);
  });

  it('no password: the status says it needs a login; an input is answered with ECONFIG but raises no error (issue 23.5)', async () => {
    await helper.load(nodes, flow(server), { acct: { username: 'user' } });
    const caught = [];
    helper.getNode('caught').on('input', (m) => caught.push(m));
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('upd').receive({ payload: '8.8.8.8' });
    const msg = await out;
    assert.equal(msg.ddns.error.code, 'ECONFIG');
    assert.deepEqual(caught, [], 'an imported example without its login does not flood Catch and debug');
    assert.equal(server.requests.length, 0);
  });

  it('a password that is set but refused at deploy (a user name missing) is an error a Catch node sees', async () => {
    await helper.load(nodes, flow(server), { acct: { password: 'pw-only' } });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('upd').receive({ payload: '8.8.8.8' });
    assert.equal((await caught).error.code, 'ECONFIG');
    assert.equal(server.requests.length, 0);
  });

  it('the newest input wins while a request is in flight', async () => {
    server.inject({ slowMs: 300, count: 1 });
    await helper.load(nodes, flow(server, { hostnames: 'a.example.com' }), credentials());
    const upd = helper.getNode('upd');
    const outputs = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    upd.receive({ payload: '8.8.8.1' });
    await statusWhere(upd, (s) => s.fill === 'blue');
    for (let i = 2; i <= 5; i++) upd.receive({ payload: `8.8.8.${i}` });
    await waitFor(() => outputs.length === 5, 'an answer for each of the five inputs');
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.requests.map((r) => r.query.myip), ['8.8.8.1', '8.8.8.5']);
    assert.equal(outputs.filter((m) => m.ddns.superseded).length, 3);
  });

  it('close aborts a request in flight', async () => {
    server.inject({ hang: true, count: 1 });
    await helper.load(nodes, flow(server, { hostnames: 'a.example.com', retries: 0 }), credentials());
    const upd = helper.getNode('upd');
    const errors = [];
    helper.getNode('caught').on('input', (m) => errors.push(m));
    upd.receive({ payload: '8.8.8.8' });
    await statusWhere(upd, (s) => s.fill === 'blue');
    await waitFor(() => server.requests.length === 1, 'the request to reach the server');
    await helper.unload(); // returns only once the node closed: its run has ended
    assert.equal(errors.length, 0);
  });

  it('a redeploy during retry backoff sends no message and raises no error', async () => {
    server.inject({ status: 503, body: 'busy', count: Infinity });
    await helper.load(nodes, flow(server, { hostnames: 'a.example.com', retries: -1 }), credentials());
    const upd = helper.getNode('upd');
    const seen = [];
    helper.getNode('out').on('input', (m) => seen.push(m));
    helper.getNode('caught').on('input', (m) => seen.push(m));
    const waiting = statusWhere(upd, (s) => s.fill === 'yellow');
    upd.receive({ payload: '8.8.8.8' });
    await waiting;
    await helper.unload(); // returns only once the node closed: its run has ended
    server.clearFaults();
    assert.deepEqual(seen, []);
  });

  it('newer input displaces a run that keeps retrying an older value', async () => {
    server.inject({ status: 503, body: 'busy', count: 2 });
    await helper.load(nodes, flow(server, { hostnames: 'a.example.com', retries: -1 }), credentials());
    const upd = helper.getNode('upd');
    const outputs = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    const waiting = statusWhere(upd, (s) => s.fill === 'yellow');
    upd.receive({ payload: '8.8.8.1' });
    await waiting;
    upd.receive({ payload: '8.8.8.2' });
    await waitFor(() => outputs.length === 2, 'the superseded answer and the newer one');
    assert.equal(outputs[0].ddns.superseded, true, 'the retrying run answers as superseded');
    assert.deepEqual(outputs[1].ddns.results.map((r) => [r.status, r.value]), [['updated', '8.8.8.2']]);
    // the old value was tried until the newer input came, then never again
    const sentValues = server.requests.map((r) => r.query.myip);
    assert.equal(sentValues.at(-1), '8.8.8.2');
    assert.ok(sentValues.filter((v) => v === '8.8.8.1').length <= 2, `sent ${sentValues}`);
  });

  it('serves the provider presets to the editor', async () => {
    await helper.load(nodes, flow(server), credentials());
    const res = await helper.request().get('/ddns/dyndns2/presets').expect(200);
    assert.ok(res.body.some((p) => p.id === 'noip' && /no-ip\.com/.test(p.server)));
  });
});
