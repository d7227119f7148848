'use strict';
// DynDNS2 return code -> action, and HTTP answers -> verdicts or errors.
const assert = require('node:assert/strict');
const policy = require('../../dist/providers/dyndns2/policy');

const HOUR_HALF = 30 * 60 * 1000;

describe('dyndns2 policy: return codes', () => {
  const cases = [
    ['good', 'success', undefined],
    ['nochg', 'success', undefined],
    ['badauth', 'block', 'EAUTH'],
    ['!donator', 'block', 'EPROVIDER'],
    ['notfqdn', 'block', 'EPROVIDER'],
    ['nohost', 'block', 'EPROVIDER'],
    ['numhost', 'block', 'EPROVIDER'],
    ['abuse', 'block', 'EBLOCKED'],
    ['badagent', 'block', 'EBLOCKED'],
    ['911', 'wait', 'EWAIT'],
    ['dnserr', 'wait', 'EWAIT'],
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
      }
      if (kind === 'wait') assert.ok(verdict.waitMs >= HOUR_HALF);
    });
  }

  const accountWide = [
    ['badauth', true],
    ['badagent', true],
    ['!donator', true],
    ['911', true],
    ['HTTP 401', true],
    ['nohost', false],
    ['abuse', false],
    ['dnserr', false],
  ];
  for (const [code, wide] of accountWide) {
    it(`${code} is ${wide ? '' : 'not '}account-wide`, () => {
      assert.equal(policy.isAccountWide(code), wide);
    });
  }
});

describe('dyndns2 policy: HTTP answers', () => {
  const hosts = ['a.example.com', 'b.example.com'];
  const res = (status, body, headers = {}) => ({ status, body, headers });

  const verdicts = [
    ['200 with one line per host', res(200, 'good 192.0.2.1\nnohost'), ['success', 'block']],
    ['401 without a body code: badauth-like block', res(401, ''), ['block', 'block']],
    ['403 with an HTML page: badauth-like block', res(403, '<html>Forbidden</html>'), ['block', 'block']],
    ['401 with badauth in the body', res(401, 'badauth'), ['block', 'block']],
    ['500 with 911 in the body: wait', res(500, '911'), ['wait', 'wait']],
  ];
  for (const [name, answer, kinds] of verdicts) {
    it(name, () => {
      assert.deepEqual(
        policy.interpretResponse(answer, hosts).map((v) => v.kind),
        kinds,
      );
    });
  }

  it('401 blocks with EAUTH and providerCode "HTTP 401"', () => {
    const [verdict] = policy.interpretResponse(res(401, ''), ['a.example.com']);
    assert.equal(verdict.error.code, 'EAUTH');
    assert.equal(verdict.providerCode, 'HTTP 401');
  });

  const errors = [
    ['500 is retryable', res(500, 'Internal error'), 'EHTTPSTATUS', true],
    ['503 with HTML is retryable', res(503, '<html>down</html>'), 'EHTTPSTATUS', true],
    ['429 is retryable throttling', res(429, ''), 'ETHROTTLED', true],
    ['404 is not retryable', res(404, 'not found'), 'EHTTPSTATUS', false],
    ['500 with "good" is never success', res(500, 'good 192.0.2.1\ngood 192.0.2.1'), 'EHTTPSTATUS', true],
    ['200 with garbage is EBADRESPONSE, not retried', res(200, 'hello'), 'EBADRESPONSE', false],
    ['200 with HTML is EBADRESPONSE', res(200, '<html>good</html>'), 'EBADRESPONSE', false],
    ['200 with too few lines is EBADRESPONSE', res(200, 'good 192.0.2.1'), 'EBADRESPONSE', false],
  ];
  for (const [name, answer, code, retryable] of errors) {
    it(name, () => {
      assert.throws(
        () => policy.interpretResponse(answer, hosts),
        (err) => err.code === code && err.retryable === retryable,
      );
    });
  }

  it('Retry-After on a 503 is remembered for the backoff', () => {
    try {
      policy.interpretResponse(res(503, '', { 'retry-after': '7' }), hosts);
      assert.fail('no error');
    } catch (err) {
      assert.equal(err.retryAfterMs, 7000);
    }
  });
});
