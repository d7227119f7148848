'use strict';
// A real Node-RED process for end-to-end tests: this package installed from its
// packed tarball into a fresh user directory (as the palette manager does), the
// runtime started on a free loopback port, flows deployed over the admin HTTP API.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
let packed; // one tarball per test run
// temporary folders of this run, removed when the process ends (DDNS_KEEP_TMP=1 keeps them for a post-mortem)
const temporary = [];
process.on('exit', () => {
  if (process.env.DDNS_KEEP_TMP) return;
  for (const dir of temporary) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // a Node-RED still writing there: nothing more to do at exit
    }
  }
});
function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

/** `npm pack` of the already built package (npm test builds first). */
function packTarball() {
  if (packed) return packed;
  const dir = tempDir('ddns-pack-');
  const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root));
  packed = { file: path.join(dir, out[0].filename), files: out[0].files.map((f) => f.path) };
  return packed;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Node-RED runtime directory (where node_modules/node-red lives) and node binary under test. */
function runtimeUnderTest() {
  const runtimeDir = process.env.NODE_RED_RUNTIME || root;
  const redJs = require.resolve('node-red/red.js', { paths: [runtimeDir] });
  return { redJs, nodeBin: process.env.NODE_RED_NODE_BIN || process.execPath };
}

function launch(userDir, settingsFile, logFile, nodeArgs) {
  const { redJs, nodeBin } = runtimeUnderTest();
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(nodeBin, [...nodeArgs, redJs, '--userDir', userDir, '--settings', settingsFile], { stdio: ['ignore', fd, fd] });
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => {
          const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 10000);
          child.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
      fs.closeSync(fd);
    },
  };
}

/**
 * install: false starts a Node-RED without this package (a baseline for measurements).
 * nodeArgs go to node before red.js (the bench: --expose-gc, --inspect); preamble is
 * code put at the top of settings.js, run inside the Node-RED process (the bench: a
 * signal handler that collects garbage before RSS is read).
 */
async function startNodeRed({ settings = {}, install = true, nodeArgs = [], preamble = '' } = {}) {
  const userDir = tempDir('ddns-e2e-');
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
  if (install) {
    // what the palette manager runs: production dependencies only
    npm(['install', '--omit=dev', '--no-save', '--prefer-offline', packTarball().file], userDir);
  }
  const port = await freePort();
  const settingsFile = path.join(userDir, 'settings.js');
  const merged = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'e2e-credential-secret',
    logging: { console: { level: 'debug', metrics: false, audit: false } },
    contextStorage: { default: { module: 'localfilesystem' } },
    editorTheme: { tours: false },
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
    ...settings,
  };
  // no resolver query leaves loopback (c-ares to a closed port), and no updater asks name servers
  // unless the test names them (see test/support/node-red.js)
  merged.ddns = { verify: 'off', ...(settings.ddns || {}) };
  const guard = "require('node:dns').setServers(['127.0.0.1:1']);";
  fs.writeFileSync(settingsFile, `${guard}\n${preamble}\nmodule.exports = ${JSON.stringify(merged, null, 2)};\n`);
  const logFile = path.join(userDir, 'node-red.log');
  let running = launch(userDir, settingsFile, logFile, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  const instance = {
    userDir,
    url,
    logFile,
    get child() { return running.child; },
    log: () => fs.readFileSync(logFile, 'utf8'),
    async request(method, pathname, body, headers = {}) {
      const res = await fetch(url + pathname, {
        method,
        headers: { 'content-type': 'application/json', 'node-red-api-version': 'v2', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: res.status, json, text };
    },
    async deploy(flows) {
      const res = await instance.request('POST', '/flows', { flows }, { 'node-red-deployment-type': 'full' });
      if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${res.text}`);
      return res.json;
    },
    stop: () => running.stop(),
    async restart() {
      await running.stop();
      fs.appendFileSync(logFile, '\n--- restart ---\n');
      running = launch(userDir, settingsFile, logFile, nodeArgs);
      await waitUntilUp(instance, '--- restart ---');
    },
  };
  await waitUntilUp(instance);
  return instance;
}

async function waitUntilUp(instance, after = '') {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`Node-RED exited: ${instance.log().slice(-2000)}`);
    try {
      const res = await fetch(`${instance.url}/settings`);
      const log = instance.log();
      const since = after ? log.slice(log.lastIndexOf(after)) : log;
      // "Server now running at URL" in the runtime's language: the URL is in every one
      if (res.ok && since.includes(`${instance.url}/`)) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Node-RED did not start: ${instance.log().slice(-2000)}`);
}

module.exports = { startNodeRed, packTarball, runtimeUnderTest, freePort };
