'use strict';
// `npm run bench`: the figures README's performance section quotes, measured
// against fake servers on loopback in one run. Not a test: nothing here asserts
// a time; it prints a table (and bench-results.json under test-output/).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const echo = require('../test/servers/echo-http');
const fakeDyndns2 = require('../test/servers/fake-dyndns2');
const fakeAlidns = require('../test/servers/fake-alidns');
const { helper, nodeFile } = require('../test/support/node-red');
const { startNodeRed } = require('../test/support/node-red-process');

const { createHttpAgent } = dist('core/http');
const { parseIpSourceConfig } = dist('sources/settings');
const { findAddress } = dist('sources/lookup');
const { updateHosts } = dist('providers/dyndns2');
const { AlidnsClient, syncRecords } = dist('providers/aliyun');

const rows = [];
function row(measure, value, note = '') {
  rows.push({ measure, value, note });
  console.log(`${measure}: ${value}${note ? `  (${note})` : ''}`);
}

async function requestsPerCheck() {
  const ipEcho = await echo.start();
  ipEcho.route('/ip', { body: '8.8.8.8' });
  const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: Array.from({ length: 45 }, (_, i) => `h${i}.example.com`) } } });
  const agent = createHttpAgent();
  const settings = parseIpSourceConfig({ origin: ipEcho.url('/ip'), timeout: 5 }).lookup;
  const base = { server: dyn.url, username: 'user', password: 'pass', hostnames: Array.from({ length: 45 }, (_, i) => `h${i}.example.com`), retries: 0 };
  // first run writes, then a check where nothing changed, then a change
  let state;
  let out = await updateHosts({ settings: base, payload: '8.8.8.8', dispatcher: agent, version: 'bench' });
  state = out.state;
  const lookupsBefore = ipEcho.requests.length;
  const providerBefore = dyn.requests.length;
  const found = await findAddress(settings, 'ipv4', new AbortController().signal, agent);
  out = await updateHosts({ settings: base, payload: found.address, state, dispatcher: agent, version: 'bench' });
  row('unchanged check, 45 DynDNS2 hosts: address lookups', ipEcho.requests.length - lookupsBefore);
  row('unchanged check, 45 DynDNS2 hosts: provider requests', dyn.requests.length - providerBefore, 'ddclient/inadyn without a cache file resend on start');
  const changeBefore = dyn.requests.length;
  out = await updateHosts({ settings: base, payload: '8.8.4.4', state: out.state, dispatcher: agent, version: 'bench' });
  row('address change, 45 DynDNS2 hosts: provider requests', dyn.requests.length - changeBefore, 'one per 20 hosts');
  await agent.close();
  await ipEcho.close();
  await dyn.close();
}

async function keepAliveConnections() {
  const tls = {
    key: fs.readFileSync(path.join(root, 'test/fixtures/tls/server.key')),
    cert: fs.readFileSync(path.join(root, 'test/fixtures/tls/server.crt')),
  };
  const server = await echo.start({ tls });
  server.route('/ip', { body: '8.8.8.8' });
  const agent = createHttpAgent({ tls: { ca: fs.readFileSync(path.join(root, 'test/fixtures/tls/ca.crt')) } });
  const settings = parseIpSourceConfig({ origin: server.url('/ip'), timeout: 5 }).lookup;
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) await findAddress(settings, 'ipv4', new AbortController().signal, agent);
  const ms = performance.now() - t0;
  row('HTTPS connections opened for 100 checks (keep-alive)', server.connections, `${(ms / 100).toFixed(2)} ms per check`);
  await agent.close();
  // the same 100 checks with a new connection each time, as a shell-script client (curl per check) does
  const before = server.connections;
  const t1 = performance.now();
  for (let i = 0; i < 100; i++) {
    const fresh = createHttpAgent({ tls: { ca: fs.readFileSync(path.join(root, 'test/fixtures/tls/ca.crt')) } });
    await findAddress(settings, 'ipv4', new AbortController().signal, fresh);
    await fresh.close();
  }
  const fresh = performance.now() - t1;
  row('HTTPS connections for 100 checks, new connection each', server.connections - before, `${(fresh / 100).toFixed(2)} ms per check; keep-alive is ${(fresh / ms).toFixed(1)}x faster`);
  await server.close();
}

async function watchLatency() {
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
  row('interface change -> DynDNS2 request, watch on (median of 5)', `${median.toFixed(0)} ms`, `min ${samples[0].toFixed(0)} ms, max ${samples.at(-1).toFixed(0)} ms; a 300 s polling daemon waits 150 s on average, 300 s at worst (${(150000 / median).toFixed(0)}x)`);
  await helper.unload();
  await dyn.close();
}

async function closeDuringRequest() {
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
  row('redeploy while 3 nodes wait on hung servers: close took (median of 5)', `${samples[2].toFixed(0)} ms`, `max ${samples[4].toFixed(0)} ms; the requirement is under 1 s`);
  await hang.close();
  await dyn.close();
  await alidns.close();
}

async function alidnsThousand() {
  const N = 1000;
  const rrs = Array.from({ length: N }, (_, i) => `host${i}`);
  const server = await fakeAlidns.start({ keys: { bench: 'bench-secret' }, domains: ['example.com'], latencyMs: 20 });
  for (const [i, rr] of rrs.entries()) server.addRecord('example.com', { RR: rr, Value: i % 20 === 0 ? '8.8.4.4' : '8.8.8.8' });
  const agent = createHttpAgent({ connections: 4 });
  const client = new AlidnsClient({ endpoint: server.url, accessKeyId: 'bench', accessKeySecret: 'bench-secret', dispatcher: agent });
  const run = async (bulkThreshold) => {
    server.reset();
    const t0 = performance.now();
    const out = await syncRecords(client, { domain: 'example.com', rr: rrs, type: 'A', value: '8.8.8.8', bulkThreshold }, undefined);
    const ms = performance.now() - t0;
    const reads = server.count('DescribeDomainRecords') + server.count('DescribeSubDomainRecords');
    // put the 50 changed records back for the next run
    for (const rr of rrs.filter((_, i) => i % 20 === 0)) server.list('example.com', rr, 'A')[0].Value = '8.8.4.4';
    return { ms, reads, writes: server.count('UpdateDomainRecord'), total: out.requests, state: out.state };
  };
  const bulk = await run(undefined);
  const each = await run(1_000_000);
  row(`Alidns: sync ${N} records (50 changed), 20 ms server latency: API calls`, `${bulk.total} (${bulk.reads} list + ${bulk.writes} update)`, `looking each record up: ${each.total} (${each.reads} + ${each.writes})`);
  row(`Alidns: sync ${N} records, wall time`, `${(bulk.ms / 1000).toFixed(2)} s`, `looking each record up: ${(each.ms / 1000).toFixed(2)} s (${(each.ms / bulk.ms).toFixed(1)}x slower)`);
  server.reset();
  const t1 = performance.now();
  await syncRecords(client, { domain: 'example.com', rr: rrs, type: 'A', value: '8.8.8.8' }, bulk.state);
  row(`Alidns: the next check of ${N} unchanged records`, `${server.requests.length} API calls`, `${(performance.now() - t1).toFixed(0)} ms`);
  await agent.close();
  await server.close();
}

function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rss, ticks };
}

async function footprint() {
  const measure = async (red, label) => {
    await new Promise((r) => setTimeout(r, 3000));
    const a = procStats(red.child.pid);
    // RSS wanders with garbage collection: the median of one sample a second
    const samples = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(procStats(red.child.pid).rss);
    }
    const b = procStats(red.child.pid);
    const cpu = ((b.ticks - a.ticks) / 100 / 10) * 100;
    samples.sort((x, y) => x - y);
    return { label, rssMb: samples[5] / 1048576, cpu };
  };
  const bare = await startNodeRed({ install: false });
  await bare.deploy([{ id: 't', type: 'tab', label: 't' }]);
  const base = await measure(bare, 'without');
  await bare.stop();
  const red = await startNodeRed();
  await red.deploy([{ id: 't', type: 'tab', label: 't' }]);
  const idle = await measure(red, 'loaded, no nodes');
  const flows = [{ id: 't', type: 'tab', label: 't' }];
  for (let i = 0; i < 100; i++) {
    flows.push({ id: `s${i}`, type: 'ip-source', z: 't', origin: 'iface://lo', scope: 'any', interval: 0, watch: i < 50, wires: [[]] });
  }
  await red.deploy(flows);
  const loaded = await measure(red, 'with');
  await red.stop();
  row('Node-RED RSS idle, without the package', `${base.rssMb.toFixed(1)} MB`, `CPU ${base.cpu.toFixed(2)} % over 10 s`);
  row('Node-RED RSS idle, package loaded, no nodes', `${idle.rssMb.toFixed(1)} MB`, `CPU ${idle.cpu.toFixed(2)} % over 10 s`);
  row('Node-RED RSS idle, package + 100 ip-source nodes (50 watching)', `${loaded.rssMb.toFixed(1)} MB`, `CPU ${loaded.cpu.toFixed(2)} % over 10 s; +${(loaded.rssMb - base.rssMb).toFixed(1)} MB`);
}

async function main() {
  const only = process.argv[2];
  const sections = { requestsPerCheck, keepAliveConnections, watchLatency, closeDuringRequest, alidnsThousand, footprint };
  for (const [name, fn] of Object.entries(sections)) {
    if (only && only !== name) continue;
    console.log(`\n# ${name}`);
    await fn();
  }
  fs.mkdirSync(path.join(root, 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(root, 'test-output', 'bench-results.json'), JSON.stringify(rows, null, 2));
  console.log('\n| measure | value | note |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.measure} | ${r.value} | ${r.note} |`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
