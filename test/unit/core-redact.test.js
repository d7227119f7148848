'use strict';
const assert = require('node:assert/strict');
const { redactSecrets, redactForms, maskingForms, serverExcerpt, basicAuthForms } = require('../../dist/core/redact');

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

// issue 22 point 4 and DESIGN.md security rules: "Every form of every secret is masked wherever it
// stands, before an excerpt is cut; the package's own words are never masked."
describe('every form of a secret, wherever it stands (core/redact)', () => {
  const TOKEN = 'cfTok-7Hq2xV9pLm4sK8dW1zR3aB5nC0eF6gJ9kM2pQ4'; // 44 characters, as a Cloudflare token
  const PASSWORD = 'Hostile/pw "8Kd3" ü';
  const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
  const basic = b64(`user:${PASSWORD}`);

  /** Every 8-character piece of the secret, and of its base64 at each of the three alignments, found in `text`. */
  function pieces(text, secret) {
    const found = [];
    const bytes = Buffer.from(secret, 'utf8');
    const spellings = [secret, encodeURIComponent(secret), ...[0, 1, 2].map((skip) => bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3).toString('base64'))];
    for (const spelling of spellings) for (let i = 0; i + 8 <= spelling.length; i++) if (text.includes(spelling.slice(i, i + 8))) found.push(spelling.slice(i, i + 8));
    return found;
  }

  const table = [
    // [what, text, secrets, expected]
    ['a token glued to letters', `valueX${TOKEN}Y`, [TOKEN], 'valueX***Y'],
    ['a password glued to letters', `valueX${PASSWORD}Y`, [PASSWORD], 'valueX***Y'],
    ['the token URL-encoded, glued', `a=x${encodeURIComponent(TOKEN)}y`, [TOKEN], 'a=x***y'],
    ['the password URL-encoded with lower-case hex', `p=${encodeURIComponent(PASSWORD).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}&q=1`, [PASSWORD], 'p=***&q=1'],
    ['base64 of "Bearer <token>"', `header was ${b64(`Bearer ${TOKEN}`)}.`, [TOKEN], 'header was ***.'],
    ['base64 of "Bearer <token>", unpadded and glued', `x${b64(`Bearer ${TOKEN}`).replace(/=+$/, '')}y`, [TOKEN], 'x***y'],
    ['base64 of "Basic <base64 user:password>"', `echo ${b64(`Basic ${basic}`)} end`, basicAuthForms('user', PASSWORD), 'echo *** end'],
    ['the password JSON-escaped', `{"message":"bad ${JSON.stringify(PASSWORD).slice(1, -1)}"}`, [PASSWORD], '{"message":"bad ***"}'],
    ['the password JSON-escaped with escaped slashes (PHP)', `bad ${JSON.stringify(PASSWORD).slice(1, -1).replace(/\//g, '\\/')}`, [PASSWORD], 'bad ***'],
    ['the password HTML-escaped', `<p>bad Hostile/pw &quot;8Kd3&quot; ü</p>`, [PASSWORD], '<p>bad ***</p>'],
    ['a text the server cut where the token starts', `Invalid token ${TOKEN.slice(0, 39)}`, [TOKEN], 'Invalid token ***'],
    ['... cut after 6 characters, with an ellipsis', `Invalid token ${TOKEN.slice(0, 6)}...`, [TOKEN], 'Invalid token ***...'],
    ['... glued to the text before it', `tokenX${TOKEN.slice(0, 20)}`, [TOKEN], 'tokenX***'],
    ['a text that starts inside the token', `${TOKEN.slice(30)} is not valid`, [TOKEN], '*** is not valid'],
    ['a piece of 8 characters from inside the token', `see x${TOKEN.slice(12, 20)}y`, [TOKEN], 'see x***y'],
    ['an echoed Authorization header, secret unknown', 'Authorization: Token 9f8e7d6c5b4a', [], 'Authorization: Token ***'],
    ['an echoed X-API-Key header, secret unknown', 'X-API-Key: prefix.s3cr3tValue', [], 'X-API-Key: ***'],
    ['an echoed Basic value', `Authorization: Basic ${basic}`, [], 'Authorization: Basic ***'],
    ['a secret JSON member, secret unknown', '{"apikey":"pk1_abc","secretapikey":"sk1_xyz","name":"a"}', [], '{"apikey":"***","secretapikey":"***","name":"a"}'],
    ['a secret query parameter, secret unknown', 'GET /update?token=abc123&ip=1.2.3.4', [], 'GET /update?token=***&ip=1.2.3.4'],
    // the package's own words: labels alone mask nothing
    ['"API token: create" (cloudflare client.ts)', 'this is a Global API Key, not an API token: create an API token', [TOKEN], 'this is a Global API Key, not an API token: create an API token'],
    ['the BADSIG text (rfc2136 policy.ts)', 'the DNS server refused the signature: the secret of key "k" is not the one it has', ['c2VjcmV0LWtleS0wMTIzNDU2Nzg5'], 'the DNS server refused the signature: the secret of key "k" is not the one it has'],
    ['"Authorization:" followed by a word', 'Authorization: required', [], 'Authorization: required'],
    ['"password: wrong" names no value of ours', 'password: wrong', [], 'password: wrong'],
    // short secrets: masked where they stand alone, never inside words
    ['a 5-character password inside a word', 'ERR_SSL_WRONG_VERSION_NUMBER', ['WRONG'], 'ERR_SSL_WRONG_VERSION_NUMBER'],
    ['a 5-character password standing alone', 'password WRONG.', ['WRONG'], 'password ***.'],
    ['a 3-character password inside words', 'cabcd abc', ['abc'], 'cabcd ***'],
    ['a 2-character password is not masked', 'no x1 here', ['x1'], 'no x1 here'],
    ['a 7-character password inside a word', 'ERR_SSL_WRONG_VERSION_NUMBER', ['VERSION'], 'ERR_SSL_WRONG_***_NUMBER'],
    ['the start of an 8-character password, 4 characters standing alone', 'user hunt said', ['hunter22'], 'user *** said'],
    ['the start of an 8-character password inside a word stays', 'hunting', ['hunter22'], 'hunting'],
  ];
  for (const [what, text, secrets, expected] of table) {
    it(`${what}: ${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => {
      const out = redactSecrets(text, secrets);
      assert.equal(out, expected);
      for (const secret of secrets) if (secret.length >= 16) assert.deepEqual(pieces(out, secret), []);
    });
  }

  it('base64 of any text holding the token (a whole request line) shows no piece of it at any alignment', () => {
    for (const prefix of ['', 'x', 'xy', 'GET / HTTP/1.1\r\nAuthorization: Bearer ']) {
      const out = redactSecrets(`dump: ${b64(`${prefix}${TOKEN}\r\n`)}`, [TOKEN]);
      assert.ok(out.includes('***'), out);
      assert.deepEqual(pieces(out, TOKEN), [], `${JSON.stringify(prefix)}: ${out}`);
    }
  });

  it('whole messages (redactForms): whole forms and credential values masked, pieces and own words left', () => {
    const forms = maskingForms(['password1234']);
    assert.equal(redactForms('the DynDNS2 password was refused (x password1234 y)', forms), 'the DynDNS2 password was refused (x *** y)');
    assert.equal(redactForms('blocked: BADSIG; the DNS server refused the signature: the secret of key "k"', forms), 'blocked: BADSIG; the DNS server refused the signature: the secret of key "k"');
    assert.equal(redactForms(`said: valueX${TOKEN}Y`, maskingForms([TOKEN])), 'said: valueX***Y');
  });

  it('an excerpt cut where the token starts shows none of it', () => {
    for (let at = 100; at <= 125; at++) {
      const body = `${'a'.repeat(at)}${TOKEN} and more text after it`;
      const out = serverExcerpt(body, [TOKEN]);
      assert.ok(out.length <= 120);
      assert.deepEqual(pieces(out, TOKEN), [], out);
      for (let n = 4; n <= TOKEN.length; n++) assert.ok(!out.replace(/\.\.\.$/, '').endsWith(TOKEN.slice(0, n)), `${n} characters of the token end ${out}`);
    }
  });

  it('a secret that starts where the head read ends is read whole, not cut (markup shrinks 960 characters to a few)', () => {
    for (const pad of [950, 955, 959, 960, 961]) {
      const body = `${'<b>'.repeat(Math.floor(pad / 3))}${'x'.repeat(pad % 3)}${TOKEN}`;
      const out = serverExcerpt(body, [TOKEN]);
      assert.deepEqual(pieces(out, TOKEN), [], out);
      assert.match(out, /\*\*\*$/);
    }
  });

  it('a secret split by line breaks that flattening joins is masked after flattening too', () => {
    assert.equal(serverExcerpt('was pa\r\n  ss here', ['pa ss']), 'was *** here');
  });
});
