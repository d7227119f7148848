'use strict';
// Several Node-RED instances on one context store (issue 22.1, DESIGN.md: "State
// ... is kept in node context, through its asynchronous API so that any
// context store works (file, or a Redis-backed store shared by several
// Node-RED instances)"). Two real Node-RED processes, each with its own user
// directory (so their own .config.runtime.json) but the same project files
// (flows, credential secret), keep their context in one directory: the file
// store pointed at one place stands in for a shared Redis. The second instance
// neither resends the address the first confirmed nor retries the host the
// server refused.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNodeRed } = require('../support/node-red-process');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');

const USER = 'shared-user-6120';
const PASSWORD = 'shared-Pa55-91ab';

describe('two Node-RED instances sharing project files and one context store share the updaters\' state', function () {
  this.timeout(240000);
  let dyndns;
  let sharedDir;
  const reds = [];

  // z.example.com is not the user's: the server answers nohost, which blocks it
  const flows = (server) => [
    { id: 'tab', type: 'tab', label: 'shared' },
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined', credentials: { username: USER, password: PASSWORD } },
    { id: 'upd', type: 'dyndns2-update', z: 'tab', account: 'acct', hostnames: 'home.example.com,z.example.com', retries: 0, wires: [['keep']] },
    { id: 'keep', type: 'change', z: 'tab', rules: [{ t: 'set', p: 'lastResults', pt: 'global', to: 'ddns.results', tot: 'msg' }], wires: [] },
    { id: 'inj', type: 'inject', z: 'tab', props: [{ p: 'payload' }], payload: '8.8.8.8', payloadType: 'str', once: true, onceDelay: 0.1, wires: [['upd']] },
  ];

  async function instance() {
    const red = await startNodeRed({
      settings: {
        // the same credentialSecret as every instance of these project files (startNodeRed's default)
        contextStorage: { default: { module: 'localfilesystem', config: { dir: sharedDir, flushInterval: 0.2 } } },
      },
    });
    reds.push(red);
    await red.deploy(flows(dyndns));
    return red;
  }

  /** What the updater of `red` answered to the inject, as the change node kept it, once a result has `status`. */
  async function resultsOf(red, status) {
    return waitFor(async () => {
      const res = await red.request('GET', '/context/global/lastResults');
      if (res.status !== 200 || !res.json) return undefined;
      // one entry per store, or the entry itself (Node-RED 4 and 5 differ)
      const entry = typeof res.json.msg === 'string' ? res.json : Object.values(res.json)[0];
      // "(undefined)" until the key is set
      const results = entry && typeof entry.msg === 'string' && entry.msg.startsWith('[') ? JSON.parse(entry.msg) : undefined;
      return Array.isArray(results) && results.some((r) => r.status === status) ? results : undefined;
    }, `the updater's results to hold one ${status}`, 30000);
  }

  before(async () => {
    dyndns = await fakeDyndns2.start({ users: { [USER]: { password: PASSWORD, hosts: ['home.example.com'] } } });
    sharedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-shared-context-'));
  });
  after(async () => {
    for (const red of reds) await red.stop();
    await dyndns?.close();
    fs.rmSync(sharedDir, { recursive: true, force: true });
  });

  it('instance B sends nothing: the address A confirmed is not resent, the host A\'s server refused is not retried', async () => {
    const a = await instance();
    const first = await resultsOf(a, 'failed');
    assert.deepEqual(first.map((r) => [r.name, r.status, r.providerCode]), [['home.example.com', 'updated', 'good'], ['z.example.com', 'failed', 'nohost']]);
    assert.equal(dyndns.requests.length, 1, 'A sent one request for both hosts');
    assert.deepEqual(dyndns.requests[0].hostnames, ['home.example.com', 'z.example.com']);
    // stopping flushes A's context to the shared directory
    await a.stop();
    reds.splice(reds.indexOf(a), 1);

    const b = await instance();
    const results = await resultsOf(b, 'skipped');
    assert.deepEqual(results.map((r) => [r.name, r.status]), [['home.example.com', 'unchanged'], ['z.example.com', 'skipped']]);
    assert.equal(results[1].providerCode, 'nohost');
    assert.equal(dyndns.requests.length, 1, 'B sent no request to the DynDNS2 server');
    // the two instances have their own runtime settings; nothing of the key is in them or in context
    assert.notEqual(a.userDir, b.userDir);
    const contextText = readAll(path.join(sharedDir, 'context'));
    assert.ok(!contextText.includes('e2e-credential-secret'), 'the credential secret is not in context');
    const settings = await b.request('GET', '/settings');
    assert.ok(!settings.text.includes('stateKey') && !settings.text.includes('credentialSecret'), 'no key in /settings');
  });
});

function readAll(dir) {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    text += entry.isDirectory() ? readAll(full) : fs.readFileSync(full, 'utf8');
  }
  return text;
}
