'use strict';
const assert = require('node:assert/strict');
const { parseAddress, expandIpv6, isPublicRange, sameAddress } = require('../../dist/core/address');
const { compilePattern, extractCandidates, candidatesFrom } = require('../../dist/sources/address-pattern');

describe('core/address', () => {
  const cases = [
    ['8.8.8.8', '8.8.8.8', 4, true],
    ['  1.2.3.4\n', '1.2.3.4', 4, true],
    ['100.64.1.2', '100.64.1.2', 4, false], // CGNAT
    ['192.168.1.10', '192.168.1.10', 4, false],
    ['10.0.0.1', '10.0.0.1', 4, false],
    ['127.0.0.1', '127.0.0.1', 4, false],
    ['169.254.3.4', '169.254.3.4', 4, false],
    ['198.51.100.7', '198.51.100.7', 4, false], // documentation
    ['2001:4860:4860::8888', '2001:4860:4860::8888', 6, true],
    ['2001:4860:4860:0:0:0:0:8888', '2001:4860:4860::8888', 6, true],
    ['2001:DB8::1', '2001:db8::1', 6, false], // documentation
    ['fd00:25a:c::25:7c:e', 'fd00:25a:c::25:7c:e', 6, false], // ULA
    ['fe80::1', 'fe80::1', 6, false],
    ['::1', '::1', 6, false],
    ['::ffff:8.8.4.4', '8.8.4.4', 4, true], // mapped becomes IPv4
  ];
  for (const [input, address, family, isPublic] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const parsed = parseAddress(input);
      assert.ok(parsed);
      assert.equal(parsed.address, address);
      assert.equal(parsed.family, family);
      assert.equal(isPublicRange(parsed.range), isPublic);
    });
  }
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '0x7f.0.0.1', '1.2.3.4\r\nX: y', 'fe80::1%eth0', 'abc', '2001:db8::1::2', 'x'.repeat(10000)]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () => assert.equal(parseAddress(bad), undefined));
  }
  it('expands IPv6 to the full form before matching', () => {
    assert.equal(expandIpv6('fd00:25a:c::25:7c:e'), 'fd00:025a:000c:0000:0000:0025:007c:000e');
    assert.equal(expandIpv6('1.2.3.4'), '1.2.3.4');
  });
  it('compares addresses in any textual form', () => {
    assert.ok(sameAddress('2001:4860:4860:0::8888', '2001:4860:4860::8888'));
    assert.ok(!sameAddress('1.2.3.4', '1.2.3.5'));
  });
});

describe('sources/address-pattern', () => {
  it('group -1 takes every entire match', () => {
    const p = compilePattern('\\d+\\.\\d+\\.\\d+\\.\\d+', -1);
    assert.deepEqual(extractCandidates('a 1.2.3.4 b 5.6.7.8', p), ['1.2.3.4', '5.6.7.8']);
  });
  it('group -2 takes the entire string', () => {
    const p = compilePattern('anything', -2);
    assert.deepEqual(extractCandidates('  9.9.9.9 \n', p), ['9.9.9.9']);
  });
  it('group N takes a capture group', () => {
    const p = compilePattern('Address: ([\\d.]+)', 1);
    assert.deepEqual(extractCandidates('<body>Current IP Address: 8.8.8.8</body>', p), ['8.8.8.8']);
  });
  it('a group the pattern does not have is a configuration error', () => {
    assert.throws(() => compilePattern('(a)', 2), { code: 'ECONFIG' });
  });
  it('a malformed regular expression is a configuration error', () => {
    assert.throws(() => compilePattern('([0-9', -1), { code: 'ECONFIG', message: /not a valid regular expression/ });
  });
  it('group below -2 or not a number is a configuration error', () => {
    assert.throws(() => compilePattern('', -3), { code: 'ECONFIG' });
    assert.throws(() => compilePattern('', 'x'), { code: 'ECONFIG' });
  });
  it('the built-in pattern finds IPv4 and IPv6 tokens, with a trailing full stop', () => {
    const p = compilePattern('', -1);
    assert.deepEqual(candidatesFrom(['Your IP is 8.8.8.8. Also 2001:4860:4860::8888'], 'body', p), ['8.8.8.8', '2001:4860:4860::8888']);
  });
  it('addresses are matched one by one in expanded form', () => {
    const p = compilePattern('^fd00:025a:.*$', -1);
    assert.deepEqual(candidatesFrom(['fd00:25a:c::25:7c:e', 'fd01::1', '10.0.0.1'], 'addresses', p), ['fd00:25a:c::25:7c:e']);
  });
});

describe('sources/address-pattern: the built-in scanner (where an address stands on its own)', () => {
  const { scanAddresses } = require('../../dist/sources/address-scanner');
  const { riskyShape } = require('../../dist/sources/pattern-safety');
  const cases = [
    // ddclient's extract_ipv4: a dotted quad between word boundaries
    ['IP:203.0.113.5', ['203.0.113.5']],
    ['203.0.113.5:51234', ['203.0.113.5']],
    ['foo:192.0.2.1:bar', ['192.0.2.1']],
    ['foo_192.0.2.1', ['192.0.2.1']],
    ['Your IP is 8.8.8.8.', ['8.8.8.8']],
    ['1.2.3.4-5.6.7.8', ['1.2.3.4', '5.6.7.8']],
    ['v1.2.3.4', []],
    ['1.2.3.4.5', []],
    ['1.2.3.4a', []],
    // never 6:2001:db8::5 (qdm12/ddns-updater ipextract.IPv6, inadyn parse_ipv6_address)
    ['IPv6:2001:db8::5', ['2001:db8::5']],
    ['addr:fe80::1%eth0', ['fe80::1']],
    ['[2001:db8::1]:443', ['2001:db8::1']],
    ['{"ip":"2001:4860:4860::8888"}', ['2001:4860:4860::8888']],
    ['2001:db8::5:xyz', ['2001:db8::5']],
    ['cafe:2001:db8::5', ['cafe:2001:db8::5']], // all hex: one address, not a label
    ['::ffff:1.2.3.4', ['::ffff:1.2.3.4']],
    ['2024-01-01T10:30:00.123Z', []],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(scanAddresses(text), expected));
  }

  // 1 MB bodies shaped against a backtracking tokenizer: the old regex took 2.3 s per 64 KB
  // of letters and grows with the square of the size (10 minutes for 1 MB)
  const hostile = {
    'hex letters': 'a'.repeat(1 << 20),
    'a: pairs': 'a:'.repeat(1 << 19),
    'dots': '.'.repeat(1 << 20),
    'colons': ':'.repeat(1 << 20),
    '1. pairs': '1.'.repeat(1 << 19),
    'ffff: groups': 'ffff:'.repeat(1 << 18),
    'addresses': 'IP:81.2.69.160 '.repeat(70000),
  };
  for (const [title, text] of Object.entries(hostile)) {
    it(`a 1 MB body of ${title} is scanned in one pass (at most 256 candidates)`, () => {
      const found = extractCandidates(text, compilePattern('', -1));
      assert.ok(found.length <= 256);
      if (title === 'addresses') assert.equal(found[0], '81.2.69.160');
    });
  }

  const refused = [
    ['IP: ((\\d+)+\\.)+\\d+$', /quantifier inside a quantifier/],
    ['(\\d+\\.)+\\d+', /quantifier inside a quantifier/],
    ['(x{2,})*', /quantifier inside a quantifier/],
    ['(a|ab)+', /alternatives that can match the same text/],
    ['(\\d|\\w)*', /alternatives that can match the same text/],
    ['(a?)+', /can match nothing/],
    ['(.)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
  ];
  for (const [pattern, reason] of refused) {
    it(`refuses ${pattern} at deploy with ECONFIG`, () => {
      assert.throws(() => compilePattern(pattern, -1), (err) => err.code === 'ECONFIG' && reason.test(err.message) && /exponential time/.test(err.message));
    });
  }
  for (const pattern of ['ip=(\\S+)', 'Address: ([\\d.]+)', '(\\d+\\.){3}\\d+', '(?:[0-9a-f]{1,4}:)+', '(\\d|[a-f])+', '[^]]+', '^2001:0db8:']) {
    it(`accepts ${pattern}`, () => assert.equal(riskyShape(pattern, 1), undefined));
  }
});

// issue 22.8: Cloudflare's /cdn-cgi/trace (fields as community.cloudflare.com/t/150595 shows
// them) starts with h=, the host asked: at https://1.1.1.1/cdn-cgi/trace that is 1.1.1.1.
describe('sources/address-scanner: the trace format (key=value lines with ip=)', () => {
  const { traceAddress } = require('../../dist/sources/address-scanner');
  const trace = 'fl=29f123\nh=1.1.1.1\nip=203.0.113.7\nts=1718000000.123\nvisit_scheme=https\nuag=curl/8\ncolo=FRA\nsliver=none\nhttp=http/2\nloc=DE\ntls=TLSv1.3\nsni=off\nwarp=off\ngateway=off\nrbi=off\nkex=X25519\n';
  const cases = [
    ['Cloudflare\'s answer', trace, '203.0.113.7'],
    ['with CRLF line ends and blank lines', 'h=1.1.1.1\r\n\r\nip=2001:db8::7\r\nts=1\r\n', '2001:db8::7'],
    ['ip= first', 'ip=203.0.113.7\nh=1.1.1.1', '203.0.113.7'],
    ['no ip= line', 'fl=29f123\nh=1.1.1.1\nts=1\n', undefined],
    ['a single line', 'ip=203.0.113.7', undefined],
    ['a line that is not key=value', 'Your address:\nip=203.0.113.7\nh=1.1.1.1', undefined],
    ['a key with a space', 'my ip=203.0.113.7\nh=1.1.1.1', undefined],
    ['two ip= lines', 'ip=203.0.113.7\nip=203.0.113.8\n', undefined],
    ['a key that only starts with ip', 'ipv6=2001:db8::7\nh=1.1.1.1', undefined],
    ['JSON', '{"ip":"203.0.113.7"}', undefined],
    ['plain text', '203.0.113.7\n', undefined],
  ];
  for (const [title, text, address] of cases) {
    it(`${title}: ${address ?? 'not the trace format'}`, () => assert.equal(traceAddress(text), address));
  }
  it('without a pattern a trace body yields only its ip= line; a pattern still reads what it asks for', () => {
    assert.deepEqual(candidatesFrom([trace], 'body', compilePattern('', -1)), ['203.0.113.7']);
    assert.deepEqual(candidatesFrom([trace], 'body', compilePattern('h=(\\S+)', 1)), ['1.1.1.1']);
    // addresses (interface, DNS) are never read as a trace
    assert.deepEqual(candidatesFrom(['1.1.1.1'], 'addresses', compilePattern('', -1)), ['1.1.1.1']);
  });
  it('64 KB of key=value lines without ip= is read in one pass and is not a trace', () => {
    assert.equal(traceAddress('k=v\n'.repeat(16000)), undefined);
  });
});

// issue 22.6: shapes the star-height check missed. OWASP's ReDoS page names
// `(.*a){x}` (x > 10) among the evil patterns; two overlapping runs side by side
// are safe-regex's "polynomial" cousins. The accepted ones are those README,
// the help and the bench use, and the ordinary shapes users write.
describe('sources/pattern-safety: counted repetition and overlapping runs', () => {
  const { riskyShape } = require('../../dist/sources/pattern-safety');
  const refused = [
    ['(.*a){12}b', /counted number of times/],
    ['(.*a){2,5}', /counted number of times/],
    ['(?:.*a){12}', /counted number of times/],
    ['([\\d.]+){4}', /counted number of times/],
    ['(\\d+){4}', /counted number of times/],
    ['(\\d+\\.?){4}', /counted number of times/],
    ['(.+,){3}x', /counted number of times/],
    ['x((\\d+)\\d){3}', /counted number of times/],
    ['\\d*\\d*x', /two unbounded runs side by side/],
    ['.*\\s*x', /two unbounded runs side by side/],
    ['\\w+\\d+', /two unbounded runs side by side/],
    ['ip: ([0-9.]+[0-9]{2,})', /two unbounded runs side by side/],
  ];
  for (const [pattern, reason] of refused) {
    it(`refuses ${pattern} at deploy with ECONFIG, saying why`, () => {
      assert.match(riskyShape(pattern, 3) ?? '', reason);
      assert.throws(() => compilePattern(pattern, -1), (err) => err.code === 'ECONFIG' && reason.test(err.message));
    });
  }
  const accepted = [
    'ip=(\\S+)', // README and help: Cloudflare's trace
    'Address: ([\\d.]+)', // README and help: checkip pages
    '^198\\.51\\.100\\.7\\d$', // bench
    '(\\d+\\.){3}\\d+', // the check's own advice
    '(\\d{1,3}\\.){3}\\d{1,3}',
    '(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}',
    '.*"ip":\\s*"([^"]+)"', // slow on a hostile answer, but only quadratic: the worker's deadline bounds it
    '.*?([\\d.]+)',
    '"ip"\\s*:\\s*"([^"]+)"',
    '(\\d+)\\.(\\d+)',
    '([0-9a-f]+:){2,7}[0-9a-f]+',
    'x{2}y*',
  ];
  for (const pattern of accepted) {
    it(`accepts ${pattern}`, () => {
      assert.equal(riskyShape(pattern, 3), undefined);
      compilePattern(pattern, -1);
    });
  }
});

describe('core/address: what scope public keeps', () => {
  const { parseAddress: parse, notPublicBecause } = require('../../dist/core/address');
  const cases = [
    ['2a00:1450:4001:81c::200e', undefined],
    ['2606:4700:4700::1111', undefined],
    ['4000::1', /outside 2000::\/3/],
    ['5f00::1', /./],
    ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['2002:c000:204::1', /6to4/],
    ['2001:2::1', /IETF protocol assignment|benchmarking/],
    ['2001:20::1', /IETF protocol assignment|ORCHID/],
    ['2620:4f:8000::1', /AS112/],
    ['64:ff9b::8.8.8.8', /./],
    ['81.2.69.160', undefined],
    ['198.18.0.1', /reserved|benchmarking/],
    ['192.31.196.1', /AS112/],
    ['192.168.1.1', /private/],
  ];
  for (const [address, why] of cases) {
    it(`${address} is ${why ? 'not public' : 'public'}`, () => {
      const reason = notPublicBecause(parse(address));
      if (why) assert.match(reason ?? '', why);
      else assert.equal(reason, undefined);
    });
  }
});
