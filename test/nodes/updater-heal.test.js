'use strict';
// Issue 23.1: a fixed record heals without a new input, and Update now writes
// what the node was last asked for. Through a real Node-RED runtime
// (node-red-node-test-helper) against the DynDNS2 stand-in on loopback.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fake = require('../servers/fake-dyndns2');

const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
const USER = 'user';
const PASSWORD = 'heal-test-Pa55word';

function flow(server, update = {}) {
  return [
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, refresh: 25, wires: [['out']], ...update },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (password) => ({ acct: { username: USER, password } });

/** As Node-RED with a configured context store: node context survives a redeploy. */
async function loadWithContextStore(flowConfig, creds) {
  await helper.load(nodes, flowConfig, creds);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

async function send(payload, via = 'out') {
  const out = nextMessage(helper.getNode(via));
  helper.getNode('upd').receive({ payload });
  return out;
}

describe('updater: a fixed record heals, Update now writes', function () {
  this.timeout(20000);
  let server;
  beforeEach(async () => {
    server = await fake.start({ users: { [USER]: { password: PASSWORD, hosts: ['a.example.com'] } } });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  it('a login fixed after badauth is written again at deploy, with no new input, and turns green', async () => {
    await loadWithContextStore(flow(server), credentials('wrong-password'));
    const caught = await send('8.8.8.8', 'caught');
    assert.equal(caught.error.code, 'EAUTH');
    assert.equal(server.requests.length, 1);
    // the user fixes the password and deploys; no inject follows (an ip-source with interval 0)
    await helper.setFlows(flow(server), 'full', credentials(PASSWORD));
    await waitFor(() => server.hosts.get('a.example.com').ipv4 === '8.8.8.8', 'the remembered address written with the fixed login');
    assert.equal(server.requests.length, 2);
    await waitFor(() => watchStatus(helper.getNode('upd'), { fromStart: true }).current()?.fill === 'green', 'a green status');
  });

  it('a redeploy of a node in sync sends nothing and says nothing on its output', async () => {
    await loadWithContextStore(flow(server), credentials(PASSWORD));
    await send('8.8.8.8');
    const out = [];
    await helper.setFlows(flow(server, { name: 'renamed' }), 'full', credentials(PASSWORD));
    await waitFor(() => helper.getNode('upd')?.name === 'renamed', 'the redeployed node');
    helper.getNode('out').on('input', (m) => out.push(m));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.requests.length, 1, 'in sync: no request');
    assert.deepEqual(out, []);
  });

  it('Update now writes the last value even when the node believes it is in sync, after a redeploy too', async () => {
    await loadWithContextStore(flow(server), credentials(PASSWORD));
    await send('8.8.8.8');
    assert.equal(server.requests.length, 1);
    await helper.setFlows(flow(server, { name: 'again' }), 'full', credentials(PASSWORD));
    await waitFor(() => helper.getNode('upd')?.name === 'again', 'the redeployed node');
    // the node has had no input since the redeploy: it writes what it was last asked for
    await waitFor(async () => (await helper.request().post('/ddns/records/upd/update').send({})).status === 202, 'Update now accepted');
    await waitFor(() => server.requests.length === 2, 'the forced write');
    assert.equal(server.requests[1].query.myip, '8.8.8.8');
  });

  it('Update now with nothing ever asked for answers 409', async () => {
    await loadWithContextStore(flow(server), credentials(PASSWORD));
    await waitFor(() => helper.getNode('upd'), 'the node');
    await helper.request().post('/ddns/records/upd/update').send({}).expect(409);
    assert.equal(server.requests.length, 0);
  });
});

describe('updater: going live with an example\'s login', function () {
  this.timeout(20000);
  let server;
  beforeEach(async () => {
    server = await fake.start({ users: { [USER]: { password: PASSWORD, hosts: ['a.example.com'] } } });
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });
  const placeholder = { acct: { username: 'you@example.com', password: 'your-password' } };

  it('with Dry run off, nothing is sent and the status says the login is the example\'s', async () => {
    await helper.load(nodes, flow(server), placeholder);
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.equal(status.fill, 'red');
    assert.equal(status.text, "the login is the example's: enter your own");
    const caught = [];
    helper.getNode('caught').on('input', (m) => caught.push(m));
    const out = await send('8.8.8.8');
    assert.equal(out.ddns.error.code, 'ECONFIG');
    assert.match(out.ddns.error.message, /example's login/);
    assert.deepEqual(caught, [], 'no error raised: the status says it');
    assert.equal(server.requests.length, 0);
  });

  it('a dry run with it is allowed: it sends nothing anyway', async () => {
    await helper.load(nodes, flow(server, { dryRun: true }), placeholder);
    const status = watchStatus(helper.getNode('upd'), { fromStart: true }).current();
    assert.notEqual(status.fill, 'red');
    const msg = await send('8.8.8.8');
    assert.equal(msg.ddns.results[0].status, 'skipped');
    assert.equal(server.requests.length, 0);
  });
});
