'use strict';
// DynDNS2 return code -> action, and HTTP answers -> verdicts or errors.
const assert = require('node:assert/strict');
const policy = require('../../dist/providers/dyndns2/policy');
const { basicAuthForms } = require('../../dist/core/redact');

const HOUR_HALF = 30 * 60 * 1000;

describe('dyndns2 policy: return codes', () => {
  // Dyn: "any failed update attempt is fatal" (https://help.dyn.com/remote-access-api/return-codes/),
  // so every error word blocks but those asking for a pause
  const cases = [
    ['good', 'success', undefined],
    ['nochg', 'success', undefined],
    ['badauth', 'block', 'EAUTH'],
    ['!donator', 'block', 'EPROVIDER'],
    ['notfqdn', 'block', 'EPROVIDER'],
    ['nofqdn', 'block', 'EPROVIDER'],
    ['nohost', 'block', 'EPROVIDER'],
    ['numhost', 'block', 'EPROVIDER'],
    ['abuse', 'block', 'EBLOCKED'],
    ['badagent', 'block', 'EBLOCKED'],
    // ddclient's nic_dyndns2_update: badsys, !yours, !active; OVH answers badsys with HTTP 200
    ['badsys', 'block', 'EPROVIDER'],
    ['badysys', 'block', 'EPROVIDER'],
    ['!yours', 'block', 'EPROVIDER'],
    ['!active', 'block', 'EPROVIDER'],
    // qdm12/ddns-updater: badrequest (several providers), fatal (spdyn)
    ['badrequest', 'block', 'EPROVIDER'],
    ['fatal', 'block', 'EPROVIDER'],
    ['911', 'wait', 'EWAIT'],
    ['dnserr', 'wait', 'EWAIT'],
    // ddclient's nic_dynu_update: "Server error; retry later"
    ['servererror', 'wait', 'EWAIT'],
  ];
  for (const [code, kind, errorCode] of cases) {
    it(`${code} -> ${kind}${errorCode ? ` (${errorCode})` : ''}`, () => {
      const verdict = policy.verdictForCode(code, 'a.example.com');
      assert.equal(verdict.kind, kind);
      assert.equal(verdict.providerCode, code);
      if (errorCode) {
        assert.equal(verdict.error.code, errorCode);
        assert.equal(verdict.error.providerCode, code);
        assert.match(verdict.error.message, /^a\.example\.com: /);
        assert.ok(verdict.error.message.includes(`(${code}`), 'shown with the server\'s code');
      }
      if (kind === 'wait') assert.ok(verdict.waitMs >= HOUR_HALF);
    });
  }

  const accountWide = [
    ['badauth', true],
    ['badagent', true],
    ['!donator', true],
    ['badsys', true],
    ['911', true],
    ['servererror', true],
    ['HTTP 401', true],
    ['good 127.0.0.1', true],
    ['nohost', false],
    ['!yours', false],
    ['!active', false],
    ['abuse', false],
    ['dnserr', false],
  ];
  for (const [code, wide] of accountWide) {
    it(`${code} is ${wide ? '' : 'not '}account-wide`, () => {
      assert.equal(policy.isAccountWide(code), wide);
    });
  }

  it('the same verdict for another host names that host', () => {
    const verdict = policy.verdictForHost(policy.verdictForCode('badauth', 'a.example.com'), 'b.example.com');
    assert.match(verdict.error.message, /^b\.example\.com: /);
    assert.equal(verdict.error.providerCode, 'badauth');
  });

  it('an unknown answer: no pause the first time, then 5 minutes, doubling while it repeats, at most a day', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 20].map((n) => policy.unknownAnswerWaitMs(n) / 60_000),
      [0, 5, 10, 20, 40, 24 * 60],
    );
  });
});

describe('dyndns2 policy: HTTP answers', () => {
  const hosts = ['a.example.com', 'b.example.com'];
  const res = (status, body, headers = {}) => ({ status, body, headers });
  const ctx = (over = {}) => ({ hostnames: hosts, sent: { ipv4: '192.0.2.1' }, secrets: [], ...over });
  const kinds = (answer, over) => policy.interpretResponse(answer, ctx(over)).map((v) => v.kind);

  const verdicts = [
    ['200 with one line per host', res(200, 'good 192.0.2.1\nnohost'), ['success', 'block']],
    ['401 without a body code: badauth-like block', res(401, ''), ['block', 'block']],
    ['403 with an HTML page: badauth-like block', res(403, '<html>Forbidden</html>'), ['block', 'block']],
    ['401 with badauth in the body', res(401, 'badauth'), ['block', 'block']],
    ['500 with 911 in the body: wait', res(500, '911'), ['wait', 'wait']],
    ['OVH: badsys with HTTP 200 blocks', res(200, 'badsys'), ['block', 'block']],
    ['ddclient: a wait asked for in minutes', res(200, 'w5m\nw5m'), ['wait', 'wait']],
    ['200 with garbage: unknown, never success', res(200, 'hello'), ['unknown', 'unknown']],
    ['200 with HTML: unknown, never success', res(200, '<html>good</html>'), ['unknown', 'unknown']],
    ['200 with an empty body: unknown', res(200, ''), ['unknown', 'unknown']],
    ['404: unknown, the same request gets the same answer', res(404, 'not found'), ['unknown', 'unknown']],
    ['an unknown word on one line settles only that host', res(200, 'good 192.0.2.1\nOK'), ['success', 'unknown']],
  ];
  for (const [name, answer, expected] of verdicts) {
    it(name, () => {
      assert.deepEqual(kinds(answer), expected);
    });
  }

  it('401 blocks with EAUTH and providerCode "HTTP 401"', () => {
    const [verdict] = policy.interpretResponse(res(401, ''), ctx({ hostnames: ['a.example.com'] }));
    assert.equal(verdict.error.code, 'EAUTH');
    assert.equal(verdict.providerCode, 'HTTP 401');
  });

  it('a 404 is EHTTPSTATUS with providerCode "HTTP 404", a garbled 200 EBADRESPONSE', () => {
    const [notFound] = policy.interpretResponse(res(404, 'nope'), ctx());
    assert.equal(notFound.error.code, 'EHTTPSTATUS');
    assert.equal(notFound.providerCode, 'HTTP 404');
    assert.equal(notFound.wholeRequest, true);
    const [garbled] = policy.interpretResponse(res(200, '<html>oops</html>'), ctx());
    assert.equal(garbled.error.code, 'EBADRESPONSE');
    assert.equal(garbled.wholeRequest, true);
  });

  const errors = [
    ['500 is retryable', res(500, 'Internal error'), 'EHTTPSTATUS'],
    ['503 with HTML is retryable', res(503, '<html>down</html>'), 'EHTTPSTATUS'],
    ['429 is retryable throttling', res(429, ''), 'ETHROTTLED'],
    ['500 with "good" is never success', res(500, 'good 192.0.2.1\ngood 192.0.2.1'), 'EHTTPSTATUS'],
  ];
  for (const [name, answer, code] of errors) {
    it(name, () => {
      assert.throws(
        () => policy.interpretResponse(answer, ctx()),
        (err) => err.code === code && err.retryable === true,
      );
    });
  }

  it('Retry-After on a 503 is remembered for the backoff', () => {
    assert.throws(
      () => policy.interpretResponse(res(503, '', { 'retry-after': '7' }), ctx()),
      (err) => err.retryAfterMs === 7000,
    );
  });
});

describe('dyndns2 policy: what a success echoes', () => {
  const res = (body) => ({ status: 200, body, headers: {} });
  const one = (body, sent) => policy.interpretResponse(res(body), { hostnames: ['a.example.com'], sent, secrets: [] })[0];

  // Dyn's return codes: "good 127.0.0.1" answers a client that does not follow the specification
  it('good 127.0.0.1 to an update that sent another address blocks like badagent', () => {
    const verdict = one('good 127.0.0.1', { ipv4: '192.0.2.1' });
    assert.equal(verdict.kind, 'block');
    assert.equal(verdict.providerCode, 'good 127.0.0.1');
    assert.equal(verdict.error.code, 'EBLOCKED');
    assert.equal(verdict.accountWide, true);
    assert.match(verdict.error.message, /good 127\.0\.0\.1/);
  });

  it('good 127.0.0.1 to an update that sent 127.0.0.1 is a success', () => {
    assert.equal(one('good 127.0.0.1', { ipv4: '127.0.0.1' }).kind, 'success');
  });

  it('good 127.0.0.1 in answer to an IPv6-only update blocks too', () => {
    assert.equal(one('good 127.0.0.1', { ipv6: '2001:db8::1' }).kind, 'block');
  });

  it('an IPv6-only update echoed with its IPv6 and a 127.0.0.1 the server filled in itself was not ignored', () => {
    assert.equal(one('good 127.0.0.1,2001:db8::1', { ipv6: '2001:db8::1' }).kind, 'success');
    assert.equal(one('good 127.0.0.1,2001:db8::9', { ipv6: '2001:db8::1' }).kind, 'block');
  });

  it('an update with IPv4 echoed 127.0.0.1 beside its IPv6 was ignored', () => {
    assert.equal(one('good 127.0.0.1,2001:db8::1', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }).kind, 'block');
  });

  const table = [
    ['the address sent', 'good 192.0.2.1', { ipv4: '192.0.2.1' }, 'success'],
    ['the address sent in another spelling', 'good 2001:0DB8:0:0::1', { ipv6: '2001:db8::1' }, 'success'],
    ['no address at all (ddclient: some services do not return it)', 'good', { ipv4: '192.0.2.1' }, 'success'],
    ['another IPv4', 'good 192.0.2.9', { ipv4: '192.0.2.1' }, 'unknown'],
    ['nochg with another IPv4', 'nochg 192.0.2.9', { ipv4: '192.0.2.1' }, 'unknown'],
    ['combined: both as sent', 'good 192.0.2.1,2001:db8::1', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, 'success'],
    ['combined: the IPv6 differs', 'good 192.0.2.1,2001:db8::9', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, 'unknown'],
    ['combined: the IPv4 differs', 'nochg 192.0.2.9,2001:db8::1', { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, 'unknown'],
    ['a family that was not sent is what the server holds besides', 'good 192.0.2.1,2001:db8::9', { ipv4: '192.0.2.1' }, 'success'],
  ];
  for (const [why, body, sent, kind] of table) {
    it(`${why}: ${kind}`, () => {
      const verdict = one(body, sent);
      assert.equal(verdict.kind, kind);
      if (kind === 'unknown') {
        assert.equal(verdict.error.code, 'EBADRESPONSE');
        assert.ok(verdict.error.message.includes(body), 'the server\'s words are in the message');
        assert.equal(verdict.providerCode, body.split(' ')[0]);
      }
    });
  }
});

describe('dyndns2 policy: lines to hosts (as ddclient\'s nic_dyndns2_update)', () => {
  const three = ['a.example.com', 'b.example.com', 'c.example.com'];
  const read = (body, hostnames = three) =>
    policy.interpretResponse({ status: 200, body, headers: {} }, { hostnames, sent: { ipv4: '192.0.2.1' }, secrets: [] });

  it('fewer lines than hosts: the lines settle their hosts in order, the rest failed this run', () => {
    const verdicts = read('good 192.0.2.1\nnohost');
    assert.deepEqual(verdicts.map((v) => v.kind), ['success', 'block', 'missing']);
    assert.equal(verdicts[2].error.code, 'EBADRESPONSE');
    assert.match(verdicts[2].error.message, /^c\.example\.com: .*no line for this host/);
  });

  it('surplus lines are ignored', () => {
    assert.deepEqual(read('good 192.0.2.1\ngood 192.0.2.1\nnochg 192.0.2.1\nWAT', three).map((v) => v.kind), ['success', 'success', 'success']);
  });

  it('one success line for several hosts applies to each, saying so', () => {
    const verdicts = read('good 192.0.2.1');
    assert.deepEqual(verdicts.map((v) => v.kind), ['success', 'success', 'success']);
    assert.match(verdicts[1].note, /one answer line for 3 hosts/);
  });

  it('one error line for several hosts applies to each, with its own name', () => {
    const verdicts = read('abuse');
    assert.deepEqual(verdicts.map((v) => v.kind), ['block', 'block', 'block']);
    assert.match(verdicts[2].error.message, /^c\.example\.com: /);
  });
});

describe('dyndns2 policy: presets', () => {
  const res = (status, body) => ({ status, body, headers: {} });
  const ctx = (quirks) => ({ hostnames: ['a.example.com'], sent: { ipv4: '192.0.2.1' }, secrets: [], quirks });

  // qdm12/ddns-updater's selfhostde provider: HTTP 204 = no change
  it('selfHOST.de: HTTP 204 with an empty body is nochg', () => {
    const [verdict] = policy.interpretResponse(res(204, ''), ctx({ noContentIsNochg: true }));
    assert.equal(verdict.kind, 'success');
    assert.equal(verdict.providerCode, 'nochg');
  });

  it('any other server: HTTP 204 with an empty body is an unknown answer', () => {
    const [verdict] = policy.interpretResponse(res(204, ''), ctx({}));
    assert.equal(verdict.kind, 'unknown');
  });
});

describe('dyndns2 policy: secrets in server text', () => {
  const username = 'user';
  const password = 'p@ss w0rd/é';
  const secrets = basicAuthForms(username, password);
  const basic = Buffer.from(`${username}:${password}`).toString('base64');
  const forms = [password, basic, basic.replace(/=+$/, ''), encodeURIComponent(password), Buffer.from(password).toString('base64')];
  const ctx = { hostnames: ['a.example.com'], sent: { ipv4: '192.0.2.1' }, secrets };
  const echoes = [
    [400, `Bad Request\nAuthorization: Basic ${basic}\n`],
    [200, `unexpected Authorization: Basic ${basic}`],
    [200, `<html><pre>Authorization: Basic ${basic}</pre></html>`],
    [200, `${basic} ${encodeURIComponent(password)}`],
    [200, `login ${username}:${password} refused`],
    [404, `no such user ${username} with password ${encodeURIComponent(password)}`],
    [500, `Authorization: Basic ${basic}`],
  ];
  for (const [status, body] of echoes) {
    it(`HTTP ${status} echoing the login: no form of it in the message or code`, () => {
      let texts;
      try {
        texts = policy.interpretResponse({ status, body, headers: {} }, ctx).map((v) => `${v.error.message} ${v.providerCode} ${v.answer}`);
      } catch (err) {
        texts = [err.message];
      }
      for (const text of texts) {
        for (const form of forms) assert.ok(!text.includes(form), `${form} in ${text}`);
        // nor a part of one, as a cut-off or flattened excerpt would show it (é shown as ?)
        for (let i = 0; i + 6 <= password.length; i++) assert.ok(!text.includes(password.slice(i, i + 6)), `part of the password in ${text}`);
        for (let i = 0; i + 12 <= basic.length; i++) assert.ok(!text.includes(basic.slice(i, i + 12)), `part of the login in ${text}`);
      }
    });
  }

  it('an unknown word that is the password is not made a providerCode', () => {
    const [verdict] = policy.interpretResponse({ status: 200, body: basic, headers: {} }, ctx);
    assert.equal(verdict.providerCode, undefined);
    assert.ok(!verdict.error.message.includes(basic));
  });

  it('masking does not garble other words: with the password WRONG, ERR_SSL_WRONG_VERSION_NUMBER stays', () => {
    const wrong = { ...ctx, secrets: basicAuthForms('user', 'WRONG') };
    const [verdict] = policy.interpretResponse({ status: 404, body: 'proxy: ERR_SSL_WRONG_VERSION_NUMBER (WRONG)', headers: {} }, wrong);
    assert.match(verdict.error.message, /ERR_SSL_WRONG_VERSION_NUMBER \(\*\*\*\)/);
  });
});
