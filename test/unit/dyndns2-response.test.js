'use strict';
// DynDNS2 answers: one return code per host and line; anything else is
// EBADRESPONSE and never success.
const assert = require('node:assert/strict');
const { codeOf } = require('../support/errors');
const { parseResponseBody, parseLine } = require('../../dist/providers/dyndns2/response');


describe('dyndns2 response: good answers', () => {
  const cases = [
    ['good 192.0.2.1', 1, [['good', ['192.0.2.1']]]],
    ['nochg 192.0.2.1', 1, [['nochg', ['192.0.2.1']]]],
    ['good', 1, [['good', []]]],
    ['good 192.0.2.1,2001:DB8::1', 1, [['good', ['192.0.2.1', '2001:db8::1']]]],
    ['good 192.0.2.1\nnochg 192.0.2.1\nnohost', 3, [['good', ['192.0.2.1']], ['nochg', ['192.0.2.1']], ['nohost', []]]],
    ['good 192.0.2.1\r\nnochg 192.0.2.1\r\n', 2, [['good', ['192.0.2.1']], ['nochg', ['192.0.2.1']]]],
    ['good 192.0.2.1   \n\n  \n', 1, [['good', ['192.0.2.1']]]],
    ['GOOD 192.0.2.1', 1, [['good', ['192.0.2.1']]]],
    ['!donator', 1, [['!donator', []]]],
    ['911', 1, [['911', []]]],
    ['dnserr', 1, [['dnserr', []]]],
    ['numhost', 1, [['numhost', []]]],
    ['abuse', 1, [['abuse', []]]],
    ['badagent', 1, [['badagent', []]]],
    ['notfqdn', 1, [['notfqdn', []]]],
    ['badauth', 3, [['badauth', []], ['badauth', []], ['badauth', []]]],
    ['911 maintenance until 10:00', 2, [['911', []], ['911', []]]],
  ];
  for (const [body, hosts, expected] of cases) {
    it(`${JSON.stringify(body)} for ${hosts} host(s)`, () => {
      const answers = parseResponseBody(body, hosts);
      assert.deepEqual(
        answers.map((a) => [a.code, a.addresses]),
        expected,
      );
    });
  }
});

describe('dyndns2 response: garbage is EBADRESPONSE', () => {
  const cases = [
    ['', 1, 'an empty body'],
    ['   \r\n\n', 1, 'blank lines only'],
    ['<html><body>good 192.0.2.1</body></html>', 1, 'HTML containing a good line'],
    ['good 192.0.2.1\n<br>', 1, 'a good line followed by markup'],
    ['<!DOCTYPE html>\ngood 192.0.2.1', 1, 'a doctype'],
    ['OK', 1, 'an unknown word'],
    ['success', 1, 'another unknown word'],
    ['good 192.0.2.1', 2, 'fewer lines than hosts (single good for two hosts)'],
    ['good 192.0.2.1\ngood 192.0.2.1', 3, 'fewer lines than hosts'],
    ['good 192.0.2.1\ngood 192.0.2.1', 1, 'more lines than hosts'],
    ['good 999.0.2.1', 1, 'good with an impossible address'],
    ['good yes', 1, 'good with garbage after it'],
    ['goodish 192.0.2.1', 1, 'a prefix of a code'],
    ['good ' + '1'.repeat(400), 1, 'a huge line'],
    ['{"status":"good"}', 1, 'JSON'],
  ];
  for (const [body, hosts, why] of cases) {
    it(why, () => {
      assert.equal(codeOf(() => parseResponseBody(body, hosts)), 'EBADRESPONSE');
    });
  }

  it('an error message never carries the whole body', () => {
    try {
      parseResponseBody('x'.repeat(150), 1);
      assert.fail('no error');
    } catch (err) {
      assert.ok(err.message.length < 150, err.message);
    }
  });

  it('parseLine refuses unknown codes', () => {
    assert.equal(parseLine('ok 1.2.3.4'), undefined);
  });
});
