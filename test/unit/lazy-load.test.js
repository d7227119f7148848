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

const CHECK = (origin) => `
  const { parseIpSourceConfig } = require('./dist/sources/settings');
  const { takeReading } = require('./dist/sources/reading');
  const loadedNow = () => Object.keys(require.cache);
  const settings = parseIpSourceConfig({ origin: ${JSON.stringify(origin)}, scope: 'any', family: 'ipv4', timeout: 2 });
  const parsed = loadedNow();
  takeReading(settings, undefined, new AbortController().signal).then(
    () => console.log(JSON.stringify({ parsed, checked: loadedNow() })),
    (err) => console.log(JSON.stringify({ parsed, checked: loadedNow(), error: err.code })),
  );
`;
const SOURCE_CODE = /dist[\\/]sources[\\/](http|dns|dns-wire|dns-tcp|udp|socket|ssdp|upnp|upnp-xml|default-gateway|neighbour)\.js$/;
const UNDICI = /node_modules[\\/]undici[\\/]/;

describe('loading an address source (a deployed ip-source)', () => {
  it('reading an interface loads neither undici nor the web, DNS, UDP, UPnP/SSDP or neighbour-table code, at deploy or in a check', () => {
    const { parsed, checked, error } = loadedAfter(CHECK('iface://lo'));
    assert.equal(error, undefined);
    for (const list of [parsed, checked]) {
      assert.deepEqual(list.filter((file) => UNDICI.test(file) || SOURCE_CODE.test(file)), []);
    }
  });

  it('a web origin loads undici with its first check, not when it is parsed, and nothing of the other origins', () => {
    // a port nobody listens on: the check fails, but it has asked
    const { parsed, checked, error } = loadedAfter(CHECK('http://127.0.0.1:9/ip'));
    assert.equal(error, 'ENETWORK');
    assert.deepEqual(parsed.filter((file) => UNDICI.test(file) || SOURCE_CODE.test(file)), []);
    assert.ok(checked.some((file) => UNDICI.test(file)), 'undici was loaded for the check');
    // its Agent only: not fetch, WebSocket, the mock agents or the caches that undici's index brings
    assert.deepEqual(checked.filter((file) => /node_modules[\\/]undici[\\/](index\.js|lib[\\/](web|mock|cache)[\\/])/.test(file)), []);
    assert.deepEqual(checked.filter((file) => SOURCE_CODE.test(file)).map((file) => path.basename(file)), ['http.js']);
  });
});
