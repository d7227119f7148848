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

/** The node files as Node-RED loads them from the built package. */
function nodeFile(name) {
  return require(path.join(__dirname, '..', '..', 'dist', 'nodes', `${name}.js`));
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

module.exports = { helper, nodeFile, nextMessage, statusWhere, settle };
