'use strict';
// Registering the package's node types loads no heavy module (issue: the cost
// of loading): undici, the address sources (DNS client, UPnP/SSDP, neighbour
// table) and the providers are required when a deployed node first needs them,
// so a Node-RED on a small board pays only for what its flows use.
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const dist = path.join(__dirname, '..', '..', 'dist', 'nodes');
const pkg = require('../../package.json');

function loadedAfter(script) {
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
  return JSON.parse(out);
}

const REGISTER_ALL = `
  const path = require('node:path');
  const noop = () => {};
  const RED = {
    nodes: { registerType: noop, createNode: noop, getNode: () => null },
    httpAdmin: { get: noop, post: noop },
    auth: { needsPermission: () => noop },
    plugins: { registerPlugin: noop },
    comms: { publish: noop },
    settings: {},
    util: {},
    _: (k) => k,
  };
  const files = ${JSON.stringify([...Object.values(pkg['node-red'].nodes), ...Object.values(pkg['node-red'].plugins)])};
  for (const file of files) require(path.resolve(file))(RED);
  console.log(JSON.stringify(Object.keys(require.cache)));
`;

describe('loading the package (registration only)', () => {
  it('requires neither undici nor any address source or provider until a node is deployed', () => {
    const loaded = loadedAfter(REGISTER_ALL);
    const heavy = loaded.filter((file) => /node_modules[\\/](undici|ipaddr\.js)[\\/]/.test(file) || /dist[\\/](sources|providers)[\\/](?!dyndns2[\\/]presets\.js)/.test(file));
    assert.deepEqual(heavy, []);
    assert.ok(loaded.some((file) => file.startsWith(dist)), 'the node files were loaded');
  });
});
