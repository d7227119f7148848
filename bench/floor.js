'use strict';
// The floor, in a process of its own (bench/run.js measures its CPU from
// outside, as it does Node-RED's): bursts of timer wake-ups spaced like the
// injects, doing nothing, one keep-alive undici GET (its request() API, as a
// plain client uses it, or its dispatch() handler interface, which
// src/core/http.ts uses), or this package's own ip-source lookup
// (takeReading, as the node calls it) without Node-RED.
// Driven over IPC: {kind, n, spacingMs} -> {done: true}.
const path = require('node:path');
const { Agent, request } = require('undici');

const dist = (p) => require(path.join(__dirname, '..', 'dist', p));

const url = process.argv[2];
const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
const { origin, pathname } = new URL(url);
let lookup;

const work = {
  async idle() {},
  async undici() {
    const res = await request(url, { dispatcher: agent });
    await res.body.text();
  },
  dispatch() {
    return new Promise((resolve, reject) => {
      const chunks = [];
      agent.dispatch({ origin, path: pathname, method: 'GET' }, {
        onRequestStart() {},
        onResponseStart() {},
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve(Buffer.concat(chunks).toString('utf8'));
        },
        onResponseError(_controller, err) {
          reject(err);
        },
      });
    });
  },
  async lookup() {
    if (!lookup) {
      const { parseIpSourceConfig } = dist('sources/settings');
      const { createHttpAgent } = dist('core/http');
      const settings = parseIpSourceConfig({ origin: url, family: 'ipv4', interval: 0, emit: 'change', timeout: 10 });
      lookup = { settings, dispatchers: { ipv4: createHttpAgent({ family: 4 }) }, closing: new AbortController(), last: undefined, take: dist('sources/reading').takeReading };
    }
    const reading = await lookup.take(lookup.settings, lookup.last, lookup.closing.signal, lookup.dispatchers);
    lookup.last = reading.remember;
  },
};

async function burst({ kind, n, spacingMs }) {
  const start = performance.now();
  for (let i = 1; i <= n; i++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * spacingMs - performance.now())));
    await work[kind]();
  }
}

process.on('message', (job) => {
  if (job === 'exit') process.exit(0);
  burst(job).then(
    () => process.send({ done: true }),
    (err) => process.send({ error: String(err && err.stack) }),
  );
});
process.send({ ready: true });
