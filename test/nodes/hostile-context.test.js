'use strict';
// A context store that never answers (a Redis server gone silent, a hung disk):
// loads and saves have a deadline, the store is reported as failing, and the
// nodes go on: ip-source still emits, an updater answers its input, and a
// redeploy does not wait for the store (Node-RED's close timeout is 15 s).
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const echo = require('../servers/echo-http');
const fake = require('../servers/fake-dyndns2');

/** A context store module (Node-RED's store API) whose get and set never call back. */
function hangingStore() {
  const calls = [];
  return {
    calls,
    module: function HangingStore() {
      return {
        open: () => Promise.resolve(),
        close: () => Promise.resolve(),
        get: (scope, key) => calls.push(['get', key]),
        set: (scope, key) => calls.push(['set', key]),
        keys: (scope, cb) => cb(null, []),
        delete: () => Promise.resolve(),
        clean: () => Promise.resolve(),
      };
    },
  };
}

async function loadWithStore(nodes, flow, credentials, store) {
  await helper.load(nodes, flow, credentials);
  helper._settings.contextStorage = { default: { module: store.module } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

describe('hostile context store: one that never answers', function () {
  this.timeout(30000);
  let web;
  let dyn;
  before(async () => {
    web = await echo.start();
    web.route('/v4', { body: '8.8.8.8' });
    dyn = await fake.start({ users: { user: { password: 'pw', hosts: ['a.example.com'] } } });
  });
  after(async () => {
    await web.close();
    await dyn.close();
  });
  afterEach(() => helper.unload());

  it('ip-source still emits the address, warns about the store, and redeploys at once', async () => {
    const store = hangingStore();
    await loadWithStore(nodeFile('ip-source'), [{ id: 'src', type: 'ip-source', origin: web.url('/v4'), interval: 0, wires: [['out']] }, { id: 'out', type: 'helper' }], {}, store);
    const src = helper.getNode('src');
    const warned = new Promise((resolve) => src.on('call:warn', (call) => resolve(String(call.args[0]))));
    const out = nextMessage(helper.getNode('out'), 20000);
    src.receive({});
    assert.equal((await out).payload, '8.8.8.8');
    assert.match(await warned, /context store did not (load|save) the state within 5 s/);
    assert.ok(store.calls.length > 0, 'the store was asked');
    const started = Date.now();
    src.receive({});
    await helper.unload();
    // not a timing assertion about speed: the close must not wait for Node-RED's 15 s close timeout
    assert.ok(Date.now() - started < 14000, 'closing did not wait for the hung store');
  });

  it('an updater answers with ESTATE in words on its status, and closes without "Close timed out"', async () => {
    const store = hangingStore();
    await loadWithStore(
      [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')],
      [
        { id: 'acct', type: 'dyndns2-account', server: dyn.url },
        { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { acct: { username: 'user', password: 'pw' } },
      store,
    );
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const out = nextMessage(helper.getNode('out'), 20000);
    upd.receive({ payload: '8.8.8.8' });
    const msg = await out;
    assert.equal(msg.ddns.error.code, 'ESTATE');
    assert.equal(status.current().fill, 'red');
    assert.equal(status.current().text, 'context store failing');
    const started = Date.now();
    await helper.unload();
    assert.ok(Date.now() - started < 14000, 'closing did not wait for the hung store');
  });
});

describe('hostile input: a message naming thousands of records', function () {
  let dyn;
  before(async () => {
    dyn = await fake.start({ users: { user: { password: 'pw', hosts: ['a.example.com'] } } });
  });
  after(() => dyn.close());
  afterEach(() => helper.unload());

  it('msg.hostnames with 3,000 names is EBADINPUT before any request', async () => {
    await helper.load(
      [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')],
      [
        { id: 'acct', type: 'dyndns2-account', server: dyn.url },
        { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'hostnames', hostnamesType: 'msg', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { acct: { username: 'user', password: 'pw' } },
    );
    const out = nextMessage(helper.getNode('out'));
    const hostnames = Array.from({ length: 3000 }, (_, i) => `h${i}.example.com`).join(',');
    helper.getNode('upd').receive({ payload: '8.8.8.8', hostnames });
    const msg = await out;
    assert.equal(msg.ddns.error.code, 'EBADINPUT');
    assert.match(msg.ddns.error.message, /3000 host names in one input; at most 100/);
    assert.equal(dyn.requests.length, 0);
  });
});
