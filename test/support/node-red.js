'use strict';
// node-red-node-test-helper bound to the Node-RED runtime under test: the
// project's own devDependency, or another one named by NODE_RED_RUNTIME (the
// second-runtime CI job points it at a Node-RED 5 install).
const path = require('node:path');
const helper = require('node-red-node-test-helper');

const runtime = process.env.NODE_RED_RUNTIME
  ? require.resolve('node-red', { paths: [process.env.NODE_RED_RUNTIME] })
  : require.resolve('node-red');
helper.init(runtime);

// The updaters check their records at the zone's authoritative name servers
// (verify), found through the system resolver, which is not on loopback here:
// tests ask no name server unless a test names its own (a node's `verify`
// list, or a stand-in resolver). settings.js's `ddns.verify` is the default
// every node without its own setting takes.
helper._settings.ddns = { ...(helper._settings.ddns || {}), verify: 'off' };

const fs = require('node:fs');
const dist = path.join(__dirname, '..', '..', 'dist', 'nodes');
const catalogs = new Map();

/**
 * RED._ as a real Node-RED gives it to this package's node files, reading the
 * en-US catalogs beside them: the test helper's own RED._ returns keys, and
 * these tests assert that statuses say what happened in words.
 */
function translator(name, lang = 'en-US') {
  return (key, vars) => {
    const colon = key.indexOf(':');
    const file = colon >= 0 ? key.slice(0, colon).split('/').pop() : name;
    const path_ = colon >= 0 ? key.slice(colon + 1) : key;
    const at = `${lang}/${file}`;
    if (!catalogs.has(at)) {
      const where = path.join(dist, 'locales', lang, `${file}.json`);
      catalogs.set(at, fs.existsSync(where) ? JSON.parse(fs.readFileSync(where, 'utf8')) : {});
    }
    const text = path_.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), catalogs.get(at));
    if (typeof text !== 'string') return key;
    return text.replace(/__(\w+)__/g, (whole, v) => (vars && v in vars ? String(vars[v]) : whole));
  };
}

/**
 * The node files as Node-RED loads them from the built package, each with its
 * own RED._; `lang` as a Node-RED started with `lang: 'zh-CN'` reads them.
 */
function nodeFile(name, { lang = 'en-US' } = {}) {
  const register = require(path.join(dist, `${name}.js`));
  // the helper hands every node file one RED object: each gets a view of it with its own catalog
  return (red) => register(Object.assign(Object.create(red), { _: translator(name, lang) }));
}

/** Resolves with the next message a helper node receives, or rejects after ms. */
function nextMessage(node, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
    node.once('input', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Resolves with the next message any of the nodes receives (an output or a Catch), or rejects after ms. */
function nextFromAny(nodes, ms = 5000) {
  return new Promise((resolve, reject) => {
    const listeners = nodes.map((node) => [node, (msg) => finish(null, msg)]);
    const timer = setTimeout(() => finish(new Error(`no message within ${ms} ms`)), ms);
    function finish(err, msg) {
      clearTimeout(timer);
      for (const [node, listener] of listeners) node.removeListener('input', listener);
      if (err) reject(err);
      else resolve(msg);
    }
    // `on`, not `once`: Node-RED keeps input handlers in its own list, which a `once` wrapper confuses on removal
    for (const [node, listener] of listeners) node.on('input', listener);
  });
}

/** Resolves when the node's status matches, with the status. */
function statusWhere(node, predicate, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`status not reached within ${ms} ms`)), ms);
    const listener = (call) => {
      const status = call.args[0];
      if (predicate(status)) {
        clearTimeout(timer);
        node.removeListener('call:status', listener);
        resolve(status);
      }
    };
    node.on('call:status', listener);
  });
}

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

module.exports = { helper, nodeFile, translator, nextMessage, nextFromAny, statusWhere, settle };

/**
 * Records every status a node shows from now on: `current()` is the last one,
 * `count` how many were sent (an unchanged run should send none).
 */
function watchStatus(node, { fromStart = false } = {}) {
  // the helper spies on Node.prototype.status: the calls made before now (a status set while the node was built) are there
  const earlier = fromStart ? helper._NodePrototype.status.getCalls().filter((call) => call.thisValue === node).map((call) => call.args[0]) : [];
  const seen = [...earlier];
  node.on('call:status', (call) => seen.push(call.args[0]));
  return {
    seen,
    get count() {
      return seen.length;
    },
    current: () => seen[seen.length - 1],
  };
}

module.exports.watchStatus = watchStatus;
