'use strict';
// The DNSPod stand-in (test/servers/fake-dnspod.js) checked against the
// official `tencentcloud-sdk-nodejs-dnspod` (a dev dependency only; the package
// signs with its own code at run time): the SDK's signed DescribeRecordList,
// ModifyRecord and CreateRecord are accepted, a wrong SecretKey is refused with
// AuthFailure.SignatureFailure, and the SDK reads the fake's answers.
//
// Pointing the SDK at a test server: it takes the signature's service from the
// endpoint's first label (abstract_client.js: `this.endpoint.split(".")[0]`),
// so `127.0.0.1:PORT` would sign for a service "127". The SDK is given the
// real API's name with the fake's port and an agent that resolves every name
// to loopback: it signs exactly what it would sign for Tencent, and nothing
// leaves the machine.
const assert = require('node:assert/strict');
const http = require('node:http');
const { dnspod } = require('tencentcloud-sdk-nodejs-dnspod');
const fakeDnspod = require('../servers/fake-dnspod');

const SECRET_ID = 'AKIDsdkTest0123456789abcdefABCDEFG';
const SECRET_KEY = 'sdkTestSecretKey0123456789abcdefg';

describe('fake DNSPod API against the official Node SDK', function () {
  let server;
  let agent;
  const sdk = (secretKey = SECRET_KEY, endpoint) =>
    new dnspod.v20210323.Client({
      credential: { secretId: SECRET_ID, secretKey },
      profile: { httpProfile: { endpoint: endpoint ?? `dnspod.tencentcloudapi.com:${server.port}`, protocol: 'http://', agent, reqTimeout: 10 } },
    });
  before(async () => {
    server = await fakeDnspod.start({ keys: { [SECRET_ID]: SECRET_KEY } });
    // every name is loopback: the SDK's request cannot leave the machine
    agent = new http.Agent({ lookup: (_host, options, cb) => (options && options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) });
  });
  after(async () => {
    agent.destroy();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });

  it('CreateRecord, DescribeRecordList and ModifyRecord signed by the SDK are accepted, and it reads the answers', async () => {
    const client = sdk();
    const created = await client.CreateRecord({ Domain: 'example.com', SubDomain: 'home', RecordType: 'AAAA', RecordLine: '默认', Value: '2001:db8::1', TTL: 300, Remark: 'mine', Weight: 10 });
    assert.equal(typeof created.RecordId, 'number');
    assert.match(created.RequestId, /^[0-9a-f-]{36}$/);
    const listed = await client.DescribeRecordList({ Domain: 'example.com', Subdomain: 'home', RecordType: 'AAAA', RecordLine: '默认' });
    assert.deepEqual(listed.RecordCountInfo, { SubdomainCount: 1, ListCount: 1, TotalCount: 1 });
    const [record] = listed.RecordList;
    assert.deepEqual([record.RecordId, record.Name, record.Type, record.Line, record.LineId, record.Value, record.TTL, record.Weight, record.Remark, record.Status], [created.RecordId, 'home', 'AAAA', '默认', '0', '2001:db8::1', 300, 10, 'mine', 'ENABLE']);
    const modified = await client.ModifyRecord({ Domain: 'example.com', RecordId: record.RecordId, SubDomain: 'home', RecordType: 'AAAA', RecordLine: '默认', Value: '2001:db8::2', TTL: 300, Weight: 10, Remark: 'mine', Status: 'ENABLE' });
    assert.equal(modified.RecordId, record.RecordId);
    assert.deepEqual(server.values('home.example.com', 'AAAA'), ['2001:db8::2']);
    assert.ok(server.requests.every((r) => r.ok), 'every SDK request passed the signature check');
    assert.ok(server.requests.every((r) => /\/dnspod\/tc3_request,/.test(r.headers.authorization)));
  });

  it('a wrong SecretKey is refused with AuthFailure.SignatureFailure, as the SDK reports it', async () => {
    await assert.rejects(sdk('notTheSecretKey0000000000000000000').DescribeRecordList({ Domain: 'example.com' }), (err) => {
      assert.equal(err.code, 'AuthFailure.SignatureFailure');
      assert.match(err.requestId, /^[0-9a-f-]{36}$/);
      return true;
    });
  });

  it('an SDK pointed at 127.0.0.1:PORT signs for the service "127", and the fake refuses it as the real API would', async () => {
    await assert.rejects(sdk(SECRET_KEY, `127.0.0.1:${server.port}`).DescribeRecordList({ Domain: 'example.com' }), (err) => err.code === 'AuthFailure.SignatureFailure');
    assert.match(server.requests[0].headers.authorization, /\/127\/tc3_request,/);
  });

  it('an empty list is the error ResourceNotFound.NoDataOfRecord, and ErrorOnEmpty=no an empty list', async () => {
    const client = sdk();
    await assert.rejects(client.DescribeRecordList({ Domain: 'example.com', Subdomain: 'none' }), (err) => err.code === 'ResourceNotFound.NoDataOfRecord');
    const empty = await client.DescribeRecordList({ Domain: 'example.com', Subdomain: 'none', ErrorOnEmpty: 'no' });
    assert.deepEqual(empty.RecordList, []);
  });

  it('errors of the record actions reach the SDK with Tencent\'s codes', async () => {
    const client = sdk();
    await assert.rejects(client.DescribeRecordList({ Domain: 'not-mine.org' }), (err) => err.code === 'InvalidParameterValue.DomainNotExists');
    await assert.rejects(client.ModifyRecord({ Domain: 'example.com', RecordId: 42, RecordType: 'A', RecordLine: '默认', Value: '203.0.113.1' }), (err) => err.code === 'InvalidParameter.RecordIdInvalid');
    await assert.rejects(client.CreateRecord({ Domain: 'example.com', SubDomain: 'home', RecordType: 'A', RecordLine: '默认', Value: 'not-an-ip' }), (err) => err.code === 'InvalidParameter.RecordValueInvalid');
    await assert.rejects(client.CreateRecord({ Domain: 'example.com', SubDomain: 'home', RecordType: 'A', RecordLine: '火星', Value: '203.0.113.1' }), (err) => err.code === 'InvalidParameter.RecordLineInvalid');
  });
});
