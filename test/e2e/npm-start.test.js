'use strict';
// `npm start` as a newcomer runs it on a fresh clone: a Node-RED on the port
// asked for, the DynDNS2 sandbox beside it, and on the first start the
// "Getting started" tab deployed and doing its job: the sandbox record in sync
// on the DDNS sidebar within seconds, the dry-run node saying what it would send.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { freePort } = require('../support/node-red-process');
const { spawn } = require('node:child_process');
const { waitFor } = require('../support/wait');

const root = path.join(__dirname, '..', '..');


describe('npm start on a fresh clone', function () {
  this.timeout(120000);
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-start-'));
  let child;
  let port;
  let output = '';

  async function start() {
    child = spawn(process.execPath, [path.join(root, 'scripts', 'start-node-red.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DDNS_SANDBOX_PORT: String(await freePort()), NODE_RED_DDNS_USER_DIR: userDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  async function stop() {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  async function records() {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ddns/records`);
      return res.ok ? await res.json() : undefined;
    } catch {
      return undefined;
    }
  }

  before(async () => {
    port = await freePort();
    await start();
  });
  after(async () => {
    await stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('deploys the Getting started tab and keeps the sandbox record in sync', async () => {
    const snapshot = await waitFor(async () => {
      const s = await records();
      return s && s.records.some((r) => r.name === 'home.example.test' && r.state === 'in-sync') ? s : undefined;
    }, `the sandbox record in sync (output: ${output.slice(-500)})`, 60000);
    const home = snapshot.records.find((r) => r.name === 'home.example.test');
    assert.equal(home.type, 'A');
    assert.ok(net.isIPv4(home.value));
    const dry = snapshot.records.find((r) => r.nodeName === 'No-IP (dry run)');
    assert.equal(dry.state, 'dry-run');
    assert.match(dry.message, /^dry run: would send /);
    const flows = JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8'));
    assert.ok(flows.some((n) => n.type === 'tab' && n.label === 'Getting started'));
    assert.ok(flows.some((n) => n.type === 'comment' && /go live/i.test(n.info)), 'a comment says how to point the flow at a real provider');
    assert.match(output, new RegExp(`the editor is at http://127\\.0\\.0\\.1:${port}/`));
  });

  it('a second start keeps the user\'s flows as they are', async () => {
    const flowsFile = path.join(userDir, 'flows.json');
    const flows = JSON.parse(fs.readFileSync(flowsFile, 'utf8')).filter((n) => n.type !== 'comment');
    fs.writeFileSync(flowsFile, JSON.stringify(flows));
    await stop();
    output = '';
    await start();
    await waitFor(() => /the editor is at/.test(output), 'the second start');
    const after = JSON.parse(fs.readFileSync(flowsFile, 'utf8'));
    assert.ok(!after.some((n) => n.type === 'comment'), 'the Getting started tab was not deployed again');
  });
});
