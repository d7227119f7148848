'use strict';
// How the Route 53 updater reads the API's answers (src/providers/route53/xml.ts
// and client.ts): the bounded XML reader, and the client against the Route 53
// stand-in on loopback (test/servers/fake-route53.js): exact name and type out
// of lists that start at a name, `\052` for `*`, aliases and routing policies
// seen, and every error shape of https://docs.aws.amazon.com/Route53/latest/APIReference/CommonErrors.html
// turned into the package's codes, with Route 53's words masked.
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { parseXml, textAt, XML_MAX_DEPTH } = require('../../dist/providers/route53/xml');
const { createRoute53Client, apiFailure, plainName } = require('../../dist/providers/route53/client');
const { createApiHttp } = require('../../dist/providers/http-api');
const { DdnsError } = require('../../dist/core/errors');
const { parseZoneRef, route53Targets } = require('../../dist/providers/route53');
const fakeRoute53 = require('../servers/fake-route53');

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const nest = (depth) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;

describe('route53 XML reader', function () {
  it('reads elements, namespaces, entities, CDATA and comments of an answer', () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><r:Top xmlns:r="urn:x" xmlns="urn:y"><r:A k="1 > 0">a &amp; b &lt;c&gt; &#65;&#x42;</r:A><B/><C><![CDATA[<raw>]]></C></r:Top>');
    assert.equal(root.name, 'Top');
    assert.equal(textAt(root, 'A'), 'a & b <c> AB');
    assert.equal(textAt(root, 'B'), '');
    assert.equal(textAt(root, 'C'), '<raw>');
    assert.equal(textAt(root, 'Missing'), undefined);
  });

  it(`takes nesting of ${XML_MAX_DEPTH} levels and refuses ${XML_MAX_DEPTH + 1}`, () => {
    assert.equal(parseXml(nest(XML_MAX_DEPTH)).name, 'a');
    assert.throws(() => parseXml(nest(XML_MAX_DEPTH + 1)), (err) => err.code === 'EBADRESPONSE' && /deeper than 32/.test(err.message));
  });

  it('refuses more than 256 KiB before reading it', () => {
    const big = `<a>${'x'.repeat(256 * 1024)}</a>`;
    assert.throws(() => parseXml(big), (err) => err.code === 'ETOOLARGE');
  });

  it('refuses a document type declaration (no entity can expand), and text that is not well formed', () => {
    for (const bad of ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', '<a><b></a>', '<a>', 'plain text', '<a></a><b></b>', '<a x="1></a>', '']) {
      assert.throws(() => parseXml(bad), (err) => err instanceof DdnsError && err.code === 'EBADRESPONSE', bad);
    }
  });

  it('reads a list of 5,000 record sets within the size bound', () => {
    const sets = Array.from({ length: 5000 }, (_, i) => `<S><V>${i}</V></S>`).join('');
    const root = parseXml(`<L>${sets}</L>`);
    assert.equal(root.children.length, 5000);
    assert.equal(textAt(root.children[4999], 'V'), '4999');
  });

  it('plainName reads Route 53\'s octal escapes, lower case, without the trailing dot', () => {
    assert.equal(plainName('\\052.Example.COM.'), '*.example.com');
    assert.equal(plainName('home.example.com'), 'home.example.com');
  });
});

describe('route53 zone setting', function () {
  it('takes a hosted zone id, with or without /hostedzone/, or a zone name', () => {
    assert.deepEqual(parseZoneRef('Z1D633PJN98FT9'), { id: 'Z1D633PJN98FT9' });
    assert.deepEqual(parseZoneRef(' /hostedzone/z1d633pjn98ft9 '), { id: 'Z1D633PJN98FT9' });
    assert.deepEqual(parseZoneRef('Example.COM.'), { name: 'example.com' });
    for (const bad of ['Q12345', 'not a zone', '', undefined]) assert.throws(() => parseZoneRef(bad), (err) => err.code === 'ECONFIG', String(bad));
  });

  it('names must lie in a zone given by name; with an id they are full names of two labels or more', () => {
    assert.deepEqual(route53Targets({ name: 'example.com' }, 'home.example.com, example.com'), [
      { name: 'home.example.com', zone: 'example.com' },
      { name: 'example.com', zone: 'example.com' },
    ]);
    assert.throws(() => route53Targets({ name: 'example.com' }, 'home.example.org'), (err) => err.code === 'ECONFIG');
    assert.deepEqual(route53Targets({ id: 'Z1' }, '*.example.org'), [{ name: '*.example.org', zone: 'Z1' }]);
    assert.throws(() => route53Targets({ id: 'Z1' }, 'home'), (err) => err.code === 'ECONFIG');
  });
});

describe('route53 client against the stand-in', function () {
  let server;
  let agent;
  let client;
  const signal = new AbortController().signal;
  const make = (secret = SECRET) => createRoute53Client({ endpoint: server.url, key: { accessKeyId: KEY_ID, secretAccessKey: secret }, http: createApiHttp(() => agent, 'test', [SECRET, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY']) });
  before(async () => {
    agent = new Agent();
    server = await fakeRoute53.start({ keys: { [KEY_ID]: SECRET }, zones: [{ name: 'example.com' }, { name: 'sub.example.com' }, { name: 'twin.org' }, { name: 'twin.org', private: true }] });
  });
  after(async () => {
    await server.close();
    await agent.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    client = make();
  });

  it('zonesByName keeps only the exact name, with ids without /hostedzone/', async () => {
    assert.deepEqual(await client.zonesByName('example.com', signal), [{ id: server.zoneId('example.com'), name: 'example.com', private: false }]);
    assert.deepEqual((await client.zonesByName('twin.org', signal)).map((z) => z.private), [false, true]);
    assert.deepEqual(await client.zonesByName('missing.net', signal), []);
    assert.deepEqual(server.requests[0].query, { dnsname: 'example.com', maxitems: '10' });
  });

  it('recordSet asks for name, type and one item, and takes only the exact name and type from the list', async () => {
    const zone = server.zoneId('example.com');
    server.addRecord('example.com', { name: 'www.example.com', type: 'A', values: ['192.0.2.1'] });
    assert.equal(await client.recordSet(zone, 'home.example.com', 'A', signal), undefined, 'the list starts at the next name, www');
    assert.deepEqual(server.requests.at(-1).query, { name: 'home.example.com', type: 'A', maxitems: '1' });
    server.addRecord('example.com', { name: '*.example.com', type: 'A', ttl: 120, values: ['192.0.2.7', '192.0.2.8'] });
    assert.deepEqual(await client.recordSet(zone, '*.example.com', 'A', signal), { name: '*.example.com', type: 'A', ttl: 120, values: ['192.0.2.7', '192.0.2.8'] });
    assert.equal(await client.recordSet(zone, '*.example.com', 'AAAA', signal), undefined);
  });

  it('recordSet reports an alias target and a routing policy\'s set identifier', async () => {
    const zone = server.zoneId('example.com');
    server.addRecord('example.com', { name: 'cdn.example.com', type: 'A', alias: 'd111111abcdef8.cloudfront.net.' });
    server.addRecord('example.com', { name: 'lb.example.com', type: 'A', setIdentifier: 'blue', values: ['192.0.2.9'] });
    assert.equal((await client.recordSet(zone, 'cdn.example.com', 'A', signal)).alias, 'd111111abcdef8.cloudfront.net');
    assert.equal((await client.recordSet(zone, 'lb.example.com', 'A', signal)).setIdentifier, 'blue');
  });

  it('upsert writes the whole set with its TTL and returns the change; change() reads its status', async () => {
    const zone = server.zoneId('example.com');
    server.addRecord('example.com', { name: 'home.example.com', type: 'AAAA', values: ['2001:db8::1', '2001:db8::2'] });
    const change = await client.upsert(zone, { name: 'home.example.com', type: 'AAAA', ttl: 900, value: '2001:db8::3' }, signal);
    assert.equal(change.status, 'PENDING');
    assert.match(change.id, /^C[0-9A-Z]+$/);
    assert.deepEqual(server.record('home.example.com', 'AAAA'), { name: 'home.example.com', type: 'AAAA', ttl: 900, values: ['2001:db8::3'] });
    assert.match(server.requests.at(-1).body, /<Action>UPSERT<\/Action>/);
    assert.equal((await client.change(change.id, signal)).status, 'INSYNC');
  });

  const failures = [
    { why: 'a wrong secret', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY', code: 'EAUTH', providerCode: 'SignatureDoesNotMatch', status: 403 },
    { why: 'AccessDenied', fault: { status: 403, code: 'AccessDenied' }, code: 'EFORBIDDEN', providerCode: 'AccessDenied' },
    { why: 'Throttling (400)', fault: { status: 400, code: 'Throttling' }, code: 'ETHROTTLED', providerCode: 'Throttling', retryable: true },
    { why: 'PriorRequestNotComplete (400)', fault: { status: 400, code: 'PriorRequestNotComplete' }, code: 'ETHROTTLED', providerCode: 'PriorRequestNotComplete', retryable: true },
    { why: 'HTTP 429 with Retry-After', fault: { status: 429, code: 'TooManyRequests', headers: { 'retry-after': '7' } }, code: 'ETHROTTLED', retryable: true, retryAfterMs: 7000 },
    { why: 'a server fault', fault: { status: 503, code: 'ServiceUnavailable' }, code: 'EHTTPSTATUS', providerCode: 'ServiceUnavailable', retryable: true },
  ];
  for (const f of failures) {
    it(`${f.why} is ${f.code}${f.retryable ? ', retryable' : ''}, with the request id and no secret`, async () => {
      if (f.fault) server.inject(f.fault);
      const c = f.secret ? make(f.secret) : client;
      await assert.rejects(c.zonesByName('example.com', signal), (err) => {
        assert.equal(err.code, f.code);
        if (f.providerCode) assert.equal(err.providerCode, f.providerCode);
        assert.equal(err.retryable, f.retryable === true);
        if (f.retryAfterMs) assert.equal(err.retryAfterMs, f.retryAfterMs);
        assert.match(err.requestId, /^[0-9a-f-]{36}$/);
        assert.ok(!err.message.includes(SECRET) && !err.message.includes('WRONGKEY'));
        return true;
      });
    });
  }

  it('NoSuchHostedZone is ENOTFOUND', async () => {
    await assert.rejects(client.recordSet('ZGONE', 'home.example.com', 'A', signal), (err) => err.code === 'ENOTFOUND' && err.providerCode === 'NoSuchHostedZone');
  });

  it('InvalidChangeBatch is EPROVIDER in Route 53\'s words (a name outside the zone)', async () => {
    await assert.rejects(client.upsert(server.zoneId('sub.example.com'), { name: 'home.example.com', type: 'A', ttl: 300, value: '192.0.2.1' }, signal), (err) => {
      assert.equal(err.code, 'EPROVIDER');
      assert.equal(err.providerCode, 'InvalidChangeBatch');
      assert.match(err.message, /not permitted in zone sub\.example\.com/);
      return true;
    });
  });

  it('InvalidChangeBatch in its older own shape (<InvalidChangeBatch><Messages>) is read alike, its words masked', () => {
    const body = `<?xml version="1.0"?><InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>bad value ${SECRET}</Message><Message>second</Message></Messages><RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></InvalidChangeBatch>`;
    const err = apiFailure({ status: 400, headers: {}, body }, 'change', [SECRET]);
    assert.equal(err.code, 'EPROVIDER');
    assert.equal(err.providerCode, 'InvalidChangeBatch');
    assert.equal(err.requestId, 'b25f48e8-84fd-11e6-80d9-574e0c4664cb');
    assert.match(err.message, /bad value \S+; second/);
    assert.ok(!err.message.includes(SECRET));
  });

  it('an answer that is not XML, or nested too deep, is EBADRESPONSE', () => {
    assert.throws(() => parseXml('{"json": true}'), (err) => err.code === 'EBADRESPONSE');
    const err = apiFailure({ status: 400, headers: {}, body: nest(40) }, 'x', []);
    assert.equal(err.code, 'EPROVIDER', 'a 400 without a readable code is still a refusal');
  });
});
