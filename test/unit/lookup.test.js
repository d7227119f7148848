'use strict';
const assert = require('node:assert/strict');
const echo = require('../servers/echo-http');
const { parseIpSourceConfig } = require('../../dist/sources/settings');
const { findAddress, findDualAddress } = require('../../dist/sources/lookup');
const { parseIfInet6, ipv6Preference, interfaceAddresses } = require('../../dist/sources/interface');
const { createHttpAgent } = require('../../dist/core/http');
const { waitFor } = require('../support/wait');

function settings(config) {
  return parseIpSourceConfig({ timeout: 2, ...config }).lookup;
}
function find(config, family = config.family || 'ipv4', dispatcher) {
  return findAddress(settings(config), family, new AbortController().signal, dispatcher);
}

describe('lookup: HTTP origins', () => {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/plain', { body: '8.8.8.8\n' });
    server.route('/json', { body: '{"ip":"2001:4860:4860::8888"}', type: 'application/json' });
    server.route('/cgnat', { body: '100.64.7.9' });
    server.route('/500', { status: 500, body: 'Proxy error from 9.9.9.9' });
    server.route('/404', { status: 404, body: '8.8.4.4' });
    server.route('/portal', { body: '<html><body>Login to 9.9.9.9 wifi</body></html>', type: 'text/html' });
    server.route('/checkip', { body: '<html><head><title>Current IP Check</title></head><body>Current IP Address: 8.8.4.4</body></html>', type: 'text/html' });
    server.route('/huge', { hugeBytes: 10 * 1024 * 1024 });
    server.route('/hang', { hang: true });
    server.route('/reset', { reset: true });
    server.route('/none', { body: 'no address here' });
    server.route('/two', { body: '1.1.1.1 and 8.8.8.8' });
    server.route('/slow', { body: '8.8.8.8', slowMs: 5000 });
  });
  after(() => server.close());

  it('reads the address from a plain text answer', async () => {
    const found = await find({ origin: server.url('/plain') });
    assert.equal(found.address, '8.8.8.8');
    assert.equal(found.family, 4);
    assert.equal(found.origin, server.url('/plain'));
  });
  it('reads an IPv6 address out of JSON', async () => {
    const found = await find({ origin: server.url('/json'), family: 'ipv6' });
    assert.equal(found.address, '2001:4860:4860::8888');
  });
  it('a 5xx error page that holds an address is an error, never an address', async () => {
    await assert.rejects(find({ origin: server.url('/500') }), { code: 'EHTTPSTATUS', message: /HTTP 500/ });
    await assert.rejects(find({ origin: server.url('/404') }), { code: 'EHTTPSTATUS' });
  });
  it('an HTML page (captive portal) is refused unless a pattern picks the address', async () => {
    await assert.rejects(find({ origin: server.url('/portal') }), { code: 'EBADRESPONSE', message: /HTML/ });
    const found = await find({ origin: server.url('/checkip'), pattern: 'Address: ([\\d.]+)', group: 1 });
    assert.equal(found.address, '8.8.4.4');
  });
  it('a 10 MB body is cut off with ETOOLARGE', async () => {
    await assert.rejects(find({ origin: server.url('/huge') }), { code: 'ETOOLARGE' });
  });
  it('a hung server ends in ETIMEDOUT at the deadline', async () => {
    await assert.rejects(find({ origin: server.url('/hang'), timeout: 0.3 }), { code: 'ETIMEDOUT' });
  });
  it('a body that trickles past the deadline ends in ETIMEDOUT', async () => {
    await assert.rejects(find({ origin: server.url('/slow'), timeout: 0.3 }), { code: 'ETIMEDOUT' });
  });
  it('a reset connection is ENETWORK', async () => {
    await assert.rejects(find({ origin: server.url('/reset') }), { code: 'ENETWORK' });
  });
  it('a CGNAT address is never reported as public', async () => {
    await assert.rejects(find({ origin: server.url('/cgnat') }), { code: 'ENOTPUBLIC', message: /carrier-grade NAT/ });
    const found = await find({ origin: server.url('/cgnat'), scope: 'any' });
    assert.equal(found.address, '100.64.7.9');
  });
  it('no address in the answer is ENOADDR', async () => {
    await assert.rejects(find({ origin: server.url('/none') }), { code: 'ENOADDR' });
  });
  it('origins are tried in order until one yields an address', async () => {
    const found = await find({ origin: [server.url('/500'), server.url('/hang'), server.url('/plain')].join('\n'), timeout: 0.3 });
    assert.equal(found.address, '8.8.8.8');
    assert.equal(found.origin, server.url('/plain'));
  });
  it('all origins failing reports each failure', async () => {
    await assert.rejects(find({ origin: [server.url('/500'), server.url('/none')].join('\n') }), (err) => {
      assert.equal(err.code, 'ENOADDR');
      assert.match(err.message, /HTTP 500/);
      assert.match(err.message, /no IPv4/);
      return true;
    });
  });
  it('every match of the body is a candidate', async () => {
    const found = await find({ origin: server.url('/two') });
    assert.deepEqual(found.addresses, ['1.1.1.1', '8.8.8.8']);
  });
  it('agree: emits only what enough origins report', async () => {
    server.route('/a1', { body: '8.8.8.8' });
    server.route('/a2', { body: '8.8.8.8' });
    server.route('/b1', { body: '9.9.9.9' });
    const found = await find({ origin: [server.url('/b1'), server.url('/a1'), server.url('/a2')].join('\n'), agree: 2 });
    assert.equal(found.address, '8.8.8.8');
    await assert.rejects(find({ origin: [server.url('/b1'), server.url('/a1'), server.url('/500')].join('\n'), agree: 2 }), (err) => {
      assert.equal(err.code, 'EDISAGREE');
      assert.match(err.message, /said 9\.9\.9\.9/);
      assert.match(err.message, /said 8\.8\.8\.8/);
      return true;
    });
  });
  it('dual: IPv4 and IPv6 side by side, a missing family explained', async () => {
    server.route('/both', { body: '8.8.8.8 2001:4860:4860::8888' });
    const dual = await findDualAddress(settings({ origin: server.url('/both'), family: 'dual' }), new AbortController().signal);
    assert.equal(dual.ipv4.address, '8.8.8.8');
    assert.equal(dual.ipv6.address, '2001:4860:4860::8888');
    const half = await findDualAddress(settings({ origin: server.url('/plain'), family: 'dual' }), new AbortController().signal);
    assert.equal(half.ipv4.address, '8.8.8.8');
    assert.equal(half.ipv6, undefined);
    assert.equal(half.errors.ipv6.code, 'ENOADDR');
  });
  it('a shared keep-alive agent opens one connection for many checks', async () => {
    const before = server.connections;
    const agent = createHttpAgent();
    for (let i = 0; i < 20; i++) await find({ origin: server.url('/plain') }, 'ipv4', agent);
    await agent.close();
    assert.equal(server.connections - before, 1);
  });
  it('bind: the lookup leaves from the chosen local address', async () => {
    const bound = await echo.start({ host: '127.0.0.1' });
    bound.route('/me', { body: '8.8.8.8' });
    await find({ origin: bound.url('/me'), bind: '127.0.0.2' });
    assert.equal(bound.requests.at(-1).remoteAddress, '127.0.0.2');
    await bound.close();
  });
  it('a check queued behind a hung one on a shared connection ends the moment it is aborted', async () => {
    // ip-source nodes share one keep-alive connection per service: a node closing must not wait on another's request
    const agent = createHttpAgent();
    const first = new AbortController();
    const hung = findAddress(settings({ origin: server.url('/hang'), timeout: 30 }), 'ipv4', first.signal, agent);
    let hungSettled = false;
    const ended = () => {
      hungSettled = true;
    };
    hung.then(ended, ended);
    const before = server.requests.length;
    await waitFor(() => server.requests.slice(before).some((r) => r.path === '/hang'), 'the hung request on the wire');
    const second = new AbortController();
    const queued = findAddress(settings({ origin: server.url('/plain'), timeout: 30 }), 'ipv4', second.signal, agent);
    second.abort();
    await assert.rejects(queued, { code: 'EABORTED' });
    assert.equal(hungSettled, false, 'the hung request is still on the wire');
    first.abort();
    await assert.rejects(hung, { code: 'EABORTED' });
    await agent.destroy();
  });
  it('an aborted check ends with EABORTED', async () => {
    const controller = new AbortController();
    const pending = findAddress(settings({ origin: server.url('/hang'), timeout: 30 }), 'ipv4', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { code: 'EABORTED' });
  });
});

describe('lookup: configuration', () => {
  const bad = [
    [{ origin: '' }, /no origin/],
    [{ origin: 'ftp://x' }, /unknown scheme/],
    [{ origin: 'not a url' }, /not a URL/],
    [{ origin: 'iface://' }, /interface name/],
    [{ origin: 'iface://lo', pattern: '([' }, /regular expression/],
    [{ origin: 'iface://lo', family: 'ipv5' }, /family/],
    [{ origin: 'iface://lo', interval: 3 }, /interval/],
    [{ origin: 'iface://lo', timeout: -1 }, /timeout/],
    [{ origin: 'iface://lo', bind: 'a b' }, /bind/],
  ];
  for (const [config, message] of bad) {
    it(`rejects ${JSON.stringify(config)}`, () => assert.throws(() => parseIpSourceConfig(config), { code: 'ECONFIG', message }));
  }
});

describe('lookup: interface origins', () => {
  it('reads loopback addresses with scope any', async () => {
    const found = await find({ origin: 'iface://lo', scope: 'any' });
    assert.equal(found.address, '127.0.0.1');
  });
  it('loopback is not public', async () => {
    await assert.rejects(find({ origin: 'iface://lo' }), { code: 'ENOTPUBLIC', message: /loopback/ });
  });
  it('a missing interface says which exist', async () => {
    await assert.rejects(find({ origin: 'iface://nosuch0' }), { code: 'ENOADDR', message: /does not exist.*lo/ });
  });
  it('pattern sees each interface address on its own, expanded', async () => {
    const found = await find({ origin: 'iface://lo', family: 'ipv6', scope: 'any', pattern: '^0000:0000:0000:0000:0000:0000:0000:0001$' }).catch((e) => e);
    // hosts without IPv6 on lo have nothing to match
    if (found.code) assert.equal(found.code, 'ENOADDR');
    else assert.equal(found.address, '::1');
  });
  it('parses /proc/net/if_inet6 and ranks stable before temporary, deprecated, tentative', () => {
    const text = [
      '20010db8000000000000000000000001 02 40 00 80     eth0',
      '20010db80000000011112222333344de 02 40 00 01     eth0',
      '20010db8000000000000000000000099 02 40 00 20     eth0',
      'garbage',
    ].join('\n');
    const rows = parseIfInet6(text);
    assert.deepEqual(rows.map((r) => r.address), ['2001:db8::1', '2001:db8::1111:2222:3333:44de', '2001:db8::99']);
    assert.deepEqual(rows.map((r) => ipv6Preference(r.flags)), [0, 1, 2]);
    assert.equal(ipv6Preference(0x40), 3);
  });
  it('interfaceAddresses lists lo', async () => {
    assert.ok((await interfaceAddresses('lo')).includes('127.0.0.1'));
  });
});

describe('lookup: another LAN host (suffix)', () => {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/v6', { body: '2001:4860:4860:12::8888' });
  });
  after(() => server.close());

  it('puts an interface identifier behind the detected /64 prefix', async () => {
    const found = await find({ origin: server.url('/v6'), family: 'ipv6', suffix: '::1234:5678:9abc:def0' });
    assert.equal(found.address, '2001:4860:4860:12:1234:5678:9abc:def0');
    assert.equal(found.prefix, '2001:4860:4860:12::/64');
    assert.equal(found.detected, '2001:4860:4860:12::8888');
  });
  it('a MAC becomes the modified EUI-64 identifier, with a /56 prefix', async () => {
    const found = await find({ origin: server.url('/v6'), family: 'ipv6', suffix: '00:1A:2B:3C:4D:5E', prefixLength: 56 });
    assert.equal(found.address, '2001:4860:4860:0:21a:2bff:fe3c:4d5e');
  });
  it('suffix with family ipv4 is a configuration error', () => {
    assert.throws(() => parseIpSourceConfig({ origin: server.url('/v6'), family: 'ipv4', suffix: '::1' }), { code: 'ECONFIG' });
  });
});

describe('lookup: the router itself (upnp://) through the ip-source settings', () => {
  const igd = require('../servers/fake-igd');
  let router;
  before(async () => {
    router = await igd.start({ address: '8.8.4.4' });
  });
  after(() => router.close());

  it('asks the gateway named by its description URL for the external address', async () => {
    const found = await find({ origin: router.origin('ip') });
    assert.equal(found.address, '8.8.4.4');
    assert.equal(found.origin, router.origin('ip'));
  });
  it('falls through to the next origin when the router has no address', async () => {
    const echoServer = await echo.start();
    echoServer.route('/ip', { body: '8.8.8.8' });
    router.configure({ address: '' });
    try {
      const found = await find({ origin: `${router.origin('ip')}\n${echoServer.url('/ip')}` });
      assert.equal(found.address, '8.8.8.8');
    } finally {
      router.reset();
      await echoServer.close();
    }
  });
});

describe('lookup: neigh:// through the ip-source settings', () => {
  it('parses a MAC origin and reports a clear error for a MAC the table does not hold', async () => {
    const settings = parseIpSourceConfig({ origin: 'neigh://02:00:00:aa:bb:cc', family: 'ipv6', timeout: 2 }).lookup;
    assert.equal(settings.origins[0].kind, 'neigh');
    await assert.rejects(findAddress(settings, 'ipv6', new AbortController().signal), { code: 'ENOADDR' });
  });
});

describe('lookup: review fixes', () => {
  let server;
  before(async () => {
    server = await echo.start();
    server.route('/both', { body: '8.8.8.8 2001:4860:4860::8888' });
  });
  after(() => server.close());

  it('an IPv6 lookup through the node agents is made over IPv6, never falling back to IPv4', async () => {
    const { createHttpAgent } = require('../../dist/core/http');
const { waitFor } = require('../support/wait');
    const agents = { ipv4: createHttpAgent({ family: 4 }), ipv6: createHttpAgent({ family: 6 }), any: createHttpAgent() };
    const origin = `http://localhost:${server.port}/both`;
    try {
      const v4 = await findAddress(settings({ origin, family: 'ipv4' }), 'ipv4', new AbortController().signal, agents);
      assert.equal(v4.address, '8.8.8.8');
      // over IPv4 the service would have answered (and an IPv6 address is in the body): a connection error
      // proves the IPv6 lookup did not quietly travel over IPv4
      await assert.rejects(findAddress(settings({ origin, family: 'ipv6' }), 'ipv6', new AbortController().signal, agents), { code: 'ENETWORK' });
    } finally {
      await Promise.all(Object.values(agents).map((a) => a.close()));
    }
  });
  it('a suffix that leaves the public range is refused under scope public', async () => {
    await assert.rejects(find({ origin: server.url('/both'), family: 'ipv6', suffix: '::1', prefixLength: 1 }), { code: 'ENOTPUBLIC', message: /loopback/ });
  });
  it('an origin URL with a user name or password is a configuration error', () => {
    assert.throws(() => parseIpSourceConfig({ origin: 'https://user:pw@example.com/ip' }), { code: 'ECONFIG', message: /user name or password/ });
  });
  it('a bind address of the other family is a configuration error', async () => {
    await assert.rejects(find({ origin: server.url('/both'), family: 'ipv6', bind: '127.0.0.2' }), { code: 'ECONFIG', message: /IPv4 address, but this lookup is IPv6/ });
  });
});

describe('lookup: user patterns run in a worker bounded by the deadline', () => {
  const { matchCandidates } = require('../../dist/sources/pattern-runner');
  const { compilePattern } = require('../../dist/sources/address-pattern');
  const limits = (ms, signal = new AbortController().signal) => ({ signal, endsAt: Date.now() + ms, timeoutMs: ms });
  const { patternThreads } = require('../../dist/sources/pattern-runner');
  // accepted by the shape check, quadratic (seconds) on a line of 60000 letters with no "ip":
  const slowPattern = compilePattern('.*"ip":\\s*"([^"]+)"', 1);
  const letters = ['a'.repeat(60000)];

  it('a match that outlives the deadline ends in ETIMEDOUT; another lookup meanwhile runs on a thread of its own', async () => {
    const slow = matchCandidates(letters, 'body', slowPattern, limits(2000));
    const next = matchCandidates(['IP: 81.2.69.160'], 'body', compilePattern('IP: ([\\d.]+)', 1), limits(5000));
    let slowEnded = false;
    slow.catch(() => (slowEnded = true));
    assert.deepEqual(await next, ['81.2.69.160']);
    assert.equal(slowEnded, false, 'the harmless match answered while the slow one was still running');
    await assert.rejects(slow, { code: 'ETIMEDOUT', message: /60000 bytes did not finish within the 2 s timeout/ });
  });
  it('at most four threads: a fifth slow match waits, and its own deadline ends it there', async () => {
    const jobs = [1, 2, 3, 4, 5].map(() => matchCandidates(letters, 'body', slowPattern, limits(500)));
    const counts = patternThreads();
    assert.equal(counts.busy, 4);
    assert.equal(counts.queued, 1);
    // every job's rejection is awaited from the start: under load they may end in any order
    await Promise.all(jobs.map((job) => assert.rejects(job, { code: 'ETIMEDOUT' })));
    assert.deepEqual(patternThreads(), { busy: 0, idle: patternThreads().idle, queued: 0 });
    assert.deepEqual(await matchCandidates(['8.8.8.8'], 'body', compilePattern('[\\d.]+', -1), limits(5000)), ['8.8.8.8']);
  });
  it('an abort ends a running match at once with the signal\'s reason', async () => {
    const controller = new AbortController();
    const pending = matchCandidates(letters, 'body', slowPattern, limits(60000, controller.signal));
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { code: 'EABORTED' });
    assert.deepEqual(await matchCandidates(['8.8.8.8'], 'body', compilePattern('[\\d.]+', -1), limits(5000)), ['8.8.8.8']);
  });
  it('the built-in scanner and group -2 never leave the calling thread', async () => {
    assert.deepEqual(await matchCandidates(['IP:81.2.69.160'], 'body', compilePattern('', -1), limits(0)), ['81.2.69.160']);
    assert.deepEqual(await matchCandidates([' 81.2.69.160 '], 'body', compilePattern('x', -2), limits(0)), ['81.2.69.160']);
  });
});
