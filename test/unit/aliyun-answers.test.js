'use strict';
// What each Alibaba Cloud DNS answer becomes, module by module: the client
// against the fake Alidns server answering exactly so (one row per code, with
// the page it comes from), the masking of server text that echoes a request,
// and the comparison of domain names that decides whose record a record is.
// The same rules are exercised through the node in test/nodes/aliyun-answers.test.js.
const assert = require('node:assert/strict');
const fake = require('../servers/fake-alidns');
const { createHttpAgent } = require('../../dist/core/http');
const { AlidnsClient } = require('../../dist/providers/aliyun/client');
const { stopsDomain, isDomainGone, isRecordGone } = require('../../dist/providers/aliyun/api-errors');
const { requestSecrets, serverTextExcerpt, serverToken, WITHHELD } = require('../../dist/providers/aliyun/server-text');
const { sameDomain } = require('../../dist/providers/aliyun/names');
const { DEFAULT_ALIDNS_ENDPOINT } = require('../../dist/providers/aliyun');

const TINY_BACKOFF = { baseMs: 1, capMs: 5 };

describe('aliyun answers (fake Alidns)', function () {
  let server;
  let agent;
  before(async () => {
    server = await fake.start({ keys: { testid: 'testsecret' } });
    agent = createHttpAgent({ connectTimeoutMs: 2000 });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  const client = () =>
    new AlidnsClient({ endpoint: server.url, accessKeyId: 'testid', accessKeySecret: 'testsecret', dispatcher: agent, retries: 2, backoff: TINY_BACKOFF });

  // [source, code, HTTP status, expected {code, retryable}, requests sent (retries: 2), message, stops the domain's run]
  const table = [
    ['terraform-provider-alicloud retries it', 'LastOperationNotFinished', 400, { code: 'EWAIT', retryable: true }, 3, /previous change .* still being applied/, false],
    ['UpdateDomainRecord/AddDomainRecord tables, HTTP 400', 'UnKnownError', 400, { code: 'EHTTPSTATUS', retryable: true }, 3, /server error HTTP 400/, false],
    ['not Alibaba\'s spelling', 'UnknownError', 400, { code: 'EPROVIDER', retryable: false }, 1, /request refused \(UnknownError\)/, false],
    ['Alidns Error Code Reference', 'InternalError', 500, { code: 'EHTTPSTATUS', retryable: true }, 3, /HTTP 500/, false],
    ['Alidns Error Code Reference', 'ServiceUnavailable', 503, { code: 'EHTTPSTATUS', retryable: true }, 3, /HTTP 503/, false],
    ['any 5xx', 'SomethingNobodyDocuments', 502, { code: 'EHTTPSTATUS', retryable: true }, 3, /HTTP 502/, false],
    ['Alidns Error Code Reference', 'Throttling', 400, { code: 'ETHROTTLED', retryable: true }, 3, /rate limit/, false],
    ['gateway common codes', 'Throttling.Api', 400, { code: 'ETHROTTLED', retryable: true }, 3, /rate limit/, false],
    ['gateway common codes', 'InvalidAccessKeyId.Inactive', 400, { code: 'EAUTH', retryable: false }, 1, /disabled/, false],
    ['gateway common codes', 'IncompleteSignature', 400, { code: 'EAUTH', retryable: false }, 1, /incomplete/, false],
    ['Alidns Error Code Reference', 'Forbidden.UserVerification', 403, { code: 'EFORBIDDEN', retryable: false }, 1, /real-name verification/, false],
    ['Alidns Error Code Reference', 'Forbidden.RiskControl', 403, { code: 'EFORBIDDEN', retryable: false }, 1, /risk control/, false],
    ['AddDomainRecord table', 'IncorrectDomainUser', 400, { code: 'ENOTFOUND', retryable: false }, 1, /not in this Alibaba Cloud account/, true],
    ['answered for a domain not in the account', 'InvalidDomainName.NoExist', 400, { code: 'ENOTFOUND', retryable: false }, 1, /not in this/, true],
    ['Alidns common response sample', 'DomainNotExist', 400, { code: 'ENOTFOUND', retryable: false }, 1, /not in this/, true],
    ['the maintainer\'s brief', 'DomainNotExists', 400, { code: 'ENOTFOUND', retryable: false }, 1, /not in this/, true],
    ['UpdateDomainRecord table', 'DomainRecordNotBelongToUser', 400, { code: 'ENOTFOUND', retryable: false }, 1, /does not exist in this account/, false],
    ['UpdateDomainRecord/AddDomainRecord tables', 'DomainForbidden', 400, { code: 'EPROVIDER', retryable: false }, 1, /forbids changes/, true],
    ['UpdateDomainRecord/AddDomainRecord tables', 'RecordForbidden.BlackHole', 400, { code: 'EPROVIDER', retryable: false }, 1, /black-hole/, true],
    ['UpdateDomainRecord table', 'DomainRecordLocked', 400, { code: 'EPROVIDER', retryable: false }, 1, /locked/, false],
    ['UpdateDomainRecord/AddDomainRecord tables', 'DomainRecordConflict', 400, { code: 'EPROVIDER', retryable: false }, 1, /conflicts/, false],
    ['UpdateDomainRecord/AddDomainRecord tables', 'QuotaExceeded.Record', 400, { code: 'EPROVIDER', retryable: false }, 1, /no more records/, false],
    ['UpdateDomainRecord/AddDomainRecord tables', 'QuotaExceeded.ARecord', 400, { code: 'EPROVIDER', retryable: false }, 1, /no more A\/AAAA/, false],
    ['the TTL floor of an edition', 'QuotaExceeded.TTL', 400, { code: 'EPROVIDER', retryable: false }, 1, /raise ttl/, true],
  ];
  for (const [source, providerCode, status, expected, requests, message, domainWide] of table) {
    it(`${providerCode} (${source}), HTTP ${status} -> ${expected.code}${expected.retryable ? ', retried' : ''}`, async () => {
      server.inject({ status, code: providerCode, message: 'as Alibaba says it', count: Infinity });
      await assert.rejects(client().call('UpdateDomainRecord', { RecordId: '7', DomainName: 'example.com', TTL: 60 }), (err) => {
        assert.equal(err.code, expected.code);
        assert.equal(err.retryable, expected.retryable);
        assert.equal(err.providerCode, providerCode);
        assert.equal(err.statusCode, status);
        assert.match(err.message, message);
        assert.match(err.message, /the server said: as Alibaba says it/);
        assert.equal(stopsDomain(err), domainWide);
        assert.equal(isDomainGone(err), expected.code === 'ENOTFOUND' && domainWide);
        assert.equal(isRecordGone(err), providerCode === 'DomainRecordNotBelongToUser');
        return true;
      });
      assert.equal(server.requests.length, requests);
    });
  }

  it('a Code or RequestId that is not shaped like one, or holds the AccessKey ID, is not carried', async () => {
    server.inject({ status: 400, body: JSON.stringify({ Code: 'testid', RequestId: 'x testid y', Message: 'odd' }) });
    await assert.rejects(client().call('DescribeDomainRecords', { DomainName: 'example.com' }), (err) => {
      assert.equal(err.providerCode, undefined);
      assert.equal(err.requestId, undefined);
      assert.ok(!JSON.stringify(err.toJSON()).includes('testid'));
      return true;
    });
  });
});

describe('aliyun server text', () => {
  const KEY_ID = 'LTAI5tUnitKey';
  const SECRET = 'unit+Secret/Key=';
  const SIGNATURE = 'Ab+cD/eF0gH1iJ2kL3mN4oP5qR6=';
  const NONCE = '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f';
  const secrets = requestSecrets([KEY_ID, SECRET, SIGNATURE, NONCE]);
  const enc = encodeURIComponent;
  const forms = [KEY_ID, SECRET, SIGNATURE, NONCE].flatMap((v) => [v, enc(v), enc(enc(v))]);
  const assertClean = (text) => {
    for (const form of forms) assert.ok(!text.includes(form), `${form} in ${text}`);
  };

  it("Alibaba's SignatureDoesNotMatch string to sign: the AccessKey ID and nonce (double-encoded) are masked, the rest is readable", () => {
    const query = `AccessKeyId=${enc(KEY_ID)}&Action=UpdateDomainRecord&SignatureNonce=${enc(NONCE)}&Timestamp=${enc('2025-01-01T12:00:00Z')}`;
    const message = `Specified signature is not matched with our calculation. server string to sign is:GET&%2F&${enc(query)}`;
    const out = serverTextExcerpt(message, secrets);
    assertClean(out);
    assert.match(out, /^Specified signature is not matched with our calculation\. server string to sign is:GET&\/&AccessKeyId=\*\*\*&Action=/);
    assert.ok(out.length <= 120);
  });

  it('the signed query quoted as it was sent: Signature, nonce and AccessKey ID masked in every encoding', () => {
    const query = `AccessKeyId=${enc(KEY_ID)}&SignatureNonce=${enc(NONCE)}&Signature=${enc(SIGNATURE)}`;
    for (const text of [query, enc(query), enc(enc(query)), `id ${KEY_ID}, signature ${SIGNATURE} nonce ${NONCE}, secret ${SECRET}`]) {
      const out = serverTextExcerpt(text, secrets);
      assertClean(out);
      assert.ok(out === WITHHELD || out.includes('***'), out);
    }
  });

  // DESIGN.md security rules: every form of every secret is masked wherever it stands
  it('a secret glued into other text is masked there, the text around it kept', () => {
    assert.equal(serverTextExcerpt(`prefix${NONCE}suffix`, secrets), 'prefix***suffix');
    assert.equal(serverTextExcerpt(`x${SIGNATURE}y`, secrets), 'x***y');
  });

  it('ordinary text is kept, short and printable; no text is empty', () => {
    assert.equal(serverTextExcerpt('The DNS record already exists.', secrets), 'The DNS record already exists.');
    assert.ok(serverTextExcerpt('x'.repeat(5000), secrets).length <= 120);
    assert.equal(serverTextExcerpt(undefined, secrets), '');
    assert.equal(serverTextExcerpt({ Message: 'object' }, secrets), '');
  });

  it('tokens: shaped like one and free of secrets, or nothing', () => {
    const shape = /^[A-Za-z][A-Za-z0-9_.-]{0,79}$/;
    assert.equal(serverToken('Throttling.User', shape, secrets), 'Throttling.User');
    assert.equal(serverToken(KEY_ID, shape, secrets), undefined);
    assert.equal(serverToken('a b', shape, secrets), undefined);
    assert.equal(serverToken(42, shape, secrets), undefined);
  });
});

describe('aliyun domain comparison', () => {
  const same = [
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['例子.测试', 'xn--fsqu00a.xn--0zwm56d'],
    ['XN--FSQU00A.XN--0ZWM56D', '例子.测试'],
  ];
  const different = [
    ['victim.org', 'example.com'],
    ['ample.com', 'example.com'],
    ['example.com.cn', 'example.com'],
    ['www.example.com', 'example.com'],
    ['', ''],
    ['xn--zz', 'xn--zz'],
  ];
  for (const [a, b] of same) it(`${a} is ${b}`, () => assert.equal(sameDomain(a, b), true));
  for (const [a, b] of different) it(`${JSON.stringify(a)} is not ${JSON.stringify(b)}`, () => assert.equal(sameDomain(a, b), false));
});

describe('aliyun endpoint', () => {
  it('the provider exports the one default endpoint', () => assert.equal(DEFAULT_ALIDNS_ENDPOINT, 'https://alidns.aliyuncs.com'));
});
