'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { helper, nodeFile, nextMessage, statusWhere, settle } = require('../support/node-red');
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

  it('emit change: an unchanged address sends nothing; emit always sends every time', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/v4'), interval: 0, emit: 'change' }));
    const src = helper.getNode('src');
    const out = helper.getNode('out');
    let count = 0;
    out.on('input', () => count++);
    src.receive({});
    await statusWhere(src, (s) => s.fill === 'green');
    src.receive({});
    await statusWhere(src, (s) => s.fill === 'green' && /unchanged/.test(s.text));
    await settle();
    assert.equal(count, 1);
    await helper.unload();

    await helper.load(ipSource, flow({ origin: server.url('/v4'), interval: 0, emit: 'always' }));
    const again = helper.getNode('out');
    let always = 0;
    again.on('input', () => always++);
    helper.getNode('src').receive({});
    await nextMessage(again);
    helper.getNode('src').receive({});
    await nextMessage(again);
    assert.equal(always, 2);
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
    assert.match((await red).text, /EHTTPSTATUS/);
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
    const outputs = [];
    helper.getNode('out').on('input', (m) => outputs.push(m));
    let green = statusWhere(src, (s) => s.fill === 'green');
    src.receive({});
    await green;
    server.route('/dual', { body: '8.8.8.8' });
    green = statusWhere(src, (s) => s.fill === 'green');
    src.receive({});
    assert.match((await green).text, /no IPv6|no-family/); // the test runtime has no message catalogs
    server.route('/dual', { body: '8.8.8.8 2001:4860:4860::8888' });
    green = statusWhere(src, (s) => s.fill === 'green');
    src.receive({});
    await green;
    await settle();
    assert.equal(outputs.length, 1, 'only the first check was a change');
    assert.deepEqual(outputs[0].payload, { ipv4: '8.8.8.8', ipv6: '2001:4860:4860::8888' });
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
    let outputs = 0;
    helper.getNode('out').on('input', () => outputs++);
    src.receive({ n: 1 });
    await statusWhere(src, (s) => s.fill === 'blue');
    for (let n = 2; n <= 6; n++) src.receive({ n });
    await statusWhere(src, (s) => s.fill === 'green');
    await statusWhere(src, (s) => s.fill === 'green');
    await settle(200);
    assert.equal(server.requests.filter((r) => r.path === '/slow').length - before, 2);
    assert.equal(outputs, 2, 'the first input and the newest waiting one');
  });

  it('close aborts a request in flight and does not wait for the server', async () => {
    await helper.load(ipSource, flow({ origin: server.url('/hang'), interval: 0, timeout: 120 }));
    const src = helper.getNode('src');
    const errors = [];
    helper.getNode('caught').on('input', (m) => errors.push(m));
    src.receive({});
    await statusWhere(src, (s) => s.fill === 'blue');
    await settle(100);
    await helper.unload(); // with a 120 s timeout this only returns quickly if close aborts
    assert.equal(errors.length, 0, 'closing is not a failure');
  });

  it('watch: an address added to an interface is emitted without any input', async () => {
    const address = '198.51.100.7';
    try { execFileSync('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo'], { stdio: 'ignore' }); } catch { /* not there */ }
    await helper.load(ipSource, flow({ origin: 'iface://lo', pattern: '^198\\.51\\.100\\.7$', scope: 'any', interval: 0, watch: true }));
    await settle(500); // let `ip monitor` subscribe
    const received = nextMessage(helper.getNode('out'), 5000);
    execFileSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
    try {
      const msg = await received;
      assert.equal(msg.payload, address);
      assert.equal(msg.ip.origin, 'iface://lo');
      assert.equal(msg.ip.changed, true);
    } finally {
      execFileSync('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo']);
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

  it('answers a bad configuration with 400 and the error code', async () => {
    await helper.load(ipSource, []);
    const res = await helper.request().post('/ddns/ip-source/check').send({ origin: 'ftp://x' }).expect(400);
    assert.equal(res.body.error.code, 'ECONFIG');
  });
});
