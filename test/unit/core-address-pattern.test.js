'use strict';
const assert = require('node:assert/strict');
const { parseAddress, expandIpv6, isPublicRange, sameAddress } = require('../../dist/core/address');
const { compilePattern, extractCandidates, candidatesFrom } = require('../../dist/core/pattern');

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

describe('core/pattern', () => {
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
