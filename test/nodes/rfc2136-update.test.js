'use strict';
// rfc2136-server + rfc2136-update in a Node-RED runtime (node-red-node-test-helper)
// against a BIND 9 this test starts on loopback: records read back over DNS,
// messages counted by a relay in front of named, statuses, Catch, the DDNS
// sidebar's rows and its "Clear block", and the TSIG secret nowhere but the
// credential store. Skips, saying why, where named is not installed.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const bind9 = require('../servers/bind9');
const fakeRfc2136 = require('../servers/fake-rfc2136');

const nodes = [nodeFile('rfc2136-server'), nodeFile('rfc2136-update')];
const SECRET = 'bm9kZS10ZXN0LXNlY3JldC1mb3ItcmZjMjEzNi0wMTIzNDU2Nzg5';
const WRONG_SECRET = 'd3JvbmctdGVzdC1zZWNyZXQtZm9yLXJmYzIxMzYtOTg3NjU0MzIx';

function flow(server, update = {}, config = {}) {
  return [
    { id: 'srv', type: 'rfc2136-server', server, zone: 'example.test', keyName: 'node-key', algorithm: 'hmac-sha256', ...config },
    { id: 'upd', type: 'rfc2136-update', server: 'srv', hostnames: 'a.example.test, b.example.test', hostnamesType: 'str', recordType: 'auto', ttl: 300, wires: [['out']], ...update },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (secret = SECRET) => ({ srv: { secret } });

async function board() {
  const res = await helper.request().get('/ddns/records').expect(200);
  return res.body;
}

describe('rfc2136-update node', function () {
  if (bind9.skipWithoutBind(this)) return;
  this.timeout(30000);
  let named;
  let relay;
  before(async () => {
    named = await bind9.start({
      keys: [{ name: 'node-key', algorithm: 'hmac-sha256', secret: SECRET }],
      zones: [
        { name: 'example.test', records: ['a IN A 192.0.2.1'], grant: ['node-key'] },
        { name: 'refused.test', grant: [] },
      ],
    });
    relay = await named.tap();
  });
  after(async () => {
    await named?.stop();
  });
  afterEach(() => helper.unload());

  it('keeps the records on the address: written once, then no message for the same value; green status', async () => {
    await helper.load(nodes, flow(relay.server), credentials());
    const upd = helper.getNode('upd');
    const out = helper.getNode('out');
    const status = watchStatus(upd);
    let received = nextMessage(out);
    upd.receive({ payload: '198.51.100.20' });
    let msg = await received;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status, r.value, r.previous, r.providerCode]), [
      ['a.example.test', 'A', 'updated', '198.51.100.20', '192.0.2.1', 'NOERROR'],
      ['b.example.test', 'A', 'created', '198.51.100.20', undefined, 'NOERROR'],
    ]);
    assert.equal(msg.payload, '1 updated, 1 created');
    assert.deepEqual(await named.records('a.example.test'), ['198.51.100.20']);
    assert.deepEqual(await named.records('b.example.test'), ['198.51.100.20']);
    assert.equal(relay.updates().length, 1, 'both names in one UPDATE');
    const green = status.current();
    assert.equal(green.fill, 'green');
    assert.match(green.text, /^in sync: 198\.51\.100\.20 since \d\d:\d\d:\d\d$/);

    const shown = status.count;
    const sent = relay.messages.length;
    received = nextMessage(out);
    upd.receive({ payload: '198.51.100.20' });
    msg = await received;
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['unchanged', 'unchanged']);
    assert.equal(relay.messages.length, sent, 'nothing sent for an address the server has');
    assert.equal(status.count, shown, 'an unchanged run shows no new status');

    received = nextMessage(out);
    upd.receive({ payload: { ipv4: '198.51.100.21', ipv6: '2001:db8::21' } });
    msg = await received;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status]), [
      ['a.example.test', 'A', 'updated'],
      ['a.example.test', 'AAAA', 'created'],
      ['b.example.test', 'A', 'updated'],
      ['b.example.test', 'AAAA', 'created'],
    ]);
    assert.deepEqual(await named.records('b.example.test', 'AAAA'), ['2001:db8::21']);
    // the sidebar's rows: one per record, in sync
    const snapshot = await board();
    const rows = snapshot.records.filter((r) => r.nodeId === 'upd').map((r) => [r.name, r.type, r.value, r.state]);
    assert.deepEqual(rows, [
      ['a.example.test', 'A', '198.51.100.21', 'in-sync'],
      ['a.example.test', 'AAAA', '2001:db8::21', 'in-sync'],
      ['b.example.test', 'A', '198.51.100.21', 'in-sync'],
      ['b.example.test', 'AAAA', '2001:db8::21', 'in-sync'],
    ]);
  });

  it('a wrong secret blocks: Catch sees EAUTH once, later inputs send nothing; Clear block lets the next input try again', async () => {
    await helper.load(nodes, flow(relay.server, { hostnames: 'c.example.test' }), credentials(WRONG_SECRET));
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const caught = nextMessage(helper.getNode('caught'));
    const sent = relay.messages.length;
    upd.receive({ payload: '198.51.100.30' });
    const err = await caught;
    assert.equal(err.error.code, 'EAUTH');
    assert.equal(err.ddns.results[0].providerCode, 'BADSIG');
    assert.deepEqual(status.current(), { fill: 'red', shape: 'ring', text: 'blocked: BADSIG (c.example.test)' });
    assert.equal(relay.messages.length, sent + 1);

    const out = nextMessage(helper.getNode('out'));
    upd.receive({ payload: '198.51.100.31' });
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.code, r.providerCode]), [['skipped', 'EBLOCKED', 'BADSIG']]);
    assert.equal(relay.messages.length, sent + 1, 'a blocked name is never sent again');

    const row = (await board()).records.find((r) => r.nodeId === 'upd' && r.name === 'c.example.test');
    assert.deepEqual([row.state, row.code, row.canUnblock], ['blocked', 'BADSIG', true]);
    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'c.example.test' }).expect(200);
    const again = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '198.51.100.32' });
    assert.equal((await again).error.code, 'EAUTH');
    assert.equal(relay.messages.length, sent + 2, 'tried once more after the block was cleared');
  });

  it('refused by policy: red, EFORBIDDEN with the zone named; the record is untouched', async () => {
    await helper.load(nodes, flow(relay.server, { hostnames: 'home.refused.test' }, { zone: '' }), credentials());
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '198.51.100.40' });
    const err = await caught;
    assert.equal(err.error.code, 'EFORBIDDEN');
    assert.match(err.error.message, /refused the update of zone refused\.test/);
    assert.deepEqual(status.current(), { fill: 'red', shape: 'ring', text: 'blocked: REFUSED (home.refused.test)' });
    assert.deepEqual(await named.records('home.refused.test'), []);
  });

  it('host names from msg.hostnames when the field is empty', async () => {
    await helper.load(nodes, flow(relay.server, { hostnames: '' }), credentials());
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('upd').receive({ payload: '198.51.100.50', hostnames: 'from-msg.example.test' });
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [['from-msg.example.test', 'created']]);
    assert.deepEqual(await named.records('from-msg.example.test'), ['198.51.100.50']);
  });

  it('settings are checked at deploy: a name outside the zone, a bad secret, no secret', async () => {
    for (const [update, creds, text] of [
      [{ hostnames: 'x.other.test' }, credentials(), /^invalid settings: x\.other\.test is not inside zone example\.test$/],
      [{}, credentials('not base64!'), /^invalid settings: the TSIG secret is not base64/],
      [{}, { srv: {} }, /^needs a login: the rfc2136-server has no TSIG key name or secret$/],
    ]) {
      await helper.load(nodes, flow(relay.server, update), creds);
      const upd = helper.getNode('upd');
      const shown = await statusWhere(upd, (s) => s.fill === 'red');
      assert.match(shown.text, text);
      if (/needs a login/.test(String(text))) {
        // no login yet (an example just imported): the status says so, the output carries it, no error floods Catch and debug
        const out = nextMessage(helper.getNode('out'));
        upd.receive({ payload: '198.51.100.60' });
        assert.equal((await out).ddns.error.code, 'ECONFIG');
      } else {
        const caught = nextMessage(helper.getNode('caught'));
        upd.receive({ payload: '198.51.100.60' });
        assert.equal((await caught).error.code, 'ECONFIG');
      }
      await helper.unload();
    }
  });

  it('the secret appears in no message, status, error, log line or sidebar row', async () => {
    const seen = [];
    await helper.load(nodes, flow(relay.server, { hostnames: 'leak.example.test' }), credentials());
    const upd = helper.getNode('upd');
    for (const event of ['status', 'error', 'warn', 'log', 'debug', 'trace']) upd.on(`call:${event}`, (call) => seen.push(JSON.stringify(call.args), String(call.args[0]?.stack ?? '')));
    helper.getNode('out').on('input', (m) => seen.push(JSON.stringify(m)));
    helper.getNode('caught').on('input', (m) => seen.push(JSON.stringify(m)));
    for (const payload of ['198.51.100.70', '198.51.100.70', { ipv4: '198.51.100.71', ipv6: '2001:db8::71' }, 'bad input']) {
      const answered = Promise.race([nextMessage(helper.getNode('out')), nextMessage(helper.getNode('caught'))]);
      upd.receive({ payload });
      await answered;
    }
    seen.push(JSON.stringify(await board()));
    seen.push(...helper.log().args.map((a) => JSON.stringify(a)));
    const everything = seen.join('\n');
    assert.ok(seen.length > 10);
    for (const form of [SECRET, SECRET.replace(/=+$/, ''), Buffer.from(SECRET, 'base64').toString('hex')]) assert.ok(!everything.includes(form), 'the secret leaked');
  });
});

describe('rfc2136-update node, scripted server', function () {
  let server;
  before(async () => {
    server = await fakeRfc2136.start({ keys: { 'node-key': SECRET } });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('close aborts an exchange in flight: no error, no message', async () => {
    server.script('query', ['drop']);
    await helper.load(nodes, flow(server.server, { hostnames: 'a.example.test' }), credentials());
    const upd = helper.getNode('upd');
    const seen = [];
    helper.getNode('out').on('input', (m) => seen.push(m));
    helper.getNode('caught').on('input', (m) => seen.push(m));
    const working = statusWhere(upd, (s) => s.fill === 'blue');
    upd.receive({ payload: '198.51.100.80' });
    await working;
    await waitFor(() => server.requests.length === 1, 'the query to reach the server');
    await helper.unload();
    assert.deepEqual(seen, []);
  });

  it('SERVFAIL: yellow while it waits to retry, then in sync', async () => {
    server.script('update', ['servfail']);
    await helper.load(nodes, flow(server.server, { hostnames: 'a.example.test' }), credentials());
    const upd = helper.getNode('upd');
    const waiting = statusWhere(upd, (s) => s.fill === 'yellow' && /SERVFAIL/.test(s.text));
    const out = nextMessage(helper.getNode('out'), 10000);
    upd.receive({ payload: '198.51.100.81' });
    await waiting;
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => r.status), ['created']);
    assert.equal(upd.status.lastCall.args[0].fill, 'green');
  });
});
