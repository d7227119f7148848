'use strict';
// The generic http-ddns request templates (src/providers/http/template.ts) and the
// reading of the answer (client.ts): each placeholder is encoded for where it stands,
// so no value can change the request's shape; what cannot be sent is ECONFIG, in
// words naming no value; the success pattern sees at most the first 4 KB of an answer.
const assert = require('node:assert/strict');
const { compileRequest, fillRequest } = require('../../dist/providers/http/template');
const { compileSuccess, createHttpDdnsClient, MATCH_CHARS } = require('../../dist/providers/http/client');
const { createApiHttp } = require('../../dist/providers/http-api');
const { createHttpAgent } = require('../../dist/core/http');
const { listenHttp } = require('../servers/listen');

const HOSTILE = 'a&b=c d/e?f#g"h\\i+j%k';
const values = (over = {}) => ({ ip: '203.0.113.7', ipv4: '203.0.113.7', ipv6: '', hostname: 'home.example.com', ttl: '', user: 'me', password: HOSTILE, token: 'tok"en', ...over });
const refused = (fn, said) => assert.throws(fn, (err) => err.code === 'ECONFIG' && said.test(err.message));

describe('http-ddns templates', () => {
  it('in the URL, values are URL-encoded: a password with & = space / ? # " \\ + % comes back whole as one parameter', () => {
    const t = compileRequest({ url: 'https://dyn.example.net/nic/{hostname}?pw={password}&ip={ip}' }, '');
    const req = fillRequest(t, values());
    assert.equal(req.url.searchParams.get('pw'), HOSTILE);
    assert.deepEqual([...req.url.searchParams.keys()], ['pw', 'ip']);
    assert.equal(req.url.pathname, '/nic/home.example.com');
    assert.equal(req.url.hash, '');
  });

  it('in a JSON body, values are JSON-escaped: the body parses to the values as they are', () => {
    const t = compileRequest({ url: 'https://x.example/u', method: 'POST', body: ' {"pw": "{password}", "t": "{token}", "ttl": {ttl}, "list": ["{ip}"]}' }, '300');
    const req = fillRequest(t, values({ ttl: '300', password: `${HOSTILE}\n\u2028` }));
    assert.deepEqual(JSON.parse(req.body), { pw: `${HOSTILE}\n\u2028`, t: 'tok"en', ttl: 300, list: ['203.0.113.7'] });
    assert.equal(req.headers['content-type'], 'application/json');
  });

  it('a JSON body with the headers\' own Content-Type keeps it', () => {
    const t = compileRequest({ url: 'https://x.example/u', method: 'PUT', headers: 'Content-Type: application/vnd.api+json', body: '{"ip": "{ip}"}' }, '');
    assert.equal(fillRequest(t, values()).headers['content-type'], 'application/vnd.api+json');
  });

  it('a form body (Content-Type application/x-www-form-urlencoded) gets URL-encoded values', () => {
    const t = compileRequest({ url: 'https://x.example/u', method: 'POST', headers: 'content-type: application/x-www-form-urlencoded; charset=utf-8', body: 'pw={password}&ip={ip}' }, '');
    const form = new URLSearchParams(fillRequest(t, values()).body);
    assert.deepEqual(Object.fromEntries(form), { pw: HOSTILE, ip: '203.0.113.7' });
  });

  it('headers and other bodies get values as they are; a value with a line break is refused, naming no value', () => {
    const t = compileRequest({ url: 'https://x.example/u', method: 'POST', headers: 'Authorization: Bearer {token}\nX-Pass: {password}', body: 'update {hostname} to {ip}' }, '');
    const req = fillRequest(t, values());
    assert.equal(req.headers.authorization, 'Bearer tok"en');
    assert.equal(req.headers['x-pass'], HOSTILE);
    assert.equal(req.body, 'update home.example.com to 203.0.113.7');
    assert.equal(req.headers['content-type'], 'text/plain; charset=utf-8');
    for (const broken of ['one\r\nX-Injected: 1', 'one\ntwo']) {
      assert.throws(() => fillRequest(t, values({ password: broken })), (err) => err.code === 'ECONFIG' && /\{password\} holds a line break/.test(err.message) && !err.message.includes('one'));
    }
  });

  it('a literal JSON object without placeholders is not a placeholder: {"a":1} stays as written', () => {
    const t = compileRequest({ url: 'https://x.example/u', method: 'POST', body: '{"a":1, "ip": "{ip}", "o": {}}' }, '');
    assert.deepEqual(JSON.parse(fillRequest(t, values()).body), { a: 1, ip: '203.0.113.7', o: {} });
  });

  it('the host in a placeholder is allowed but not named in messages', () => {
    assert.equal(compileRequest({ url: 'https://dyn.example.net/u?ip={ip}' }, '').host, 'dyn.example.net');
    assert.equal(compileRequest({ url: 'https://{hostname}/u' }, '').host, undefined);
  });

  const deployRefusals = [
    ['no URL', { url: '' }, /no URL/],
    ['an unknown placeholder', { url: 'https://x.example/u?h={host}' }, /unknown placeholder \{host\}/],
    ['a scheme in a placeholder', { url: '{user}://x.example/u' }, /must start with https:\/\//],
    ['credentials in the URL', { url: 'https://{user}:{password}@x.example/u' }, /user name or password/],
    ['a space in the URL', { url: 'https://x.example/u?a=b c' }, /not an http\(s\) URL/],
    ['a method outside GET, POST, PUT, PATCH', { url: 'https://x.example/u', method: 'DELETE' }, /method must be/],
    ['a body with GET', { url: 'https://x.example/u', body: 'x' }, /GET request carries no body/],
    ['a JSON body that is not JSON once filled', { url: 'https://x.example/u', method: 'POST', body: '{"ip": {ip}}' }, /not JSON once/],
    ['{ttl} unquoted in JSON while the TTL is empty', { url: 'https://x.example/u', method: 'POST', body: '{"ttl": {ttl}}' }, /not JSON once/],
    ['a header line without a colon', { url: 'https://x.example/u', headers: 'Bearer {token}' }, /Name: value/],
    ['a header the client sets', { url: 'https://x.example/u', headers: 'Host: other.example' }, /host is set by the HTTP client/],
    ['a header given twice', { url: 'https://x.example/u', headers: 'X-A: 1\nx-a: 2' }, /x-a is given twice/],
    ['a placeholder in a header name', { url: 'https://x.example/u', headers: 'X-{user}: 1' }, /Name: value/],
  ];
  for (const [why, settings, said] of deployRefusals) {
    it(`refuses at deploy: ${why}`, () => refused(() => compileRequest(settings, ''), said));
  }

  it('the success pattern: empty is none, an invalid or exponential-time pattern is refused with the reason', () => {
    assert.equal(compileSuccess(''), undefined);
    assert.equal(compileSuccess('  '), undefined);
    assert.ok(compileSuccess('^(good|nochg)\\b').test('good 1.2.3.4'));
    refused(() => compileSuccess('(unclosed'), /not a valid regular expression/);
    refused(() => compileSuccess('^(\\w+)+$'), /success pattern .*quantifier/);
    refused(() => compileSuccess('(a)\\1'), /backreference/);
  });
});

describe('http-ddns answers', () => {
  let server;
  let answer;
  const agent = createHttpAgent();
  before(async () => {
    server = await listenHttp((req, res) => {
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body);
    });
  });
  after(async () => {
    await server.close();
    await agent.close();
  });
  const client = createHttpDdnsClient({ user: '', password: '', token: 'sekrit-token-123' }, createApiHttp(() => agent, 'test', ['sekrit-token-123']));
  const send = (success) => client.send({ method: 'GET', url: new URL(`${server.origin}/u`), headers: {} }, 'home.example.com', success, new AbortController().signal);

  it('a match beyond the first 4 KB of the answer does not count: the pattern never sees more', async () => {
    answer = { status: 200, body: `${' '.repeat(MATCH_CHARS)}good` };
    await assert.rejects(send(compileSuccess('good')), (err) => err.code === 'EPROVIDER' && err.providerCode === 'HTTP 200');
    answer = { status: 200, body: `${' '.repeat(MATCH_CHARS - 4)}good` };
    await send(compileSuccess('good'));
  });

  it('without a pattern any 2xx is success; 401 is EAUTH, 403 EFORBIDDEN, 5xx retryable, the token masked in the excerpt', async () => {
    answer = { status: 204, body: '' };
    await send(undefined);
    for (const [status, code, retryable] of [[401, 'EAUTH', false], [403, 'EFORBIDDEN', false], [502, 'EHTTPSTATUS', true], [400, 'EPROVIDER', false]]) {
      answer = { status, body: `refused sekrit-token-123 for you` };
      await assert.rejects(send(undefined), (err) => err.code === code && err.retryable === retryable && /refused \*\*\* for you/.test(err.message) && !err.message.includes('sekrit'));
    }
  });
});
