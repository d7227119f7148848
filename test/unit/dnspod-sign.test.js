'use strict';
// TC3-HMAC-SHA256 as the DNSPod provider signs (src/providers/dnspod/sign.ts),
// against the vector Tencent publishes on the v3 signing page
// (https://cloud.tencent.com/document/api/1427/56189, "签名方法 v3", the CVM
// DescribeInstances example with the EXAMPLE keys at 1551113065) and against
// the official Node SDK's own signer (tencentcloud-sdk-nodejs-common, a dev
// dependency only) on a DNSPod request at a fixed time.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { canonicalRequest, stringToSign, tc3Authorization, scopeDate } = require('../../dist/providers/dnspod/sign');
const SdkSign = require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign').default;

// the page's request body, byte for byte (Python's json.dumps: ASCII escapes, ", " and ": ")
const DOC_PAYLOAD = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const DOC = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  timestamp: 1551113065,
  payload: DOC_PAYLOAD,
};

describe('DNSPod TC3-HMAC-SHA256 signing', function () {
  it('reproduces the published example: hashed payload, canonical request, string to sign and Authorization', () => {
    assert.equal(crypto.createHash('sha256').update(DOC_PAYLOAD).digest('hex'), '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    assert.equal(
      canonicalRequest(DOC),
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    assert.equal(stringToSign(DOC), 'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    assert.equal(
      tc3Authorization(DOC),
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('the scope date is the UTC date of the timestamp, not the local one', () => {
    assert.equal(scopeDate(1551113065), '2019-02-25');
    assert.equal(scopeDate(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000), '2026-12-31');
  });

  it('signs a DNSPod DescribeRecordList exactly as the official SDK does at the same time', () => {
    const params = { Domain: 'example.com', Subdomain: 'home', RecordType: 'AAAA', RecordLine: '默认', Offset: 0, Limit: 100 };
    const timestamp = 1764806400;
    const sdk = SdkSign.sign3({
      method: 'POST',
      url: 'https://dnspod.tencentcloudapi.com/',
      payload: params,
      timestamp,
      service: 'dnspod',
      secretId: 'AKIDdnspodSignTest0000000000000000',
      secretKey: 'dnspodSignTestKey000000000000000',
      headers: { 'Content-Type': 'application/json' },
    });
    const ours = tc3Authorization({
      secretId: 'AKIDdnspodSignTest0000000000000000',
      secretKey: 'dnspodSignTestKey000000000000000',
      service: 'dnspod',
      host: 'dnspod.tencentcloudapi.com',
      timestamp,
      payload: JSON.stringify(params),
      contentType: 'application/json',
    });
    assert.equal(ours, sdk);
    assert.match(ours, /Credential=AKIDdnspodSignTest0000000000000000\/2025-12-04\/dnspod\/tc3_request,/);
  });

  it('a different secret, body, host or time gives a different signature', () => {
    const base = { secretId: 'id', secretKey: 'k1k1k1k1', service: 'dnspod', host: 'dnspod.tencentcloudapi.com', timestamp: 1764806400, payload: '{}' };
    const sig = (over) => /Signature=([0-9a-f]{64})/.exec(tc3Authorization({ ...base, ...over }))[1];
    const all = [sig({}), sig({ secretKey: 'k2k2k2k2' }), sig({ payload: '{ }' }), sig({ host: 'dnspod.tencentcloudapi.com:8443' }), sig({ timestamp: 1764806401 })];
    assert.equal(new Set(all).size, all.length);
  });
});
