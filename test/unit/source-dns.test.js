'use strict';
// dns:// origins: the wire codec on its own (including a fuzz run), and lookups
// against the fake DNS responder on loopback. Nothing here leaves the machine.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const fakeDns = require('../servers/fake-dns');
const { DdnsError } = require('../../dist/core/errors');
const { encodeQuery, decodeMessage, answersTo, nameLabels, readName } = require('../../dist/sources/dns-wire');
const { parseDnsOrigin, lookupDns, DNS_PORT } = require('../../dist/sources/dns');

function ctx(overrides = {}) {
  return { signal: new AbortController().signal, timeoutMs: 2000, family: 'ipv4', ...overrides };
}

/** A valid response to `query` built by the fake server's own encoder. */
function responseTo(query, answers, extra) {
  return fakeDns.buildResponse(fakeDns.parseQuery(query.packet), answers, extra);
}

function assertBadResponse(fn) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof DdnsError, `a DdnsError, not ${err && err.constructor && err.constructor.name}: ${err}`);
    assert.equal(err.code, 'EBADRESPONSE');
    return true;
  });
}

/** Small seeded PRNG (mulberry32): the fuzz run is the same every time, so a failure can be replayed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sources/dns-wire: encoding', () => {
  it('builds a query: random id, RD, one question with type and class', () => {
    const query = encodeQuery({ name: 'whoami.cloudflare', type: 'TXT', dnsClass: 'CH' }, 0x1234);
    const expected = Buffer.concat([
      Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
      Buffer.from('\x06whoami\x0acloudflare\x00', 'latin1'),
      Buffer.from([0, 16, 0, 3]),
    ]);
    assert.deepEqual(query.packet, expected);
    assert.equal(query.id, 0x1234);
  });
  it('uses a fresh id per query', () => {
    const ids = new Set(Array.from({ length: 50 }, () => encodeQuery({ name: 'a.example', type: 'A', dnsClass: 'IN' }).id));
    assert.ok(ids.size > 40);
    for (const id of ids) assert.ok(id >= 0 && id <= 0xffff);
  });
  it('A, AAAA and TXT have codes 1, 28 and 16; IN is 1', () => {
    for (const [type, code] of [['A', 1], ['AAAA', 28], ['TXT', 16]]) {
      const { packet } = encodeQuery({ name: 'x.example', type, dnsClass: 'IN' });
      assert.equal(packet.readUInt16BE(packet.length - 4), code);
      assert.equal(packet.readUInt16BE(packet.length - 2), 1);
    }
  });
  it('converts an international name to punycode and drops a trailing dot', () => {
    assert.deepEqual(nameLabels('bücher.example.'), ['xn--bcher-kva', 'example']);
  });
  const badNames = ['', '.', 'a..b', 'a b.example', `${'a'.repeat(64)}.example`, Array(130).fill('ab').join('.')];
  for (const name of badNames) {
    it(`refuses the name ${JSON.stringify(name.length > 30 ? name.slice(0, 30) + '…' : name)} with ECONFIG`, () => {
      assert.throws(() => encodeQuery({ name, type: 'A', dnsClass: 'IN' }), { code: 'ECONFIG' });
    });
  }
});

describe('sources/dns-wire: decoding and matching', () => {
  const query = encodeQuery({ name: 'myip.example', type: 'A', dnsClass: 'IN' }, 4242);

  it('reads A answers from a compressed response', () => {
    const packet = responseTo(query, [
      { name: 'myip.example', type: 'A', value: '203.0.113.7' },
      { name: 'myip.example', type: 'A', value: '203.0.113.8' },
    ]);
    assert.deepEqual(answersTo(query, packet), { texts: ['203.0.113.7', '203.0.113.8'], truncated: false });
    const message = decodeMessage(packet);
    assert.equal(message.id, 4242);
    assert.equal(message.isResponse, true);
    assert.equal(message.answers[0].ttl, 60);
  });
  it('writes AAAA answers in RFC 5952 form', () => {
    const q6 = encodeQuery({ name: 'myip.example', type: 'AAAA', dnsClass: 'IN' });
    const packet = responseTo(q6, [{ name: 'myip.example', type: 'AAAA', value: '2001:0db8:0000:0000:0000:0000:0000:0007' }]);
    assert.deepEqual(answersTo(q6, packet).texts, ['2001:db8::7']);
  });
  it('joins the character-strings of one TXT record', () => {
    const qt = encodeQuery({ name: 'txt.example', type: 'TXT', dnsClass: 'IN' });
    const long = `${'x'.repeat(300)} 203.0.113.7`;
    const packet = responseTo(qt, [{ name: 'txt.example', type: 'TXT', value: long }]);
    assert.deepEqual(answersTo(qt, packet).texts, [long]);
  });
  it('follows a CNAME chain and ignores records of unrelated names', () => {
    const packet = responseTo(query, [
      { name: 'myip.example', type: 'CNAME', value: 'edge.example' },
      { name: 'edge.example', type: 'A', value: '203.0.113.9' },
      { name: 'evil.example', type: 'A', value: '192.0.2.66' },
    ]);
    assert.deepEqual(answersTo(query, packet).texts, ['203.0.113.9']);
  });
  it('matches the question case-insensitively', () => {
    const mixed = encodeQuery({ name: 'MyIP.Example', type: 'A', dnsClass: 'IN' });
    const parsed = fakeDns.parseQuery(mixed.packet);
    const packet = fakeDns.buildResponse({ ...parsed, questionBytes: encodeQuery({ name: 'myip.example', type: 'A', dnsClass: 'IN' }).packet.subarray(12) }, [
      { name: 'myip.example', type: 'A', value: '203.0.113.7' },
    ]);
    assert.deepEqual(answersTo(mixed, packet).texts, ['203.0.113.7']);
  });
  it('NOERROR without records is an empty list', () => {
    assert.deepEqual(answersTo(query, responseTo(query, [])), { texts: [], truncated: false });
  });

  const notOurs = [
    ['another id', () => responseTo(query, [{ name: 'myip.example', type: 'A', value: '192.0.2.66' }], { id: 4243 })],
    ['a query instead of a response', () => query.packet],
    ['another question', () => responseTo(encodeQuery({ name: 'other.example', type: 'A', dnsClass: 'IN' }, 4242), [])],
    ['another type', () => responseTo(encodeQuery({ name: 'myip.example', type: 'AAAA', dnsClass: 'IN' }, 4242), [])],
    ['another class', () => responseTo(encodeQuery({ name: 'myip.example', type: 'A', dnsClass: 'CH' }, 4242), [])],
    ['a single byte', () => Buffer.from([0x10])],
  ];
  for (const [title, make] of notOurs) {
    it(`a datagram with ${title} is not an answer (undefined: keep waiting)`, () => {
      assert.equal(answersTo(query, make()), undefined);
    });
  }

  const rcodes = [
    [1, 'FORMERR', false],
    [2, 'SERVFAIL', true],
    [3, 'NXDOMAIN', false],
    [4, 'NOTIMP', false],
    [5, 'REFUSED', false],
    [9, undefined, false],
  ];
  for (const [rcode, name, retryable] of rcodes) {
    it(`RCODE ${rcode} (${name || 'other'}) is EBADRESPONSE naming it`, () => {
      assert.throws(() => answersTo(query, responseTo(query, [], { rcode })), (err) => {
        assert.equal(err.code, 'EBADRESPONSE');
        assert.match(err.message, new RegExp(name || `RCODE ${rcode}`));
        assert.match(err.message, /myip\.example/);
        assert.equal(err.retryable, retryable);
        return true;
      });
    });
  }
  it('a truncated answer (TC) says so and gives no records, to be asked again over TCP (RFC 7766 section 5)', () => {
    assert.deepEqual(answersTo(query, responseTo(query, [], { truncated: true })), { texts: [], truncated: true });
  });

  // hand-made hostile packets: header (id 4242, QR, qdcount 1) followed by the given bytes
  const header = (qd = 1, an = 0) => Buffer.from([0x10, 0x92, 0x81, 0x80, 0, qd, 0, an, 0, 0, 0, 0]);
  const tail = Buffer.from([0, 1, 0, 1]);
  const hostile = [
    ['a pointer to itself', Buffer.concat([header(), Buffer.from([0xc0, 0x0c]), tail])],
    ['a forward pointer', Buffer.concat([header(), Buffer.from([0xc0, 0x20]), tail])],
    ['a pointer loop through a label', Buffer.concat([header(), Buffer.from([0x01, 0x61, 0xc0, 0x0c]), tail])],
    ['a cut-off pointer', Buffer.concat([header(), Buffer.from([0xc0])])],
    ['an extended label type', Buffer.concat([header(), Buffer.from([0x41, 0x00]), tail])],
    ['a label past the end', Buffer.concat([header(), Buffer.from([0x3f, 0x61])])],
    ['a name longer than 255 bytes', Buffer.concat([header(), Buffer.concat(Array(5).fill(Buffer.from([63, ...Buffer.alloc(63, 0x61)]))), Buffer.from([0]), tail])],
    ['an answer count with no answers', Buffer.concat([header(1, 3), query.packet.subarray(12)])],
    ['an A record of 5 bytes', Buffer.concat([header(1, 1), query.packet.subarray(12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 1, 2, 3, 4, 5])])],
    ['a TXT string longer than its record', Buffer.concat([header(1, 1), query.packet.subarray(12), Buffer.from([0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 60, 0, 3, 9, 0x61, 0x62])])],
    ['an empty TXT record', Buffer.concat([header(1, 1), query.packet.subarray(12), Buffer.from([0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 60, 0, 0])])],
    ['a CNAME that overflows its record', Buffer.concat([header(1, 1), query.packet.subarray(12), Buffer.from([0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 60, 0, 1, 0x01, 0x61, 0x00])])],
    ['rdata past the end', Buffer.concat([header(1, 1), query.packet.subarray(12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2])])],
    ['a header cut short', Buffer.from([0x10, 0x92, 0x81, 0x80, 0, 1])],
  ];
  for (const [title, packet] of hostile) {
    it(`a response with ${title} is EBADRESPONSE`, () => {
      assertBadResponse(() => answersTo(query, packet));
    });
  }
  it('readName stops a pointer chain that never ends', () => {
    assertBadResponse(() => readName(Buffer.from([0xc0, 0x00]), 0));
  });

  it('fuzz: 1500 truncated, mutated and random packets never throw anything but EBADRESPONSE', () => {
    const random = prng(0xdd05);
    const queries = [
      encodeQuery({ name: 'myip.example', type: 'A', dnsClass: 'IN' }, 4242),
      encodeQuery({ name: 'myip.example', type: 'AAAA', dnsClass: 'IN' }, 4242),
      encodeQuery({ name: 'whoami.cloudflare', type: 'TXT', dnsClass: 'CH' }, 4242),
    ];
    const valid = [
      responseTo(queries[0], [
        { name: 'myip.example', type: 'CNAME', value: 'edge.example' },
        { name: 'edge.example', type: 'A', value: '203.0.113.9' },
      ]),
      responseTo(queries[1], [{ name: 'myip.example', type: 'AAAA', value: '2001:db8::7' }]),
      responseTo(queries[2], [{ name: 'whoami.cloudflare', type: 'TXT', class: 'CH', value: '203.0.113.7' }]),
    ];
    const packets = [];
    valid.forEach((packet) => {
      for (let cut = 0; cut < packet.length; cut++) packets.push(packet.subarray(0, cut));
    });
    while (packets.length < 1200) {
      const copy = Buffer.from(valid[Math.floor(random() * valid.length)]);
      const flips = 1 + Math.floor(random() * 6);
      for (let i = 0; i < flips; i++) copy[2 + Math.floor(random() * (copy.length - 2))] = Math.floor(random() * 256);
      packets.push(copy);
    }
    while (packets.length < 1500) {
      const junk = Buffer.alloc(Math.floor(random() * 600));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      if (junk.length >= 3) {
        junk.writeUInt16BE(4242, 0); // our id and the QR bit, so the decoder really reads it
        junk[2] |= 0x80;
      }
      packets.push(junk);
    }
    let decoded = 0;
    let refused = 0;
    for (const packet of packets) {
      for (const q of queries) {
        try {
          const answer = answersTo(q, packet);
          if (answer) for (const t of answer.texts) assert.equal(typeof t, 'string');
          decoded++;
        } catch (err) {
          if (!(err instanceof DdnsError) || err.code !== 'EBADRESPONSE') {
            throw new Error(`packet ${packet.toString('hex')} threw ${err && err.stack}`);
          }
          refused++;
        }
      }
      try {
        decodeMessage(packet);
      } catch (err) {
        if (!(err instanceof DdnsError) || err.code !== 'EBADRESPONSE') throw new Error(`decodeMessage(${packet.toString('hex')}) threw ${err}`);
      }
    }
    assert.ok(refused > 100 && decoded > 100, `both outcomes exercised (${decoded} decoded, ${refused} refused)`);
  });
});

describe('sources/dns: parseDnsOrigin', () => {
  const valid = [
    ['dns://resolver1.opendns.com/myip.opendns.com', { resolver: 'resolver1.opendns.com', port: DNS_PORT, name: 'myip.opendns.com' }],
    ['dns://1.1.1.1/whoami.cloudflare?type=TXT&class=CH', { resolver: '1.1.1.1', port: 53, name: 'whoami.cloudflare', type: 'TXT', dnsClass: 'CH' }],
    ['dns://ns1.google.com/o-o.myaddr.l.google.com?type=txt', { resolver: 'ns1.google.com', port: 53, name: 'o-o.myaddr.l.google.com', type: 'TXT' }],
    ['dns://[2606:4700:4700::1111]:5353/whoami.cloudflare.?class=ch&type=TXT', { resolver: '2606:4700:4700::1111', port: 5353, name: 'whoami.cloudflare', type: 'TXT', dnsClass: 'CH' }],
    ['dns://127.0.0.1:5300/myip.example?type=AAAA', { resolver: '127.0.0.1', port: 5300, name: 'myip.example', type: 'AAAA' }],
    ['dns://127.0.0.1/bücher.example', { resolver: '127.0.0.1', port: 53, name: 'xn--bcher-kva.example' }],
  ];
  for (const [text, expected] of valid) {
    it(`accepts ${text}`, () => {
      assert.deepEqual(parseDnsOrigin(new URL(text)), expected);
    });
  }

  const invalid = [
    ['dns://1.1.1.1', /needs a name/],
    ['dns://1.1.1.1/', /needs a name/],
    ['dns:///myip.example', /no host/],
    ['dns://1.1.1.1/a/b', /contains "\/"/],
    ['dns://1.1.1.1/a%20b', /not a valid DNS name/],
    ['dns://1.1.1.1/a%ZZb', /not a valid DNS name|percent-encoding/],
    ['dns://1.1.1.1/a..b', /not a valid DNS name/],
    [`dns://1.1.1.1/${'a'.repeat(64)}.example`, /not a valid DNS name/],
    ['dns://1.1.1.1/x.example?type=MX', /type must be A, AAAA or TXT/],
    ['dns://1.1.1.1/x.example?type=', /type must be/],
    ['dns://1.1.1.1/x.example?class=HS', /class must be IN or CH/],
    ['dns://1.1.1.1/x.example?type=A&type=AAAA', /given twice/],
    ['dns://1.1.1.1/x.example?tpye=A', /unknown parameter "tpye"/],
    ['dns://1.1.1.1:0/x.example', /port/],
    ['dns://u:p@1.1.1.1/x.example', /user name or password/],
    ['dns://1.1.1.1/x.example#a', /fragment/],
    ['dns://1.2.3/x.example', /not a valid IPv4/],
    ['dns://999.1.1.1/x.example', /not a valid IPv4/],
    ['https://1.1.1.1/x.example', /not a dns:\/\/ origin/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${text.length > 60 ? text.slice(0, 60) + '…' : text} with ECONFIG`, () => {
      assert.throws(() => parseDnsOrigin(new URL(text)), (err) => {
        assert.ok(err instanceof DdnsError);
        assert.equal(err.code, 'ECONFIG');
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

describe('sources/dns: lookupDns against a fake resolver', () => {
  let server;
  let opened;
  let restoreCreateSocket;
  const records = [
    { name: 'myip.example', type: 'A', value: '203.0.113.7' },
    { name: 'myip.example', type: 'AAAA', value: '2001:db8::7' },
    { name: 'v4only.example', type: 'A', value: '203.0.113.8' },
    { name: 'google.example', type: 'TXT', value: '2001:db8::9' },
    { name: 'ecs.example', type: 'TXT', value: '203.0.113.10' },
    { name: 'ecs.example', type: 'TXT', value: 'edns0-client-subnet 203.0.113.0/24' },
    { name: 'whoami.cloudflare', type: 'TXT', class: 'CH', value: '203.0.113.11' },
    { name: 'alias.example', type: 'CNAME', value: 'v4only.example' },
    { name: 'empty.example', type: 'TXT', value: 'nothing to see' },
    { name: 'big.example', type: 'TXT', value: `${'x'.repeat(3000)} 203.0.113.21` },
  ];
  const behaviours = {};
  for (const mode of ['nxdomain', 'servfail', 'refused', 'truncated', 'truncatedEverywhere', 'tcpClose', 'tcpHang', 'garbage', 'silent', 'dropFirst', 'wrongIdFirst', 'wrongIdOnly', 'wrongQuestionFirst', 'spoofPortFirst', 'spoofAddressFirst', 'spoofOnly']) {
    records.push({ name: `${mode.toLowerCase()}.example`, type: 'A', value: '203.0.113.20' });
    behaviours[`${mode.toLowerCase()}.example`] = mode;
  }

  before(async () => {
    server = await fakeDns.start({ records, behaviours });
  });
  after(() => server.close());
  beforeEach(() => {
    server.queries.length = 0;
    // every UDP socket the lookup opens must be closed again, whatever the outcome
    opened = [];
    const original = dgram.createSocket;
    dgram.createSocket = function (...args) {
      const socket = original.apply(this, args);
      const entry = { closed: false };
      socket.once('close', () => (entry.closed = true));
      opened.push(entry);
      return socket;
    };
    restoreCreateSocket = () => (dgram.createSocket = original);
  });
  afterEach(async () => {
    restoreCreateSocket();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(opened.every((s) => s.closed), 'every socket is closed');
  });

  const at = (name, extra = {}) => ({ resolver: '127.0.0.1', port: server.port, name, ...extra });

  const answers = [
    { title: 'A for family ipv4', name: 'myip.example', family: 'ipv4', texts: ['203.0.113.7'], kind: 'addresses', asked: ['A'] },
    { title: 'AAAA for family ipv6', name: 'myip.example', family: 'ipv6', texts: ['2001:db8::7'], kind: 'addresses', asked: ['AAAA'] },
    { title: 'A and AAAA for family any', name: 'myip.example', family: 'any', texts: ['203.0.113.7', '2001:db8::7'], kind: 'addresses', asked: ['A', 'AAAA'] },
    { title: 'A and AAAA for family dual', name: 'myip.example', family: 'dual', texts: ['203.0.113.7', '2001:db8::7'], kind: 'addresses', asked: ['A', 'AAAA'] },
    { title: 'the A half when there is no AAAA (any)', name: 'v4only.example', family: 'any', texts: ['203.0.113.8'], kind: 'addresses', asked: ['A', 'AAAA'] },
    { title: 'an explicit type over the family', name: 'myip.example', family: 'ipv4', type: 'AAAA', texts: ['2001:db8::7'], kind: 'addresses', asked: ['AAAA'] },
    { title: 'TXT IN holding a bare address (Google style)', name: 'google.example', type: 'TXT', texts: ['2001:db8::9'], kind: 'addresses', asked: ['TXT'] },
    { title: 'TXT CH (Cloudflare style)', name: 'whoami.cloudflare', type: 'TXT', dnsClass: 'CH', texts: ['203.0.113.11'], kind: 'addresses', asked: ['TXT'] },
    { title: 'TXT records with other text as a body', name: 'ecs.example', type: 'TXT', texts: ['203.0.113.10', 'edns0-client-subnet 203.0.113.0/24'], kind: 'body', asked: ['TXT'] },
    { title: 'A through a CNAME', name: 'alias.example', family: 'ipv4', texts: ['203.0.113.8'], kind: 'addresses', asked: ['A'] },
    { title: 'the real answer after one with a wrong id', name: 'wrongidfirst.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A'] },
    { title: 'the real answer after one for another question', name: 'wrongquestionfirst.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A'] },
    { title: 'the real answer after a forged one from another port', name: 'spoofportfirst.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A'] },
    { title: 'the real answer after a forged one from another address', name: 'spoofaddressfirst.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A'] },
    { title: 'the answer to the resend when the first query is lost', name: 'dropfirst.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A', 'A'], timeoutMs: 1000 },
    // RFC 7766 section 5, and dig: ";; Truncated, retrying in TCP mode."
    { title: 'over TCP when the UDP answer is truncated (TC)', name: 'truncated.example', texts: ['203.0.113.20'], kind: 'addresses', asked: ['A', 'A'], transports: ['udp', 'tcp'] },
    { title: 'a large TXT answer over TCP (the UDP one had TC set)', name: 'big.example', type: 'TXT', texts: [`${'x'.repeat(3000)} 203.0.113.21`], kind: 'body', asked: ['TXT', 'TXT'], transports: ['udp', 'tcp'] },
  ];
  for (const t of answers) {
    it(`answers ${t.title}`, async function () {
      if (t.name.startsWith('spoofaddress') && !server.spoofAddressAvailable) this.skip();
      const extra = {};
      if (t.type) extra.type = t.type;
      if (t.dnsClass) extra.dnsClass = t.dnsClass;
      const answer = await lookupDns(at(t.name, extra), ctx({ family: t.family || 'ipv4', timeoutMs: t.timeoutMs || 2000 }));
      assert.deepEqual(answer, { texts: t.texts, kind: t.kind });
      assert.deepEqual(server.queries.map((q) => q.type).sort(), [...t.asked].sort());
      if (t.transports) assert.deepEqual(server.queries.map((q) => q.transport), t.transports);
      for (const q of server.queries) assert.equal(q.class, t.dnsClass || 'IN');
    });
  }

  const failures = [
    { title: 'NXDOMAIN', name: 'nxdomain.example', code: 'EBADRESPONSE', message: /does not exist \(NXDOMAIN\)/ },
    { title: 'a name not in the table (NXDOMAIN)', name: 'unknown.example', code: 'EBADRESPONSE', message: /NXDOMAIN/ },
    { title: 'SERVFAIL', name: 'servfail.example', code: 'EBADRESPONSE', message: /SERVFAIL/ },
    { title: 'REFUSED', name: 'refused.example', code: 'EBADRESPONSE', message: /REFUSED/ },
    { title: 'an answer truncated even over TCP', name: 'truncatedeverywhere.example', code: 'EBADRESPONSE', message: /truncated \(TC bit\) even over TCP/ },
    { title: 'a TCP connection closed before the answer', name: 'tcpclose.example', code: 'EBADRESPONSE', message: /closed the TCP connection/ },
    { title: 'a TCP answer that never comes', name: 'tcphang.example', code: 'ETIMEDOUT', message: /over TCP/ },
    { title: 'a garbled answer', name: 'garbage.example', code: 'EBADRESPONSE', message: /malformed/ },
    { title: 'no answer at all', name: 'silent.example', code: 'ETIMEDOUT', message: /no answer from 127\.0\.0\.1:\d+/ },
    { title: 'only answers with a wrong id', name: 'wrongidonly.example', code: 'ETIMEDOUT', message: /ignored/ },
    { title: 'only a forged answer', name: 'spoofonly.example', code: 'ETIMEDOUT', message: /ignored/ },
    { title: 'a name with no record of the type (NODATA)', name: 'v4only.example', family: 'ipv6', code: 'ENOADDR', message: /no IN AAAA record/ },
    { title: 'neither A nor AAAA (any)', name: 'empty.example', family: 'any', code: 'ENOADDR', message: /no IN A or AAAA record/ },
  ];
  for (const t of failures) {
    it(`${t.title} is ${t.code}`, async () => {
      await assert.rejects(lookupDns(at(t.name), ctx({ family: t.family || 'ipv4', timeoutMs: 300 })), (err) => {
        assert.ok(err instanceof DdnsError, String(err));
        assert.equal(err.code, t.code);
        assert.match(err.message, t.message);
        assert.doesNotMatch(err.message, /192\.0\.2\.66/);
        return true;
      });
    });
  }

  it('an abort in flight is EABORTED', async () => {
    const controller = new AbortController();
    const pending = lookupDns(at('silent.example'), ctx({ signal: controller.signal, family: 'any', timeoutMs: 10000 }));
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { code: 'EABORTED' });
  });
  it('an already aborted signal is EABORTED and nothing is sent', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(lookupDns(at('myip.example'), ctx({ signal: controller.signal })), { code: 'EABORTED' });
    assert.equal(server.queries.length, 0);
  });
  it('queries leave from the bind address (127.0.0.2), as the server sees', async () => {
    const answer = await lookupDns(at('myip.example'), ctx({ family: 'any', localAddress: '127.0.0.2' }));
    assert.deepEqual(answer.texts, ['203.0.113.7', '2001:db8::7']);
    assert.equal(server.queries.length, 2);
    for (const q of server.queries) assert.equal(q.address, '127.0.0.2');
  });
  it('a resolver given by name is looked up first (localhost)', async () => {
    const answer = await lookupDns({ resolver: 'localhost', port: server.port, name: 'myip.example' }, ctx());
    assert.deepEqual(answer.texts, ['203.0.113.7']);
  });
  it('parses the origin and asks through it end to end', async () => {
    const origin = parseDnsOrigin(new URL(`dns://127.0.0.1:${server.port}/WhoAmI.Cloudflare?type=TXT&class=CH`));
    const answer = await lookupDns(origin, ctx());
    assert.deepEqual(answer, { texts: ['203.0.113.11'], kind: 'addresses' });
  });
});

describe('sources/dns: IPv6 resolver', () => {
  let server;
  before(async function () {
    try {
      server = await fakeDns.start({ host: '::1', records: [{ name: 'myip.example', type: 'AAAA', value: '2001:db8::7' }] });
    } catch {
      this.skip(); // no IPv6 loopback here
    }
  });
  after(() => server && server.close());
  it('asks [::1] over IPv6', async () => {
    const origin = parseDnsOrigin(new URL(`dns://[::1]:${server.port}/myip.example`));
    const answer = await lookupDns(origin, ctx({ family: 'ipv6' }));
    assert.deepEqual(answer.texts, ['2001:db8::7']);
    assert.equal(server.queries[0].address, '::1');
  });
});

describe('sources/dns: through the ip-source resolver', () => {
  let server;
  before(async () => {
    server = await fakeDns.start({ records: [{ name: 'myip.example', type: 'A', value: '8.8.4.4' }] });
  });
  after(() => server.close());
  it('findAddress takes the address from a dns:// origin', async () => {
    const { parseIpSourceConfig } = require('../../dist/sources/settings');
    const { findAddress } = require('../../dist/sources/lookup');
    const settings = parseIpSourceConfig({ origin: `dns://127.0.0.1:${server.port}/myip.example`, timeout: 2 }).lookup;
    const found = await findAddress(settings, 'ipv4', new AbortController().signal);
    assert.equal(found.address, '8.8.4.4');
  });
});
