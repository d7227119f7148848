'use strict';
// RPC signature 1.0 against the worked examples Alibaba publishes, against the
// official Node.js SDK (@alicloud/pop-core, a dev dependency used only here) for
// the same fixed inputs, and against the fake server's independent verifier.
const assert = require('node:assert/strict');
const fake = require('../servers/fake-alidns');
const {
  canonicalQuery,
  formatTimestamp,
  newNonce,
  percentEncode,
  signParameters,
  signRequest,
  stringToSign,
} = require('../../dist/providers/aliyun/sign');

// Alibaba's worked examples, AccessKey ID `testid`, secret `testsecret`.
const PUBLISHED = [
  {
    // Alidns "Signature mechanism" (doc-detail/29747): DescribeDomainRecords for example.com
    name: 'Alidns DescribeDomainRecords',
    params: {
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeDomainRecords',
      SignatureMethod: 'HMAC-SHA1',
      DomainName: 'example.com',
      SignatureNonce: 'f59ed6a9-83fc-473b-9cc6-99c95df3856e',
      SignatureVersion: '1.0',
      Version: '2015-01-09',
      Timestamp: '2016-03-24T16:41:54Z',
    },
    stringToSign:
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDomainRecords%26DomainName%3Dexample.com%26Format%3DXML' +
      '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Df59ed6a9-83fc-473b-9cc6-99c95df3856e%26SignatureVersion%3D1.0' +
      '%26Timestamp%3D2016-03-24T16%253A41%253A54Z%26Version%3D2015-01-09',
    signature: 'uRpHwaSEt3J+6KQD//svCh/x+pI=',
  },
  {
    // ECS "Request signatures": DescribeRegions, current spelling of Timestamp
    name: 'ECS DescribeRegions (Timestamp)',
    params: {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    },
    stringToSign:
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
      '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
      '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
  },
  {
    // the older edition of the same page (developer.aliyun.com/ask/210168), spelling it TimeStamp:
    // the sort is case-sensitive, so the key's spelling changes the signature
    name: 'ECS DescribeRegions (TimeStamp)',
    params: {
      TimeStamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    },
    stringToSign:
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
      '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
      '%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    signature: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
  },
];

describe('aliyun signer: published examples', () => {
  for (const vector of PUBLISHED) {
    it(`${vector.name}: string-to-sign and signature match the documentation`, () => {
      assert.equal(stringToSign('GET', canonicalQuery(vector.params)), vector.stringToSign);
      assert.equal(signParameters(vector.params, 'testsecret'), vector.signature);
    });
  }

  it('signRequest reproduces the Alidns example from its parts (fixed nonce and time)', () => {
    const signed = signRequest({
      action: 'DescribeDomainRecords',
      params: { DomainName: 'example.com' },
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      nonce: 'f59ed6a9-83fc-473b-9cc6-99c95df3856e',
      timestamp: Date.UTC(2016, 2, 24, 16, 41, 54),
    });
    // signRequest always asks for JSON; with Format=XML it is exactly the published request
    const asPublished = { ...signed.params, Format: 'XML' };
    delete asPublished.Signature;
    assert.equal(signParameters(asPublished, 'testsecret'), 'uRpHwaSEt3J+6KQD//svCh/x+pI=');
    assert.equal(signed.params.Version, '2015-01-09');
    assert.equal(signed.params.Format, 'JSON');
    assert.equal(signed.params.Timestamp, '2016-03-24T16:41:54Z');
    assert.ok(signed.query.endsWith(`&Signature=${percentEncode(signed.signature)}`));
  });

  it('a different secret gives a different signature', () => {
    assert.notEqual(signParameters(PUBLISHED[0].params, 'testsecreT'), PUBLISHED[0].signature);
  });
});

describe('aliyun signer: encoding and format', () => {
  const encodings = [
    ['unreserved characters stay', 'AZaz09-_.~', 'AZaz09-_.~'],
    ['space is %20, never +', 'a b', 'a%20b'],
    ['! \' ( ) * are escaped (encodeURIComponent leaves them)', "!'()*", '%21%27%28%29%2A'],
    ['reserved characters', ':/?#[]@&=+$,;', '%3A%2F%3F%23%5B%5D%40%26%3D%2B%24%2C%3B'],
    ['UTF-8 bytes in upper-case hex', '阿里', '%E9%98%BF%E9%87%8C'],
    ['percent itself', '100%', '100%25'],
  ];
  for (const [what, input, expected] of encodings) {
    it(`percentEncode: ${what}`, () => assert.equal(percentEncode(input), expected));
  }

  it('canonical query sorts by name, case-sensitively, and leaves out Signature', () => {
    assert.equal(canonicalQuery({ b: '2', B: '1', a: 'x y', Signature: 'zzz' }), 'B=1&a=x%20y&b=2');
  });

  it('timestamps are UTC without milliseconds', () => {
    assert.equal(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05Z');
  });

  it('nonces are unique UUIDs', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newNonce()));
    assert.equal(seen.size, 200);
    for (const nonce of seen) assert.match(nonce, /^[0-9a-f-]{36}$/);
  });

  it('the caller cannot override the signed common parameters', () => {
    const signed = signRequest({
      action: 'DescribeDomainRecords',
      params: { Signature: 'x', AccessKeyId: 'evil', Timestamp: 'then', Format: 'XML', DomainName: 'example.com', Skip: undefined },
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      nonce: 'n-1',
      timestamp: 0,
    });
    assert.equal(signed.params.AccessKeyId, 'testid');
    assert.equal(signed.params.Format, 'JSON');
    assert.equal(signed.params.Timestamp, '1970-01-01T00:00:00Z');
    assert.ok(!('Skip' in signed.params));
    assert.notEqual(signed.signature, 'x');
  });

  it('the fake server verifies what the signer produces, awkward values included', async () => {
    const awkward = { DomainName: 'example.com', Value: "v=spf1 include:_spf.example.com ~all (it's) *!", RR: '阿里' };
    const signed = signRequest({ action: 'Anything', params: awkward, accessKeyId: 'testid', accessKeySecret: 'testsecret', nonce: 'n', timestamp: 0 });
    const { signature } = fake.expectedSignature(signed.params, 'testsecret', 'GET');
    assert.equal(signed.signature, signature);
  });
});

describe('aliyun signer: the official SDK (@alicloud/pop-core) agrees', function () {
  let RPCClient;
  let server;
  before(async function () {
    try {
      RPCClient = require('@alicloud/pop-core').RPCClient;
    } catch {
      this.skip(); // dev dependency not installed: the published examples above still hold
    }
    server = await fake.start({ keys: { testid: 'testsecret' } });
  });
  after(async () => {
    if (server) await server.close();
  });

  const cases = [
    ['plain lookup', 'DescribeSubDomainRecords', { SubDomain: 'www.example.com', DomainName: 'example.com' }],
    ['TXT value with spaces, quotes and !\'()*', 'DescribeDomainRecords', { DomainName: 'example.com', ValueKeyWord: "v=spf1 a:b ~all (x) 'y' *!" }],
    ['non-ASCII and reserved characters', 'DescribeDomainRecords', { DomainName: 'example.com', RRKeyWord: '阿里/云?&=+' }],
  ];
  for (const [what, action, params] of cases) {
    it(`${what}: our signature equals the SDK's for the SDK's own nonce and time, and the fake accepts it`, async () => {
      const sdk = new RPCClient({ accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: server.url, apiVersion: '2015-01-09' });
      server.reset();
      // the SDK sends with its own nonce and timestamp; the fake records exactly what arrived
      await sdk.request(action, params, { method: 'GET', formatParams: false, timeout: 5000 });
      const [seen] = server.requests;
      assert.equal(seen.status, 200, `fake server refused the SDK's request: ${seen.code}`);
      const sent = { ...seen.params };
      const sdkSignature = sent.Signature;
      delete sent.Signature;
      assert.equal(signParameters(sent, 'testsecret'), sdkSignature);
      // and signRequest, given the same nonce and time, produces the SDK's signature too
      const ours = signRequest({
        action,
        params,
        accessKeyId: 'testid',
        accessKeySecret: 'testsecret',
        nonce: sent.SignatureNonce,
        timestamp: Date.parse(sent.Timestamp),
      });
      assert.equal(ours.signature, sdkSignature);
    });
  }
});
