'use strict';
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeAlidns = require('../servers/fake-alidns');

const nodes = [nodeFile('aliyun-account'), nodeFile('aliyun-ddns')];
const KEY_ID = 'LTAI-node-test';
const SECRET = 'node-test-Secret-9f2c';

function flow(server, ddns = {}, account = {}) {
  return [
    { id: 'acct', type: 'aliyun-account', endpoint: server.url, ...account },
    { id: 'ddns', type: 'aliyun-ddns', account: 'acct', domain: 'example.com', rr: 'www', recordType: 'auto', ttl: 600, line: 'default', create: true, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (secret = SECRET) => ({ acct: { accessKeyId: KEY_ID, accessKeySecret: secret } });
const writes = (server) => server.count('UpdateDomainRecord') + server.count('AddDomainRecord');

describe('aliyun-ddns node', function () {
  let server;
  before(async () => {
    server = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com'] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });
  afterEach(() => helper.unload());

  it('creates a missing record, then makes no API call for the same value', async () => {
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const out = helper.getNode('out');
    let received = nextMessage(out);
    ddns.receive({ payload: '8.8.8.8' });
    let msg = await received;
    assert.equal(msg.ddns.results[0].status, 'created');
    assert.equal(msg.ddns.results[0].name, 'www.example.com');
    assert.ok(msg.ddns.results[0].recordId);
    assert.deepEqual(server.list('example.com', 'www', 'A').map((r) => r.Value), ['8.8.8.8']);
    const calls = server.requests.length;

    const status = watchStatus(ddns);
    received = nextMessage(out);
    ddns.receive({ payload: '8.8.8.8' });
    msg = await received;
    assert.equal(msg.ddns.results[0].status, 'unchanged');
    assert.equal(server.requests.length, calls, 'no API call for an unchanged value');
    assert.equal(status.count, 0, 'no status message for an unchanged value: the green one stands');

    received = nextMessage(out);
    ddns.receive({ payload: '8.8.4.4' });
    msg = await received;
    assert.deepEqual([msg.ddns.results[0].status, msg.ddns.results[0].previous], ['updated', '8.8.8.8']);
    assert.equal(server.count('UpdateDomainRecord'), 1);
  });

  it('{ipv4, ipv6} with type auto keeps an A and an AAAA record', async () => {
    await helper.load(nodes, flow(server, { rr: '@,*' }), credentials());
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('ddns').receive({ payload: { ipv4: '8.8.8.8', ipv6: '2001:4860:4860::8888' } });
    const msg = await out;
    assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.type, r.status, r.value]), [
      ['example.com', 'A', 'created', '8.8.8.8'],
      ['*.example.com', 'A', 'created', '8.8.8.8'],
      ['example.com', 'AAAA', 'created', '2001:4860:4860::8888'],
      ['*.example.com', 'AAAA', 'created', '2001:4860:4860::8888'],
    ]);
  });

  it('domain and rr come from the message when the node leaves them empty', async () => {
    await helper.load(nodes, flow(server, { domain: '', rr: '' }), credentials());
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('ddns').receive({ payload: '8.8.8.8', domain: 'example.com', rr: 'home' });
    const msg = await out;
    assert.equal(msg.ddns.results[0].name, 'home.example.com');
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('ddns').receive({ payload: '8.8.8.8' });
    assert.equal((await caught).error.code, 'ECONFIG');
  });

  it('wrong keys: EAUTH with the request id, no retry, no secret', async () => {
    await helper.load(nodes, flow(server), credentials('not-the-secret'));
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('ddns').receive({ payload: '8.8.8.8' });
    const msg = await caught;
    assert.equal(msg.error.code, 'EAUTH');
    assert.match(msg.error.message, /SignatureDoesNotMatch/);
    // the Catch node gets the whole message: per-record details ride along in msg.ddns
    const [result] = msg.ddns.results;
    assert.equal(result.providerCode, 'SignatureDoesNotMatch');
    assert.ok(result.requestId);
    assert.equal(server.requests.length, 1);
    assert.ok(!JSON.stringify(msg).includes('not-the-secret'));
  });

  it('bad input is refused before any API call', async () => {
    await helper.load(nodes, flow(server), credentials());
    for (const payload of ['not an address', { ipv4: '2001:db8::1' }, 42, '', 'x'.repeat(5000), '0.0.0.0', '224.0.0.1', '255.255.255.255']) {
      const caught = nextMessage(helper.getNode('caught'));
      helper.getNode('ddns').receive({ payload });
      assert.equal((await caught).error.code, 'EBADINPUT');
    }
    assert.equal(server.requests.length, 0);
  });

  it('dry run looks up but never writes', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), credentials());
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('ddns').receive({ payload: '8.8.8.8' });
    const msg = await out;
    assert.equal(msg.ddns.dryRun, true);
    assert.equal(writes(server), 0);
    assert.ok(server.requests.length >= 1);
  });

  it('records of several nodes on one account share it without losing any', async () => {
    const nodesFlow = flow(server);
    for (let i = 0; i < 8; i++) {
      nodesFlow.push({ id: `d${i}`, type: 'aliyun-ddns', account: 'acct', domain: 'example.com', rr: `h${i}`, recordType: 'A', create: true, wires: [['out']] });
    }
    await helper.load(nodes, nodesFlow, credentials());
    const results = [];
    helper.getNode('out').on('input', (m) => results.push(m));
    for (let i = 0; i < 8; i++) helper.getNode(`d${i}`).receive({ payload: `8.8.8.${i + 1}` });
    await waitFor(() => results.length === 8, 'an answer from each of the eight nodes');
    assert.equal(server.count('AddDomainRecord'), 8);
    for (let i = 0; i < 8; i++) assert.deepEqual(server.list('example.com', `h${i}`, 'A').map((r) => r.Value), [`8.8.8.${i + 1}`]);
  });

  it('close aborts a request in flight', async () => {
    server.inject({ type: 'hang', count: 1 });
    await helper.load(nodes, flow(server), credentials());
    const ddns = helper.getNode('ddns');
    const errors = [];
    helper.getNode('caught').on('input', (m) => errors.push(m));
    const blue = statusWhere(ddns, (s) => s.fill === 'blue');
    ddns.receive({ payload: '8.8.8.8' });
    await blue;
    await waitFor(() => server.requests.length >= 1, 'the request to reach the server');
    await helper.unload(); // returns only once the node closed: its run has ended
    assert.equal(errors.length, 0);
  });
});

describe('aliyun-ddns typed properties', function () {
  let server;
  before(async () => {
    server = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com'] });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('domain from an environment variable and rr from a msg property', async () => {
    process.env.DDNS_TEST_DOMAIN = 'example.com';
    try {
      await helper.load(nodes, flow(server, { domain: 'DDNS_TEST_DOMAIN', domainType: 'env', rr: 'target.host', rrType: 'msg' }), credentials());
      const out = nextMessage(helper.getNode('out'));
      helper.getNode('ddns').receive({ payload: '8.8.8.8', target: { host: 'typed' } });
      const msg = await out;
      assert.equal(msg.ddns.results[0].name, 'typed.example.com');
      assert.equal(msg.ddns.results[0].status, 'created');
    } finally {
      delete process.env.DDNS_TEST_DOMAIN;
    }
  });
});
