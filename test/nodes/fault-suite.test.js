'use strict';
// Faults and hostile input against real nodes in a real runtime: TLS, random
// input, and the promise that no secret leaves a node by any path.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { helper, nodeFile, nextMessage, nextFromAny } = require('../support/node-red');
const echo = require('../servers/echo-http');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const { parseAddress } = require('../../dist/core/address');

const tlsDir = path.join(__dirname, '..', 'fixtures', 'tls');
const serverTls = { key: fs.readFileSync(path.join(tlsDir, 'server.key')), cert: fs.readFileSync(path.join(tlsDir, 'server.crt')) };
const tlsConfigNode = require(require.resolve('@node-red/nodes/core/network/05-tls.js', {
  paths: [path.dirname(require.resolve('node-red/package.json', { paths: [process.env.NODE_RED_RUNTIME || path.join(__dirname, '..', '..')] }))],
}));

/** A small deterministic PRNG so a failing input can be reproduced. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomInput(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const octet = () => Math.floor(rand() * 300);
  const junk = (n) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 0x2fff))).join('');
  switch (Math.floor(rand() * 12)) {
    case 0: return `${octet()}.${octet()}.${octet()}.${octet()}`;
    case 1: return `8.8.${octet()}.${octet()}\r\nX-Injected: 1`;
    case 2: return 'x'.repeat(Math.floor(rand() * 200000));
    case 3: return { ipv4: pick(['8.8.8.8', '1.2.3', null, 7, 'a\nb']), ipv6: pick(['2001:4860::1', 'zz::1', undefined, {}]) };
    case 4: return pick([null, undefined, 0, -1, NaN, true, [], [1, 2], {}, () => 1]);
    case 5: return junk(Math.floor(rand() * 64));
    case 6: return `fe80::${Math.floor(rand() * 0xffff).toString(16)}%eth0`;
    case 7: return `2001:4860:${Math.floor(rand() * 0xffff).toString(16)}::${Math.floor(rand() * 0xffff).toString(16)}`;
    case 8: return `8.8.4.${Math.floor(rand() * 256)}`;
    case 9: return Buffer.from(junk(16));
    case 10: return { toString() { throw new Error('hostile'); } };
    default: return `8.8.8.8&hostname=evil.example.com`;
  }
}

describe('fault suite', function () {
  this.timeout(60000);
  afterEach(() => helper.unload());

  describe('TLS', () => {
    let server;
    before(async () => {
      server = await echo.start({ tls: serverTls });
      server.route('/ip', { body: '8.8.8.8' });
    });
    after(() => server.close());

    it('a certificate from an unknown CA is refused (ETLS), never ignored', async () => {
      await helper.load(nodeFile('ip-source'), [
        { id: 'src', type: 'ip-source', origin: server.url('/ip'), interval: 0, wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ]);
      const caught = nextMessage(helper.getNode('caught'));
      helper.getNode('src').receive({});
      assert.equal((await caught).error.code, 'ETLS');
      assert.equal(server.requests.length, 0, 'nothing was sent over the unverified connection');
    });

    it('an account trusts a private CA through a tls-config node', async () => {
      const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: ['a.example.com'] } } });
      // the DynDNS2 protocol over TLS: a TLS front that forwards to the fake server
      const front = await echo.start({ tls: serverTls });
      front.route('*', { body: () => 'good 8.8.8.8' });
      await helper.load([tlsConfigNode, nodeFile('dyndns2-account'), nodeFile('dyndns2-update')], [
        { id: 'tlsconf', type: 'tls-config', cert: '', key: '', ca: path.join(tlsDir, 'ca.crt'), verifyservercert: true },
        { id: 'acct', type: 'dyndns2-account', server: front.url('/nic/update'), tls: 'tlsconf', dualStack: 'combined' },
        { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ], { acct: { username: 'user', password: 'pass' } });
      const out = nextMessage(helper.getNode('out'));
      helper.getNode('upd').receive({ payload: '8.8.8.8' });
      const msg = await out;
      assert.equal(msg.ddns.results[0].status, 'updated');
      assert.equal(front.requests.length, 1);
      await front.close();
      await dyn.close();
    });
  });

  describe('1,000 random inputs to dyndns2-update', () => {
    let server;
    before(async () => {
      server = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: ['a.example.com'] } } });
    });
    after(() => server.close());

    it('each gets one answer, only valid addresses reach the wire, nothing crashes', async () => {
      await helper.load([nodeFile('dyndns2-account'), nodeFile('dyndns2-update')], [
        { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'separate' },
        { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, refresh: 0, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ], { acct: { username: 'user', password: 'pass' } });
      const upd = helper.getNode('upd');
      const out = helper.getNode('out');
      const rand = prng(20261123);
      let answers = 0;
      out.on('input', () => answers++);
      for (let i = 0; i < 1000; i++) {
        const answered = nextMessage(out);
        upd.receive({ payload: randomInput(rand) });
        await answered;
      }
      assert.equal(answers, 1000);
      assert.ok(server.requests.length > 0, 'the valid inputs among them were sent');
      for (const request of server.requests) {
        assert.ok(!/[\r\n]/.test(request.rawQuery));
        assert.deepEqual(request.hostnames, ['a.example.com']);
        for (const value of [request.query.myip, request.query.myipv6].filter(Boolean)) {
          assert.ok(parseAddress(value), `sent ${value}`);
        }
      }
    });
  });

  describe('1,000 random inputs to aliyun-ddns', () => {
    it('each gets one answer, only addresses are written, nothing crashes', async () => {
      const fakeAlidns = require('../servers/fake-alidns');
      const server = await fakeAlidns.start({ keys: { fuzz: 'fuzz-secret' }, domains: ['example.com'] });
      await helper.load([nodeFile('aliyun-account'), nodeFile('aliyun-ddns')], [
        { id: 'acct', type: 'aliyun-account', endpoint: server.url },
        { id: 'ddns', type: 'aliyun-ddns', account: 'acct', domain: 'example.com', rr: 'fuzz', recordType: 'auto', create: true, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ], { acct: { accessKeyId: 'fuzz', accessKeySecret: 'fuzz-secret' } });
      const ddns = helper.getNode('ddns');
      const rand = prng(7);
      let answers = 0;
      helper.getNode('out').on('input', () => answers++);
      for (let i = 0; i < 1000; i++) {
        const answered = nextMessage(helper.getNode('out'));
        ddns.receive({ payload: randomInput(rand) });
        await answered;
      }
      assert.equal(answers, 1000);
      const writes = server.requests.filter((r) => r.action === 'UpdateDomainRecord' || r.action === 'AddDomainRecord');
      assert.ok(writes.length > 0, 'the valid inputs among them were written');
      for (const write of writes) {
        const parsed = parseAddress(write.params.Value);
        assert.ok(parsed && parsed.address === write.params.Value, `wrote ${write.params.Value}`);
        assert.equal(write.params.Type, parsed.family === 4 ? 'A' : 'AAAA');
      }
      await server.close();
    });
  });

  describe('random HTTP answers to ip-source', () => {
    it('emits only addresses that are valid, public and present in the answer', async () => {
      const server = await echo.start();
      const rand = prng(42);
      await helper.load(nodeFile('ip-source'), [
        { id: 'src', type: 'ip-source', origin: server.url('/ip'), interval: 0, emit: 'always', family: 'any', wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ]);
      const src = helper.getNode('src');
      const emitted = [];
      helper.getNode('out').on('input', (m) => emitted.push(m));
      const bodies = [];
      for (let i = 0; i < 300; i++) {
        const body = [randomInput(rand), randomInput(rand)].map((v) => (typeof v === 'string' ? v.slice(0, 3000) : JSON.stringify(v) ?? '')).join(' ');
        bodies.push(body);
        server.route('/ip', { body, status: rand() < 0.2 ? 500 : 200 });
        const emittedBefore = emitted.length;
        // each check ends in an output or a Catch: whichever comes
        const answered = nextFromAny([helper.getNode('out'), helper.getNode('caught')]);
        src.receive({});
        await answered;
        if (emitted.length > emittedBefore) {
          const address = emitted.at(-1).payload;
          const parsed = parseAddress(address);
          assert.ok(parsed && parsed.range === 'unicast', `emitted ${address}`);
          // an address may follow a label and a colon (`IP:203.0.113.5`, `IPv6:2001:db8::5`) or precede a port
          // (`203.0.113.5:51234`): every colon-separated tail and head of a token is a candidate
          const tokens = body.match(/[0-9A-Fa-f:.]+/g) || [];
          const pieces = tokens.flatMap((t) => {
            const out = [t];
            for (let i = t.indexOf(':'); i >= 0; i = t.indexOf(':', i + 1)) out.push(t.slice(i + 1), t.slice(0, i));
            return out;
          });
          const inBody = pieces.map((t) => parseAddress(t.replace(/\.+$/, ''))).filter(Boolean).map((p) => p.address);
          assert.ok(inBody.includes(address), `${address} is not in the answer`);
        }
      }
      assert.ok(emitted.length > 0);
      await server.close();
    });
  });

  describe('secrets', () => {
    it('the password appears in no message, status, error or log line, at any log level', async () => {
      const password = 'Sup3r-Secret-Fault-Pass';
      const basic = Buffer.from(`user:${password}`).toString('base64');
      const server = await fakeDyndns2.start({ users: { user: { password, hosts: ['a.example.com'] } } });
      await helper.load([nodeFile('dyndns2-account'), nodeFile('dyndns2-update')], [
        { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined' },
        { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 1, wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ], { acct: { username: 'user', password } });
      const seen = [];
      const upd = helper.getNode('upd');
      upd.on('call:status', (call) => seen.push(JSON.stringify(call.args)));
      upd.on('call:error', (call) => seen.push(String(call.args[0] && call.args[0].stack), JSON.stringify(call.args)));
      upd.on('call:log', (call) => seen.push(JSON.stringify(call.args)));
      upd.on('call:debug', (call) => seen.push(JSON.stringify(call.args)));
      upd.on('call:trace', (call) => seen.push(JSON.stringify(call.args)));
      helper.getNode('out').on('input', (m) => seen.push(JSON.stringify(m)));
      helper.getNode('caught').on('input', (m) => seen.push(JSON.stringify(m)));
      // the server echoes the secret back in an error body: it must still not leave the node
      const faults = [
        { body: 'good 8.8.8.8' },
        { status: 500, body: `internal error for ${password}` },
        { body: `garbage ${password} ${basic}` },
        { status: 401, body: 'badauth' },
      ];
      for (const [i, fault] of faults.entries()) {
        server.inject({ ...fault, count: 2 });
        const out = nextMessage(helper.getNode('out'));
        upd.receive({ payload: `8.8.8.${i + 1}` });
        await out;
      }
      const logs = helper.log().args.map((a) => JSON.stringify(a));
      const everything = [...seen, ...logs].join('\n');
      assert.ok(seen.length > 10);
      assert.ok(!everything.includes(password), 'password leaked');
      assert.ok(!everything.includes(basic), 'Authorization header leaked');
      await server.close();
    });
  });
});
