'use strict';
// The DNSPod client (src/providers/dnspod/client.ts, api-errors.ts) against the
// DNSPod stand-in (test/servers/fake-dnspod.js): what goes on the wire (the
// common headers of Tencent Cloud API 3.0, scope dnspod whatever the
// endpoint), and what each answer means: Tencent's error codes
// (https://cloud.tencent.com/document/api/1427/56192) turned into the
// package's codes, RequestId kept, server text masked, and answers that are
// no Tencent answer refused.
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { createApiHttp } = require('../../dist/providers/http-api');
const { createDnspodClient } = require('../../dist/providers/dnspod/client');
const fakeDnspod = require('../servers/fake-dnspod');

const SECRET_ID = 'AKIDclientTest0123456789abcdefABCD';
const SECRET_KEY = 'clientTestSecretKey0123456789abcd';

describe('DNSPod API client', function () {
  let server;
  let agent;
  let client;
  const signal = new AbortController().signal;
  const query = { domain: 'example.com', subdomain: 'home', type: 'A', line: '默认' };
  before(async () => {
    server = await fakeDnspod.start({ keys: { [SECRET_ID]: SECRET_KEY, AKIDnoCamPolicy000000000000000000: 'noCamPolicyKey00000000000000000' }, unauthorized: ['AKIDnoCamPolicy000000000000000000'] });
    agent = new Agent();
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    client = createDnspodClient({ endpoint: server.url, secretId: SECRET_ID, secretKey: SECRET_KEY, http: createApiHttp(() => agent, 'test', [SECRET_ID, SECRET_KEY]) });
  });

  it('signs with scope dnspod and the Host it sends, and sends the 2021-03-23 common headers', async () => {
    server.addRecord({ Name: 'home', Type: 'A', Value: '203.0.113.1' });
    const list = await client.listRecords(query, 0, signal);
    assert.deepEqual(list.map((r) => r.Value), ['203.0.113.1']);
    const sent = server.requests[0];
    assert.equal(sent.action, 'DescribeRecordList');
    assert.equal(sent.headers['x-tc-version'], '2021-03-23');
    assert.equal(sent.headers['x-tc-language'], 'en-US');
    assert.match(sent.headers.authorization, /^TC3-HMAC-SHA256 Credential=AKIDclientTest0123456789abcdefABCD\/\d{4}-\d{2}-\d{2}\/dnspod\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
    assert.equal(sent.host, new URL(server.url).host, 'the host signed is the one sent, port included');
    assert.deepEqual(sent.params, { Domain: 'example.com', Subdomain: 'home', RecordType: 'A', RecordLine: '默认', Offset: 0, Limit: 100 });
    assert.ok(!JSON.stringify(sent.headers).includes(SECRET_KEY), 'the SecretKey itself never travels');
  });

  it('ResourceNotFound.NoDataOfRecord is an empty list, not a failure', async () => {
    assert.deepEqual(await client.listRecords(query, 0, signal), []);
    assert.equal(server.requests[0].error, 'ResourceNotFound.NoDataOfRecord');
  });

  const table = [
    // [Tencent code, our code, retryable]
    ['AuthFailure.SignatureFailure', 'EAUTH', false],
    ['AuthFailure.SecretIdNotFound', 'EAUTH', false],
    ['AuthFailure.SignatureExpire', 'EAUTH', false],
    ['AuthFailure.UnauthorizedOperation', 'EFORBIDDEN', false],
    ['UnauthorizedOperation', 'EFORBIDDEN', false],
    ['OperationDenied.NoPermissionToOperateDomain', 'EFORBIDDEN', false],
    ['RequestLimitExceeded', 'ETHROTTLED', true],
    ['RequestLimitExceeded.UinLimitExceeded', 'ETHROTTLED', true],
    ['InternalError', 'EPROVIDER', true],
    ['InvalidParameter.RecordValueInvalid', 'EPROVIDER', false],
    ['InvalidParameterValue.DomainNotExists', 'EPROVIDER', false],
    ['FailedOperation.DomainIsLocked', 'EPROVIDER', false],
    ['LimitExceeded.RecordTtlLimit', 'EPROVIDER', false],
  ];
  for (const [tencent, ours, retryable] of table) {
    it(`${tencent} is ${ours}${retryable ? ', retryable' : ''}, with the code as providerCode and the RequestId kept`, async () => {
      server.inject(tencent, `Injected: ${tencent}`);
      await assert.rejects(client.listRecords(query, 0, signal), (err) => {
        assert.equal(err.code, ours);
        assert.equal(err.retryable, retryable);
        assert.equal(err.providerCode, tencent);
        assert.match(err.requestId, /^[0-9a-f-]{36}$/);
        assert.match(err.message, new RegExp(`\\(${tencent.replace(/\./g, '\\.')}\\): Injected`));
        return true;
      });
    });
  }

  it('a wrong SecretKey is refused by the real signature check (AuthFailure.SignatureFailure, EAUTH)', async () => {
    const wrong = createDnspodClient({ endpoint: server.url, secretId: SECRET_ID, secretKey: 'notTheRightKey000000000000000000', http: createApiHttp(() => agent, 'test', []) });
    await assert.rejects(wrong.listRecords(query, 0, signal), (err) => err.code === 'EAUTH' && err.providerCode === 'AuthFailure.SignatureFailure');
  });

  it('a key without the DNSPod actions in its CAM policy is EFORBIDDEN (AuthFailure.UnauthorizedOperation)', async () => {
    const limited = createDnspodClient({ endpoint: server.url, secretId: 'AKIDnoCamPolicy000000000000000000', secretKey: 'noCamPolicyKey00000000000000000', http: createApiHttp(() => agent, 'test', []) });
    await assert.rejects(limited.listRecords(query, 0, signal), (err) => err.code === 'EFORBIDDEN' && err.providerCode === 'AuthFailure.UnauthorizedOperation');
  });

  it('a clock more than 5 minutes off is refused (AuthFailure.SignatureExpire), said in words', async () => {
    const late = createDnspodClient({ endpoint: server.url, secretId: SECRET_ID, secretKey: SECRET_KEY, http: createApiHttp(() => agent, 'test', []), now: () => Math.floor(Date.now() / 1000) - 600 });
    await assert.rejects(late.listRecords(query, 0, signal), (err) => err.providerCode === 'AuthFailure.SignatureExpire' && /clock/.test(err.message));
  });

  it('Tencent\'s Message is masked: a SecretKey or SecretId echoed back never reaches the error', async () => {
    server.inject('InvalidParameter.ParamInvalid', `bad value near ${SECRET_KEY} for ${SECRET_ID}`);
    await assert.rejects(client.listRecords(query, 0, signal), (err) => {
      assert.ok(!err.message.includes(SECRET_KEY) && !err.message.includes(SECRET_ID), err.message);
      assert.match(err.message, /bad value near/);
      return true;
    });
  });

  it('an answer without Response, a list that is no list of records, or a non-JSON page is EBADRESPONSE', async () => {
    server.injectRaw({ body: '{"Result": {}}' });
    await assert.rejects(client.listRecords(query, 0, signal), (err) => err.code === 'EBADRESPONSE' && /no Response/.test(err.message));
    server.injectRaw({ body: '{"Response": {"RecordList": [{"RecordId": "x"}], "RequestId": "r"}}' });
    await assert.rejects(client.listRecords(query, 0, signal), (err) => err.code === 'EBADRESPONSE');
    server.injectRaw({ body: '<html>gateway</html>' });
    await assert.rejects(client.listRecords(query, 0, signal), (err) => err.code === 'EBADRESPONSE');
  });

  it('an HTTP 502 from a proxy in front is a server fault, retryable', async () => {
    server.injectRaw({ status: 502, body: 'Bad Gateway' });
    await assert.rejects(client.listRecords(query, 0, signal), (err) => err.code === 'EHTTPSTATUS' && err.retryable === true);
  });

  it('ModifyRecord and CreateRecord answer the RecordId', async () => {
    const created = await client.call('CreateRecord', { Domain: 'example.com', SubDomain: 'home', RecordType: 'A', RecordLine: '默认', Value: '203.0.113.2' }, signal, 'test');
    assert.equal(typeof created.RecordId, 'number');
    const modified = await client.call('ModifyRecord', { Domain: 'example.com', RecordId: created.RecordId, SubDomain: 'home', RecordType: 'A', RecordLine: '默认', Value: '203.0.113.3' }, signal, 'test');
    assert.equal(modified.RecordId, created.RecordId);
    assert.deepEqual(server.values('home.example.com', 'A'), ['203.0.113.3']);
  });
});
