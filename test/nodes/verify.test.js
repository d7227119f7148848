'use strict';
// Every record checked where the world reads it (issue 26): after a write the
// updater asks the zone's name servers directly, without recursion, until they
// serve the new value; a record changed behind the node's back is written
// again. Through a real Node-RED (node-red-node-test-helper) against two real
// BIND 9 servers this test starts on loopback: `primary` takes the updates,
// `stale` serves the same zone and never gets them (a secondary that lags for
// ever). Skips, saying why, where named is not installed.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const bind9 = require('../servers/bind9');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeCloudflare = require('../servers/fake-cloudflare');

const nodes = [nodeFile('rfc2136-server'), nodeFile('rfc2136-update')];
const SECRET = 'dmVyaWZ5LXRlc3Qtc2VjcmV0LWZvci1yZmMyMTM2LTAxMjM0NTY3';

function flow(server, update = {}) {
  return [
    { id: 'srv', type: 'rfc2136-server', server, zone: 'example.test', keyName: 'verify-key', algorithm: 'hmac-sha256' },
    { id: 'upd', type: 'rfc2136-update', server: 'srv', hostnames: 'home.example.test', hostnamesType: 'str', recordType: 'auto', ttl: 300, wires: [['out']], ...update },
    // a second DDNS client writing the same name: the drift the node must notice
    { id: 'other', type: 'rfc2136-update', server: 'srv', hostnames: 'home.example.test', hostnamesType: 'str', recordType: 'auto', ttl: 300, verify: 'off', wires: [['otherOut']] },
    { id: 'out', type: 'helper' },
    { id: 'otherOut', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: ['upd'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = () => ({ srv: { secret: SECRET } });

async function send(payload, node = 'upd', via = 'out') {
  const out = nextMessage(helper.getNode(via), 15000);
  helper.getNode(node).receive({ payload });
  return out;
}

describe('verify: records checked at their authoritative name servers', function () {
  if (bind9.skipWithoutBind(this)) return;
  this.timeout(30000);
  let primary;
  let stale;
  let watcher;
  before(async () => {
    const zone = { name: 'example.test', records: ['home IN A 192.0.2.1'], grant: ['verify-key'] };
    const keys = [{ name: 'verify-key', algorithm: 'hmac-sha256', secret: SECRET }];
    primary = await bind9.start({ keys, zones: [zone] });
    stale = await bind9.start({ keys, zones: [{ ...zone, grant: [] }] });
    // every question the node asks the primary for verification passes here, counted
    watcher = await primary.tap();
  });
  after(async () => {
    await primary?.stop();
    await stale?.stop();
  });
  afterEach(() => helper.unload());

  it('after a write: "served by 1 of 1 name servers", msg.ddns.results[i].verified, questions without recursion', async () => {
    await helper.load(nodes, flow(primary.server, { verify: watcher.server }), credentials());
    const before = watcher.queries().length;
    const msg = await send('198.51.100.31');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual(msg.ddns.results[0].verified.seen, 1);
    assert.deepEqual(msg.ddns.results[0].verified.of, 1);
    assert.deepEqual(msg.ddns.results[0].verified.servers.map((s) => [s.server, s.serves, s.values]), [[watcher.server, true, ['198.51.100.31']]]);
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.equal(status.fill, 'green');
    assert.equal(status.text, 'in sync: 198.51.100.31, served by 1 of 1 name servers');
    const asked = watcher.queries().slice(before);
    assert.ok(asked.length >= 1);
    for (const q of asked) assert.equal(q.bytes.readUInt16BE(2) & 0x0100, 0, 'RD is off: the server answers from its own data');
  });

  it('a server that lags at the deadline: yellow, naming it; a Catch node sees ENOTSERVED; served by 1 of 2', async () => {
    await helper.load(nodes, flow(primary.server, { verify: `${primary.server}, ${stale.server}`, verifyTimeout: 2 }), credentials());
    const caught = nextMessage(helper.getNode('caught'), 15000);
    const msg = await send('198.51.100.32');
    assert.deepEqual([msg.ddns.results[0].verified.seen, msg.ddns.results[0].verified.of], [1, 2]);
    const lag = msg.ddns.results[0].verified.servers.find((s) => !s.serves);
    assert.equal(lag.server, stale.server);
    assert.deepEqual(lag.values, ['192.0.2.1'], 'it served the old value');
    assert.equal((await caught).error.code, 'ENOTSERVED');
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.equal(status.fill, 'yellow');
    assert.match(status.text, new RegExp(`^${stale.server.replace(/\./g, '\\.')} does not serve 198\\.51\\.100\\.32 yet \\(1 of 2\\)$`));
  });

  it('the provider said success and no server ever serves it: red, "the provider accepted … but its name servers do not serve it"', async () => {
    await helper.load(nodes, flow(primary.server, { verify: stale.server, verifyTimeout: 2 }), credentials());
    const caught = nextMessage(helper.getNode('caught'), 15000);
    const msg = await send('198.51.100.33');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.deepEqual([msg.ddns.results[0].verified.seen, msg.ddns.results[0].verified.of], [0, 1]);
    assert.equal((await caught).error.code, 'ENOTSERVED');
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    assert.match(status.text, /^the provider accepted 198\.51\.100\.33 but its name servers do not/);
  });

  it('name servers that cannot be reached are no failure: "not verified" and why', async () => {
    await helper.load(nodes, flow(primary.server, { verify: '127.0.0.1:1', verifyTimeout: 2 }), credentials());
    const msg = await send('198.51.100.34');
    assert.equal(msg.ddns.results[0].status, 'updated');
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.equal(status.fill, 'green');
    assert.equal(status.text, 'in sync: 198.51.100.34, not verified: name servers unreachable');
  });

  it('a record changed outside the node is written again (one write) and said so; a record still served sends nothing', async () => {
    await helper.load(nodes, flow(primary.server, { verify: watcher.server, verifyAfter: 0.01 }), credentials());
    await send('198.51.100.35');
    // nothing changed: the check asks one server, finds the value, writes nothing
    const updatesBefore = watcher.updates().length;
    let msg = await send('198.51.100.35');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    await new Promise((r) => setTimeout(r, 700));
    msg = await send('198.51.100.35');
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.equal(watcher.updates().length, updatesBefore, 'a record still served: no write');
    // a second client changes it behind the node's back
    await send('203.0.113.99', 'other', 'otherOut');
    assert.deepEqual(await primary.records('home.example.test'), ['203.0.113.99']);
    await new Promise((r) => setTimeout(r, 700));
    const outputs = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    helper.getNode('upd').receive({ payload: '198.51.100.35' });
    // the input's own answer (unchanged), then the restore's
    await waitFor(() => outputs.length >= 2, 'the restore written', 15000);
    assert.equal(outputs[0].ddns.results[0].status, 'unchanged');
    msg = outputs[1];
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].restored, true);
    assert.match(msg.ddns.results[0].message, /changed outside the node .*203\.0\.113\.99.*restored/);
    await waitFor(async () => (await primary.records('home.example.test'))[0] === '198.51.100.35', 'the record restored');
    const rows = (await helper.request().get('/ddns/records').expect(200)).body.records.filter((r) => r.nodeId === 'upd');
    // the sidebar's history shows the change back from the other client's value
    assert.ok(rows.some((r) => r.history?.some((h) => h.previous === '203.0.113.99' && h.value === '198.51.100.35')), JSON.stringify(rows));
  });

  it('verify: off asks no name server', async () => {
    await helper.load(nodes, flow(primary.server, { verify: 'off' }), credentials());
    const questionsBefore = watcher.queries().length;
    const msg = await send('198.51.100.36');
    assert.equal(msg.ddns.results[0].status, 'updated');
    assert.equal(msg.ddns.results[0].verified, undefined);
    assert.equal(watcher.queries().length, questionsBefore, 'no question reached the watched server');
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.match(status.text, /^in sync: 198\.51\.100\.36 since /);
  });

  it('a DynDNS2 service that publishes into its name servers late: verifying (blue), then green once they serve it', async () => {
    const dyn = await fakeDyndns2.start({ users: { user: { password: 'verify-Pa55', hosts: ['late.example.test', 'never.example.test'] } } });
    try {
      const f = [
        ...flow(primary.server),
        { id: 'dacct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined' },
        { id: 'dyn', type: 'dyndns2-update', account: 'dacct', hostnames: 'late.example.test', retries: 0, verify: primary.server, verifyTimeout: 20, wires: [['dynOut']] },
        { id: 'dynOut', type: 'helper' },
        // the service's own publishing step, as a second client writing the zone: late, or never
        { id: 'publish', type: 'rfc2136-update', server: 'srv', hostnames: 'late.example.test', hostnamesType: 'str', recordType: 'auto', ttl: 300, verify: 'off', wires: [['pubOut']] },
        { id: 'pubOut', type: 'helper' },
      ];
      await helper.load([...nodes, nodeFile('dyndns2-account'), nodeFile('dyndns2-update')], f, { ...credentials(), dacct: { username: 'user', password: 'verify-Pa55' } });
      const status = watchStatus(helper.getNode('dyn'));
      const out = nextMessage(helper.getNode('dynOut'), 25000);
      helper.getNode('dyn').receive({ payload: '198.51.100.41' });
      await waitFor(() => dyn.hosts.get('late.example.test').ipv4 === '198.51.100.41', 'the DynDNS2 update');
      await waitFor(() => status.seen.some((s) => s.fill === 'blue' && /^verifying 198\.51\.100\.41: served by 0 of 1/.test(s.text)), 'a blue verifying status');
      await new Promise((r) => setTimeout(r, 1000));
      await send('198.51.100.41', 'publish', 'pubOut');
      const msg = await out;
      assert.deepEqual([msg.ddns.results[0].verified.seen, msg.ddns.results[0].verified.of], [1, 1]);
      assert.equal(status.current().fill, 'green');
      assert.equal(status.current().text, 'in sync: 198.51.100.41, served by 1 of 1 name servers');
    } finally {
      await dyn.close();
    }
  });

  it('a proxied Cloudflare record is "not verified: proxied by Cloudflare", and no name server is asked', async () => {
    const TOKEN = 'cf-verify-test-Token-5Rt8yU2iO4pL7kJ1';
    const cf = await fakeCloudflare.start({ tokens: { [TOKEN]: '*' }, zones: ['example.com'] });
    try {
      cf.addRecord('example.com', { name: 'home.example.com', type: 'A', content: '1.2.3.4', proxied: true, ttl: 1 });
      const f = [
        { id: 'cacct', type: 'cloudflare-account', endpoint: cf.url },
        { id: 'cf', type: 'cloudflare-ddns', account: 'cacct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'auto', ttl: 1, proxied: 'keep', create: true, verify: watcher.server, wires: [['cfOut']] },
        { id: 'cfOut', type: 'helper' },
      ];
      await helper.load([nodeFile('cloudflare-account'), nodeFile('cloudflare-ddns')], f, { cacct: { apiToken: TOKEN } });
      const questions = watcher.queries().length;
      const msg = await send('198.51.100.42', 'cf', 'cfOut');
      assert.equal(msg.ddns.results[0].status, 'updated');
      assert.equal(watcher.queries().length, questions, 'no name server asked');
      const status = watchStatus(helper.getNode('cf'), { fromStart: true }).current();
      assert.equal(status.fill, 'green');
      assert.equal(status.text, 'in sync: 198.51.100.42, not verified: proxied by Cloudflare');
    } finally {
      await cf.close();
    }
  });
});
