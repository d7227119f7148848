'use strict';
// The Gandi LiveDNS provider's own rules (dist/providers/gandi): the token check at deploy
// (an old API key is 24 letters and digits, https://api.gandi.net/docs/authentication/ deprecates
// it; lexicon tells the two apart by that length, AnalogJ/lexicon#1987), the RRset path (the apex
// as @, https://api.gandi.net/docs/livedns/), Gandi's error bodies in words, and answers that are
// not what Gandi sends, against the stand-in on loopback (test/servers/fake-gandi.js).
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { createApiHttp } = require('../../dist/providers/http-api');
const { checkToken } = require('../../dist/providers/gandi');
const { createGandiClient, gandiDetail, recordPath, rrsetNameOf } = require('../../dist/providers/gandi/client');
const fakeGandi = require('../servers/fake-gandi');

describe('Gandi LiveDNS client', function () {
  it('refuses an old API key at deploy with the reason, and takes a personal access token', () => {
    for (const key of ['Ab3dEf6hIj9kLm2oPq5sTu8w', 'abcdefghijklmnopqrstuvwx', 'Apikey 0123456']) {
      assert.throws(() => checkToken(key), (err) => err.code === 'ECONFIG' && err.message.includes("Gandi has deprecated API keys: create a personal access token with LiveDNS rights in your Gandi account's security settings") && !err.message.includes(key));
    }
    const pat = '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d';
    assert.equal(checkToken(pat), pat);
    // one character more or less than the old key's 24 is not the old shape
    assert.equal(checkToken('a'.repeat(25)), 'a'.repeat(25));
    assert.throws(() => checkToken(`Bearer ${pat}`), (err) => err.code === 'ECONFIG' && /without the word Bearer/.test(err.message));
    assert.throws(() => checkToken(''), { code: 'ECONFIG' });
    assert.throws(() => checkToken('has spaces in it'), { code: 'ECONFIG' });
  });

  it('the apex is the rrset_name @, other names are relative to the zone', () => {
    assert.equal(rrsetNameOf('example.com', 'example.com'), '@');
    assert.equal(rrsetNameOf('a.b.example.com', 'example.com'), 'a.b');
    assert.equal(recordPath('example.com', '@', 'A'), '/domains/example.com/records/@/A');
    assert.equal(recordPath('example.com', '*', 'AAAA'), '/domains/example.com/records/*/AAAA');
    assert.throws(() => rrsetNameOf('home.example.org', 'example.com'), { code: 'ECONFIG' });
  });

  it('says Gandi error bodies in words: the message (else the cause), refused fields, the object as code', () => {
    assert.deepEqual(gandiDetail({ object: 'HTTPForbidden', cause: 'Forbidden', code: 403, message: 'Access was denied to this resource.' }), { words: 'Access was denied to this resource.', object: 'HTTPForbidden' });
    assert.deepEqual(gandiDetail({ code: 400, message: 'Invalid value', object: 'HTTPBadRequest', cause: 'Bad Request', errors: [{ location: 'body', name: 'rrset_ttl', description: 'must be at least 300' }] }), { words: 'Invalid value; rrset_ttl: must be at least 300', object: 'HTTPBadRequest' });
    assert.deepEqual(gandiDetail({ cause: 'Not Found', object: 'HTTPNotFound' }), { words: 'Not Found', object: 'HTTPNotFound' });
    assert.deepEqual(gandiDetail({ object: 'not a code <b>' }), { words: '' });
    assert.deepEqual(gandiDetail('text'), { words: '' });
  });

  describe('against the stand-in', function () {
    let server;
    let agent;
    let client;
    const target = (value = '203.0.113.1') => ({ name: 'home.example.com', zone: 'example.com', type: 'A', value });
    const signal = () => new AbortController().signal;
    beforeEach(async () => {
      server = await fakeGandi.start();
      agent = new Agent();
      client = createGandiClient(server.url, server.token, createApiHttp(() => agent, 'test', [server.token]));
    });
    afterEach(async () => {
      await agent.close();
      await server.close();
    });

    it('reads a missing RRset as none, and an existing one as its values and TTL', async () => {
      assert.equal(await client.read(target(), signal()), undefined);
      server.seed('example.com', 'home', 'A', ['198.51.100.1', '198.51.100.2'], 1200);
      assert.deepEqual(await client.read(target(), signal()), { values: ['198.51.100.1', '198.51.100.2'], data: { values: ['198.51.100.1', '198.51.100.2'], ttl: 1200 } });
    });

    it('the deprecated Apikey scheme is not what it sends: the header is Bearer', async () => {
      await client.write(target(), undefined, signal());
      assert.equal(server.requests[0].headers.authorization, `Bearer ${server.token}`);
      assert.equal(server.requests[0].headers['content-type'], 'application/json');
    });

    it('an answer that is no RRset is EBADRESPONSE, with server text masked', async () => {
      server.answerNext({ status: 200, body: `<html>proxy ${server.token}</html>` });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EBADRESPONSE' && !err.message.includes(server.token));
      server.answerNext({ status: 200, body: { rrset_type: 'AAAA', rrset_values: ['2001:db8::1'] } });
      await assert.rejects(client.read(target(), signal()), { code: 'EBADRESPONSE' });
    });

    it('429 keeps Retry-After in seconds; a 5xx is retryable', async () => {
      server.throttle(7);
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'ETHROTTLED' && err.retryAfterMs === 7000 && err.providerCode === 'HTTPTooManyRequests');
      server.answerNext({ status: 502, body: 'bad gateway' });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EHTTPSTATUS' && err.retryable === true);
    });

    it('a TTL out of range is refused by the stand-in as Gandi does, EPROVIDER with the field', async () => {
      await assert.rejects(client.write(target(), 60, signal()), (err) => err.code === 'EPROVIDER' && /rrset_ttl: must be between 300 and 2592000/.test(err.message));
    });
  });
});
