'use strict';
// A real BIND 9 (`named`, Debian's bind9 package) on loopback for the RFC 2136
// tests: its own temporary directory, config, zone files and TSIG keys, a free
// port on 127.0.0.1 (and ::1 when asked), run in the foreground as a child of
// the test process and stopped after it. Start waits on events: named's
// "running" line, then one query answered; never a sleep.
//
// `tap()` puts a recording relay in front of it (UDP and TCP), so a test can
// count the messages a client sent and see their opcodes; the records are read
// back with Node's own resolver, independently of the code under test.
const { spawn } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Resolver } = require('node:dns').promises;

const NAMED = ['/usr/sbin/named', '/usr/bin/named'].find((p) => fs.existsSync(p));

/** Why BIND tests cannot run here, or undefined when they can. */
function unavailable() {
  if (!NAMED) return 'BIND 9 (named) is not installed: apt-get install bind9 (CI installs it in .ci/run)';
  return undefined;
}

/** Skips the suite with a printed reason when named is missing. */
function skipWithoutBind(suite) {
  const reason = unavailable();
  if (reason) {
    console.log(`      skipped: ${reason}`);
    suite.pending = true;
    return true;
  }
  return false;
}

function udpFree(port, address) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
}

/** A port free for TCP and UDP on every address given. */
async function freePort(addresses) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, addresses[0], () => {
        const { port: p } = server.address();
        server.close(() => resolve(p));
      });
    });
    let ok = true;
    for (const address of addresses) if (!(await udpFree(port, address))) ok = false;
    if (ok) return port;
  }
  throw new Error('no free port for named');
}

function zoneFile(zone, records) {
  return [
    '$TTL 300',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. 1 3600 600 86400 300`,
    `@ IN NS ns.${zone}.`,
    'ns IN A 127.0.0.1',
    ...records,
    '',
  ].join('\n');
}

/** One question, answered by anything: only used to see that named answers. */
function probe(port, zone, ms = 2000) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const labels = zone.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const query = Buffer.concat([Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 6, 0, 1])]);
    const timer = setTimeout(() => { socket.close(); resolve(false); }, ms);
    socket.on('message', () => { clearTimeout(timer); socket.close(); resolve(true); });
    socket.on('error', () => { clearTimeout(timer); socket.close(); resolve(false); });
    socket.send(query, port, '127.0.0.1');
  });
}

/**
 * Starts named. `keys`: [{name, algorithm, secret}]; `zones`: [{name, records:
 * ['home IN A 192.0.2.1'], grant: ['keyname', ...]}] (each granted key may
 * update every name of the zone; a zone without grants refuses every update).
 */
async function start({ keys, zones, ipv6 = false }) {
  const reason = unavailable();
  if (reason) throw new Error(reason);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-bind9-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort(ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
  const conf = [
    ...keys.map((k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };`),
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${dir}/named.pid";`,
    `  session-keyfile "${dir}/session.key";`,
    `  listen-on port ${port} { 127.0.0.1; };`,
    ipv6 ? `  listen-on-v6 port ${port} { ::1; };` : '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    '  notify no;',
    '  allow-query { any; };',
    '};',
    'controls { };',
    ...zones.map((z) => {
      const grants = (z.grant ?? []).map((k) => `grant ${k} zonesub ANY;`).join(' ');
      const policy = grants ? ` update-policy { ${grants} };` : '';
      return `zone "${z.name}" { type primary; file "${dir}/${z.name}.db";${policy} };`;
    }),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'named.conf'), conf);
  for (const z of zones) fs.writeFileSync(path.join(dir, `${z.name}.db`), zoneFile(z.name, z.records ?? []));

  // -g: foreground, log to stderr; -n 1: one worker (the machine is shared)
  const child = spawn(NAMED, ['-g', '-n', '1', '-c', path.join(dir, 'named.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  // a test run that ends without its after hook (mocha --exit, a crash) leaves no named behind
  const orphan = () => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphan);
  let log = '';
  const running = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk.toString();
      if (/\brunning\b/.test(log)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`named exited (${code}) before it ran:\n${log.slice(-3000)}`)));
    child.once('error', reject);
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30000);
  try {
    await running;
    let answered = false;
    for (let i = 0; i < 5 && !answered; i++) answered = await probe(port, zones[0].name);
    if (!answered) {
      orphan();
      throw new Error(`named runs but does not answer on 127.0.0.1:${port}:\n${log.slice(-3000)}`);
    }
  } catch (err) {
    orphan();
    throw err;
  } finally {
    clearTimeout(timeout);
  }

  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const relays = [];

  return {
    port,
    dir,
    server: `127.0.0.1:${port}`,
    log: () => log,
    /** the addresses of one name and type as named serves them now ([] when none) */
    async records(name, type = 'A') {
      try {
        return (type === 'A' ? await resolver.resolve4(name) : await resolver.resolve6(name)).sort();
      } catch (err) {
        if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return [];
        throw err;
      }
    },
    async ttl(name, type = 'A') {
      const list = type === 'A' ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
      return list[0]?.ttl;
    },
    /** a recording relay in front of named: `{server, messages: [{transport, opcode, id, length, bytes, answer}], close}` */
    async tap() {
      const relay = await startRelay(port);
      relays.push(relay);
      return relay;
    },
    async stop() {
      for (const relay of relays) await relay.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(force);
      }
      process.removeListener('exit', orphan);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function describe(packet, transport) {
  return { transport, id: packet.readUInt16BE(0), opcode: (packet.readUInt16BE(2) >> 11) & 0xf, length: packet.length, bytes: Buffer.from(packet) };
}

/** UDP and TCP relay on a free loopback port; every request is recorded before it is passed on. */
async function startRelay(targetPort) {
  const port = await freePort(['127.0.0.1']);
  const messages = [];
  const udp = dgram.createSocket('udp4');
  udp.on('message', (packet, from) => {
    const record = describe(packet, 'udp');
    messages.push(record);
    const upstream = dgram.createSocket('udp4');
    upstream.on('message', (answer) => {
      record.answer = Buffer.from(answer);
      udp.send(answer, from.port, from.address);
      upstream.close();
    });
    upstream.send(packet, targetPort, '127.0.0.1');
  });
  await new Promise((resolve) => udp.bind(port, '127.0.0.1', resolve));
  const sockets = new Set();
  const tcp = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let answers = Buffer.alloc(0);
    const waiting = [];
    client.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const size = pending.readUInt16BE(0);
        const record = describe(pending.subarray(2, 2 + size), 'tcp');
        messages.push(record);
        waiting.push(record);
        pending = pending.subarray(2 + size);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      answers = Buffer.concat([answers, chunk]);
      while (answers.length >= 2 && answers.length >= 2 + answers.readUInt16BE(0)) {
        const size = answers.readUInt16BE(0);
        const record = waiting.shift();
        if (record) record.answer = Buffer.from(answers.subarray(2, 2 + size));
        answers = answers.subarray(2 + size);
      }
      client.write(chunk);
    });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise((resolve) => tcp.listen(port, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${port}`,
    port,
    messages,
    updates: () => messages.filter((m) => m.opcode === 5),
    queries: () => messages.filter((m) => m.opcode === 0),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => tcp.close(resolve));
      await new Promise((resolve) => udp.close(resolve));
    },
  };
}

module.exports = { start, unavailable, skipWithoutBind };
