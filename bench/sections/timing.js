'use strict';
// Time, where time is the point: an interface change to the DynDNS2 request
// with `watch` on, and a redeploy while every node waits on a hung server.
// In node-red-node-test-helper's runtime.
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const echo = require('../../test/servers/echo-http');
const fakeDyndns2 = require('../../test/servers/fake-dyndns2');
const fakeAlidns = require('../../test/servers/fake-alidns');
const { helper, nodeFile } = require('../../test/support/node-red');

async function watchLatency(row) {
  const addressOf = (i) => `198.51.100.${70 + i}`;
  let address = addressOf(0);
  const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: ['home.example.com'] } } });
  const del = () => { try { execFileSync('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo'], { stdio: 'ignore' }); } catch { /* absent */ } };
  del();
  const flow = [
    { id: 'src', type: 'ip-source', origin: 'iface://lo', pattern: '^198\\.51\\.100\\.7\\d$', scope: 'any', interval: 0, watch: true, wires: [['upd']] },
    { id: 'acct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'home.example.com', retries: 0, wires: [[]] },
  ];
  await helper.load([nodeFile('ip-source'), nodeFile('dyndns2-account'), nodeFile('dyndns2-update')], flow, { acct: { username: 'user', password: 'pass' } });
  await new Promise((r) => setTimeout(r, 1000));
  const samples = [];
  for (let i = 0; i < 5; i++) {
    // a new address each time: the same one coming back is, rightly, no change
    address = addressOf(i);
    const before = dyn.requests.length;
    const t0 = performance.now();
    execFileSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
    while (dyn.requests.length === before && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 2));
    samples.push(performance.now() - t0);
    del();
    await new Promise((r) => setTimeout(r, 600));
    // the removal itself is a change too: let the node settle (it reports ENOADDR)
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  row('interface change -> DynDNS2 request, watch on (median of 5)', `${median.toFixed(0)} ms`, `min ${samples[0].toFixed(0)} ms, max ${samples.at(-1).toFixed(0)} ms; a 300 s polling daemon waits 150 s on average, 300 s at worst (${(150000 / median).toFixed(0)}x)`, { target: 'under 250 ms', met: median < 250 });
  await helper.unload();
  await dyn.close();
}

async function closeDuringRequest(row) {
  // a redeploy while every node waits on a server that never answers
  const hang = await echo.start();
  hang.route('*', { hang: true });
  const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: ['a.example.com'] } } });
  dyn.inject({ hang: true, count: Infinity });
  const alidns = await fakeAlidns.start({ keys: { k: 's' }, domains: ['example.com'] });
  alidns.inject({ type: 'hang', count: Infinity });
  const flow = [
    { id: 'src', type: 'ip-source', origin: hang.url('/ip'), interval: 0, timeout: 120, wires: [[]] },
    { id: 'dacct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined' },
    { id: 'upd', type: 'dyndns2-update', account: 'dacct', hostnames: 'a.example.com', retries: -1, wires: [[]] },
    { id: 'aacct', type: 'aliyun-account', endpoint: alidns.url },
    { id: 'ali', type: 'aliyun-ddns', account: 'aacct', domain: 'example.com', rr: 'www', recordType: 'auto', wires: [[]] },
  ];
  const nodes = ['ip-source', 'dyndns2-account', 'dyndns2-update', 'aliyun-account', 'aliyun-ddns'].map(nodeFile);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    await helper.load(nodes, flow, { dacct: { username: 'user', password: 'pass' }, aacct: { accessKeyId: 'k', accessKeySecret: 's' } });
    helper.getNode('src').receive({});
    helper.getNode('upd').receive({ payload: '8.8.8.8' });
    helper.getNode('ali').receive({ payload: '8.8.8.8' });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await helper.unload();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  row('redeploy while 3 nodes wait on hung servers: close took (median of 5)', `${samples[2].toFixed(0)} ms`, `max ${samples[4].toFixed(0)} ms`, { target: 'under 1 s', met: samples[4] < 1000 });
  await hang.close();
  await dyn.close();
  await alidns.close();
}

module.exports = { watchLatency, closeDuringRequest };
