'use strict';
// What a real BIND will not do on demand, from a scripted server on loopback
// (test/servers/fake-rfc2136.js, with its own TSIG signer): SERVFAIL and
// silence are retried with the run's backoff and never block; a truncated UDP
// answer is asked again over TCP; datagrams that are not the verified answer
// are passed over while the real one is awaited; an unsigned refusal fails
// without blocking; close aborts an exchange at once. Backoff is tiny; no
// timing is asserted but "within its own deadline".
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const fake = require('../servers/fake-rfc2136');
const { trackSockets } = require('../support/udp-sockets');
const { waitFor } = require('../support/wait');
const { createRfc2136Provider } = require('../../dist/providers/rfc2136');
const { Run } = require('../../dist/core/run');

const SECRET = Buffer.from('fake-server test secret, 32 bytes').toString('base64');
const TINY_BACKOFF = { baseMs: 1, capMs: 5 };


/** the block a name's records hold in the stored ledger (src/core/ledger.ts), whichever type holds it */
function blockOf(state, name) {
  const entry = Object.values(state.records).find((e) => e.name === name && e.block);
  return entry ? entry.block.code : undefined;
}

describe('rfc2136 exchanges (scripted server)', function () {
  let server;
  before(async () => {
    server = await fake.start({ keys: { 'ddns-key': SECRET } });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  function provider(settings = {}) {
    return createRfc2136Provider({
      settings: { server: server.server, zone: 'example.test', keyName: 'ddns-key', secret: SECRET, hostnames: 'home.example.test', backoff: TINY_BACKOFF, retries: 2, timeoutMs: 1000, ...settings },
    });
  }

  async function sync(p, { signal, progress } = {}) {
    const run = new Run({ signal: signal ?? new AbortController().signal, policy: p.retry, ...(progress ? { progress } : {}) });
    return p.sync({ value: '192.0.2.1' }, p.emptyState(), run);
  }

  const updates = () => server.requests.filter((r) => r.opcode === 'update');
  const outcome = (out) => out.results.map((r) => [r.status, r.code, r.providerCode]);

  it('a new name: one query (NXDOMAIN), one update, created', async () => {
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['created', undefined, 'NOERROR']]);
    assert.deepEqual(server.requests.map((r) => [r.transport, r.opcode]), [['udp', 'query'], ['udp', 'update']]);
  });

  it('SERVFAIL is retried with backoff and succeeds when the server recovers', async () => {
    server.script('update', ['servfail', 'servfail']);
    const retries = [];
    const out = await sync(provider(), { progress: { retrying: (info) => retries.push(info.error.providerCode), resumed: () => undefined } });
    assert.deepEqual(outcome(out), [['created', undefined, 'NOERROR']]);
    assert.equal(updates().length, 3);
    assert.deepEqual(retries, ['SERVFAIL', 'SERVFAIL']);
  });

  it('SERVFAIL to the end: failed (EPROVIDER, SERVFAIL), not blocked', async () => {
    server.script('update', ['servfail', 'servfail', 'servfail']);
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['failed', 'EPROVIDER', 'SERVFAIL']]);
    assert.equal(updates().length, 3, 'first attempt and two retries');
    assert.equal(blockOf(out.state, 'home.example.test'), undefined);
  });

  it('no answer: ETIMEDOUT after the retries, each within its deadline; not blocked', async () => {
    server.script('update', ['drop', 'drop', 'drop']);
    const started = Date.now();
    const out = await sync(provider({ timeoutMs: 300 }));
    assert.deepEqual(outcome(out), [['failed', 'ETIMEDOUT', undefined]]);
    assert.equal(updates().length, 3);
    assert.ok(Date.now() - started < 3 * 300 + 5000, 'three deadlines of 300 ms, with generous slack');
    assert.equal(blockOf(out.state, 'home.example.test'), undefined);
  });

  it('a truncated UDP answer: the same request again over TCP', async () => {
    server.script('update', ['truncate']);
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['created', undefined, 'NOERROR']]);
    assert.deepEqual(updates().map((r) => r.transport), ['udp', 'tcp']);
    assert.equal(updates()[0].id, updates()[1].id, 'the same signed message');
  });

  it('an unsigned NOERROR is never taken for success: the signed answer behind it counts', async () => {
    server.script('update', ['unsigned-first']);
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['failed', 'EFORBIDDEN', 'REFUSED']]);
    assert.equal(updates().length, 1);
  });

  it('an answer under another id is passed over: the right one behind it counts', async () => {
    server.script('update', ['wrong-id-first']);
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['created', undefined, 'NOERROR']]);
    assert.equal(updates().length, 1);
  });

  it('only an answer whose MAC does not verify: never a success (EBADRESPONSE), nothing remembered', async () => {
    server.script('update', ['bad-mac', 'bad-mac', 'bad-mac']);
    const out = await sync(provider({ timeoutMs: 300 }));
    assert.deepEqual(outcome(out), [['failed', 'EBADRESPONSE', undefined]]);
    assert.match(out.results[0].message, /signature \(MAC\) does not verify/);
    assert.equal(out.state.records['home.example.test/A']?.value, undefined);
  });

  it('a signed REFUSED blocks; an unsigned one fails without blocking', async () => {
    server.script('update', ['refused']);
    const blocked = await sync(provider());
    assert.deepEqual(outcome(blocked), [['failed', 'EFORBIDDEN', 'REFUSED']]);
    assert.equal(blockOf(blocked.state, 'home.example.test'), 'REFUSED');
    server.script('update', ['refused-unsigned']);
    const unsigned = await sync(provider());
    assert.deepEqual(outcome(unsigned), [['failed', 'EFORBIDDEN', 'REFUSED']]);
    assert.match(unsigned.results[0].message, /not signed, so nothing is blocked/);
    assert.equal(blockOf(unsigned.state, 'home.example.test'), undefined);
  });

  it('SERVFAIL to the query that looks first: retried like any exchange', async () => {
    server.script('query', ['servfail']);
    const out = await sync(provider());
    assert.deepEqual(outcome(out), [['created', undefined, 'NOERROR']]);
    assert.deepEqual(server.requests.map((r) => r.opcode), ['query', 'query', 'update']);
  });

  it('aborting the run ends an exchange in flight at once and closes its socket', async () => {
    server.script('update', ['drop']);
    const tracked = trackSockets();
    try {
      const abort = new AbortController();
      const running = sync(provider({ timeoutMs: 60_000 }), { signal: abort.signal });
      await waitFor(() => updates().length > 0, 'the update to reach the server');
      abort.abort();
      await assert.rejects(running, (err) => err.code === 'EABORTED');
      assert.ok(await tracked.allClosed(), 'every UDP socket closed');
    } finally {
      tracked.restore();
    }
  });

  it('nobody listening: ENETWORK (port unreachable), retried, then failed', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise((r) => socket.bind(0, '127.0.0.1', r));
    const port = socket.address().port;
    await new Promise((r) => socket.close(r));
    const out = await sync(provider({ server: `127.0.0.1:${port}` }));
    assert.deepEqual(outcome(out), [['failed', 'ENETWORK', undefined]]);
  });
});
