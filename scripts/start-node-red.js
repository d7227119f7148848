'use strict';
// `npm start`: a local Node-RED on 127.0.0.1:1880 with this package and its examples,
// from a project-local user directory (.node-red-dev/, git-ignored) so nothing in
// ~/.node-red is touched.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.join(__dirname, '..');
const userDir = path.join(root, '.node-red-dev');
const modules = path.join(userDir, 'node_modules');
const link = path.join(modules, 'node-red-contrib-ddns');

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

const port = process.env.PORT || '1880';
const host = process.env.HOST || '127.0.0.1';
const nodeRed = require.resolve('node-red/red.js');
const child = spawn(
  process.execPath,
  [nodeRed, '--userDir', userDir, '--port', port, '--settings', path.join(__dirname, 'dev-settings.js')],
  { stdio: 'inherit', env: { ...process.env, NODE_RED_DDNS_HOST: host } },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
