'use strict';
// route53-account + route53-ddns (generated from src/providers/route53 on the
// provider descriptor) in a Node-RED runtime against the Route 53 stand-in on
// loopback (test/servers/fake-route53.js, after the Route 53 API reference
// 2013-04-01): statuses, results, the sidebar, Catch, dry run, blocks, and
// Route 53's own rules: zone by name or id, one RRset per name and type
// (UPSERT), the TTL kept, aliases never overwritten, GetChange until INSYNC.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const fakeRoute53 = require('../servers/fake-route53');

const nodes = [nodeFile('route53')];
const KEY_ID = 'AKIAJ3NODETEST7Q2XW4';
const SECRET = 'q8Rt2nodeTestSecretKey/Vz5mK1pL9dW3hJ7yB0c';
const WRONG = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY';

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'route53-account', endpoint: server.url },
    { id: 'ddns', type: 'route53-ddns', account: 'acct', zone: 'example.com', zoneType: 'str', hostnames: 'home.example.com', hostnamesType: 'str', recordType: 'auto', ttl: '', insyncWait: 60, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (secretAccessKey = SECRET) => ({ acct: { accessKeyId: KEY_ID, secretAccessKey } });

async function feed(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via), 20000);
  helper.getNode('ddns').receive({ payload });
  return out;
}

async function board() {
  return (await helper.request().get('/ddns/records').expect(200)).body;
}

describe('route53-ddns node', function () {
  this.timeout(30000);
  let server;
  const start = async (options = {}) => {
    server = await fakeRoute53.start({ keys: { [KEY_ID]: SECRET }, insyncAtOnce: true, ...options });
  };
  afterEach(async () => {
    await helper.unload();
    if (server) await server.close();
    server = undefined;
  });

  it('looks the zone name up once, creates the record with TTL 300, and an unchanged address sends nothing', async () => {
    await start();
    await helper.load(nodes, flow(server), credentials());
    const first = await feed('203.0.113.7');
    const r = first.ddns.results[0];
    assert.deepEqual([r.name, r.type, r.status], ['home.example.com', 'A', 'created']);
    assert.match(r.message, /created A 203\.0\.113\.7; INSYNC after 0 s/);
    assert.deepEqual(server.record('home.example.com', 'A'), { name: 'home.example.com', type: 'A', ttl: 300, values: ['203.0.113.7'] });
    assert.deepEqual(server.requests.map((q) => q.kind), ['zones', 'read', 'change']);
    const again = await feed('203.0.113.7');
    assert.equal(again.ddns.results[0].status, 'unchanged');
    assert.equal(server.count(), 3, 'no request for an unchanged address');
    const next = await feed('203.0.113.8');
    assert.equal(next.ddns.results[0].status, 'updated');
    assert.deepEqual(server.requests.slice(3).map((q) => q.kind), ['read', 'change'], 'the zone id came from the memo');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'green');
  });

  it('polls GetChange (2 s, then 3 s) until INSYNC, blue "updating" meanwhile, and says how long it took', async () => {
    await start({ insyncAtOnce: false, pendingPolls: 1 });
    await helper.load(nodes, flow(server), credentials());
    const watch = watchStatus(helper.getNode('ddns'));
    const msg = await feed('203.0.113.9');
    assert.match(msg.ddns.results[0].message, /INSYNC after 5 s$/);
    assert.equal(server.count('poll'), 2);
    assert.ok(watch.seen.some((s) => s.fill === 'blue'), 'updating while it polls');
    assert.equal(watch.current().fill, 'green');
  });

  it('a change not INSYNC within the wait is reported updated, its message saying pending with the change id', async () => {
    await start({ insyncAtOnce: false, pendingPolls: 1000 });
    await helper.load(nodes, flow(server, { insyncWait: 2 }), credentials());
    const status = watchStatus(helper.getNode('ddns'));
    const msg = await feed('203.0.113.10');
    // until Route 53 reports INSYNC the status says pending, in blue
    assert.ok(status.seen.some((s) => s.fill === 'blue' && s.text === 'pending: the provider applies the change'), JSON.stringify(status.seen));
    const r = msg.ddns.results[0];
    assert.equal(r.status, 'created');
    assert.match(r.message, /pending: Route 53 has not yet reported INSYNC \(change C[0-9A-Z]+\)$/);
    assert.equal(server.count('poll'), 1, 'one poll at 2 s, then the wait was over');
  });

  it('with an insyncWait of 0 it does not poll at all', async () => {
    await start({ insyncAtOnce: false });
    await helper.load(nodes, flow(server, { insyncWait: 0 }), credentials());
    const msg = await feed('203.0.113.11');
    assert.match(msg.ddns.results[0].message, /pending: Route 53 has not yet reported INSYNC/);
    assert.equal(server.count('poll'), 0);
  });

  it('a GetChange the key may not call leaves the write standing: created, the message saying pending and why', async () => {
    await start({ insyncAtOnce: false });
    server.settings.pollFault = { status: 403, code: 'AccessDenied' };
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.24');
    const r = msg.ddns.results[0];
    assert.equal(r.status, 'created');
    assert.match(r.message, /pending: Route 53 has not yet reported INSYNC \(change C[0-9A-Z]+\): GetChange failed: .*AccessDenied/);
    assert.deepEqual(server.values('home.example.com', 'A'), ['203.0.113.24']);
    const again = await feed('203.0.113.24');
    assert.equal(again.ddns.results[0].status, 'unchanged', 'not blocked: the write is remembered');
  });

  it('a round robin becomes the one value, the result says so, and an empty TTL keeps the set\'s own', async () => {
    await start();
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'] });
    await helper.load(nodes, flow(server), credentials());
    const msg = await feed('203.0.113.12');
    const r = msg.ddns.results[0];
    assert.equal(r.status, 'updated');
    assert.equal(r.previous, '192.0.2.1 192.0.2.2');
    assert.match(r.message, /round robin of 2 values is now this one value/);
    assert.deepEqual(server.record('home.example.com', 'A'), { name: 'home.example.com', type: 'A', ttl: 120, values: ['203.0.113.12'] });
  });

  it('a TTL set in the node is written', async () => {
    await start();
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', ttl: 120, values: ['192.0.2.1'] });
    await helper.load(nodes, flow(server, { ttl: '60' }), credentials());
    await feed('203.0.113.13');
    assert.equal(server.record('home.example.com', 'A').ttl, 60);
  });

  it('an alias record is never overwritten: ECONFLICT in words through Catch, no change sent', async () => {
    await start();
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', alias: 'd111111abcdef8.cloudfront.net.' });
    await helper.load(nodes, flow(server), credentials());
    const caught = await feed('203.0.113.14', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    assert.match(caught.ddns.results[0].message, /alias record \(to d111111abcdef8\.cloudfront\.net\); an alias is never overwritten/);
    assert.equal(server.count('change'), 0);
    assert.equal(server.record('home.example.com', 'A').alias, 'd111111abcdef8.cloudfront.net.');
  });

  it('a hosted zone id (with /hostedzone/) is used as it is: no zone lookup', async () => {
    await start();
    await helper.load(nodes, flow(server, { zone: `/hostedzone/${server.zoneId('example.com')}` }), credentials());
    const msg = await feed('2001:db8::15');
    assert.equal(msg.ddns.results[0].type, 'AAAA');
    assert.equal(server.count('zones'), 0);
    assert.deepEqual(server.values('home.example.com', 'AAAA'), ['2001:db8::15']);
  });

  it('a name that a public and a private hosted zone carry is refused with both ids', async () => {
    await start({ zones: [{ name: 'example.com' }, { name: 'example.com', private: true }] });
    await helper.load(nodes, flow(server), credentials());
    const caught = await feed('203.0.113.16', 'caught');
    assert.equal(caught.error.code, 'ECONFLICT');
    const message = caught.ddns.results[0].message;
    assert.ok(message.includes(`${server.zones[0].id} (public)`) && message.includes(`${server.zones[1].id} (private)`), message);
    assert.equal(server.count('change'), 0);
  });

  it('a refused secret blocks: red, EAUTH through Catch, the sidebar shows the block, the next input sends nothing', async () => {
    await start();
    await helper.load(nodes, flow(server), credentials(WRONG));
    const caught = await feed('203.0.113.17', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.ok(!JSON.stringify(caught).includes(WRONG), 'the secret is never in a message');
    const status = watchStatus(helper.getNode('ddns'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    const row = (await board()).records.find((x) => x.nodeId === 'ddns' && x.name === 'home.example.com');
    assert.deepEqual([row.state, row.code], ['blocked', 'SignatureDoesNotMatch']);
    const count = server.count();
    const next = await feed('203.0.113.18');
    assert.deepEqual([next.ddns.results[0].status, next.ddns.results[0].code], ['skipped', 'EBLOCKED']);
    assert.equal(server.count(), count);
  });

  it('throttling (400 Throttling) is waited out and retried', async () => {
    await start();
    await helper.load(nodes, flow(server), credentials());
    server.inject({ status: 400, code: 'Throttling' });
    const msg = await feed('203.0.113.19');
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.deepEqual(server.requests.map((q) => q.kind), ['fault', 'zones', 'read', 'change']);
  });

  it('InvalidChangeBatch is said in Route 53\'s words (EPROVIDER) through Catch', async () => {
    await start({ zones: [{ name: 'example.com' }, { name: 'sub.example.com' }] });
    await helper.load(nodes, flow(server, { zone: server.zoneId('sub.example.com') }), credentials());
    const caught = await feed('203.0.113.20', 'caught');
    assert.equal(caught.error.code, 'EPROVIDER');
    assert.equal(caught.ddns.results[0].providerCode, 'InvalidChangeBatch');
    assert.match(caught.ddns.results[0].message, /InvalidChangeBatch\): \[RRSet with DNS name home\.example\.com\. is not permitted in zone sub\.example\.com\.\]/);
  });

  it('a dry run reads (zone, record) but writes nothing, and says what it would do', async () => {
    await start();
    await helper.load(nodes, flow(server, { dryRun: true, hostnames: 'home.example.com, *.example.com' }), credentials());
    const msg = await feed('203.0.113.21');
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status, r.message]), [
      ['home.example.com', 'skipped', 'dry run: would create A 203.0.113.21'],
      ['*.example.com', 'skipped', 'dry run: would create A 203.0.113.21'],
    ]);
    assert.equal(server.count('change'), 0);
    assert.deepEqual(server.values('home.example.com', 'A'), []);
  });

  it('the sidebar lists the configured names, then their values after a write', async () => {
    await start();
    await helper.load(nodes, flow(server, { hostnames: 'home.example.com,www.example.com', recordType: 'A' }), credentials());
    let rows = (await board()).records.filter((x) => x.nodeId === 'ddns');
    assert.deepEqual(rows.map((x) => x.name).sort(), ['home.example.com', 'www.example.com']);
    await feed('203.0.113.22');
    rows = (await board()).records.filter((x) => x.nodeId === 'ddns');
    assert.deepEqual(rows.map((x) => `${x.name}/${x.type}=${x.value}`).sort(), ['home.example.com/A=203.0.113.22', 'www.example.com/A=203.0.113.22']);
  });

  it('msg.zone and msg.hostnames are used when the node takes them from the message', async () => {
    await start();
    await helper.load(nodes, flow(server, { zone: 'zone', zoneType: 'msg', hostnames: 'hostnames', hostnamesType: 'msg' }), credentials());
    const out = nextMessage(helper.getNode('out'), 20000);
    helper.getNode('ddns').receive({ payload: '203.0.113.23', zone: server.zoneId('example.com'), hostnames: 'lab.example.com' });
    const msg = await out;
    assert.equal(msg.ddns.results[0].name, 'lab.example.com');
    assert.deepEqual(server.values('lab.example.com', 'A'), ['203.0.113.23']);
  });

  for (const bad of [{ why: 'a zone that is neither a name nor an id', ddns: { zone: 'not a zone' } }, { why: 'a TTL of -1', ddns: { ttl: '-1' } }, { why: 'an access key id in lower case', creds: { accessKeyId: 'akiaiosfodnn7example', secretAccessKey: SECRET } }]) {
    it(`${bad.why} is red at deploy, before any input`, async () => {
      await start();
      await helper.load(nodes, flow(server, bad.ddns ?? {}), bad.creds ? { acct: bad.creds } : credentials());
      const status = await statusWhere(helper.getNode('ddns'), (s) => s.fill === 'red');
      assert.ok(status.text.length > 0);
      assert.equal(server.count(), 0);
    });
  }
});
