'use strict';
const { waitFor } = require('../support/wait');
// The DDNS sidebar in a started Node-RED with the package installed from its
// packed tarball: the plugin is loaded (editor script and catalogs served), the
// admin routes enforce adminAuth permissions (ddns.read / ddns.write), live
// updates arrive over the editor's comms websocket, and with a persistent
// context store (localfilesystem) the records, their history and a block
// survive a restart. No credential in anything the sidebar is given.
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNodeRed } = require('../support/node-red-process');
const fakeDyndns2 = require('../servers/fake-dyndns2');

const runtimeDir = process.env.NODE_RED_RUNTIME || path.join(__dirname, '..', '..');
const nodeRedDir = path.dirname(require.resolve('node-red/package.json', { paths: [runtimeDir] }));
const bcrypt = require(require.resolve('bcryptjs', { paths: [nodeRedDir] }));
const WebSocket = require(require.resolve('ws', { paths: [nodeRedDir] }));

const MODULE = 'node-red-contrib-ddns';
const PLUGIN_ID = `${MODULE}/ddns-sidebar`;
const DYN_USER = 'sidebar-e2e-user';
const DYN_PASSWORD = 'sidebar-e2e-Pa55word-4410';
const WRONG_PASSWORD = 'sidebar-e2e-Wrong-8830';
const ADMIN_PASSWORD = 'admin-e2e-Pa55-2291';
const VIEWER_PASSWORD = 'viewer-e2e-Pa55-6617';
const SECRETS = [DYN_PASSWORD, WRONG_PASSWORD, DYN_USER, ADMIN_PASSWORD, VIEWER_PASSWORD];


describe('DDNS sidebar in a started Node-RED with adminAuth', function () {
  this.timeout(180000);
  let red;
  let dyndns;
  const tokens = {};
  const seen = [];

  async function login(username, password, scope) {
    const res = await red.request('POST', '/auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope, username, password });
    assert.equal(res.status, 200, `login ${username}: ${res.text}`);
    return res.json.access_token;
  }
  const as = (who) => (who ? { authorization: `Bearer ${tokens[who]}` } : {});
  async function api(method, pathname, body, who, headers = {}) {
    const res = await red.request(method, pathname, body, { ...as(who), ...headers });
    if (pathname.startsWith('/ddns/')) seen.push([`${method} ${pathname}`, res.text]);
    return res;
  }
  async function records(who = 'viewer') {
    const res = await api('GET', '/ddns/records', undefined, who);
    assert.equal(res.status, 200);
    return res.json;
  }
  const row = (snapshot, nodeId, name, type) => snapshot.records.find((r) => r.nodeId === nodeId && r.name === name && r.type === type);
  /** Sends an address into the flow through its http-in endpoint and waits for the updaters to answer. */
  async function send(address) {
    const res = await fetch(`${red.url}/sidebar-e2e`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: address });
    assert.equal(res.status, 200, await res.text());
  }

  before(async () => {
    dyndns = await fakeDyndns2.start({ users: { [DYN_USER]: { password: DYN_PASSWORD, hosts: ['home.example.com', 'blocked.example.com'] } } });
    red = await startNodeRed({
      settings: {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: bcrypt.hashSync(ADMIN_PASSWORD, 8), permissions: '*' },
            { username: 'viewer', password: bcrypt.hashSync(VIEWER_PASSWORD, 8), permissions: 'read' },
          ],
          // anonymous may read /settings only (the start-up check polls it), nothing of the sidebar
          default: { permissions: 'settings.read' },
        },
      },
    });
    tokens.admin = await login('admin', ADMIN_PASSWORD, '*');
    tokens.viewer = await login('viewer', VIEWER_PASSWORD, 'read');
  });
  after(async () => {
    if (red) await red.stop();
    await dyndns?.close();
  });

  it('loads the plugin: its editor script and both catalogs are served', async () => {
    const list = await api('GET', '/plugins', undefined, 'viewer', { accept: 'application/json' });
    assert.equal(list.status, 200);
    const plugin = list.json.find((p) => p.id === PLUGIN_ID);
    assert.ok(plugin, `plugin listed: ${list.text}`);
    assert.equal(plugin.err, undefined);
    assert.equal(plugin.enabled, true);
    const html = await api('GET', '/plugins', undefined, 'viewer', { accept: 'text/html' });
    assert.match(html.text, /\[red-plugin:node-red-contrib-ddns\/ddns-sidebar\]/);
    assert.match(html.text, /RED\.sidebar\.addTab/);
    for (const [lng, name] of [['en-US', 'DDNS records'], ['zh-CN', 'DDNS 记录']]) {
      const catalogs = await api('GET', `/plugins/messages?lng=${lng}`, undefined, 'viewer');
      assert.equal(catalogs.json[PLUGIN_ID]['ddns-sidebar'].name, name, lng);
    }
  });

  it('reading needs ddns.read, clearing a block needs ddns.write', async () => {
    assert.equal((await api('GET', '/ddns/records')).status, 401);
    assert.equal((await api('GET', '/ddns/records', undefined, 'viewer')).status, 200);
    assert.equal((await api('POST', '/ddns/records/x/unblock', { name: 'a.example.com' })).status, 401);
    assert.equal((await api('POST', '/ddns/records/x/unblock', { name: 'a.example.com' }, 'viewer')).status, 401);
    assert.equal((await api('POST', '/ddns/records/x/unblock', { name: 'a.example.com' }, 'admin')).status, 404);
  });

  it('shows the deployed records live, with their changes and a block', async () => {
    const flows = [
      { id: 'sbtab', type: 'tab', label: 'sidebar' },
      { id: 'in', type: 'http in', z: 'sbtab', url: '/sidebar-e2e', method: 'post', wires: [['upd', 'bad']] },
      { id: 'acct', type: 'dyndns2-account', server: dyndns.url, dualStack: 'combined', credentials: { username: DYN_USER, password: DYN_PASSWORD } },
      { id: 'badacct', type: 'dyndns2-account', server: dyndns.url, dualStack: 'combined', credentials: { username: DYN_USER, password: WRONG_PASSWORD } },
      { id: 'upd', type: 'dyndns2-update', z: 'sbtab', name: 'home', account: 'acct', hostnames: 'home.example.com', retries: 0, refresh: 25, wires: [['out']] },
      { id: 'bad', type: 'dyndns2-update', z: 'sbtab', account: 'badacct', hostnames: 'blocked.example.com', retries: 0, refresh: 25, wires: [[]] },
      { id: 'out', type: 'http response', z: 'sbtab', statusCode: '200', wires: [] },
    ];
    const deployed = await red.request('POST', '/flows', { flows }, { ...as('admin'), 'node-red-deployment-type': 'full' });
    assert.equal(deployed.status, 200, deployed.text);

    // the editor's comms connection, as the sidebar subscribes to it
    const ws = new WebSocket(`${red.url.replace(/^http/, 'ws')}/comms`);
    const live = [];
    await new Promise((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ auth: tokens.viewer })));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        if (msg.auth === 'ok') {
          ws.send(JSON.stringify({ subscribe: 'ddns/records' }));
          resolve();
        } else if (msg.auth === 'fail') reject(new Error('comms auth failed'));
        for (const m of Array.isArray(msg) ? msg : [msg]) if (m.topic === 'ddns/records') live.push(m.data);
      });
      ws.on('error', reject);
    });
    try {
      await waitFor(async () => row(await records(), 'upd', 'home.example.com', undefined)?.state === 'pending', 'the pending row');
      for (const address of ['8.8.8.1', '8.8.8.2', '8.8.8.3']) await send(address);
      await waitFor(() => dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length === 1, 'the badauth answer');
      const snapshot = await waitFor(async () => {
        const s = await records();
        return row(s, 'bad', 'blocked.example.com', 'A')?.state === 'blocked' && s;
      }, 'the blocked row');
      const home = row(snapshot, 'upd', 'home.example.com', 'A');
      assert.equal(home.state, 'in-sync');
      assert.equal(home.nodeName, 'home');
      assert.equal(home.value, '8.8.8.3');
      assert.deepEqual(home.history.map((h) => [h.previous, h.value]), [['8.8.8.2', '8.8.8.3'], ['8.8.8.1', '8.8.8.2'], [undefined, '8.8.8.1']]);
      assert.ok(home.nextKeepAliveAt > Date.now() + 24 * 86_400_000);
      const blocked = row(snapshot, 'bad', 'blocked.example.com', 'A');
      assert.equal(blocked.code, 'badauth');
      assert.equal(blocked.canUnblock, true);

      await waitFor(() => live.some((u) => u.nodeId === 'upd' && u.records.some((r) => r.value === '8.8.8.3')), 'a live update over comms');
      seen.push(['comms', JSON.stringify(live)]);
    } finally {
      ws.close();
    }
  });

  it('after a restart the rows, their history and the block come from the persistent context store', async () => {
    await red.restart();
    const snapshot = await waitFor(async () => {
      const res = await api('GET', '/ddns/records', undefined, 'viewer');
      return res.status === 200 && row(res.json, 'upd', 'home.example.com', 'A') && res.json;
    }, 'the rows after the restart');
    const home = row(snapshot, 'upd', 'home.example.com', 'A');
    assert.equal(home.value, '8.8.8.3');
    assert.equal(home.history.length, 3);
    // the server never confirmed an address for it; the block is kept on the record it refused (the record ledger, per record)
    const blocked = snapshot.records.filter((r) => r.nodeId === 'bad');
    assert.deepEqual(blocked.map((r) => [r.name, r.type, r.state, r.code]), [['blocked.example.com', 'A', 'blocked', 'badauth']]);
  });

  it('clearing the block lets the next input send again', async () => {
    const before = dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length;
    await send('8.8.8.3');
    assert.equal(dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length, before, 'still blocked');
    const res = await api('POST', '/ddns/records/bad/unblock', { name: 'blocked.example.com' }, 'admin');
    assert.equal(res.status, 200, res.text);
    await send('8.8.8.3');
    await waitFor(() => dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length === before + 1, 'the request after the block was cleared');
    // the password is still wrong: blocked again, by the provider's answer
    await waitFor(async () => row(await records(), 'bad', 'blocked.example.com', 'A')?.state === 'blocked', 'blocked again');
  });

  it('never gave the sidebar a credential', () => {
    assert.ok(seen.length > 5);
    for (const [label, text] of seen) {
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${label} carries ${secret}`);
      assert.ok(!/authorization|Basic [A-Za-z0-9+/=]{8,}/i.test(text), `${label} carries an Authorization header`);
    }
  });
});
