'use strict';
// What the package costs an idle Node-RED in memory: RSS without it, with it
// installed and no node deployed (registration must load no heavy module), and
// with 100 ip-source or 100 dyndns2-update nodes running. Each in a fresh
// Node-RED; RSS is read twice: settled (the median of 10 samples a second
// apart, once V8's memory reducer has run: about 9 s after start it returns the
// start-up garbage, 20 MB or more, and a reading before that is a lottery) and
// after a full garbage collection.
const echo = require('../../test/servers/echo-http');
const fakeDyndns2 = require('../../test/servers/fake-dyndns2');
const { startBenchRed } = require('../lib/red');
const { cpu, rssBytes, settledRss, median, sleep, MB } = require('../lib/proc');

const NODES = 100;
const mb = (x) => `${(x / MB).toFixed(1)} MB`;

const SETTLE_MS = 15_000;

async function measure(red) {
  const pid = red.child.pid;
  await sleep(SETTLE_MS);
  const before = cpu(pid).sched;
  const settled = await settledRss(pid);
  const cpuShare = (cpu(pid).sched - before) / 1e9 / 10;
  const memory = await red.collectGarbage();
  const collected = [];
  for (let i = 0; i < 3; i++) {
    collected.push(rssBytes(pid));
    await sleep(500);
  }
  return { settled, collected: median(collected), heapUsed: memory.heapUsed, cpuShare };
}

async function idle(install) {
  const red = await startBenchRed({ install });
  try {
    await red.deploy([{ id: 't', type: 'tab', label: 't' }]);
    return await measure(red);
  } finally {
    await red.stop();
  }
}

async function withNodes(flows, after = async () => {}) {
  const red = await startBenchRed();
  try {
    await red.deploy(flows);
    await after(red);
    return await measure(red);
  } finally {
    await red.stop();
  }
}

async function footprint(row) {
  // without and with, twice each, alternating: one start can land on a bad moment
  const runs = { without: [], with: [] };
  for (let i = 0; i < 2; i++) {
    runs.without.push(await idle(false));
    runs.with.push(await idle(true));
  }
  const pick = (list, key) => median(list.map((r) => r[key]));
  const tab = { id: 't', type: 'tab', label: 't' };
  const both = (list) => ({ settled: pick(list, 'settled'), collected: pick(list, 'collected'), heapUsed: pick(list, 'heapUsed') });
  const base = both(runs.without);
  const loaded = both(runs.with);

  // an interface origin: no HTTP, so undici is never loaded
  const local = [tab];
  for (let i = 0; i < NODES; i++) {
    local.push({ id: `l${i}`, type: 'ip-source', z: 't', origin: 'iface://lo', scope: 'any', family: 'ipv4', interval: 300, watch: i < NODES / 2, emit: 'change', wires: [[]] });
  }
  const withLocal = await withNodes(local);

  const ipEcho = await echo.start();
  ipEcho.route('/ip', { body: '8.8.8.8' });
  const sources = [tab];
  for (let i = 0; i < NODES; i++) {
    sources.push({ id: `s${i}`, type: 'ip-source', z: 't', origin: ipEcho.url('/ip'), family: 'ipv4', interval: 300, watch: i < NODES / 2, emit: 'change', timeout: 10, wires: [[]] });
  }
  const withSources = await withNodes(sources, async () => {
    // every node has made its first check (undici loaded, one agent each)
    const deadline = Date.now() + 30000;
    while (ipEcho.requests.length < NODES && Date.now() < deadline) await sleep(100);
  });
  await ipEcho.close();

  const hosts = Array.from({ length: NODES }, (_, i) => `h${i}.example.com`);
  const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts } } });
  const updaters = [tab, { id: 'acct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined', credentials: { username: 'user', password: 'pass' } }];
  updaters.push({ id: 'go', type: 'inject', z: 't', props: [{ p: 'payload', v: '8.8.8.8', vt: 'str' }], repeat: '', once: false, wires: [hosts.map((_, i) => `u${i}`)] });
  for (let i = 0; i < NODES; i++) updaters.push({ id: `u${i}`, type: 'dyndns2-update', z: 't', account: 'acct', hostnames: hosts[i], retries: 0, wires: [[]] });
  const withUpdaters = await withNodes(updaters, async (red) => {
    // each node writes its host once, then holds it
    await sleep(1000);
    await fetch(`${red.url}/inject/go`, { method: 'POST' });
    const deadline = Date.now() + 30000;
    while (dyn.requests.length < NODES && Date.now() < deadline) await sleep(100);
  });
  await dyn.close();

  const plus = (x) => `${x >= 0 ? '+' : ''}${(x / MB).toFixed(1)} MB`;
  const added = (x) => `${plus(x.settled - base.settled)} settled, ${plus(x.collected - base.collected)} after a full GC, ${plus(x.heapUsed - base.heapUsed)} of JS heap held`;
  const shown = (x) => `${mb(x.settled)} settled, ${mb(x.collected)} after a full GC`;
  row('Node-RED RSS idle, without the package', shown(base), `no node deployed; ${mb(base.heapUsed)} of JS heap held; median of 2 starts, each the median of 10 samples 1 s apart`);
  row('Node-RED RSS idle, package installed, no node deployed', shown(loaded), `${added(loaded)}: registration loads neither undici nor any address source or provider`, { target: 'at most +10 MB', met: loaded.settled - base.settled <= 10 * MB });
  row(`Node-RED RSS, ${NODES} ip-source nodes (iface://lo, each checked once, ${NODES / 2} watching)`, shown(withLocal), `${added(withLocal)}; idle CPU ${(withLocal.cpuShare * 100).toFixed(2)} % of one core; the watching nodes share one \`ip monitor\``, { target: 'under +15 MB', met: withLocal.settled - base.settled < 15 * MB });
  row(`Node-RED RSS, ${NODES} ip-source nodes (HTTP origin, each checked once, ${NODES / 2} watching)`, shown(withSources), `${added(withSources)}; idle CPU ${(withSources.cpuShare * 100).toFixed(2)} % of one core`, { target: 'under +15 MB', met: withSources.settled - base.settled < 15 * MB });
  row(`Node-RED RSS, ${NODES} dyndns2-update nodes (one account, each host written once)`, shown(withUpdaters), `${added(withUpdaters)}; idle CPU ${(withUpdaters.cpuShare * 100).toFixed(2)} % of one core`, { target: 'under +15 MB', met: withUpdaters.settled - base.settled < 15 * MB });
  return { runs, base, loaded, withLocal, withSources, withUpdaters };
}

module.exports = { footprint };
