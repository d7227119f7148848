'use strict';
// The deSEC client (dist/providers/desec/client.js) reading answers: the RRset path
// (the apex as `@`, https://desec.readthedocs.io/en/latest/dns/rrsets.html#accessing-the-zone-apex),
// Django REST framework's error bodies in words, and answers that are not what
// deSEC sends, against the stand-in on loopback (test/servers/fake-desec.js).
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { createApiHttp } = require('../../dist/providers/http-api');
const { createDesecClient, desecDetail, rrsetPath, subnameOf } = require('../../dist/providers/desec/client');
const fakeDesec = require('../servers/fake-desec');

describe('deSEC client', function () {
  it('the apex is the empty subname, and its URL segment is @', () => {
    assert.equal(subnameOf('example.com', 'example.com'), '');
    assert.equal(subnameOf('a.b.example.com', 'example.com'), 'a.b');
    assert.equal(rrsetPath('example.com', '', 'A'), '/domains/example.com/rrsets/@/A/');
    assert.equal(rrsetPath('example.com', '*', 'AAAA'), '/domains/example.com/rrsets/*/AAAA/');
    assert.throws(() => subnameOf('home.example.org', 'example.com'), { code: 'ECONFIG' });
  });

  it('says DRF error bodies in words: detail, non_field_errors, and each field with its messages', () => {
    assert.equal(desecDetail({ detail: 'Invalid token.' }), 'Invalid token.');
    assert.equal(desecDetail({ ttl: ['Ensure this value is greater than or equal to 3600.'], records: ['Record content of A RRset malformed.'] }), 'ttl: Ensure this value is greater than or equal to 3600.; records: Record content of A RRset malformed.');
    assert.equal(desecDetail({ non_field_errors: ['Another RRset with the same subdomain and type exists for this domain.'] }), 'Another RRset with the same subdomain and type exists for this domain.');
    assert.equal(desecDetail([{ ttl: ['This field is required.'] }, {}]), 'ttl: This field is required.');
    assert.equal(desecDetail('text'), '');
  });

  describe('against the stand-in', function () {
    let server;
    let agent;
    let client;
    const target = (value = '203.0.113.1') => ({ name: 'home.example.com', zone: 'example.com', type: 'A', value });
    const signal = () => new AbortController().signal;
    beforeEach(async () => {
      server = await fakeDesec.start();
      agent = new Agent();
      client = createDesecClient(server.url, server.token, createApiHttp(() => agent, 'test', [server.token]));
    });
    afterEach(async () => {
      await agent.close();
      await server.close();
    });

    it('reads a missing RRset as none, and an existing one as its records', async () => {
      assert.equal(await client.read(target(), signal()), undefined);
      server.seed('example.com', 'home', 'A', ['198.51.100.1', '198.51.100.2']);
      assert.deepEqual(await client.read(target(), signal()), { values: ['198.51.100.1', '198.51.100.2'] });
    });

    it('a write answered 200 without the address is EBADRESPONSE, not success', async () => {
      server.answerNext({ status: 200, body: { subname: 'home', type: 'A', ttl: 3600, records: ['198.51.100.9'] } });
      await assert.rejects(client.write(target(), true, undefined, signal()), (err) => err.code === 'EBADRESPONSE' && /holds 198\.51\.100\.9/.test(err.message));
    });

    it('an answer that is no RRset is EBADRESPONSE, with server text masked', async () => {
      server.answerNext({ status: 200, body: `<html>proxy ${server.token}</html>` });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EBADRESPONSE' && !err.message.includes(server.token));
      server.answerNext({ status: 200, body: { type: 'AAAA', records: ['2001:db8::1'] } });
      await assert.rejects(client.read(target(), signal()), { code: 'EBADRESPONSE' });
    });

    it('429 keeps Retry-After in seconds; a 5xx is retryable', async () => {
      server.throttle(7);
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'ETHROTTLED' && err.retryAfterMs === 7000 && /Expected available in 7 seconds/.test(err.message));
      server.answerNext({ status: 503, body: 'down' });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EHTTPSTATUS' && err.retryable === true);
    });

    it('a create where the RRset appeared since the read is EPROVIDER in deSEC\'s words', async () => {
      server.seed('example.com', 'home', 'A', ['198.51.100.1']);
      await assert.rejects(client.write(target(), false, undefined, signal()), (err) => err.code === 'EPROVIDER' && /Another RRset with the same subdomain and type exists/.test(err.message));
    });
  });
});
