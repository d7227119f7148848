'use strict';
// sources/suffix: another LAN host's IPv6 address from this host's prefix plus an
// interface identifier (IPv6 suffix or MAC -> modified EUI-64, RFC 4291 appendix A).
const assert = require('node:assert/strict');
const { DdnsError } = require('../../dist/core/errors');
const {
  parseSuffix,
  applySuffix,
  prefixOf,
  parsePrefixLength,
  parseMacBytes,
  normaliseMac,
  macToInterfaceId,
  suffixText,
  bitLength,
} = require('../../dist/sources/suffix');

function throwsCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof DdnsError, `expected a DdnsError, got ${err && err.stack}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

/** Fills an RFC bit diagram: each `c`, `g`, `m` takes the next bit of that field; 0 and 1 stay. */
function fillTemplate(template, fields) {
  const next = { c: 0, g: 0, m: 0 };
  return template
    .replace(/[|+\s-]/g, '')
    .split('')
    .map((ch) => (ch === '0' || ch === '1' ? ch : fields[ch][next[ch]++]))
    .join('');
}

function bitsToHexGroups(bits) {
  const groups = [];
  for (let i = 0; i < bits.length; i += 16) groups.push(parseInt(bits.slice(i, i + 16), 2).toString(16).padStart(4, '0'));
  return groups.join(':');
}

function bitsToMac(bits) {
  const octets = [];
  for (let i = 0; i < bits.length; i += 8) octets.push(parseInt(bits.slice(i, i + 8), 2).toString(16).padStart(2, '0'));
  return octets.join(':');
}

/** The 64-bit interface identifier of a suffix value as four hex groups. */
function iid(value) {
  return (value & ((1n << 64n) - 1n)).toString(16).padStart(16, '0').match(/.{4}/g).join(':');
}

describe('sources/suffix: modified EUI-64 from a MAC (RFC 4291 appendix A)', () => {
  // RFC 4291 appendix A, "Links or Nodes with IEEE 802 48-bit MACs": the 48-bit MAC
  //   |cccccc0gcccccccc|ccccccccmmmmmmmm|mmmmmmmmmmmmmmmm|
  // becomes the interface identifier
  //   |cccccc1gcccccccc|cccccccc11111111|11111110mmmmmmmm|mmmmmmmmmmmmmmmm|
  const MAC_TEMPLATE = '|cccccc0gcccccccc|ccccccccmmmmmmmm|mmmmmmmmmmmmmmmm|';
  const IID_TEMPLATE = '|cccccc1gcccccccc|cccccccc11111111|11111110mmmmmmmm|mmmmmmmmmmmmmmmm|';
  const cases = [
    { c: '0000000000000000000000', m: '000000000000000000000001' },
    { c: '1111111111111111111111', m: '111111111111111111111111' },
    { c: '1010100011010010110101', m: '010111001010110101100110' },
    { c: '0000011111000001111100', m: '110000000000000000000011' },
  ];
  for (const { c, m } of cases) {
    for (const g of ['0', '1']) {
      const macBits = fillTemplate(MAC_TEMPLATE, { c, g, m });
      const mac = bitsToMac(macBits);
      const expected = bitsToHexGroups(fillTemplate(IID_TEMPLATE, { c, g, m }));
      it(`appendix A diagram: ${mac} (g=${g}) -> ${expected}`, () => {
        assert.equal(iid(macToInterfaceId(parseMacBytes(mac))), expected);
      });
    }
  }

  // Examples stated by others, checked with the `search` tool (see the report):
  const examples = [
    // the classic textbook/course example
    ['00:1A:2B:3C:4D:5E', '021a:2bff:fe3c:4d5e'],
    // TCP/IP Illustrated vol. 1: 00:30:48:2A:19:89 -> 02:30:48:ff:fe:2a:19:89
    ['00:30:48:2A:19:89', '0230:48ff:fe2a:1989'],
    // a table of conversions; the second has the U/L bit set already, so it is cleared
    ['782B.CBAC.0867', '7a2b:cbff:feac:0867'],
    ['0200.4C4F.4F50', '0000:4cff:fe4f:4f50'],
    ['0050.56C0.0001', '0250:56ff:fec0:0001'],
  ];
  for (const [mac, expected] of examples) {
    it(`${mac} -> ${expected}`, () => {
      assert.equal(iid(parseSuffix(mac)), expected);
    });
  }

  it('00:1A:2B:3C:4D:5E behind a /64 is ...:21a:2bff:fe3c:4d5e, and the link-local form matches', () => {
    assert.equal(applySuffix('2001:db8:a1::1', '00:1A:2B:3C:4D:5E'), '2001:db8:a1:0:21a:2bff:fe3c:4d5e');
    assert.equal(applySuffix('fe80::1', '00:30:48:2A:19:89', 64), 'fe80::230:48ff:fe2a:1989');
    assert.equal(suffixText(parseSuffix('00:1a:2b:3c:4d:5e')), '::21a:2bff:fe3c:4d5e');
  });

  it('the universal/local bit is inverted, not set: a locally administered MAC loses it', () => {
    assert.equal(iid(parseSuffix('02:aa:bb:cc:dd:01')), '00aa:bbff:fecc:dd01');
    assert.equal(iid(parseSuffix('00:aa:bb:cc:dd:01')), '02aa:bbff:fecc:dd01');
  });
});

describe('sources/suffix: MAC notations', () => {
  const same = [
    '00:1a:2b:3c:4d:5e',
    '00:1A:2B:3C:4D:5E',
    '00-1a-2b-3c-4d-5e',
    '00-1A-2B-3C-4D-5E',
    '001a.2b3c.4d5e',
    '001A.2B3C.4D5E',
    '001a2b3c4d5e',
    '  00:1a:2b:3c:4d:5e  ',
  ];
  for (const text of same) {
    it(`"${text}" is 00:1a:2b:3c:4d:5e`, () => {
      assert.equal(normaliseMac(text), '00:1a:2b:3c:4d:5e');
      assert.equal(iid(parseSuffix(text)), '021a:2bff:fe3c:4d5e');
    });
  }

  const notMacs = ['00:1a:2b:3c:4d', '00:1a:2b:3c:4d:5e:6f', '00:1a-2b:3c:4d:5e', '0:1a:2b:3c:4d:5e', 'g0:1a:2b:3c:4d:5e', '001a.2b3c4d5e', '001a2b3c4d5', ''];
  for (const text of notMacs) {
    it(`"${text}" is not a MAC`, () => {
      assert.equal(normaliseMac(text), undefined);
      assert.equal(parseMacBytes(text), undefined);
    });
  }
});

describe('sources/suffix: parseSuffix with IPv6 suffixes', () => {
  const valid = [
    ['::1234:5678:9abc:def0', 0x123456789abcdef0n],
    ['::a:b:c:d', 0x000a000b000c000dn],
    ['::A:B:C:D', 0x000a000b000c000dn],
    ['::1', 1n],
    [' ::1 ', 1n],
    ['::ff', 0xffn],
    ['::1:0:0:0:0', 1n << 64n],
    // a whole address: its low bits are what applySuffix keeps
    ['2001:db8::a:b:c:d', 0x20010db800000000000a000b000c000dn],
  ];
  for (const [text, value] of valid) {
    it(`"${text}" -> 0x${value.toString(16)}`, () => {
      assert.equal(parseSuffix(text), value);
    });
  }

  it('bitLength counts the bits a suffix needs', () => {
    assert.equal(bitLength(0n), 0);
    assert.equal(bitLength(1n), 1);
    assert.equal(bitLength(parseSuffix('::1:0:0:0:0')), 65);
    assert.equal(bitLength(parseSuffix('00:1a:2b:3c:4d:5e')), 58);
    assert.equal(bitLength(parseSuffix('fc:1a:2b:3c:4d:5e')), 64);
  });
});

describe('sources/suffix: parseSuffix refuses what is neither', () => {
  const bad = [
    ['', /empty/],
    ['   ', /empty/],
    ['hello', /neither an IPv6 suffix nor a MAC/],
    ['1234:5678:9abc:def0', /leading "::", as in ::1234:5678:9abc:def0/],
    ['a:b:c:d', /leading "::"/],
    ['::1/64', /\/length/],
    ['fe80::1%eth0', /%zone/],
    ['::', /all zeros/],
    ['0:0:0:0:0:0:0:0', /all zeros/],
    ['::12345', /neither/],
    [':::1', /neither/],
    ['1.2.3.4', /neither/],
    ['00:1a:2b:3c:4d', /leading "::"|neither/],
    ['00:1a:2b:3c:4d:5e:6f', /leading "::"|neither/],
    ['00:1a-2b:3c:4d:5e', /neither/],
    ['01:00:5e:00:00:01', /multicast\/broadcast/],
    ['ff:ff:ff:ff:ff:ff', /multicast\/broadcast/],
    ['00:00:00:00:00:00', /all zeros/],
  ];
  for (const [text, pattern] of bad) {
    it(`"${text}" -> ECONFIG ${pattern}`, () => {
      throwsCode(() => parseSuffix(text), 'ECONFIG', pattern);
    });
  }

  it('non-text -> ECONFIG', () => {
    throwsCode(() => parseSuffix(undefined), 'ECONFIG', /text/);
    throwsCode(() => parseSuffix(42), 'ECONFIG', /text/);
  });
});

describe('sources/suffix: applySuffix and prefixOf at several prefix lengths', () => {
  const ADDRESS = '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff';
  const cases = [
    // [prefixLength, suffix, result, prefix]
    [48, '::1', '2001:db8:aaaa::1', '2001:db8:aaaa::/48'],
    [48, '::1234:0:0:0:1', '2001:db8:aaaa:1234::1', '2001:db8:aaaa::/48'],
    [56, '::12:3456:789a:bcde:f012', '2001:db8:aaaa:bb12:3456:789a:bcde:f012', '2001:db8:aaaa:bb00::/56'],
    [56, '00:1A:2B:3C:4D:5E', '2001:db8:aaaa:bb00:21a:2bff:fe3c:4d5e', '2001:db8:aaaa:bb00::/56'],
    [60, '::a:b:c:d', '2001:db8:aaaa:bbb0:a:b:c:d', '2001:db8:aaaa:bbb0::/60'],
    [60, '::f:0:0:0:1', '2001:db8:aaaa:bbbf::1', '2001:db8:aaaa:bbb0::/60'],
    [64, '::1234:5678:9abc:def0', '2001:db8:aaaa:bbbb:1234:5678:9abc:def0', '2001:db8:aaaa:bbbb::/64'],
    [64, '00:1A:2B:3C:4D:5E', '2001:db8:aaaa:bbbb:21a:2bff:fe3c:4d5e', '2001:db8:aaaa:bbbb::/64'],
    [64, '00-1a-2b-3c-4d-5e', '2001:db8:aaaa:bbbb:21a:2bff:fe3c:4d5e', '2001:db8:aaaa:bbbb::/64'],
    [64, '001a.2b3c.4d5e', '2001:db8:aaaa:bbbb:21a:2bff:fe3c:4d5e', '2001:db8:aaaa:bbbb::/64'],
    [64, '::1', '2001:db8:aaaa:bbbb::1', '2001:db8:aaaa:bbbb::/64'],
    [80, '::1', '2001:db8:aaaa:bbbb:cccc::1', '2001:db8:aaaa:bbbb:cccc::/80'],
    [80, '::1:2:3', '2001:db8:aaaa:bbbb:cccc:1:2:3', '2001:db8:aaaa:bbbb:cccc::/80'],
    [80, '::ffff:ffff:ffff', '2001:db8:aaaa:bbbb:cccc:ffff:ffff:ffff', '2001:db8:aaaa:bbbb:cccc::/80'],
  ];
  for (const [len, suffix, result, prefix] of cases) {
    it(`/${len} + ${suffix} -> ${result}`, () => {
      assert.equal(applySuffix(ADDRESS, suffix, len), result);
      assert.equal(applySuffix(ADDRESS, parseSuffix(suffix), len), result, 'a parsed suffix (BigInt) works the same');
      assert.equal(prefixOf(ADDRESS, len), prefix);
    });
  }

  it('prefixLength defaults to 64', () => {
    assert.equal(applySuffix(ADDRESS, '::1'), '2001:db8:aaaa:bbbb::1');
    assert.equal(prefixOf(ADDRESS), '2001:db8:aaaa:bbbb::/64');
  });

  it('output is RFC 5952 text whatever form the input address had', () => {
    assert.equal(applySuffix('2001:0DB8:0000:0000:0001:0000:0000:0005', '::A:0:0:B', 64), '2001:db8::a:0:0:b');
    assert.equal(applySuffix('2001:DB8::', '::1', 64), '2001:db8::1');
    assert.equal(prefixOf('2001:0DB8:0001:0002:0003:0004:0005:0006', 64), '2001:db8:1:2::/64');
    assert.equal(prefixOf('2001:db8:1:2:a:b:c:d', 64), '2001:db8:1:2::/64');
  });

  it('a suffix wider than the host part is ECONFIG saying how many bits fit', () => {
    throwsCode(() => applySuffix(ADDRESS, '00:1A:2B:3C:4D:5E', 80), 'ECONFIG', /needs 58 bits .* leaves only 48 bits/);
    throwsCode(() => applySuffix(ADDRESS, '00:1A:2B:3C:4D:5E', 80), 'ECONFIG', /prefix length of 64 or less/);
    throwsCode(() => applySuffix(ADDRESS, '::1:0:0:0:0', 64), 'ECONFIG', /needs 65 bits .* only 64 bits .*at most 64 bits fit/);
    throwsCode(() => applySuffix(ADDRESS, '::10:0:0:0:0', 60), 'ECONFIG', /needs 69 bits .* only 68 bits/);
    throwsCode(() => applySuffix(ADDRESS, '::1:0:0', 96), 'ECONFIG', /needs 33 bits .* only 32 bits/);
    throwsCode(() => applySuffix(ADDRESS, 1n << 64n, 64), 'ECONFIG', /needs 65 bits/);
    // exactly as wide as the host part fits
    assert.equal(applySuffix(ADDRESS, '::ffff:ffff:ffff:ffff', 64), '2001:db8:aaaa:bbbb:ffff:ffff:ffff:ffff');
    assert.equal(applySuffix(ADDRESS, '::8000:0', 96), '2001:db8:aaaa:bbbb:cccc:dddd:8000:0');
  });

  it('prefix lengths 1 and 127 are the extremes', () => {
    assert.equal(applySuffix(ADDRESS, '::1', 127), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff');
    assert.equal(applySuffix('2001:db8::', '::1', 127), '2001:db8::1');
    assert.equal(applySuffix(ADDRESS, '::1', 1), '::1');
    assert.equal(prefixOf('8000::1', 1), '8000::/1');
    assert.equal(prefixOf(ADDRESS, 127), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffe/127');
  });

  const badLengths = [0, 128, -1, 64.5, NaN, '64', null];
  for (const len of badLengths) {
    it(`prefixLength ${JSON.stringify(len)} -> ECONFIG`, () => {
      throwsCode(() => applySuffix(ADDRESS, '::1', len), 'ECONFIG', /prefixLength must be a whole number from 1 to 127/);
      throwsCode(() => prefixOf(ADDRESS, len), 'ECONFIG', /prefixLength/);
    });
  }

  const badAddresses = ['192.0.2.1', '::ffff:192.0.2.1', 'not an address', '', '2001:db8::/64', 'fe80::1%eth0'];
  for (const address of badAddresses) {
    it(`address "${address}" -> EBADINPUT (an IPv6 address is needed)`, () => {
      throwsCode(() => applySuffix(address, '::1', 64), 'EBADINPUT', /needs an IPv6 address/);
      throwsCode(() => prefixOf(address, 64), 'EBADINPUT', /needs an IPv6 address/);
    });
  }

  it('a bad suffix is ECONFIG from applySuffix too', () => {
    throwsCode(() => applySuffix(ADDRESS, 'nonsense', 64), 'ECONFIG', /neither/);
  });
});

describe('sources/suffix: parsePrefixLength (the setting as stored in a flow)', () => {
  const valid = [
    [undefined, 64],
    [null, 64],
    ['', 64],
    [64, 64],
    ['64', 64],
    ['/56', 56],
    [' 48 ', 48],
    [1, 1],
    [127, 127],
  ];
  for (const [input, expected] of valid) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(parsePrefixLength(input), expected);
    });
  }
  for (const input of [0, 128, '0', '128', 'abc', '64.5', 64.5, -1, '1e2', true, {}]) {
    it(`${JSON.stringify(input)} -> ECONFIG`, () => {
      throwsCode(() => parsePrefixLength(input), 'ECONFIG', /1 to 127/);
    });
  }
});
