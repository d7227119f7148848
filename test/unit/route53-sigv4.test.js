'use strict';
// The Route 53 signer (src/providers/route53/sigv4.ts) against the AWS SigV4
// test suite (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html:
// get-vanilla, get-vanilla-query-order-key-case, get-vanilla-query-order-value,
// post-vanilla; credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
// service "service") and against the official SDK's own signer
// (@smithy/signature-v4, installed with @aws-sdk/client-route-53) for the
// requests the updater makes, at a fixed time.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { SignatureV4 } = require('@smithy/signature-v4');
const { signRequest, amzDate, uriEncode } = require('../../dist/providers/route53/sigv4');
const { checkSignature } = require('../servers/fake-route53');

const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_AT = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));
const scope = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=';

/** the SDK's hash interface, on node:crypto */
class NodeSha256 {
  constructor(secret) {
    this.hash = secret ? crypto.createHmac('sha256', Buffer.from(secret)) : crypto.createHash('sha256');
  }
  update(data) {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

describe('route53 SigV4 signer', function () {
  const vectors = [
    { name: 'get-vanilla', method: 'GET', url: 'https://example.amazonaws.com/', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
    { name: 'get-vanilla-query-order-key-case', method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
    { name: 'get-vanilla-query-order-value', method: 'GET', url: 'https://example.amazonaws.com/?Param1=value2&Param1=value1', signature: '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694' },
    { name: 'post-vanilla', method: 'POST', url: 'https://example.amazonaws.com/', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  ];
  for (const v of vectors) {
    it(`matches the AWS SigV4 test suite: ${v.name}`, () => {
      const signed = signRequest(SUITE, { method: v.method, url: new URL(v.url), region: 'us-east-1', service: 'service', at: SUITE_AT });
      assert.equal(signed.headers.authorization, scope + v.signature);
      assert.equal(signed.headers['x-amz-date'], '20150830T123600Z');
    });
  }

  it('get-vanilla: the canonical request and the string to sign are the suite\'s', () => {
    const signed = signRequest(SUITE, { method: 'GET', url: new URL('https://example.amazonaws.com/'), region: 'us-east-1', service: 'service', at: SUITE_AT });
    assert.equal(signed.canonicalRequest, 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(signed.stringToSign, 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63');
  });

  it('encodes as RFC 3986 asks (unreserved kept, everything else as %XX)', () => {
    assert.equal(uriEncode("a-b_c.d~e *!'()/+="), "a-b_c.d~e%20%2A%21%27%28%29%2F%2B%3D");
    assert.equal(amzDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '20260102T030405Z');
  });

  const key = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const at = new Date(Date.UTC(2026, 11, 4, 20, 0, 0));
  const requests = [
    { name: 'ListHostedZonesByName', method: 'GET', path: '/2013-04-01/hostedzonesbyname', query: { dnsname: 'example.com', maxitems: '10' } },
    { name: 'ListResourceRecordSets of a wildcard', method: 'GET', path: '/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset', query: { name: '*.example.com', type: 'AAAA', maxitems: '1' } },
    { name: 'ChangeResourceRecordSets', method: 'POST', path: '/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset', query: {}, body: '<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest/>', headers: { 'content-type': 'application/xml' } },
    { name: 'GetChange', method: 'GET', path: '/2013-04-01/change/C2682N5HXP0BZ4', query: {} },
  ];
  for (const r of requests) {
    it(`signs ${r.name} exactly as the SDK's own signer (@smithy/signature-v4) does`, async () => {
      const sdk = new SignatureV4({ credentials: key, region: 'us-east-1', service: 'route53', sha256: NodeSha256, applyChecksum: false });
      const headers = { host: 'route53.amazonaws.com', ...(r.headers ?? {}) };
      const theirs = await sdk.sign({ method: r.method, protocol: 'https:', hostname: 'route53.amazonaws.com', path: r.path, query: r.query, headers, ...(r.body ? { body: r.body } : {}) }, { signingDate: at });
      const url = new URL(`https://route53.amazonaws.com${r.path}`);
      for (const [k, v] of Object.entries(r.query)) url.searchParams.set(k, v);
      const ours = signRequest(key, { method: r.method, url, headers: r.headers ?? {}, ...(r.body ? { body: r.body } : {}), region: 'us-east-1', service: 'route53', at });
      assert.equal(ours.headers.authorization, theirs.headers.authorization);
      assert.equal(ours.headers['x-amz-date'], theirs.headers['x-amz-date']);
    });
  }

  it('the fake server accepts our signature, and refuses it when one byte of the request changes after signing', () => {
    const url = new URL('http://127.0.0.1:8053/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset?name=home.example.com&type=A&maxitems=1');
    const signed = signRequest(key, { method: 'GET', url, region: 'us-east-1', service: 'route53', at: new Date() });
    const req = (path) => ({ method: 'GET', url: path, headers: { ...signed.headers } });
    const keys = { [key.accessKeyId]: key.secretAccessKey };
    assert.equal(checkSignature(req(`${url.pathname}${url.search}`), '', keys, () => Date.now()), undefined);
    assert.equal(checkSignature(req(`${url.pathname}${url.search.replace('type=A', 'type=B')}`), '', keys, () => Date.now()), 'SignatureDoesNotMatch');
    assert.equal(checkSignature(req(`${url.pathname}${url.search}`), '', { [key.accessKeyId]: `${key.secretAccessKey}x` }, () => Date.now()), 'SignatureDoesNotMatch');
  });
});
