'use strict';
// sock:// origins against the fake dync UDP provider, on loopback only.
const assert = require('node:assert/strict');
const { trackSockets } = require('../support/udp-sockets');
const provider = require('../servers/fake-udp-provider');
const { DdnsError } = require('../../dist/core/errors');
const { parseSocketOrigin, lookupSocket, DEFAULT_SOCKET_PORT } = require('../../dist/sources/socket');


function ctx(overrides = {}) {
  return { signal: new AbortController().signal, timeoutMs: 2000, family: 'ipv4', ...overrides };
}

describe('sources/socket: parseSocketOrigin', () => {
  const valid = [
    ['sock://127.0.0.1', { host: '127.0.0.1', port: DEFAULT_SOCKET_PORT }],
    ['sock://127.0.0.1:6000', { host: '127.0.0.1', port: 6000 }],
    ['sock://127.0.0.1:6000/', { host: '127.0.0.1', port: 6000 }],
    ['sock://[::1]:7', { host: '::1', port: 7 }],
    ['sock://[2001:DB8::1]', { host: '2001:db8::1', port: DEFAULT_SOCKET_PORT }],
    ['sock://provider.example.net:9', { host: 'provider.example.net', port: 9 }],
    ['sock://provider.example.net.', { host: 'provider.example.net', port: DEFAULT_SOCKET_PORT }],
  ];
  for (const [text, expected] of valid) {
    it(`accepts ${text}`, () => {
      assert.deepEqual(parseSocketOrigin(new URL(text)), expected);
    });
  }

  const invalid = [
    ['sock://', /no host/],
    ['sock://127.0.0.1:0', /port/],
    ['sock://host/path', /only a host and a port/],
    ['sock://host?x=1', /only a host and a port/],
    ['sock://user:pw@host', /user name or password/],
    ['sock://host#frag', /fragment/],
    ['sock://1.2.3', /not a valid IPv4/],
    ['sock://999.1.1.1:5', /not a valid IPv4/],
    ['sock://-bad-.example', /not a valid host name/],
    ['sock://bad%21host', /not a valid host name/],
    ['http://127.0.0.1', /not a sock:\/\/ origin/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${text} with ECONFIG`, () => {
      assert.throws(() => parseSocketOrigin(new URL(text)), (err) => {
        assert.ok(err instanceof DdnsError);
        assert.equal(err.code, 'ECONFIG');
        assert.match(err.message, message);
        return true;
      });
    });
  }
  it('takes the dync sample provider port (51001) as the default', () => {
    assert.equal(DEFAULT_SOCKET_PORT, 51001);
  });
});

describe('sources/socket: lookupSocket', () => {
  let server;
  let tracker;
  const origin = () => ({ host: '127.0.0.1', port: server.port });
  before(async () => {
    server = await provider.start();
  });
  after(() => server.close());
  beforeEach(() => {
    server.configure({ mode: 'answer', reply: undefined, strict: true });
    server.requests.length = 0;
    tracker = trackSockets();
  });
  afterEach(async () => {
    tracker.restore();
    assert.ok(await tracker.allClosed(), 'every socket is closed');
  });

  const answers = [
    { title: "the client's address, as the dync sample replies", reply: undefined, texts: ['127.0.0.1'] },
    { title: 'a configured address with a newline', reply: '203.0.113.7\n', texts: ['203.0.113.7'] },
    { title: 'two addresses, one a line', reply: '203.0.113.7\n2001:db8::7\n', texts: ['203.0.113.7\n2001:db8::7'] },
    { title: 'space separated text', reply: 'ipv4 203.0.113.7 ipv6 2001:db8::7', texts: ['ipv4 203.0.113.7 ipv6 2001:db8::7'] },
  ];
  for (const { title, reply, texts } of answers) {
    it(`reads ${title} as a body`, async () => {
      server.configure({ reply });
      const answer = await lookupSocket(origin(), ctx());
      assert.deepEqual(answer, { texts, kind: 'body' });
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0].data, 'ip-request\n');
    });
  }

  const forged = [
    { mode: 'spoofPortFirst', what: 'from another port' },
    { mode: 'spoofAddressFirst', what: 'from another address on the same port' },
  ];
  for (const { mode, what } of forged) {
    it(`ignores a forged reply ${what} and still uses the real one`, async function () {
      if (mode === 'spoofAddressFirst' && !server.spoofAddressAvailable) this.skip();
      server.configure({ mode, reply: '203.0.113.7' });
      const answer = await lookupSocket(origin(), ctx());
      assert.deepEqual(answer.texts, ['203.0.113.7']);
    });
  }

  it('a forged reply alone never yields an address: ETIMEDOUT', async () => {
    server.configure({ mode: 'spoofOnly' });
    await assert.rejects(lookupSocket(origin(), ctx({ timeoutMs: 300 })), (err) => {
      assert.equal(err.code, 'ETIMEDOUT');
      assert.match(err.message, /ignored/);
      assert.doesNotMatch(err.message, /192\.0\.2\.66/);
      return true;
    });
  });

  const failures = [
    { title: 'no answer ends in ETIMEDOUT', mode: 'silent', code: 'ETIMEDOUT' },
    { title: 'an empty reply is EBADRESPONSE', mode: 'empty', code: 'EBADRESPONSE' },
    { title: 'an oversized reply is ETOOLARGE', mode: 'huge', code: 'ETOOLARGE' },
  ];
  for (const { title, mode, code } of failures) {
    it(title, async () => {
      server.configure({ mode });
      await assert.rejects(lookupSocket(origin(), ctx({ timeoutMs: 300 })), (err) => {
        assert.ok(err instanceof DdnsError);
        assert.equal(err.code, code);
        return true;
      });
    });
  }

  it('resends the request once when the first is lost', async () => {
    server.configure({ mode: 'dropFirst', reply: '203.0.113.9' });
    const answer = await lookupSocket(origin(), ctx({ timeoutMs: 1000 }));
    assert.deepEqual(answer.texts, ['203.0.113.9']);
    assert.equal(server.requests.length, 2);
  });

  it('an abort in flight ends in EABORTED', async () => {
    server.configure({ mode: 'silent' });
    const controller = new AbortController();
    const pending = lookupSocket(origin(), ctx({ signal: controller.signal, timeoutMs: 10000 }));
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { code: 'EABORTED' });
  });

  it('an already aborted signal ends in EABORTED without sending', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(lookupSocket(origin(), ctx({ signal: controller.signal })), { code: 'EABORTED' });
    assert.equal(server.requests.length, 0);
  });

  it('an abort whose reason is a DdnsError keeps that code', async () => {
    server.configure({ mode: 'silent' });
    const controller = new AbortController();
    const pending = lookupSocket(origin(), ctx({ signal: controller.signal, timeoutMs: 10000 }));
    setTimeout(() => controller.abort(new DdnsError('ETIMEDOUT', 'deadline')), 20);
    await assert.rejects(pending, { code: 'ETIMEDOUT' });
  });

  it('sends from the bind address (127.0.0.2), as the provider sees', async () => {
    const answer = await lookupSocket(origin(), ctx({ localAddress: '127.0.0.2' }));
    assert.deepEqual(answer.texts, ['127.0.0.2']);
    assert.equal(server.requests[0].address, '127.0.0.2');
  });

  it('a bind address of the other family is ECONFIG', async () => {
    await assert.rejects(lookupSocket(origin(), ctx({ localAddress: '::1' })), { code: 'ECONFIG' });
  });

  it('a bind address this host does not have is ENETWORK', async () => {
    await assert.rejects(lookupSocket(origin(), ctx({ localAddress: '192.0.2.1' })), { code: 'ENETWORK' });
  });

  it('resolves a host name first (localhost)', async () => {
    const answer = await lookupSocket({ host: 'localhost', port: server.port }, ctx());
    assert.deepEqual(answer.texts, ['127.0.0.1']);
  });
});

describe('sources/socket: IPv6 provider', () => {
  let server;
  before(async function () {
    try {
      server = await provider.start({ host: '::1' });
    } catch {
      this.skip(); // no IPv6 loopback in this container
    }
  });
  after(() => server && server.close());

  it('talks over IPv6 to [::1] and reads the reply', async () => {
    const answer = await lookupSocket(parseSocketOrigin(new URL(`sock://[::1]:${server.port}`)), ctx({ family: 'ipv6' }));
    assert.deepEqual(answer.texts, ['::1']);
  });
  it('accepts the reply when the host was written in a long IPv6 form', async () => {
    const answer = await lookupSocket({ host: '0:0:0:0:0:0:0:1', port: server.port }, ctx({ family: 'ipv6' }));
    assert.deepEqual(answer.texts, ['::1']);
  });
});

describe('sources/socket: through the ip-source resolver', () => {
  let server;
  before(async () => {
    server = await provider.start({ reply: 'your address: 8.8.4.4\n' });
  });
  after(() => server.close());

  it('findAddress picks the address out of a sock:// reply', async () => {
    const { parseIpSourceConfig } = require('../../dist/sources/settings');
    const { findAddress } = require('../../dist/sources/lookup');
    const settings = parseIpSourceConfig({ origin: `sock://127.0.0.1:${server.port}`, timeout: 2 }).lookup;
    const found = await findAddress(settings, 'ipv4', new AbortController().signal);
    assert.equal(found.address, '8.8.4.4');
  });
});
