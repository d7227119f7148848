'use strict';
// What the ip-source node makes of real answers, each served exactly so by a
// local server and read through the node in Node-RED.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage } = require('../support/node-red');
const echo = require('../servers/echo-http');
const fakeDns = require('../servers/fake-dns');
const fakeIgd = require('../servers/fake-igd');

const ipSource = nodeFile('ip-source');

function flow(config) {
  return [
    { id: 'src', type: 'ip-source', name: '', interval: 0, timeout: 3, wires: [['out']], ...config },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

/** Deploys the node, sends one input and resolves with what came out: {msg} or {error}. */
async function check(config) {
  await helper.load(ipSource, flow(config));
  const out = nextMessage(helper.getNode('out'), 10000).then((msg) => ({ msg }));
  const caught = nextMessage(helper.getNode('caught'), 10000).then((msg) => ({ error: msg.error }));
  helper.getNode('src').receive({ payload: 'check' });
  return Promise.race([out, caught]);
}

describe('ip-source node: address answers of echo services', function () {
  let server;
  before(async () => {
    server = await echo.start();
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  async function read(body, config = {}) {
    const path = `/a${Math.random().toString(36).slice(2)}`;
    server.route(path, { body });
    return check({ origin: server.url(path), ...config });
  }

  // ddclient's extract_ipv4 (ddclient.in) takes a dotted quad between word boundaries:
  // a label before it, a port or a label after it do not hide it
  const ipv4 = [
    ['a label glued by a colon', 'IP:203.0.113.5', '203.0.113.5'],
    ['an address followed by a port', '203.0.113.5:51234', '203.0.113.5'],
    ['an address between colon-separated words', 'foo:192.0.2.1:bar', '192.0.2.1'],
    ['a sentence that ends after the address', 'Your IP address is 198.51.100.23.', '198.51.100.23'],
  ];
  for (const [title, body, address] of ipv4) {
    it(`reads ${address} from ${JSON.stringify(body)}: ${title} (as ddclient's extract_ipv4)`, async () => {
      const { msg, error } = await read(body, { family: 'ipv4', scope: 'any' });
      assert.equal(error, undefined, error && error.message);
      assert.equal(msg.payload, address);
    });
  }

  it('a dotted quad glued to a word or inside a longer dotted run is not an address (v1.2.3.4, 1.2.3.4.5)', async () => {
    const { error } = await read('agent v1.2.3.4 build 1.2.3.4.5', { family: 'ipv4', scope: 'any' });
    assert.equal(error.code, 'ENOADDR');
  });

  it('IPv6:2001:db8::5 yields 2001:db8::5, never 6:2001:db8::5 (qdm12/ddns-updater ipextract and inadyn take the longest hex run)', async () => {
    const { msg, error } = await read('IPv6:2001:db8::5', { family: 'ipv6', scope: 'any' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '2001:db8::5');
    assert.deepEqual(msg.ip.addresses, ['2001:db8::5']);
  });

  it('scope public keeps only global unicast IPv6: inside 2000::/3, outside the IANA special-purpose blocks', async () => {
    const body = [
      '4000::1', // outside 2000::/3 (ipaddr.js calls it unicast)
      '2001:db8::1', // documentation
      '3fff::1', // documentation (RFC 9637)
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      '2002:c000:204::1', // 6to4
      '2001:2::1', // benchmarking
      '2001:20::1', // ORCHIDv2
      '2a00:1450:4001:81c::200e', // global unicast
    ].join('\n');
    const { msg, error } = await read(body, { family: 'ipv6', scope: 'public' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '2a00:1450:4001:81c::200e');
    assert.deepEqual(msg.ip.addresses, ['2a00:1450:4001:81c::200e']);
  });

  it('4000::1 alone is not public: ENOTPUBLIC naming 2000::/3', async () => {
    const { error } = await read('4000::1', { family: 'ipv6', scope: 'public' });
    assert.equal(error.code, 'ENOTPUBLIC');
    assert.match(error.message, /4000::1 \(not global unicast \(outside 2000::\/3\)\)/);
  });

  // Cloudflare's trace answer (fields as community.cloudflare.com/t/150595 shows them); asked
  // at https://1.1.1.1/cdn-cgi/trace, h= holds 1.1.1.1, which inadyn's is_address_valid has
  // to special-case. The format is recognised without a pattern (issue 22.8); a pattern on
  // ip= reads the right line too.
  const trace = (ip, host = '1.1.1.1') =>
    [
      'fl=29f123',
      `h=${host}`,
      `ip=${ip}`,
      'ts=1718000000.123',
      'visit_scheme=https',
      'uag=node-red-contrib-ddns',
      'colo=FRA',
      'sliver=none',
      'http=http/1.1',
      'loc=DE',
      'tls=TLSv1.3',
      'sni=off',
      'warp=off',
      'gateway=off',
      'rbi=off',
      'kex=X25519',
      '',
    ].join('\n');

  it('Cloudflare /cdn-cgi/trace: pattern ip=(\\S+), group 1 reads the ip= line, not the h= host', async () => {
    const { msg, error } = await read(trace('81.2.69.142'), { family: 'ipv4', pattern: 'ip=(\\S+)', group: 1 });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '81.2.69.142');
    assert.deepEqual(msg.ip.addresses, ['81.2.69.142']);
  });

  it('Cloudflare /cdn-cgi/trace over IPv6 with the same pattern', async () => {
    const { msg, error } = await read(trace('2a02:8070:1234:5600::1'), { family: 'ipv6', pattern: 'ip=(\\S+)', group: 1 });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '2a02:8070:1234:5600::1');
  });

  it('Cloudflare /cdn-cgi/trace without a pattern: the ip= line, never the h= host', async () => {
    const { msg, error } = await read(trace('81.2.69.142'), { family: 'ipv4' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '81.2.69.142');
    assert.deepEqual(msg.ip.addresses, ['81.2.69.142']);
  });

  it('Cloudflare /cdn-cgi/trace over IPv6 without a pattern: the ip= line', async () => {
    const { msg, error } = await read(trace('2a02:8070:1234:5600::1'), { family: 'ipv6' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '2a02:8070:1234:5600::1');
  });

  it('the trace format asked at the server\'s own address (h=127.0.0.1, as h=1.1.1.1 at 1.1.1.1): the ip= line', async () => {
    const { msg, error } = await read(trace('127.0.0.7', '127.0.0.1'), { family: 'ipv4', scope: 'any' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '127.0.0.7');
    assert.deepEqual(msg.ip.addresses, ['127.0.0.7']);
  });
});

// Issue 22.8: a server naming itself is not our address. The echo server listens on
// 127.0.0.1; scope any lets loopback addresses count.
describe('ip-source node: the answering server\'s own address is never ours without a pattern', function () {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/both', { body: 'server 127.0.0.1 says: you are 127.0.0.7' });
    server.route('/self', { body: 'served by 127.0.0.1' });
    server.route('/trace-self', { body: 'fl=29f123\nh=127.0.0.1\nip=127.0.0.1\nts=1718000000.123\nvisit_scheme=http\n' });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('the address the URL names is dropped; the caller\'s is taken', async () => {
    const { msg, error } = await check({ origin: server.url('/both'), family: 'ipv4', scope: 'any' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '127.0.0.7');
    assert.deepEqual(msg.ip.addresses, ['127.0.0.7']);
  });

  it('asked by name (localhost), the address connected to is dropped', async () => {
    const { msg, error } = await check({ origin: `http://localhost:${server.port}/both`, family: 'ipv4', scope: 'any' });
    assert.equal(error, undefined, error && error.message);
    assert.deepEqual(msg.ip.addresses, ['127.0.0.7']);
  });

  for (const path of ['/self', '/trace-self']) {
    it(`an answer (${path}) whose only address is the server's own is ENOADDR, saying so`, async () => {
      const { error } = await check({ origin: server.url(path), family: 'ipv4', scope: 'any' });
      assert.equal(error && error.code, 'ENOADDR');
      assert.match(error.message, /the only IPv4 address in the answer is the server's own \(127\.0\.0\.1\), not this network's/);
    });
  }

  it('a pattern that asks for it takes it', async () => {
    const { msg, error } = await check({ origin: server.url('/self'), family: 'ipv4', scope: 'any', pattern: 'by ([\\d.]+)', group: 1 });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '127.0.0.1');
  });
});

describe('ip-source node: DNS answers too large for UDP', function () {
  let server;
  const txt = `${'x'.repeat(3000)} 81.2.69.143`;
  before(async () => {
    server = await fakeDns.start({ records: [{ name: 'big.example', type: 'TXT', value: txt }] });
  });
  after(() => server.close());
  afterEach(() => helper.unload());

  it('a truncated (TC) UDP answer is asked again over TCP, as dig does (RFC 7766 section 5)', async () => {
    server.queries.length = 0;
    const { msg, error } = await check({ origin: `dns://127.0.0.1:${server.port}/big.example?type=TXT`, family: 'ipv4' });
    assert.equal(error, undefined, error && error.message);
    assert.equal(msg.payload, '81.2.69.143');
    assert.deepEqual(server.queries.map((q) => q.transport), ['udp', 'tcp']);
  });
});

describe('ip-source node: a router behind another NAT (upnp://)', function () {
  let igd;
  before(async () => {
    igd = await fakeIgd.start();
  });
  after(() => igd.close());
  afterEach(async () => {
    igd.reset();
    await helper.unload();
  });

  // miniupnpd reports the private WAN address of a router behind the ISP's box
  // (miniupnp/miniupnp#298) and newer versions leave it empty (#333)
  const cases = [
    ['a private WAN address', { address: '192.168.0.2' }, 'ENOTPUBLIC', /WAN address 192\.168\.0\.2 is private \(RFC 1918\): double NAT\?.*another router/],
    ['a carrier-grade NAT WAN address', { address: '100.64.12.34' }, 'ENOTPUBLIC', /WAN address 100\.64\.12\.34 is carrier-grade NAT.*double NAT\?.*carrier-grade NAT/],
    ['an empty WAN address', { mode: 'empty' }, 'ENOADDR', /empty external address: its WAN address is probably private \(double NAT\?\)/],
  ];
  for (const [title, answer, code, message] of cases) {
    it(`${title} is reported as a likely double NAT, not as a connection that is down`, async () => {
      igd.configure(answer);
      const { error } = await check({ origin: igd.origin('ip'), family: 'ipv4', scope: 'public' });
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /connection is down/);
    });
  }

  it('with scope any, the private WAN address is still what the router says', async () => {
    igd.configure({ address: '192.168.0.2' });
    const { msg } = await check({ origin: igd.origin('ip'), family: 'ipv4', scope: 'any' });
    assert.equal(msg.payload, '192.168.0.2');
  });
});
