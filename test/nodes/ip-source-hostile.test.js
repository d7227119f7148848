'use strict';
// Hostile servers, each attack reproduced against the ip-source node in Node-RED.
// No assertion is on speed: each asserts what the check answers, that it answered
// within its own configured timeout (with generous slack) and that Node-RED's event
// loop was never blocked for a second meanwhile.
const assert = require('node:assert/strict');
const { performance } = require('node:perf_hooks');
const { helper, nodeFile, nextMessage } = require('../support/node-red');
const echo = require('../servers/echo-http');
const fakeDns = require('../servers/fake-dns');
const fakeIgd = require('../servers/fake-igd');
const { waitFor } = require('../support/wait');
const { patternThreads } = require('../../dist/sources/pattern-runner');

const ipSource = nodeFile('ip-source');
const SLACK_MS = 2000;
const BLOCKED_MS = 1000;
/** ordinary-looking, but each start re-reads the rest of the line: quadratic on an answer with no `"ip":` */
const SLOW_PATTERN = '.*"ip":\\s*"([^"]+)"';

function flow(config) {
  return [
    { id: 'src', type: 'ip-source', name: '', interval: 0, wires: [['out']], ...config },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

/** The longest gap between the ticks of a 10 ms timer: how long the event loop was blocked. */
function watchLoop() {
  let last = performance.now();
  let longest = 0;
  const waiting = [];
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    for (const wake of waiting.splice(0)) wake();
  }, 10);
  return {
    /** the next tick: a block that just ended is measured by then */
    tick: () => new Promise((resolve) => waiting.push(resolve)),
    stop() {
      clearInterval(timer);
      return longest;
    },
  };
}

/**
 * Deploys, sends one input and waits for the answer (a message or a caught error),
 * watching the event loop meanwhile.
 */
async function check(config) {
  await helper.load(ipSource, flow(config));
  const out = nextMessage(helper.getNode('out'), 30000).then((msg) => ({ msg }));
  const caught = nextMessage(helper.getNode('caught'), 30000).then((msg) => ({ error: msg.error }));
  const loop = watchLoop();
  const started = Date.now();
  helper.getNode('src').receive({ payload: 'check' });
  const result = await Promise.race([out, caught]);
  result.elapsedMs = Date.now() - started;
  await loop.tick();
  result.blockedMs = loop.stop();
  return result;
}

function assertResponsive(result, timeoutS) {
  assert.ok(result.blockedMs < BLOCKED_MS, `the event loop was blocked for ${Math.round(result.blockedMs)} ms`);
  assert.ok(result.elapsedMs < timeoutS * 1000 + SLACK_MS, `the check took ${result.elapsedMs} ms with a ${timeoutS} s timeout`);
}

describe('ip-source node against hostile answers: extraction is linear', function () {
  let server;
  let dns;
  before(async () => {
    server = await echo.start();
    // hex letters: the worst case for the old token regex, which re-read the run from every position
    server.route('/letters', { body: 'a'.repeat(65000) });
    dns = await fakeDns.start({ records: [{ name: 'letters.example', type: 'TXT', value: 'b'.repeat(60000) }] });
  });
  after(async () => {
    await server.close();
    await dns.close();
  });
  afterEach(() => helper.unload());

  for (const family of ['ipv4', 'dual']) {
    it(`64 KB of letters (family ${family}): ENOADDR at once, the event loop never stalls`, async () => {
      const result = await check({ origin: server.url('/letters'), family, timeout: 2 });
      assert.equal(result.error && result.error.code, 'ENOADDR', result.error && result.error.message);
      assertResponsive(result, 2);
    });
  }

  it('a 60 KB DNS TXT answer of letters (over TCP): ENOADDR, the event loop never stalls', async () => {
    const result = await check({ origin: `dns://127.0.0.1:${dns.port}/letters.example?type=TXT`, family: 'dual', timeout: 2 });
    assert.equal(result.error && result.error.code, 'ENOADDR', result.error && result.error.message);
    assertResponsive(result, 2);
  });
});

describe('ip-source node against hostile answers: a user pattern cannot stall the loop', function () {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/36', { body: 'IP: 1111111111111111111111111111111!' }); // 36 bytes
    server.route('/digits', { body: '1'.repeat(4500) });
    server.route('/ok', { body: 'IP: 81.2.69.160' });
    // 5 to 10 s of backtracking for an ordinary-looking pattern: each start re-reads the rest (issue 22.6)
    server.route('/hostile', { body: 'a'.repeat(65000) });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('IP: ((\\d+)+\\.)+\\d+$ is refused at deploy (ECONFIG: a quantifier inside a quantifier); nothing is asked', async () => {
    const before = server.requests.length;
    await helper.load(ipSource, flow({ origin: server.url('/36'), pattern: 'IP: ((\\d+)+\\.)+\\d+$', group: -1, timeout: 2 }));
    const src = helper.getNode('src');
    const caught = nextMessage(helper.getNode('caught'), 5000);
    src.receive({ payload: 'check' });
    const msg = await caught;
    assert.equal(msg.error.code, 'ECONFIG');
    assert.match(msg.error.message, /quantifier inside a quantifier \(\(…\+\)\+\), which can take exponential time/);
    assert.equal(server.requests.length, before, 'no request with a refused pattern');
  });

  for (const [title, pattern, reason] of [
    ['overlapping alternatives under a quantifier', '(\\d|\\d\\d)+x', /exponential time/],
    ['a backreference', '(\\d+)\\1x', /exponential time/],
    ['a counted repetition of an unbounded run ((.*a){12}b)', '(.*a){12}b', /counted number of times .* exponential time/],
    ['two overlapping runs side by side (\\d*\\d*x)', '\\d*\\d*x', /two unbounded runs side by side/],
  ]) {
    it(`a pattern with ${title} is refused at deploy`, async () => {
      const result = await check({ origin: server.url('/36'), pattern, timeout: 2 });
      assert.equal(result.error.code, 'ECONFIG');
      assert.match(result.error.message, reason);
    });
  }

  it('a pattern of a shape no check refuses (.*"ip":\\s*"([^"]+)", quadratic) ends by its timeout, with ETIMEDOUT, and never blocks the loop', async () => {
    const result = await check({ origin: server.url('/hostile'), pattern: SLOW_PATTERN, group: 1, timeout: 1 });
    assert.equal(result.error && result.error.code, 'ETIMEDOUT', result.error && result.error.message);
    assert.match(result.error.message, /matching the pattern against an answer of 65000 characters did not finish within the 1 s timeout/);
    assertResponsive(result, 1);
  });

  it('the next check with the same pattern thread still answers', async () => {
    const result = await check({ origin: server.url('/ok'), pattern: 'IP: ([\\d.]+)', group: 1, timeout: 2 });
    assert.equal(result.error, undefined, result.error && result.error.message);
    assert.equal(result.msg.payload, '81.2.69.160');
  });
});

// DESIGN, security rules: "one node's slow pattern cannot delay another node's lookup".
describe('ip-source node against hostile answers: one node\'s slow pattern does not delay another node', function () {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/hostile', { body: 'a'.repeat(65000) });
    server.route('/ok', { body: '{"ip": "81.2.69.160"}', type: 'application/json' });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('a second node gets its address while the first is still stuck in its pattern; the first ends with ETIMEDOUT at its deadline', async () => {
    await helper.load(ipSource, [
      { id: 'slow', type: 'ip-source', origin: server.url('/hostile'), pattern: SLOW_PATTERN, group: 1, timeout: 2, interval: 0, wires: [['slowOut']] },
      { id: 'fast', type: 'ip-source', origin: server.url('/ok'), pattern: '"ip":\\s*"([^"]+)"', group: 1, timeout: 5, interval: 0, wires: [['fastOut']] },
      { id: 'slowOut', type: 'helper' },
      { id: 'fastOut', type: 'helper' },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const events = [];
    helper.getNode('slowOut').on('input', (msg) => events.push({ node: 'slow', payload: msg.payload }));
    helper.getNode('fastOut').on('input', (msg) => events.push({ node: 'fast', payload: msg.payload }));
    helper.getNode('caught').on('input', (msg) => events.push({ node: msg.error.source.id, error: msg.error }));
    const loop = watchLoop();
    const busyBefore = patternThreads().busy;
    const started = Date.now();
    helper.getNode('slow').receive({ payload: 'check' });
    // the slow node's match is on a pattern thread before the fast node asks
    await waitFor(() => patternThreads().busy > busyBefore, 'the slow pattern running on a thread');
    helper.getNode('fast').receive({ payload: 'check' });
    await waitFor(() => events.length > 0, 'the first answer');
    assert.deepEqual(events, [{ node: 'fast', payload: '81.2.69.160' }], 'the fast node answered first, the slow one was still matching');
    await waitFor(() => events.some((e) => e.node === 'slow'), 'the slow node to end');
    const slowMs = Date.now() - started;
    const slow = events.find((e) => e.node === 'slow');
    assert.equal(slow.error && slow.error.code, 'ETIMEDOUT', JSON.stringify(slow));
    assert.match(slow.error.message, /matching the pattern against an answer of 65000 characters did not finish within the 2 s timeout/);
    assert.ok(slowMs < 2000 + SLACK_MS, `the slow node ended ${slowMs} ms after its check began, with a 2 s timeout`);
    await loop.tick();
    const blocked = loop.stop();
    assert.ok(blocked < BLOCKED_MS, `the event loop was blocked for ${Math.round(blocked)} ms`);
  });
});

describe('ip-source node against a hostile router description (upnp://)', function () {
  let igd;
  let internal;
  before(async () => {
    igd = await fakeIgd.start();
    // "another host": a server on 127.0.0.2 standing for 169.254.169.254 or an internal service
    internal = await echo.start({ host: '127.0.0.2' });
    internal.route('*', { status: 500, type: 'text/xml', body: '<s:Envelope><s:Body><s:Fault><faultstring>internal-secret-text</faultstring></s:Fault></s:Body></s:Envelope>' });
  });
  after(async () => {
    await igd.close();
    await internal.close();
  });
  afterEach(async () => {
    igd.reset();
    await helper.unload();
  });

  for (const variant of ['elsewhere', 'urlbaseElsewhere']) {
    it(`a ${variant === 'elsewhere' ? 'controlURL' : 'URLBase'} naming another host is refused with no request to it`, async () => {
      igd.configure({ elsewhere: `http://127.0.0.2:${internal.port}` });
      const before = internal.requests.length;
      const result = await check({ origin: igd.origin(variant), family: 'ipv4', timeout: 2 });
      assert.equal(result.error && result.error.code, 'EBADRESPONSE', result.error && result.error.message);
      assert.match(result.error.message, new RegExp(`control requests to http://127\\.0\\.0\\.2:${internal.port}: refused, not asked`));
      assert.match(result.error.message, /a control URL must be on http:\/\/127\.0\.0\.1:\d+/);
      assert.doesNotMatch(result.error.message, /internal-secret-text/);
      assert.equal(internal.requests.length, before, 'nothing was sent to the other host');
    });
  }

  it('the same host on another port is refused too', async () => {
    igd.configure({ elsewhere: `http://127.0.0.1:${internal.port}` });
    const result = await check({ origin: igd.origin('elsewhere'), family: 'ipv4', timeout: 2 });
    assert.equal(result.error && result.error.code, 'EBADRESPONSE');
    assert.match(result.error.message, /refused, not asked/);
  });
});
