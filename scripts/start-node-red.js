'use strict';
// `npm start`: a local Node-RED on 127.0.0.1:1880 (PORT, HOST) with this
// package, from a project-local user directory (.node-red-dev/, git-ignored) so
// nothing in ~/.node-red is touched, and beside it a DynDNS2 sandbox on
// loopback. On a first start (no flows file yet) it deploys the "Getting
// started" tab (scripts/getting-started.js): the package doing its job
// offline within seconds.
//
// DDNS_LANG=zh-CN npm start: the runtime speaks that language (node status,
// the DDNS sidebar's runtime texts, the log), through Node-RED's `lang`
// setting; the editor follows the browser's language, or Settings > View >
// Language.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSandbox } = require('./dev-sandbox');
const { gettingStartedFlow, gettingStartedCredentials } = require('./getting-started');

const root = path.join(__dirname, '..');
const userDir = path.resolve(process.env.NODE_RED_DDNS_USER_DIR || path.join(root, '.node-red-dev'));
const modules = path.join(userDir, 'node_modules');
const link = path.join(modules, 'node-red-contrib-ddns');
const port = process.env.PORT || '1880';
const host = process.env.HOST || '127.0.0.1';
const sandboxPort = Number(process.env.DDNS_SANDBOX_PORT || 18950);
// the languages this package's catalogs have; Node-RED itself knows a few more
const LANGS = ['en-US', 'zh-CN'];
const lang = process.env.DDNS_LANG || '';

function prepareUserDir() {
  fs.mkdirSync(modules, { recursive: true });
  if (!fs.existsSync(path.join(userDir, 'package.json'))) {
    fs.writeFileSync(
      path.join(userDir, 'package.json'),
      JSON.stringify({ name: 'node-red-ddns-dev', private: true, dependencies: { 'node-red-contrib-ddns': 'file:..' } }, null, 2),
    );
  }
  // the same link `npm install <folder>` would make: the package as Node-RED sees it from the palette
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync(path.relative(modules, root), link, 'dir');
  }
}

async function waitForEditor(base, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('Node-RED exited');
    try {
      const res = await fetch(`${base}/settings`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Node-RED did not start within a minute');
}

async function deployGettingStarted(base, sandboxUrl) {
  const flows = gettingStartedFlow({ sandboxUrl }).map((node) => {
    const credentials = gettingStartedCredentials[node.id];
    return credentials ? { ...node, credentials } : node;
  });
  const res = await fetch(`${base}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'node-red-api-version': 'v2', 'node-red-deployment-type': 'full' },
    body: JSON.stringify({ flows }),
  });
  if (!res.ok) throw new Error(`deploying the Getting started tab failed: HTTP ${res.status} ${await res.text()}`);
}

async function main() {
  if (lang !== '' && !LANGS.includes(lang)) {
    console.error(`DDNS_LANG=${lang.slice(0, 20)}: use one of ${LANGS.join(', ')}.`);
    process.exit(1);
  }
  prepareUserDir();
  const firstStart = !fs.existsSync(path.join(userDir, 'flows.json'));
  const sandbox = await startSandbox(sandboxPort).catch((err) => {
    console.error(`The DynDNS2 sandbox could not listen on 127.0.0.1:${sandboxPort} (${err.code || err.message}); set DDNS_SANDBOX_PORT to a free port.`);
    process.exit(1);
  });
  const nodeRed = require.resolve('node-red/red.js');
  const child = spawn(
    process.execPath,
    [nodeRed, '--userDir', userDir, '--port', port, '--settings', path.join(__dirname, 'dev-settings.js'), ...(lang ? ['-D', `lang=${lang}`] : [])],
    { stdio: 'inherit', env: { ...process.env, NODE_RED_DDNS_HOST: host } },
  );
  const stop = (signal) => {
    child.kill(signal);
    void sandbox.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
  child.on('exit', (code) => {
    void sandbox.close();
    process.exit(code ?? 0);
  });
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  await waitForEditor(base, child);
  if (firstStart) await deployGettingStarted(base, sandbox.url);
  console.log(`\nnode-red-contrib-ddns: the editor is at ${base}/ ; the DynDNS2 sandbox answers at ${sandbox.url}/nic/update (user demo, password demo).`);
  if (firstStart) console.log('The "Getting started" tab is deployed: the editor shows its records in the DDNS tab of the sidebar (View > DDNS records).\n');
  if (lang) console.log(`The runtime speaks ${lang}; for the editor in the same language choose it in Settings > View > Language (or set your browser's language).\n`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
