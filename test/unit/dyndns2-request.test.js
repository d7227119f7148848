'use strict';
// DynDNS2 request building: server URL, query parameters, dual stack styles,
// batching and headers. Pure functions, no network.
const assert = require('node:assert/strict');
const { codeOf } = require('../support/errors');
const request = require('../../dist/providers/dyndns2/request');
const input = require('../../dist/providers/dyndns2/input');


describe('dyndns2 request: server URL', () => {
  const cases = [
    ['https://dyn.example.net', 'https://dyn.example.net/nic/update'],
    ['https://dyn.example.net/', 'https://dyn.example.net/nic/update'],
    ['http://192.168.1.10:8245', 'http://192.168.1.10:8245/nic/update'],
    ['https://dyn.example.net/v3/update', 'https://dyn.example.net/v3/update'],
    ['https://www.ovh.com/nic/update?system=dyndns', 'https://www.ovh.com/nic/update?system=dyndns'],
    ['  https://dyn.example.net/nic/update#frag  ', 'https://dyn.example.net/nic/update'],
  ];
  for (const [given, expected] of cases) {
    it(`${JSON.stringify(given)} -> ${expected}`, () => {
      assert.equal(request.normaliseServerUrl(given).href, expected);
    });
  }

  const refused = [
    ['', 'empty'],
    // no guess: `127.0.0.1:18950` silently became https and failed with a TLS error (issue: first five minutes)
    ['dyn.example.net', 'no scheme'],
    ['127.0.0.1:18950', 'no scheme on a LAN server'],
    ['ftp://dyn.example.net', 'another scheme'],
    ['https://user:secret@dyn.example.net', 'credentials in the URL'],
    ['https://dyn.example.net/nic/update\r\nX-Evil: 1', 'CR/LF'],
    ['https://dyn.exa mple.net', 'a space'],
    ['https://dyn\t.example.net', 'a tab the URL parser would drop'],
    ['https://' + 'a'.repeat(3000) + '.net', 'a huge string'],
  ];
  for (const [given, why] of refused) {
    it(`refuses ${why} with ECONFIG`, () => {
      assert.equal(codeOf(() => request.normaliseServerUrl(given)), 'ECONFIG');
    });
  }

  it('says how to write a server without its scheme', () => {
    assert.throws(() => request.normaliseServerUrl('127.0.0.1:18950'), /needs its scheme: write https:\/\/127\.0\.0\.1:18950 \(or http:\/\/ for a server on your LAN\)/);
  });
});

describe('dyndns2 request: query', () => {
  const base = new URL('https://dyn.example.net/nic/update');
  const cases = [
    {
      name: 'one host, IPv4',
      hosts: ['a.example.com'],
      mode: 'combined',
      sent: { ipv4: '192.0.2.1' },
      params: {},
      query: 'hostname=a.example.com&myip=192.0.2.1',
    },
    {
      name: 'combined: myip=V4,V6',
      hosts: ['a.example.com', 'b.example.com'],
      mode: 'combined',
      sent: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      params: {},
      query: 'hostname=a.example.com,b.example.com&myip=192.0.2.1,2001:db8::1',
    },
    {
      name: 'myipv6: myip=V4&myipv6=V6',
      hosts: ['a.example.com'],
      mode: 'myipv6',
      sent: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      params: {},
      query: 'hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1',
    },
    {
      name: 'myipv6 with IPv6 only',
      hosts: ['a.example.com'],
      mode: 'myipv6',
      sent: { ipv6: '2001:db8::1' },
      params: {},
      query: 'hostname=a.example.com&myipv6=2001:db8::1',
    },
    {
      // ddclient's nic_dynu_update: "&myip=no if !$ipv4 && $ipv6", or Dynu fills A from the source address
      name: 'myipv6 with IPv6 only, Dynu: myip=no',
      hosts: ['a.example.com'],
      mode: 'myipv6',
      sent: { ipv6: '2001:db8::1' },
      params: {},
      quirks: { ipv6Alone: 'myip-no' },
      query: 'hostname=a.example.com&myip=no&myipv6=2001:db8::1',
    },
    {
      name: 'myipv6 with both, Dynu: the IPv4 as it is',
      hosts: ['a.example.com'],
      mode: 'myipv6',
      sent: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      params: {},
      quirks: { ipv6Alone: 'myip-no' },
      query: 'hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1',
    },
    {
      name: 'separate: one family in myip',
      hosts: ['a.example.com'],
      mode: 'separate',
      sent: { ipv6: '2001:db8::1' },
      params: {},
      query: 'hostname=a.example.com&myip=2001:db8::1',
    },
    {
      name: 'options only when set, in protocol spelling',
      hosts: ['*.example.com'],
      mode: 'combined',
      sent: { ipv4: '192.0.2.1' },
      params: request.normaliseOptions({ wildcard: 'on', mx: 'mail.example.com', backmx: true, offline: false }),
      query: 'hostname=*.example.com&myip=192.0.2.1&wildcard=ON&mx=mail.example.com&backmx=YES&offline=NO',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const url = request.buildUpdateUrl(base, c.hosts, c.mode, c.sent, c.params, c.quirks);
      assert.equal(url.search.slice(1), c.query);
      assert.equal(url.pathname, '/nic/update');
    });
  }

  it("keeps the server URL's own query first (OVH system=dyndns)", () => {
    const ovh = request.normaliseServerUrl('https://www.ovh.com/nic/update?system=dyndns');
    const url = request.buildUpdateUrl(ovh, ['a.example.com'], 'combined', { ipv4: '192.0.2.1' }, {});
    assert.equal(url.search, '?system=dyndns&hostname=a.example.com&myip=192.0.2.1');
  });

  const optionCases = [
    [{}, {}],
    [{ wildcard: '', mx: '', backmx: undefined, offline: null }, {}],
    [{ wildcard: 'NOCHG', mx: 'nochg', backmx: 'no' }, { wildcard: 'NOCHG', mx: 'NOCHG', backmx: 'NO' }],
    [{ wildcard: false, offline: 'yes' }, { wildcard: 'OFF', offline: 'YES' }],
  ];
  for (const [given, expected] of optionCases) {
    it(`options ${JSON.stringify(given)}`, () => {
      assert.deepEqual(request.normaliseOptions(given), expected);
    });
  }
  const badOptions = [{ wildcard: 'maybe' }, { offline: 'NOCHG' }, { mx: 'mail.example.com\r\nx' }, { mx: 42 }, { backmx: 'on' }];
  for (const bad of badOptions) {
    it(`refuses options ${JSON.stringify(bad)} with ECONFIG`, () => {
      assert.equal(codeOf(() => request.normaliseOptions(bad)), 'ECONFIG');
    });
  }
});

describe('dyndns2 request: planning and batching', () => {
  const base = new URL('https://dyn.example.net/nic/update');
  const names = (n) => Array.from({ length: n }, (_, i) => `h${i}.example.com`);

  const batchCases = [
    [1, [1]],
    [20, [20]],
    [21, [20, 1]],
    [45, [20, 20, 5]],
  ];
  for (const [count, sizes] of batchCases) {
    it(`${count} hosts -> requests of ${sizes.join(', ')}`, () => {
      const writes = names(count).map((host) => ({ host, send: { ipv4: '192.0.2.1' } }));
      const planned = request.planRequests(base, 'combined', writes, {});
      assert.deepEqual(
        planned.map((p) => p.hostnames.length),
        sizes,
      );
      assert.deepEqual(planned.flatMap((p) => p.hostnames), names(count));
    });
  }

  it('separate mode: one request per family', () => {
    const writes = names(3).map((host) => ({ host, send: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } }));
    const planned = request.planRequests(base, 'separate', writes, {});
    assert.deepEqual(
      planned.map((p) => [p.families, p.url.searchParams.get('myip')]),
      [
        [['ipv4'], '192.0.2.1'],
        [['ipv6'], '2001:db8::1'],
      ],
    );
  });

  it('hosts that carry different addresses do not share a request', () => {
    const writes = [
      { host: 'a.example.com', send: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } },
      { host: 'b.example.com', send: { ipv4: '192.0.2.1', ipv6: '2001:db8::2' } },
      { host: 'c.example.com', send: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } },
    ];
    const planned = request.planRequests(base, 'combined', writes, {});
    assert.deepEqual(
      planned.map((p) => p.hostnames),
      [['a.example.com', 'c.example.com'], ['b.example.com']],
    );
  });
});

describe('dyndns2 request: headers', () => {
  it('Basic auth and the User-Agent the protocol asks for', () => {
    const headers = request.buildHeaders('user', 'pässword', '1.2.3');
    assert.equal(headers.authorization, 'Basic ' + Buffer.from('user:pässword', 'utf8').toString('base64'));
    assert.equal(headers['user-agent'], 'node-red-contrib-ddns - dyndns2-update - 1.2.3');
  });
  it('a version with odd characters never reaches the header', () => {
    assert.equal(request.userAgent('1.0\r\nX-Evil: 1'), 'node-red-contrib-ddns - dyndns2-update - unknown');
  });
  // No-IP: "User-Agent: NameOfUpdateProgram/VersionNumber maintainercontact@domain.com"
  it('the account\'s contact is appended', () => {
    assert.equal(request.buildHeaders('user', 'pass', '1.2.3', 'admin@example.com')['user-agent'], 'node-red-contrib-ddns - dyndns2-update - 1.2.3 admin@example.com');
  });
  const contacts = [
    ['', undefined],
    ['  ', undefined],
    [undefined, undefined],
    [' admin@example.com ', 'admin@example.com'],
    ['first.last+ddns@mail.example.co.uk', 'first.last+ddns@mail.example.co.uk'],
  ];
  for (const [given, expected] of contacts) {
    it(`contact ${JSON.stringify(given)} -> ${expected}`, () => {
      assert.equal(request.validateContact(given), expected);
    });
  }
  for (const bad of ['admin', 'admin@', '@example.com', 'a b@example.com', 'a@b.c\r\nX: y', 'admin@example', 42]) {
    it(`refuses contact ${JSON.stringify(bad)} with ECONFIG`, () => {
      assert.equal(codeOf(() => request.validateContact(bad)), 'ECONFIG');
    });
  }
  const badCredentials = [
    ['', 'pass'],
    ['user', ''],
    ['us:er', 'pass'],
    [undefined, 'pass'],
  ];
  for (const [username, password] of badCredentials) {
    it(`refuses credentials ${JSON.stringify([username, password])} with ECONFIG`, () => {
      assert.equal(codeOf(() => request.validateCredentials(username, password)), 'ECONFIG');
    });
  }
});

describe('dyndns2 input: host names', () => {
  const good = [
    ['a.example.com', ['a.example.com']],
    [' A.Example.COM. ', ['a.example.com']],
    ['a.example.com, b.example.com,a.example.com', ['a.example.com', 'b.example.com']],
    ['*.example.com', ['*.example.com']],
    [['x-1.example.com', 'y.example.com'], ['x-1.example.com', 'y.example.com']],
    ['a.example.com\nb.example.com', ['a.example.com', 'b.example.com']],
  ];
  for (const [given, expected] of good) {
    it(`${JSON.stringify(given)} -> ${expected.join(',')}`, () => {
      assert.deepEqual(input.parseHostnames(given), expected);
    });
  }
  const bad = [
    '',
    'a_b.example.com',
    '-a.example.com',
    'a-.example.com',
    'a..example.com',
    'a.*.example.com',
    'a.example.com/x',
    'a.example.com&myip=1.1.1.1',
    'a.exa\u00e9mple.com',
    'a'.repeat(64) + '.example.com',
    Array.from({ length: 60 }, () => 'abcd').join('.'),
    [42],
  ];
  for (const given of bad) {
    it(`refuses ${JSON.stringify(given).slice(0, 60)} with ECONFIG`, () => {
      assert.equal(codeOf(() => input.parseHostnames(given)), 'ECONFIG');
    });
  }
});

describe('dyndns2 input: msg.payload addresses', () => {
  const good = [
    ['192.0.2.1', { ipv4: '192.0.2.1' }],
    [' 2001:DB8:0:0::1 ', { ipv6: '2001:db8::1' }],
    [{ ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }],
    [{ ipv4: '', ipv6: '2001:db8::1' }, { ipv6: '2001:db8::1' }],
    [{ ipv4: '10.0.0.1', ipv6: null }, { ipv4: '10.0.0.1' }],
    ['::ffff:192.0.2.1', { ipv4: '192.0.2.1' }],
  ];
  for (const [given, expected] of good) {
    it(`${JSON.stringify(given)}`, () => {
      assert.deepEqual(input.parsePayloadAddresses(given), expected);
    });
  }
  const bad = [
    ['192.0.2.1\r\nX-Evil: 1', 'CR/LF injection'],
    ['192.0.2.1\n', 'a trailing line break'],
    ['1.2.3.4'.repeat(100), 'a huge string'],
    ['not an address', 'text'],
    ['192.0.2.1,2001:db8::1', 'a list'],
    ['0.0.0.0', 'the unspecified address'],
    ['224.0.0.1', 'multicast'],
    [{ ipv4: '2001:db8::1' }, 'IPv6 under ipv4'],
    [{ ipv6: '192.0.2.1' }, 'IPv4 under ipv6'],
    [{ ipv4: { toString: () => '192.0.2.1' } }, 'an object as the address'],
    [{ address: '192.0.2.1' }, 'an object without ipv4/ipv6'],
    [{}, 'an empty object'],
    [['192.0.2.1'], 'an array'],
    [Buffer.from('192.0.2.1'), 'a Buffer'],
    [42, 'a number'],
    [undefined, 'nothing'],
  ];
  for (const [given, why] of bad) {
    it(`refuses ${why} with EBADINPUT`, () => {
      assert.equal(codeOf(() => input.parsePayloadAddresses(given)), 'EBADINPUT');
    });
  }
});
