'use strict';
// An editor connected to a Node-RED, as far as the runtime can tell: a comms
// websocket on /comms holding the subscriptions the editor makes when it loads
// (@node-red/editor-client's red.js, plus the debug sidebar and the DDNS tab).
// The runtime sends every published message (statuses, debug, ddns/records) to
// every connection, so a status costs a websocket frame only while one is open.
const path = require('node:path');
const { runtimeUnderTest } = require('../../test/support/node-red-process');

const nodeRedDir = path.dirname(runtimeUnderTest().redJs);
const WebSocket = require(require.resolve('ws', { paths: [nodeRedDir] }));

const EDITOR_TOPICS = [
  'notification/#',
  'status/#',
  'notification/plugin/#',
  'notification/node/#',
  'event-log/#',
  'notification/runtime-deploy',
  'debug',
  'ddns/records',
];

/** Connects like the editor; `received` counts comms messages by topic root (`status`, `debug`, ...). */
async function connectEditor(url) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/comms`);
  const received = new Map();
  ws.on('message', (data) => {
    const parsed = JSON.parse(String(data));
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      if (!m || !m.topic) continue;
      const root = m.topic === 'hb' ? 'hb' : m.topic.split('/')[0];
      received.set(root, (received.get(root) ?? 0) + 1);
    }
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  for (const topic of EDITOR_TOPICS) ws.send(JSON.stringify({ subscribe: topic }));
  return {
    /** messages received so far, all topics but the heartbeat */
    count() {
      let n = 0;
      for (const [root, c] of received) if (root !== 'hb') n += c;
      return n;
    },
    close() {
      ws.close();
    },
  };
}

module.exports = { connectEditor };
