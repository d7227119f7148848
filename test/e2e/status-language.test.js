'use strict';
// Statuses in words, in the runtime's language (issue: first five minutes): a
// Node-RED started with `lang: 'zh-CN'` from the packed tarball shows the
// package's node statuses in Chinese, one in English shows them in English;
// internal codes never appear on the canvas.
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNodeRed } = require('../support/node-red-process');
const { waitFor } = require('../support/wait');

const runtimeDir = process.env.NODE_RED_RUNTIME || path.join(__dirname, '..', '..');
const nodeRedDir = path.dirname(require.resolve('node-red/package.json', { paths: [runtimeDir] }));
const WebSocket = require(require.resolve('ws', { paths: [nodeRedDir] }));

/** The statuses Node-RED sends an editor over comms, by node id. */
async function watchStatuses(red) {
  const ws = new WebSocket(`${red.url.replace(/^http/, 'ws')}/comms`);
  const statuses = new Map();
  await new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.send(JSON.stringify({ subscribe: 'status/#' }));
      resolve();
    });
    ws.on('error', reject);
  });
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (typeof m.topic === 'string' && m.topic.startsWith('status/')) statuses.set(m.topic.slice('status/'.length), m.data);
    }
  });
  return { statuses, close: () => ws.close() };
}

const flows = [
  { id: 'tab', type: 'tab', label: 'language' },
  // no password: "needs a login", from deploy on
  { id: 'acct', type: 'dyndns2-account', server: 'http://127.0.0.1:9/nic/update', credentials: { username: 'user' } },
  { id: 'upd', type: 'dyndns2-update', z: 'tab', account: 'acct', hostnames: 'home.example.com', wires: [] },
  // an invalid TTL: "invalid settings", from deploy on
  { id: 'acct2', type: 'dyndns2-account', server: 'http://127.0.0.1:9/nic/update', credentials: { username: 'user', password: 'pw' } },
  { id: 'bad', type: 'dyndns2-update', z: 'tab', account: 'acct2', hostnames: 'a..example.com', wires: [] },
  { id: 'ok', type: 'dyndns2-update', z: 'tab', account: 'acct2', hostnames: 'home.example.com', wires: [] },
];

for (const [lang, expected] of [
  // the reason itself is in the runtime's language too (a catalog key, issue 21.5), in the status's short form
  ['zh-CN', { upd: /^需要登录信息：/, bad: /^设置无效：“a\.\.example\.com”不是有效的主机名$/, ok: /^等待地址$/ }],
  ['en-US', { upd: /^needs a login: /, bad: /^invalid settings: "a\.\.example\.com" is not a valid host name$/, ok: /^waiting for an address$/ }],
]) {
  describe(`statuses in a Node-RED running in ${lang}`, function () {
    this.timeout(120000);
    let red;
    let watch;
    before(async () => {
      red = await startNodeRed({ settings: { lang } });
      watch = await watchStatuses(red);
      await red.deploy(flows);
    });
    after(async () => {
      watch?.close();
      await red?.stop();
    });

    it('every updater says its state in the runtime\'s language, in words, from deploy on', async () => {
      await waitFor(() => ['upd', 'bad', 'ok'].every((id) => watch.statuses.has(id)), 'a status from each node');
      for (const [id, pattern] of Object.entries(expected)) {
        const status = watch.statuses.get(id);
        assert.match(status.text, pattern, `${id}: ${JSON.stringify(status)}`);
        assert.doesNotMatch(status.text, /\bE[A-Z]{3,}\b|runtime\.|status\./, 'no code or catalog key on the canvas');
      }
    });
  });
}
