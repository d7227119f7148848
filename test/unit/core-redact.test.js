'use strict';
const assert = require('node:assert/strict');
const { redactSecrets, serverExcerpt, basicAuthForms } = require('../../dist/core/redact');

describe('redaction of server text (core/redact)', () => {
  const basic = Buffer.from('user:WRONG').toString('base64');
  const table = [
    // [text, secrets, expected]
    ['Authorization: Basic ' + basic, ['WRONG'], 'Authorization: Basic ***'],
    ['echo ' + basic + ' done', basicAuthForms('user', 'WRONG'), 'echo *** done'],
    ['password was WRONG.', ['WRONG'], 'password was ***.'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', ['WRONG'], 'ERR_SSL_WRONG_VERSION_NUMBER'],
    ['pw=p%40ss%20word&x=1', ['p@ss word'], 'pw=***&x=1'],
    ['pw=p%40ss+word', ['p@ss word'], 'pw=***'],
    ['Signature=abcDEF123%3D&AccessKeyId=LTAI5tXYZ', [], 'Signature=***&AccessKeyId=***'],
    ['Basic authentication required', [], 'Basic authentication required'],
    ['Bearer abcdefghijklmnopqrstuvwxyz0123', [], 'Bearer ***'],
    ['nothing secret here', ['xy'], 'nothing secret here'],
  ];
  for (const [text, secrets, expected] of table) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(redactSecrets(text, secrets), expected);
    });
  }

  it('an excerpt is short, printable, without markup, and redacted', () => {
    const body = `<html><body><h1>Error</h1>\n<p>Authorization: Basic ${basic}</p>\u0000\u00e9${'x'.repeat(500)}</body></html>`;
    const out = serverExcerpt(body, basicAuthForms('user', 'WRONG'));
    assert.ok(out.length <= 120, out);
    assert.ok(!out.includes(basic));
    assert.ok(!out.includes('<'));
    assert.match(out, /^Error Authorization: Basic \*\*\* \?\?x+\.\.\.$/);
  });

});
