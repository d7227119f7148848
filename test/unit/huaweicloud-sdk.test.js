'use strict';
// The Huawei Cloud DNS stand-in (test/servers/fake-huaweicloud.js) and the
// package's signer (src/providers/huaweicloud/sign.ts) checked against the
// official @huaweicloud/huaweicloud-sdk-core (a dev dependency only; the
// package uses no SDK at run time):
// - requests the SDK signs (its AKSKSigner, sent by its own HcClient over
//   axios) are accepted by the fake, which recomputes the signature with the
//   secret key; a wrong secret key is refused with the gateway's APIGW.0301 and
//   401, and the SDK reads that answer as Huawei's own;
// - the SDK reads the fake's DNS answers (zones, record sets, 202 on create);
// - our signer and the SDK's give the same Authorization for the same request
//   and time.
const assert = require('node:assert/strict');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials');
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const { sign } = require('../../dist/providers/huaweicloud/sign');
const fakeHuawei = require('../servers/fake-huaweicloud');

const AK = 'HPUASDKTESTAK0000042';
const SK = 'sdkTestSecretKey0000000000000000000000042';

function sdkClient(url, sk = SK) {
  return new ClientBuilder((hc) => hc).withCredential(new GlobalCredentials().withAk(AK).withSk(sk)).withEndpoint(url).build();
}

function sdkRequest(options) {
  return { pathParams: {}, queryParams: {}, headers: {}, ...options };
}

describe('fake Huawei Cloud DNS against the official SDK core', function () {
  let server;
  before(async () => {
    server = await fakeHuawei.start({ keys: { [AK]: SK }, zones: ['example.com', 'sub.example.com'] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });

  it('accepts the SDK-signed ListPublicZones and the SDK reads the zones; the fuzzy name filter lists both zones', async () => {
    const answer = await sdkClient(server.url).sendRequest(sdkRequest({ method: 'GET', url: '/v2/zones', queryParams: { type: 'public', name: 'example.com.' } }));
    assert.equal(answer.httpStatusCode, 200);
    assert.deepEqual(answer.zones.map((z) => z.name).sort(), ['example.com.', 'sub.example.com.']);
    const seen = server.requests()[0];
    assert.match(seen.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=[^,]*host[^,]*x-sdk-date, Signature=[0-9a-f]{64}$`));
    assert.equal(seen.ak, AK, 'the fake verified the signature');
  });

  it('accepts an SDK-signed CreateRecordSet with a JSON body (202) and an UpdateRecordSet, and lists the record set', async () => {
    const client = sdkClient(server.url);
    const zoneId = server.zones[0].id;
    const created = await client.sendRequest(sdkRequest({ method: 'POST', url: '/v2/zones/{zone_id}/recordsets', pathParams: { zone_id: zoneId }, contentType: 'application/json', data: { name: 'home.example.com.', type: 'A', records: ['203.0.113.5'], ttl: 600 } }));
    assert.equal(created.httpStatusCode, 202);
    assert.match(created.id, /^ff8080827/);
    const updated = await client.sendRequest(sdkRequest({ method: 'PUT', url: '/v2/zones/{zone_id}/recordsets/{recordset_id}', pathParams: { zone_id: zoneId, recordset_id: created.id }, contentType: 'application/json', data: { name: 'home.example.com.', type: 'A', records: ['203.0.113.6'], ttl: 600 } }));
    assert.equal(updated.httpStatusCode, 202);
    const listed = await client.sendRequest(sdkRequest({ method: 'GET', url: '/v2/zones/{zone_id}/recordsets', pathParams: { zone_id: zoneId }, queryParams: { name: 'home.example.com.', type: 'A' } }));
    assert.deepEqual(listed.recordsets.map((r) => [r.id, r.name, r.records]), [[created.id, 'home.example.com.', ['203.0.113.6']]]);
    assert.equal(server.count('create') + server.count('update') + server.count('list'), 3, 'all three passed the signature check');
  });

  it('refuses a wrong secret key with APIGW.0301 and 401, which the SDK reads as a ClientRequestException with the request id', async () => {
    const client = sdkClient(server.url, 'wrongSecretKey000000000000000000000000042');
    // the SDK logs every failure with its whole axios config; the assertions below say what matters
    client.httpClient._logger = { error() {}, warn() {}, info() {}, debug() {} };
    await assert.rejects(
      client.sendRequest(sdkRequest({ method: 'GET', url: '/v2/zones', queryParams: { type: 'public', name: 'example.com.' } })),
      (err) => {
        assert.equal(err.constructor.name, 'ClientRequestException');
        assert.equal(err.httpStatusCode, 401);
        assert.equal(err.errorCode, 'APIGW.0301');
        assert.match(err.errorMsg, /Incorrect IAM authentication information: verify aksk signature fail/);
        assert.match(err.requestId, /^[0-9a-f]{32}$/);
        return true;
      },
    );
    assert.equal(server.requests()[0].ak, undefined, 'the request was not let through');
  });

  describe('our signer and the SDK signer', function () {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const date = '20260102T030405Z';

    it('give the same Authorization for a GET with a query', () => {
      const url = new URL('https://dns.myhuaweicloud.com/v2/zones/ff80808275f5fc0f0176000000000000/recordsets?type=A&name=home.example.com.');
      const ours = sign({ method: 'GET', url, accessKey: AK, secretKey: SK, at });
      const theirs = AKSKSigner.sign({ endpoint: `${url.origin}${url.pathname}`, method: 'GET', headers: { 'X-Sdk-Date': date }, queryParams: { type: 'A', name: 'home.example.com.' } }, new GlobalCredentials().withAk(AK).withSk(SK));
      assert.equal(ours.headers['x-sdk-date'], date);
      assert.equal(ours.headers.authorization, theirs.Authorization);
    });

    it('give the same Authorization for a PUT with a JSON body, a port in the host and query characters to encode', () => {
      // path segments here are ids (hex); the SDK core signs a path as sent, without decoding it first
      const url = new URL('http://127.0.0.1:8443/v2/zones/ff80808275f5fc0f/recordsets/ff8080827000001?name=*.example.com.&x=(1) é');
      const body = { name: '*.example.com.', type: 'AAAA', records: ['2001:db8::1'], ttl: 300, description: 'éclair' };
      const ours = sign({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), accessKey: AK, secretKey: SK, at });
      const theirs = AKSKSigner.sign({ endpoint: `${url.origin}${url.pathname}`, method: 'PUT', headers: { 'X-Sdk-Date': date, 'content-type': 'application/json' }, queryParams: { name: '*.example.com.', x: '(1) é' }, data: body }, new GlobalCredentials().withAk(AK).withSk(SK));
      assert.equal(ours.headers.authorization, theirs.Authorization);
    });

    it('differ when the secret differs (the comparison can fail)', () => {
      const url = new URL('https://dns.myhuaweicloud.com/v2/zones');
      const ours = sign({ method: 'GET', url, accessKey: AK, secretKey: SK, at });
      const theirs = AKSKSigner.sign({ endpoint: url.href, method: 'GET', headers: { 'X-Sdk-Date': date } }, new GlobalCredentials().withAk(AK).withSk(`${SK}x`));
      assert.notEqual(ours.headers.authorization, theirs.Authorization);
    });
  });
});
