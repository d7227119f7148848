'use strict';
// DynDNS2 answer lines: a known word (and what a success echoes), a wait, or
// an unknown line. What each obliges the client to do is in dyndns2-policy.
const assert = require('node:assert/strict');
const { parseLine, splitLines, looksLikeHtml, RETURN_CODES } = require('../../dist/providers/dyndns2/response');
const { interpretResponse } = require('../../dist/providers/dyndns2/policy');

describe('dyndns2 response: lines', () => {
  const known = [
    ['good 192.0.2.1', 'good', ['192.0.2.1']],
    ['nochg 192.0.2.1', 'nochg', ['192.0.2.1']],
    ['good', 'good', []],
    // the combined form: No-IP echoes "both ips ... in a comma separated list"
    ['good 192.0.2.1,2001:DB8::1', 'good', ['192.0.2.1', '2001:db8::1']],
    ['GOOD 192.0.2.1', 'good', ['192.0.2.1']],
    ['good 127.0.0.1', 'good', ['127.0.0.1']],
    ['911 maintenance until 10:00', '911', []],
    ['nohost', 'nohost', []],
    // ddclient's nic_dyndns2_update knows these; OVH answers badsys with HTTP 200
    ['badsys', 'badsys', []],
    ['!yours', '!yours', []],
    ['!active', '!active', []],
    // inadyn's common_response
    ['nofqdn', 'nofqdn', []],
    // ddclient's nic_dynu_update
    ['servererror', 'servererror', []],
    // qdm12/ddns-updater: badrequest (dyn, ovh, selfhostde, strato, ...), fatal (spdyn), badysys (ddnss)
    ['badrequest', 'badrequest', []],
    ['fatal', 'fatal', []],
    ['badysys', 'badysys', []],
  ];
  for (const [line, code, addresses] of known) {
    it(`${JSON.stringify(line)} -> ${code}`, () => {
      const answer = parseLine(line);
      assert.equal(answer.kind, 'code');
      assert.equal(answer.code, code);
      assert.deepEqual(answer.addresses, addresses);
    });
  }

  it('every code ddclient, inadyn and ddns-updater give a meaning is known', () => {
    const peers = ['good', 'nochg', 'badauth', '!donator', 'notfqdn', 'nofqdn', 'nohost', 'numhost', 'abuse', 'badagent', 'badsys', '!yours', '!active', 'dnserr', '911', 'servererror', 'badrequest', 'fatal'];
    for (const code of peers) assert.ok(RETURN_CODES.includes(code), code);
  });

  // ddclient's nic_noip_update: "w<N><s|m|h>: wait N units before further updates"
  const waits = [
    ['w30s', 30_000],
    ['w5m', 5 * 60_000],
    ['W2H', 2 * 3_600_000],
    ['w99999h', 7 * 24 * 3_600_000],
  ];
  for (const [line, ms] of waits) {
    it(`${line} asks for a wait of ${ms} ms`, () => {
      const answer = parseLine(line);
      assert.equal(answer.kind, 'wait');
      assert.equal(answer.waitMs, ms);
    });
  }

  const unknown = [
    // inadyn accepts "OK" anywhere in a body as success, no DynDNS2 page does: not a success here
    ['OK', 'an unknown word'],
    ['success', 'ddns-updater\'s non-DynDNS2 success word'],
    ['good 999.0.2.1', 'good with an impossible address'],
    ['good yes', 'good with garbage after it'],
    ['goodish 192.0.2.1', 'a prefix of a code'],
    ['good ' + '1'.repeat(400), 'a huge line'],
    ['{"status":"good"}', 'JSON'],
    ['w5d', 'a wait in an unknown unit'],
  ];
  for (const [line, why] of unknown) {
    it(`${why} is unknown`, () => {
      assert.equal(parseLine(line).kind, 'unknown');
    });
  }

  it('splitLines drops blank lines, CR and surrounding blanks', () => {
    assert.deepEqual(splitLines('good 192.0.2.1\r\n\r\n  nochg 192.0.2.1  \n\n'), ['good 192.0.2.1', 'nochg 192.0.2.1']);
  });

  it('markup is recognised', () => {
    assert.equal(looksLikeHtml('<html><body>good 192.0.2.1</body></html>'), true);
    assert.equal(looksLikeHtml('good 192.0.2.1\n<br>'), true);
    assert.equal(looksLikeHtml('good 192.0.2.1'), false);
  });
});

describe('dyndns2 response: server text carried on', () => {
  const ctx = { hostnames: ['a.example.com'], sent: { ipv4: '192.0.2.1' }, secrets: [] };

  it('an error message never carries the whole body', () => {
    const body = 'x'.repeat(150);
    const [verdict] = interpretResponse({ status: 200, headers: {}, body }, ctx);
    assert.equal(verdict.kind, 'unknown');
    assert.match(verdict.error.message, /xxxx/, 'an excerpt is shown');
    assert.ok(!verdict.error.message.includes(body), verdict.error.message);
    assert.ok(verdict.error.message.length < 150, verdict.error.message);
  });
});
