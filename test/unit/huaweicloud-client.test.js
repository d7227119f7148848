'use strict';
// The Huawei Cloud DNS signer and client (src/providers/huaweicloud) on their
// own: the canonical request as the API Gateway builds it ("AK/SK Signing and
// Authentication Guide": URI ending in `/`, sorted RFC 3986 query, signed
// host and x-sdk-date, X-Sdk-Date as YYYYMMDDTHHMMSSZ), and the reading of
// answers against the stand-in (test/servers/fake-huaweicloud.js): exact
// names out of the fuzzy filters, both error shapes, X-Request-Id, APIGW.0308.
// Huawei publishes no signing test vectors; test/unit/huaweicloud-sdk.test.js
// compares the signer with the official SDK's instead.
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { sign, canonicalUri, canonicalQuery, sdkDate } = require('../../dist/providers/huaweicloud/sign');
const { createHuaweiClient, huaweiFailure } = require('../../dist/providers/huaweicloud/client');
const { parseTtl } = require('../../dist/providers/huaweicloud');
const { createApiHttp } = require('../../dist/providers/http-api');
const fakeHuawei = require('../servers/fake-huaweicloud');

const AK = 'HPUACLIENTTESTAK0007';
const SK = 'clientTestSecretKey000000000000000000007';

describe('huaweicloud signer', function () {
  it('writes X-Sdk-Date as YYYYMMDDTHHMMSSZ in UTC', () => {
    assert.equal(sdkDate(new Date(Date.UTC(2026, 11, 31, 23, 59, 58, 999))), '20261231T235958Z');
  });

  it('ends the canonical URI with a slash, as the gateway signs it', () => {
    assert.equal(canonicalUri('/v2/zones'), '/v2/zones/');
    assert.equal(canonicalUri('/v2/zones/'), '/v2/zones/');
    assert.equal(canonicalUri('/v2/zones/a%20b'), '/v2/zones/a%20b/');
  });

  it('sorts the query by name and encodes by RFC 3986 (only A-Z a-z 0-9 - . _ ~ left as they are)', () => {
    assert.equal(canonicalQuery(new URLSearchParams('type=A&name=*.example.com.&b=(x)!')), 'b=%28x%29%21&name=%2A.example.com.&type=A');
  });

  it('signs host and x-sdk-date (and content-type with a body), and the stand-in reads the same canonical request', () => {
    const url = new URL('http://127.0.0.1:9999/v2/zones/z1/recordsets?type=A&name=home.example.com.');
    const body = JSON.stringify({ records: ['203.0.113.1'] });
    const signed = sign({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body, accessKey: AK, secretKey: SK, at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    assert.match(signed.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-sdk-date, Signature=[0-9a-f]{64}$`));
    const lines = signed.canonicalRequest.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['POST', '/v2/zones/z1/recordsets/', 'name=home.example.com.&type=A']);
    const asRead = fakeHuawei.canonicalRequest({ method: 'POST', url: `${url.pathname}${url.search}`, headers: { host: url.host, 'content-type': 'application/json', 'x-sdk-date': '20260102T030405Z' } }, body, ['content-type', 'host', 'x-sdk-date']);
    assert.equal(signed.canonicalRequest, asRead);
    assert.equal(signed.stringToSign.split('\n')[1], '20260102T030405Z');
    assert.ok(!JSON.stringify(signed.headers).includes(SK), 'the secret key is never sent');
  });
});

describe('huaweicloud client against the stand-in', function () {
  let server;
  let agent;
  let client;
  const http = () => createApiHttp(() => agent, 'test', [SK]);
  before(async () => {
    server = await fakeHuawei.start({ keys: { [AK]: SK, HPUAFORBIDDENAK00001: SK }, forbidden: ['HPUAFORBIDDENAK00001'], zones: ['example.com', 'ample.com', 'sub.example.com'] });
    agent = new Agent();
    client = createHuaweiClient({ endpoint: server.url, accessKey: AK, secretKey: SK, http: http() });
  });
  after(async () => {
    await server.close();
    await agent.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });
  const signal = () => new AbortController().signal;

  it('picks the zone of exactly the name out of the fuzzy ListPublicZones answer', async () => {
    assert.equal(await client.zoneId('example.com', signal()), server.zones[0].id);
    assert.equal(await client.zoneId('ample.com', signal()), server.zones[1].id);
    assert.equal(await client.zoneId('other.org', signal()), undefined);
    assert.deepEqual(server.requests()[0].query, { type: 'public', name: 'example.com.' });
  });

  it('keeps only record sets of exactly the name and type', async () => {
    const zone = server.zones[0].id;
    const mine = server.seed({ name: 'home.example.com', type: 'A', records: ['203.0.113.1'] });
    server.seed({ name: 'myhome.example.com', type: 'A', records: ['203.0.113.2'] });
    server.seed({ name: 'a.home.example.com', type: 'A', records: ['203.0.113.3'] });
    server.seed({ name: 'home.example.com', type: 'AAAA', records: ['2001:db8::1'] });
    const found = await client.recordsets(zone, 'home.example.com', 'A', signal());
    assert.deepEqual(found.map((r) => r.id), [mine.id]);
    assert.deepEqual(server.requests()[0].query, { name: 'home.example.com.', type: 'A' });
  });

  it('reads the gateway shape: a wrong SK is EAUTH with APIGW.0301, the request id kept, the secret nowhere', async () => {
    const wrong = createHuaweiClient({ endpoint: server.url, accessKey: AK, secretKey: 'wrongSecretKey000000000000000000000000007', http: createApiHttp(() => agent, 'test', ['wrongSecretKey000000000000000000000000007']) });
    const err = await wrong.zoneId('example.com', signal()).then(() => assert.fail('accepted'), (e) => e);
    assert.equal(err.code, 'EAUTH');
    assert.equal(err.providerCode, 'APIGW.0301');
    assert.equal(err.statusCode, 401);
    assert.match(err.requestId, /^[0-9a-f]{32}$/);
    assert.match(err.message, /verify aksk signature fail/);
    assert.ok(!JSON.stringify({ m: err.message, ...err.toJSON() }).includes('wrongSecretKey'));
  });

  it('reads the DNS service shape: 403 {code: DNS.0005} is EFORBIDDEN with DNS.0005', async () => {
    const denied = createHuaweiClient({ endpoint: server.url, accessKey: 'HPUAFORBIDDENAK00001', secretKey: SK, http: http() });
    const err = await denied.zoneId('example.com', signal()).then(() => assert.fail('accepted'), (e) => e);
    assert.equal(err.code, 'EFORBIDDEN');
    assert.equal(err.providerCode, 'DNS.0005');
    assert.match(err.message, /permission/);
  });

  it('APIGW.0308 is ETHROTTLED and retryable, at 429 and even at another status', async () => {
    server.inject({ status: 429, body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute', request_id: 'abc' } });
    const first = await client.zoneId('example.com', signal()).then(() => assert.fail('accepted'), (e) => e);
    assert.deepEqual([first.code, first.providerCode, first.retryable, first.statusCode], ['ETHROTTLED', 'APIGW.0308', true, 429]);
    const odd = huaweiFailure({ status: 400, headers: {}, body: JSON.stringify({ error_code: 'APIGW.0308', error_msg: 'throttled' }) }, 'x', []);
    assert.deepEqual([odd.code, odd.retryable], ['ETHROTTLED', true]);
  });

  it('a 5xx without JSON is a retryable EHTTPSTATUS with an excerpt of the page; a request id in the body is used when the header is missing', () => {
    const page = huaweiFailure({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }, 'x', []);
    assert.deepEqual([page.code, page.retryable, page.providerCode], ['EHTTPSTATUS', true, 'HTTP 502']);
    assert.match(page.message, /Bad Gateway/);
    const fromBody = huaweiFailure({ status: 400, headers: {}, body: JSON.stringify({ code: 'DNS.0303', message: 'The TTL value is invalid.', request_id: 'r-1' }) }, 'x', []);
    assert.deepEqual([fromBody.code, fromBody.providerCode, fromBody.requestId], ['EPROVIDER', 'DNS.0303', 'r-1']);
  });

  it('creates with 202 and updates by id, sending the body it signed', async () => {
    const zone = server.zones[0].id;
    const created = await client.create(zone, { name: 'home.example.com.', type: 'A', records: ['203.0.113.9'], ttl: 300 }, signal());
    const updated = await client.update(zone, created.id, { name: 'home.example.com.', type: 'A', records: ['203.0.113.10'], ttl: 300 }, signal());
    assert.equal(updated.id, created.id);
    assert.deepEqual(server.values('home.example.com', 'A'), ['203.0.113.10']);
  });
});

describe('huaweicloud TTL setting', function () {
  it('is empty (the record keeps its own) or a whole number from 1 to 2147483647', () => {
    assert.equal(parseTtl(''), undefined);
    assert.equal(parseTtl(undefined), undefined);
    assert.equal(parseTtl('1'), 1);
    assert.equal(parseTtl(2147483647), 2147483647);
    for (const bad of ['0', '2147483648', '1.5', 'x', -1]) assert.throws(() => parseTtl(bad), (e) => e.code === 'ECONFIG', String(bad));
  });
});
