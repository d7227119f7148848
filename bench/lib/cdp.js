'use strict';
// A minimal Chrome DevTools Protocol client over the inspector's websocket:
// enough to start and stop V8's sampling profiler in another process.
const path = require('node:path');
const { runtimeUnderTest } = require('../../test/support/node-red-process');

const WebSocket = require(require.resolve('ws', { paths: [path.dirname(runtimeUnderTest().redJs)] }));

async function connectInspector(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    const waiter = msg.id !== undefined && pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`${msg.error.message}`));
    else waiter.resolve(msg.result);
  });
  return {
    send(method, params = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => ws.close(),
  };
}

module.exports = { connectInspector };
