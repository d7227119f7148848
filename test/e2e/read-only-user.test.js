'use strict';
// What a `read` user of the editor can reach (issue: hostile servers and
// read-only users): the admin API's context routes and the context files hold
// nothing derived from an account's secret that would let anyone test password
// guesses offline. The only login-derived value in context is a keyed digest
// whose key is derived from Node-RED's credential secret (or ddns.stateKey),
// which a reader cannot fetch: two instances with the same flows and the same
// password but different secrets store different values, so the value says
// nothing about the password (test/e2e/shared-state.test.js: the same secret
// shares the state).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startNodeRed } = require('../support/node-red-process');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');

const runtimeDir = process.env.NODE_RED_RUNTIME || path.join(__dirname, '..', '..');
const nodeRedDir = path.dirname(require.resolve('node-red/package.json', { paths: [runtimeDir] }));
const bcrypt = require(require.resolve('bcryptjs', { paths: [nodeRedDir] }));

const USER = 'ro-user-5521';
const PASSWORD = 'hunter2';
const ADMIN_PASSWORD = 'admin-ro-Pa55-1187';
const VIEWER_PASSWORD = 'viewer-ro-Pa55-3324';

function readAll(dir) {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    text += entry.isDirectory() ? readAll(full) : fs.readFileSync(full, 'utf8');
  }
  return text;
}

describe('a read-only editor user cannot recover a login from what the nodes store', function () {
  this.timeout(180000);
  let dyndns;
  const reds = [];

  const flows = (server) => [
    { id: 'tab', type: 'tab', label: 'ro' },
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', z: 'tab', account: 'acct', hostnames: 'home.example.com', retries: 0, wires: [] },
    { id: 'inj', type: 'inject', z: 'tab', props: [{ p: 'payload' }], payload: '8.8.8.8', payloadType: 'str', once: true, onceDelay: 0.1, wires: [['upd']] },
  ];

  async function instance(credentialSecret) {
    const red = await startNodeRed({
      settings: {
        credentialSecret,
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: bcrypt.hashSync(ADMIN_PASSWORD, 8), permissions: '*' },
            { username: 'viewer', password: bcrypt.hashSync(VIEWER_PASSWORD, 8), permissions: 'read' },
          ],
          default: { permissions: 'settings.read' },
        },
        // written to disk at once, not every 30 s
        contextStorage: { default: { module: 'localfilesystem', config: { flushInterval: 0.2 } } },
      },
    });
    reds.push(red);
    const token = async (username, password, scope) =>
      (await red.request('POST', '/auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope, username, password })).json.access_token;
    const admin = await token('admin', ADMIN_PASSWORD, '*');
    const viewer = await token('viewer', VIEWER_PASSWORD, 'read');
    const flowsWithCreds = flows(dyndns).map((n) => (n.id === 'acct' ? { ...n, credentials: { username: USER, password: PASSWORD } } : n));
    const res = await red.request('POST', '/flows', { flows: flowsWithCreds }, { authorization: `Bearer ${admin}`, 'node-red-deployment-type': 'full' });
    assert.equal(res.status, 200, res.text);
    return { red, viewer };
  }

  /** What a read user gets for the updater's context, and what lies in the context files. */
  async function whatReadersSee({ red, viewer }) {
    const seen = await waitFor(async () => {
      const res = await red.request('GET', '/context/node/upd', undefined, { authorization: `Bearer ${viewer}` });
      return res.status === 200 && res.text.includes('home.example.com') ? res.text : undefined;
    }, 'the updater to store its state');
    const files = path.join(red.userDir, 'context');
    await waitFor(() => fs.existsSync(files) && readAll(files).includes('home.example.com'), 'the context file to be written');
    const settings = await red.request('GET', '/settings', undefined, { authorization: `Bearer ${viewer}` });
    return { api: seen, files: readAll(files), settings: settings.text };
  }

  before(async () => {
    dyndns = await fakeDyndns2.start({ users: { [USER]: { password: PASSWORD, hosts: ['home.example.com'] } } });
  });
  after(async () => {
    for (const red of reds) await red.stop();
    await dyndns?.close();
  });

  it('no plain, encoded or unkeyed digest of the password is readable, and the stored tag differs under another credential secret', async () => {
    const first = await whatReadersSee(await instance('ro-credential-secret-one'));
    const second = await whatReadersSee(await instance('ro-credential-secret-two'));
    const pair = `${USER}:${PASSWORD}`;
    const digests = ['sha256', 'sha1', 'md5'].flatMap((h) => [PASSWORD, pair].map((v) => crypto.createHash(h).update(v).digest('hex')));
    const forms = [PASSWORD, USER, Buffer.from(pair).toString('base64'), Buffer.from(PASSWORD).toString('base64'), ...digests, ...digests.map((d) => d.slice(0, 32))];
    for (const [where, text] of [['GET /context/node/upd', first.api], ['context files', first.files], ['GET /settings', first.settings]]) {
      for (const form of forms) assert.ok(!text.includes(form), `${where} holds ${form}`);
    }
    // the tag that resets state on a login change: present, and different under another credential secret for the same flows and login
    const tag = (text) => /"fingerprint\\?":\\?"([0-9a-f]{32,64})/.exec(text)?.[1] ?? /fingerprint[^0-9a-f]+([0-9a-f]{32,64})/.exec(text)?.[1];
    const a = tag(first.files);
    const b = tag(second.files);
    assert.ok(a && b, 'both instances stored a state tag');
    assert.notEqual(a, b, 'the same password gives another tag under another secret: nothing to test guesses against');
    assert.ok(!first.settings.includes('ddnsStateKey') && !first.settings.includes(a), 'the instance key is not in /settings');
    for (const text of [first.api, first.files, first.settings]) assert.ok(!text.includes('ro-credential-secret-one'), 'the credential secret is nowhere a reader sees');
  });
});
