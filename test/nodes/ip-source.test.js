'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const { requireRoot } = require('../support/root');
const { waitFor } = require('../support/wait');
const echo = require('../servers/echo-http');

const ipSource = nodeFile('ip-source');

function flow(config) {
  return [
    { id: 'src', type: 'ip-source', name: '', wires: [['out']], ...config },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

/** Loads the flow with a memory context store, as a settings file with contextStorage would (see record-board.test.js). */
async function loadWithContextStore(flowConfig) {
  await helper.load(ipSource, flowConfig);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

describe('ip-source node', function () {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/v4', { body: '8.8.8.8' });
    server.route('/500', { status: 500, body: '9.9.9.9' });
    server.route('/hang', { hang: true });
  });
  after(() => server.close());
  afterEach(async () => {
    await helper.unload();
  });

  it('is registered and answers an input with the address', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/v4'), family: 'ipv4', interval: 0 }));
    const out = helper.getNode('out');
    const received = nextMessage(out);
    helper.getNode('src').receive({ payload: 'go', keep: 'me' });
    const msg = await received;
    assert.equal(msg.payload, '8.8.8.8');
    assert.equal(msg.keep, 'me');
    assert.equal(msg.topic, server.url('/v4'));
    assert.deepEqual(
      { address: msg.ip.address, family: msg.ip.family, origin: msg.ip.origin, changed: msg.ip.changed, previous: msg.ip.previous },
      { address: '8.8.8.8', family: 4, origin: server.url('/v4'), changed: true, previous: undefined },
    );
  });

  it('an input always passes the address on, changed or not, and an unchanged check shows no new status', async () => {
    // the updaters skip an unchanged address without asking their provider, so passing it on costs
    // nothing; not passing it on stranded records whose updater failed once (issue: first five minutes)
    await helper.load(ipSource, flow({ origin: server.url('/v4'), interval: 0, emit: 'change' }));
    const src = helper.getNode('src');
    const out = helper.getNode('out');
    const status = watchStatus(src);
    let received = nextMessage(out);
    src.receive({});
    let msg = await received;
    assert.equal(msg.ip.changed, true);
    const green = status.current();
    assert.equal(green.fill, 'green');
    assert.match(green.text, /^8\.8\.8\.8 since \d\d:\d\d:\d\d$/);
    const shown = status.count;
    received = nextMessage(out);
    src.receive({});
    msg = await received;
    assert.equal(msg.payload, '8.8.8.8');
    assert.equal(msg.ip.changed, false);
    assert.equal(msg.ip.previous, '8.8.8.8');
    assert.equal(status.count, shown, 'nothing visible changed, so no status message');
  });

  it('nodes asking the same service share one keep-alive connection, ended when the last of them closes', async () => {
    const own = await echo.start();
    own.route('/v4', { body: '8.8.8.8' });
    try {
      const two = [...flow({ origin: own.url('/v4'), interval: 0 }), { id: 'src2', type: 'ip-source', origin: own.url('/v4'), interval: 0, wires: [['out2']] }, { id: 'out2', type: 'helper' }];
      await helper.load(ipSource, two);
      const answers = [nextMessage(helper.getNode('out')), nextMessage(helper.getNode('out2'))];
      helper.getNode('src').receive({});
      helper.getNode('src2').receive({});
      assert.deepEqual((await Promise.all(answers)).map((m) => m.payload), ['8.8.8.8', '8.8.8.8']);
      assert.equal(own.requests.length, 2);
      assert.equal(own.connections, 1, 'one connection for both nodes');
      await helper.unload();
      // a kept agent would reuse its socket: a new connection shows the old one was ended
      await helper.load(ipSource, flow({ origin: own.url('/v4'), interval: 0 }));
      const again = nextMessage(helper.getNode('out'));
      helper.getNode('src').receive({});
      await again;
      assert.equal(own.connections, 2);
    } finally {
      await own.close();
    }
  });

  it('the first check after a redeploy passes the address on even when it is the one remembered', async () => {
    const config = flow({ origin: server.url('/v4'), interval: 3600, emit: 'change' });
    await loadWithContextStore(config);
    let msg = await nextMessage(helper.getNode('out'));
    assert.equal(msg.ip.changed, true);
    // a redeploy of the same node: new instances (the first check is 100 ms after start), the context kept
    await helper.setFlows(config.map((n) => (n.id === 'src' ? { ...n, name: 'renamed' } : n)), 'full');
    msg = await nextMessage(helper.getNode('out'));
    assert.equal(msg.payload, '8.8.8.8');
    assert.equal(msg.ip.changed, false, 'the address was remembered across the redeploy');
  });

  it('shows its current address on the DDNS sidebar, above the records', async () => {
    await helper.load(ipSource, flow({ name: 'wan', origin: server.url('/v4'), interval: 0 }));
    const received = nextMessage(helper.getNode('out'));
    helper.getNode('src').receive({});
    await received;
    const snapshot = (await helper.request().get('/ddns/records').expect(200)).body;
    const row = snapshot.sources.find((r) => r.nodeId === 'src');
    assert.deepEqual([row.nodeName, row.state, row.addresses], ['wan', 'ok', '8.8.8.8']);
    assert.ok(row.since && row.checkedAt);
  });

  it('a failing origin goes to a Catch node with msg.error.code and a red status', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/500'), interval: 0 }));
    const src = helper.getNode('src');
    const caught = nextMessage(helper.getNode('caught'));
    const red = statusWhere(src, (s) => s.fill === 'red');
    src.receive({ payload: 1 });
    const msg = await caught;
    assert.equal(msg.error.code, 'EHTTPSTATUS');
    assert.match(msg.error.message, /HTTP 500/);
    // words on the canvas; the code travels in msg.error
    assert.equal((await red).text.startsWith('server error ('), true);
  });

  it('a malformed pattern is a configuration error shown at deploy and on input', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/v4'), pattern: '([0-9', interval: 0 }));
    const src = helper.getNode('src');
    const caught = nextMessage(helper.getNode('caught'));
    src.receive({});
    const msg = await caught;
    assert.equal(msg.error.code, 'ECONFIG');
    assert.match(msg.error.message, /regular expression/);
  });

  it('dual: a family that fails once is no change, and is not forgotten', async () => {
    server.route('/dual', { body: '8.8.8.8 2001:4860:4860::8888' });
    await helper.load(ipSource, flow({ origin: server.url('/dual'), family: 'dual', interval: 0, emit: 'change' }));
    const src = helper.getNode('src');
    const out = helper.getNode('out');
    const status = watchStatus(src);
    let received = nextMessage(out);
    src.receive({});
    let msg = await received;
    assert.deepEqual(msg.payload, { ipv4: '8.8.8.8', ipv6: '2001:4860:4860::8888' });
    assert.equal(msg.ip.changed, true);
    server.route('/dual', { body: '8.8.8.8' });
    received = nextMessage(out);
    src.receive({});
    msg = await received;
    assert.deepEqual(msg.payload, { ipv4: '8.8.8.8' });
    assert.equal(msg.ip.changed, false, 'one family missing once is no change');
    assert.match(status.current().text, /no IPv6/);
    server.route('/dual', { body: '8.8.8.8 2001:4860:4860::8888' });
    received = nextMessage(out);
    src.receive({});
    msg = await received;
    assert.equal(msg.ip.changed, false, 'the IPv6 address was not forgotten');
    assert.equal(msg.ip.ipv6.previous, '2001:4860:4860::8888');
  });

  it('checks once right after deploy when an interval is set', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/v4'), interval: 3600 }));
    const msg = await nextMessage(helper.getNode('out'));
    assert.equal(msg.payload, '8.8.8.8');
  });

  it('inputs during a check collapse into one more check', async () => {
    server.route('/slow', { body: '8.8.8.8', slowMs: 400 });
    await helper.load(ipSource, flow({ origin: server.url('/slow'), interval: 0, emit: 'always' }));
    const before = server.requests.filter((r) => r.path === '/slow').length;
    const src = helper.getNode('src');
    const outputs = [];
    const caught = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    helper.getNode('caught').on('input', (m) => caught.push(m));
    src.receive({ n: 1 });
    await statusWhere(src, (s) => s.fill === 'blue');
    for (let n = 2; n <= 6; n++) src.receive({ n });
    await waitFor(() => outputs.length === 2, 'the answers to the first input and to the newest waiting one');
    assert.deepEqual(outputs.map((m) => m.n), [1, 6]);
    assert.equal(server.requests.filter((r) => r.path === '/slow').length - before, 2);
    assert.equal(caught.length, 0);
  });

  it('close aborts a request in flight and does not wait for the server', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/hang'), interval: 0, timeout: 120 }));
    const src = helper.getNode('src');
    const errors = [];
    helper.getNode('caught').on('input', (m) => errors.push(m));
    src.receive({});
    await statusWhere(src, (s) => s.fill === 'blue');
    await waitFor(() => server.requests.some((r) => r.path === '/hang'), 'the request to reach the server');
    await helper.unload(); // with a 120 s timeout this only returns quickly if close aborts
    assert.equal(errors.length, 0, 'closing is not a failure');
  });

  it('watch: an address added to an interface is emitted without any input', async function () {
    requireRoot(this, 'adds an address to lo for a real netlink event');
    const address = '198.51.100.7';
    const lo = (verb) => execFileSync('ip', ['addr', verb, `${address}/32`, 'dev', 'lo'], { stdio: 'ignore' });
    try { lo('del'); } catch { /* not there */ }
    await helper.load(ipSource, flow({ origin: 'iface://lo', pattern: '^198\\.51\\.100\\.7$', scope: 'any', interval: 0, watch: true }));
    // `ip monitor` subscribes a moment after it starts: an event before that is missed, so the
    // address is added (and removed again) until an event is seen; each wait is bounded
    let msg;
    try {
      for (let attempt = 1; !msg && attempt <= 5; attempt++) {
        const received = nextMessage(helper.getNode('out'), 1000 * attempt);
        lo('add');
        msg = await received.catch(() => undefined);
        if (!msg) lo('del');
      }
      assert.ok(msg, 'the address added to lo was emitted');
      assert.equal(msg.payload, address);
      assert.equal(msg.ip.origin, 'iface://lo');
      assert.equal(msg.ip.changed, true);
    } finally {
      try { lo('del'); } catch { /* removed */ }
    }
  });
});

describe('ip-source "check now" endpoint', function () {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/v4', { body: '8.8.8.8' });
    server.route('/500', { status: 500, body: 'x' });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('reports what each origin yields for the settings in the form', async () => {
    await helper.load(ipSource, []);
    const res = await helper
      .request()
      .post('/ddns/ip-source/check')
      .send({ origin: `${server.url('/v4')}\n${server.url('/500')}`, family: 'ipv4', scope: 'public' })
      .expect(200);
    assert.deepEqual(res.body.map((r) => [r.origin, r.address, r.error && r.error.code]), [
      [server.url('/v4'), '8.8.8.8', undefined],
      [server.url('/500'), undefined, 'EHTTPSTATUS'],
    ]);
  });

  it('takes JSON only, and answers addresses and short facts, never a server\'s words', async () => {
    server.route('/leaky', { status: 503, body: 'internal: db password=hunter2 at 10.0.0.5' });
    await helper.load(ipSource, []);
    await helper.request().post('/ddns/ip-source/check').type('form').send(`origin=${encodeURIComponent(server.url('/v4'))}`).expect(415);
    await helper.request().post('/ddns/ip-source/check').set('content-type', 'text/plain').send(JSON.stringify({ origin: server.url('/v4') })).expect(415);
    const res = await helper.request().post('/ddns/ip-source/check').send({ origin: `${server.url('/leaky')}\nhttp://127.0.0.1:1/`, family: 'ipv4' }).expect(200);
    assert.deepEqual(res.body, [
      { origin: server.url('/leaky'), family: 'ipv4', error: { code: 'EHTTPSTATUS', reason: 'HTTP 503', host: '127.0.0.1' } },
      { origin: 'http://127.0.0.1:1/', family: 'ipv4', error: { code: 'ENETWORK', reason: 'ECONNREFUSED', host: '127.0.0.1' } },
    ]);
  });

  it('answers a bad configuration with 400 and the error code', async () => {
    await helper.load(ipSource, []);
    const res = await helper.request().post('/ddns/ip-source/check').send({ origin: 'ftp://x' }).expect(400);
    assert.equal(res.body.error.code, 'ECONFIG');
  });
});
