'use strict';
// What every updater does alike because it stands on the one provider contract
// (issue: one provider contract): settings checked when the node is built, so an
// invalid one is red at deploy, before any input; a run retrying a throttled
// request shows yellow and gives way to a newer input; a missing login says so.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeAlidns = require('../servers/fake-alidns');

const dyndns2 = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
const aliyun = [nodeFile('aliyun-account'), nodeFile('aliyun-ddns')];
const KEY_ID = 'LTAI-contract-key';
const SECRET = 'contract-Secret-4711';

describe('every updater on the provider contract', function () {
  this.timeout(30000);
  let dyn;
  let ali;
  before(async () => {
    dyn = await fakeDyndns2.start({ users: { user: { password: 'pw', hosts: ['a.example.com'] } } });
    ali = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com'] });
  });
  after(async () => {
    await dyn.close();
    await ali.close();
  });
  afterEach(() => helper.unload());

  const invalid = [
    ['dyndns2-update: a host name with an empty label', dyndns2, { id: 'acct', type: 'dyndns2-account', server: () => dyn.url }, { type: 'dyndns2-update', hostnames: 'a..example.com' }, { acct: { username: 'user', password: 'pw' } }],
    ['dyndns2-update: retries of -2', dyndns2, { id: 'acct', type: 'dyndns2-account', server: () => dyn.url }, { type: 'dyndns2-update', hostnames: 'a.example.com', retries: -2 }, { acct: { username: 'user', password: 'pw' } }],
    ['dyndns2-account: a server URL without its scheme', dyndns2, { id: 'acct', type: 'dyndns2-account', server: () => '127.0.0.1:18950' }, { type: 'dyndns2-update', hostnames: 'a.example.com' }, { acct: { username: 'user', password: 'pw' } }],
    ['aliyun-ddns: a TTL of 0', aliyun, { id: 'acct', type: 'aliyun-account', endpoint: () => ali.url }, { type: 'aliyun-ddns', domain: 'example.com', rr: 'www', ttl: 0 }, { acct: { accessKeyId: KEY_ID, accessKeySecret: SECRET } }],
    ['aliyun-ddns: a domain that is not one', aliyun, { id: 'acct', type: 'aliyun-account', endpoint: () => ali.url }, { type: 'aliyun-ddns', domain: 'not a domain', rr: 'www' }, { acct: { accessKeyId: KEY_ID, accessKeySecret: SECRET } }],
  ];
  for (const [name, nodes, account, updater, credentials] of invalid) {
    it(`red at deploy, before any input: ${name}`, async () => {
      const acct = Object.fromEntries(Object.entries(account).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
      await helper.load(nodes, [acct, { id: 'upd', account: 'acct', wires: [['out']], ...updater }, { id: 'out', type: 'helper' }], credentials);
      const status = watchStatus(helper.getNode('upd'), { fromStart: true });
      await waitFor(() => status.current(), 'a status from deploy on');
      assert.equal(status.current().fill, 'red');
      assert.match(status.current().text, /^invalid settings: /);
    });
  }

  it('an updater whose account has no password says it needs a login, from deploy on', async () => {
    await helper.load(dyndns2, [
      { id: 'acct', type: 'dyndns2-account', server: dyn.url },
      { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { acct: { username: 'user' } });
    const status = watchStatus(helper.getNode('upd'), { fromStart: true });
    await waitFor(() => status.current(), 'a status from deploy on');
    assert.equal(status.current().fill, 'red');
    assert.match(status.current().text, /^needs a login: /);
  });

  it('a valid updater without state waits for an address, grey, from deploy on', async () => {
    await helper.load(dyndns2, [
      { id: 'acct', type: 'dyndns2-account', server: dyn.url },
      { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { acct: { username: 'user', password: 'pw' } });
    const status = watchStatus(helper.getNode('upd'), { fromStart: true });
    await waitFor(() => status.current(), 'a status from deploy on');
    assert.deepEqual(status.current(), { fill: 'grey', shape: 'ring', text: 'waiting for an address' });
  });

  it('aliyun-ddns shows yellow while a throttled request waits to be retried, and a newer input displaces that retry', async () => {
    ali.inject({ type: 'throttle', count: 3 });
    await helper.load(aliyun, [
      { id: 'acct', type: 'aliyun-account', endpoint: ali.url },
      { id: 'ddns', type: 'aliyun-ddns', account: 'acct', domain: 'example.com', rr: 'www', recordType: 'A', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { acct: { accessKeyId: KEY_ID, accessKeySecret: SECRET } });
    const ddns = helper.getNode('ddns');
    const status = watchStatus(ddns);
    const outputs = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    ddns.receive({ payload: '8.8.8.1' });
    await waitFor(() => status.current()?.fill === 'yellow', 'the yellow "retrying" status');
    assert.match(status.current().text, /^rate limited \(Throttling\.User\), retrying at \d\d:\d\d:\d\d$/);
    ali.clearFaults?.();
    ddns.receive({ payload: '8.8.8.2' });
    await waitFor(() => outputs.length === 2, 'the superseded answer and the newer one');
    assert.equal(outputs[0].ddns.superseded, true, 'the retrying run gave way');
    assert.deepEqual(outputs[1].ddns.results.map((r) => [r.status, r.value]), [['created', '8.8.8.2']]);
    assert.deepEqual(ali.list('example.com', 'www', 'A').map((r) => r.Value), ['8.8.8.2']);
  });
});
