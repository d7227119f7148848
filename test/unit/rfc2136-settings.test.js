'use strict';
// Table-driven: the RFC 2136 settings checked at build (ECONFIG before
// anything is sent), what each answer code makes of a record, the stored
// state read back from whatever a context store hands over, and the
// sidebar's rows.
const assert = require('node:assert/strict');
const { codeOf } = require('../support/errors');
const { parseServer, resolveSettings, jobsFor, normaliseRecordType } = require('../../dist/providers/rfc2136/settings');
const { parseHostnames, normaliseKeyName, isInZone } = require('../../dist/providers/rfc2136/names');
const { decodeSecret } = require('../../dist/providers/rfc2136/tsig');
const { updateVerdict, queryVerdict } = require('../../dist/providers/rfc2136/policy');
const { createRfc2136Provider } = require('../../dist/providers/rfc2136');

const SECRET = 'c2VjcmV0IG9mIHRoZSBzZXR0aW5ncyB0ZXN0';
const base = { server: '192.0.2.53', keyName: 'ddns-key', secret: SECRET };

describe('rfc2136 settings', () => {
  const servers = [
    ['192.0.2.53', { host: '192.0.2.53', port: 53 }],
    ['192.0.2.53:5353', { host: '192.0.2.53', port: 5353 }],
    ['ns1.Example.COM.', { host: 'ns1.example.com', port: 53 }],
    ['ns1.example.com:8053', { host: 'ns1.example.com', port: 8053 }],
    ['[2001:db8::53]:5353', { host: '2001:db8::53', port: 5353 }],
    ['[2001:DB8:0::53]', { host: '2001:db8::53', port: 53 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53 }],
  ];
  for (const [text, expected] of servers) {
    it(`server "${text}"`, () => assert.deepEqual(parseServer(text), expected));
  }
  for (const bad of ['', 'udp://192.0.2.53', '192.0.2.53:0', '192.0.2.53:70000', 'ns1.example.com/x', '[nope]:53', 'a b', '*.example.com', 'ns1.example.com:53:53']) {
    it(`server "${bad}" is ECONFIG`, () => assert.equal(codeOf(() => parseServer(bad)), 'ECONFIG'));
  }

  it('the secret: base64 as tsig-keygen prints it, never echoed in an error', () => {
    assert.equal(decodeSecret(' c2Vj\ncmV0 ').toString(), 'secret');
    for (const bad of ['', 'not base64!', 'abc', 'c2VjcmV0===']) {
      let message = '';
      try {
        decodeSecret(bad);
      } catch (err) {
        message = err.message;
        assert.equal(err.code, 'ECONFIG');
      }
      assert.ok(message && (bad === '' || !message.includes(bad)), `"${bad}" refused without being shown`);
    }
  });

  const builds = [
    ['defaults', {}, 'ok'],
    ['every algorithm', { algorithm: 'HMAC-SHA512' }, 'ok'],
    ['an unknown algorithm', { algorithm: 'hmac-sha3' }, 'ECONFIG'],
    ['no key name', { keyName: '' }, 'ECONFIG'],
    ['a key name with a space', { keyName: 'my key' }, 'ECONFIG'],
    ['no secret', { secret: '' }, 'ECONFIG'],
    ['a bad zone', { zone: 'exa mple.com' }, 'ECONFIG'],
    ['a name outside the zone', { zone: 'example.com', hostnames: 'home.example.net' }, 'ECONFIG'],
    ['a name that only ends like the zone', { zone: 'example.com', hostnames: 'badexample.com' }, 'ECONFIG'],
    ['the zone apex and a wildcard', { zone: 'example.com', hostnames: 'example.com, *.dyn.example.com' }, 'ok'],
    ['TTL 0', { ttl: 0 }, 'ok'],
    ['TTL -1', { ttl: -1 }, 'ECONFIG'],
    ['TTL 2^31', { ttl: 2147483648 }, 'ECONFIG'],
    ['record type MX', { recordType: 'MX' }, 'ECONFIG'],
  ];
  for (const [what, settings, expected] of builds) {
    it(`build: ${what} -> ${expected}`, () => {
      const code = codeOf(() => createRfc2136Provider({ settings: { ...base, ...settings } }));
      assert.equal(code === 'no error' ? 'ok' : code, expected);
    });
  }

  it('defaults: port 53, hmac-sha256, TTL 300, record type auto', () => {
    const cfg = resolveSettings(base);
    assert.deepEqual([cfg.endpoint.port, cfg.key.algorithm, cfg.ttl, cfg.recordType], [53, 'hmac-sha256', 300, 'auto']);
    assert.equal(normaliseKeyName('DDNS-Key.'), 'ddns-key');
    assert.equal(normaliseRecordType('aaaa'), 'AAAA');
  });

  it('host names: comma or space separated, duplicates dropped, at most 100', () => {
    assert.deepEqual(parseHostnames('A.example.com, b.example.com a.example.com.'), ['a.example.com', 'b.example.com']);
    assert.equal(codeOf(() => parseHostnames(Array.from({ length: 101 }, (_, i) => `h${i}.example.com`).join(','))), 'ECONFIG');
    assert.equal(codeOf(() => parseHostnames('home.example.com\r\nX: y')), 'ECONFIG');
    assert.equal(codeOf(() => parseHostnames(' , ')), 'ECONFIG');
    assert.ok(isInZone('a.b.example.com', 'example.com') && !isInZone('aexample.com', 'example.com'));
    // the names the wire carries: an internationalised name in punycode; owner names may hold `_`
    assert.deepEqual(parseHostnames('Bücher.example.com, _srv-host.example.com'), ['xn--bcher-kva.example.com', '_srv-host.example.com']);
    assert.equal(resolveSettings({ ...base, zone: 'bücher.example', hostnames: 'nas.bücher.example' }).zone, 'xn--bcher-kva.example');
  });

  const payloads = [
    ['auto', '192.0.2.1', [['A', '192.0.2.1']]],
    ['auto', '2001:DB8::1', [['AAAA', '2001:db8::1']]],
    ['auto', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, [['A', '192.0.2.1'], ['AAAA', '2001:db8::1']]],
    ['A', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, [['A', '192.0.2.1']]],
    ['AAAA', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, [['AAAA', '2001:db8::1']]],
    ['A', '2001:db8::1', 'EBADINPUT'],
    ['AAAA', { ipv4: '192.0.2.1' }, 'EBADINPUT'],
    ['auto', '0.0.0.0', 'EBADINPUT'],
    ['auto', '192.168.1.20', [['A', '192.168.1.20']]],
    ['auto', 'home.example.com', 'EBADINPUT'],
  ];
  for (const [type, payload, expected] of payloads) {
    it(`${type} with ${JSON.stringify(payload)}`, () => {
      if (typeof expected === 'string') assert.equal(codeOf(() => jobsFor(type, payload)), expected);
      else assert.deepEqual(jobsFor(type, payload).map((j) => [j.type, j.value]), expected);
    });
  }
});

describe('rfc2136 answers and what they do', () => {
  const ctx = { subject: 'example.com', keyName: 'ddns-key', algorithm: 'hmac-sha256', clockRetryMs: 60_000 };
  const answer = (rcode, extra = {}) => ({ message: { authoritative: true }, rcode, signed: true, ...extra });
  const view = (v) => [v.kind, v.kind === 'ok' ? undefined : v.error.code, v.providerCode ?? v.error?.providerCode, v.scope];

  const updates = [
    ['NOERROR', answer(0), true, ['ok', undefined, undefined, undefined]],
    ['SERVFAIL', answer(2), true, ['retry', 'EPROVIDER', 'SERVFAIL', undefined]],
    ['REFUSED', answer(5), true, ['block', 'EFORBIDDEN', 'REFUSED', 'zone']],
    ['NOTAUTH', answer(9), true, ['block', 'EAUTH', 'NOTAUTH', 'zone']],
    ['NOTAUTH/BADKEY, unsigned by design', answer(9, { signed: false, tsigError: 17 }), true, ['block', 'EAUTH', 'BADKEY', 'key']],
    ['NOTAUTH/BADSIG, unsigned by design', answer(9, { signed: false, tsigError: 16 }), true, ['block', 'EAUTH', 'BADSIG', 'key']],
    ['NOTAUTH/BADTIME', answer(9, { tsigError: 18 }), true, ['retry', 'EAUTH', 'BADTIME', undefined]],
    ['a verified answer signed an hour away', answer(0, { clockOffsetSeconds: 3600 }), true, ['retry', 'EAUTH', 'BADTIME', undefined]],
    ['NOTZONE, zone configured', answer(10), true, ['block', 'ECONFIG', 'NOTZONE', 'zone']],
    ['NOTZONE, zone discovered', answer(10), false, ['fail', 'ECONFIG', 'NOTZONE', undefined]],
    ['NOTIMP', answer(4), true, ['fail', 'EPROVIDER', 'NOTIMP', undefined]],
    ['FORMERR', answer(1), true, ['fail', 'EPROVIDER', 'FORMERR', undefined]],
    ['YXRRSET', answer(7), true, ['fail', 'EPROVIDER', 'YXRRSET', undefined]],
    ['REFUSED unsigned', answer(5, { signed: false }), true, ['fail', 'EFORBIDDEN', 'REFUSED', undefined]],
    ['NOTAUTH unsigned', answer(9, { signed: false }), true, ['fail', 'EAUTH', 'NOTAUTH', undefined]],
  ];
  for (const [what, a, configured, expected] of updates) {
    it(`update: ${what}`, () => assert.deepEqual(view(updateVerdict(a, ctx, configured)), expected));
  }

  it('BADTIME names the clock and the size of the difference from the server\'s time', () => {
    const tsig = { timeSigned: 1000, otherData: Buffer.from([0, 0, 0, 0, 0x0b, 0xb8]) };
    const v = updateVerdict(answer(9, { tsigError: 18, tsig }), ctx, true);
    assert.match(v.error.message, /differ by 2000 s \(this machine is behind\).*set the clock \(NTP\) \(BADTIME\)/);
    assert.equal(v.error.retryable, true);
    assert.equal(v.error.retryAfterMs, 60_000, 'a minute before the next attempt: time for NTP');
  });

  const queries = [
    ['NOERROR', answer(0), 'ok'],
    ['NXDOMAIN (a new name)', answer(3), 'ok'],
    ['REFUSED (queries not allowed): tells nothing', answer(5), 'fail'],
    ['SERVFAIL', answer(2), 'retry'],
    ['BADKEY', answer(9, { signed: false, tsigError: 17 }), 'block'],
  ];
  for (const [what, a, kind] of queries) {
    it(`query: ${what}`, () => assert.equal(queryVerdict(a, ctx).kind, kind));
  }
});

describe('rfc2136 state: the record ledger, and the shape stored before it', () => {
  // the node's TTL is 300 unless set; auto writes A and AAAA
  const provider = (settings = {}) => createRfc2136Provider({ settings: { ...base, hostnames: 'new.example.com, a.example.com', ...settings } });

  it('the shape stored before the ledger is read: values, times, zones and blocks kept, the rest dropped', () => {
    const old = {
      names: {
        'a.example.com': { A: { value: '192.0.2.1', ttl: 300, verifiedAt: 5, lastWriteAt: 4 }, AAAA: { value: '192.0.2.1', ttl: 300, verifiedAt: 5 }, zone: 'example.com', blockedCode: 'REFUSED' },
        'b.example.com': { A: { value: 'x', ttl: 300, verifiedAt: 1 }, AAAA: { value: '2001:DB8::1', ttl: 1.5, verifiedAt: 1 } },
        'c.example.com': { A: { value: '192.0.2.3', ttl: 60, verifiedAt: 7 } },
        __proto__: { A: { value: '192.0.2.1', ttl: 1, verifiedAt: 1 } },
      },
    };
    assert.deepEqual(provider().normaliseState(old), {
      version: 1,
      records: {
        'a.example.com/A': { name: 'a.example.com', type: 'A', value: '192.0.2.1', verifiedAt: 5, lastWriteAt: 4, block: { code: 'REFUSED', at: 0 } },
        // seen with a TTL the node does not set: remembered, but asked again
        'b.example.com/AAAA': { name: 'b.example.com', type: 'AAAA', value: '2001:db8::1' },
        'c.example.com/A': { name: 'c.example.com', type: 'A', value: '192.0.2.3' },
      },
      memo: { 'zone:a.example.com': 'example.com' },
    });
    // a blocked name with no record known: its block is kept on the node's first type
    assert.deepEqual(provider({ recordType: 'AAAA' }).normaliseState({ names: { 'n.example.com': { blockedCode: 'BADKEY', blockedAt: 2 } } }).records, {
      'n.example.com/AAAA': { name: 'n.example.com', type: 'AAAA', block: { code: 'BADKEY', at: 2 } },
    });
    for (const junk of [null, 42, 'x', [], { names: [] }, { names: 'x' }]) assert.deepEqual(provider().normaliseState(junk), { version: 1, records: {}, memo: {} });
  });

  it('sidebar rows: configured names pending, a row per record with its block; a block is lifted per name', () => {
    const p = provider({ recordType: 'A' });
    const state = p.normaliseState({
      names: { 'a.example.com': { A: { value: '192.0.2.1', ttl: 300, verifiedAt: 10, lastWriteAt: 9 }, blockedCode: 'BADSIG', blockedAt: 20 } },
    });
    assert.deepEqual(p.describe(state, 100), [
      { name: 'new.example.com', type: 'A' },
      { name: 'a.example.com', type: 'A', value: '192.0.2.1', checkedAt: 10, lastWriteAt: 9, blockedCode: 'BADSIG', blockedAt: 20 },
    ]);
    const lifted = p.unblock(state, 'a.example.com');
    assert.equal(lifted.records['a.example.com/A'].block, undefined);
    assert.equal(state.records['a.example.com/A'].block.code, 'BADSIG', 'the given state is not changed');
  });
});
