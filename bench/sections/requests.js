'use strict';
// Requests a check costs: what an unchanged check and a change send to a
// DynDNS2 server, keep-alive against a new connection per check, and Alibaba
// Cloud DNS with 1,000 records. Calls the package's modules directly.
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const echo = require('../../test/servers/echo-http');
const fakeDyndns2 = require('../../test/servers/fake-dyndns2');
const fakeAlidns = require('../../test/servers/fake-alidns');

const root = path.join(__dirname, '..', '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createHttpAgent } = dist('core/http');
const { parseIpSourceConfig } = dist('sources/settings');
const { findAddress } = dist('sources/lookup');
const { updateHosts } = dist('providers/dyndns2');
const { AlidnsClient, syncRecords } = dist('providers/aliyun');

async function requestsPerCheck(row) {
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

async function keepAliveConnections(row) {
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

async function alidnsThousand(row) {
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

module.exports = { requestsPerCheck, keepAliveConnections, alidnsThousand };
