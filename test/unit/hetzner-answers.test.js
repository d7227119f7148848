'use strict';
// The Hetzner Cloud DNS client (dist/providers/hetzner/client.js) reading answers: RRSet names and
// paths (the apex `@`), the Cloud API error shape {"error": {code, message, details}} in words
// (codes as hetznercloud/hcloud-go hcloud/error.go lists them), RateLimit-Reset, actions, and
// answers that are not what Hetzner sends, against the stand-in on loopback (test/servers/fake-hetzner.js).
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { createApiHttp } = require('../../dist/providers/http-api');
const { createHetznerClient, hetznerError, rateLimitWait, replacementRecords, rrName, rrsetPath } = require('../../dist/providers/hetzner/client');
const { descriptor } = require('../../dist/providers/hetzner');
const fakeHetzner = require('../servers/fake-hetzner');

describe('Hetzner Cloud DNS client', function () {
  it('names an RRSet by its name in the zone, the apex @, and puts it in the path unencoded', () => {
    assert.equal(rrName('example.com', 'example.com'), '@');
    assert.equal(rrName('a.b.example.com', 'example.com'), 'a.b');
    assert.equal(rrsetPath('example.com', 'example.com', 'A'), '/zones/example.com/rrsets/@/A');
    assert.equal(rrsetPath('example.com', '*.example.com', 'AAAA'), '/zones/example.com/rrsets/*/AAAA');
    assert.throws(() => rrName('home.example.org', 'example.com'), { code: 'ECONFIG' });
  });

  it('the replacement keeps the first comment a replaced record carried, and sends none where there was none', () => {
    assert.deepEqual(replacementRecords('192.0.2.1', [{ value: '192.0.2.9', comment: 'home' }]), [{ value: '192.0.2.1', comment: 'home' }]);
    assert.deepEqual(replacementRecords('192.0.2.1', [{ value: '192.0.2.8', comment: '' }, { value: '192.0.2.9', comment: 'b' }]), [{ value: '192.0.2.1', comment: 'b' }]);
    assert.deepEqual(replacementRecords('192.0.2.1', [{ value: '192.0.2.9', comment: '' }]), [{ value: '192.0.2.1' }]);
    assert.deepEqual(replacementRecords('192.0.2.1', undefined), [{ value: '192.0.2.1' }]);
  });

  it('reads the Cloud API error shape: code, message, and invalid_input fields with their messages', () => {
    assert.deepEqual(hetznerError({ error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } }), { code: 'unauthorized', message: 'unable to authenticate', fields: '' });
    assert.deepEqual(hetznerError({ error: { code: 'invalid_input', message: 'invalid input', details: { fields: [{ name: 'ttl', messages: ['too small', 'see docs'] }, { name: 'records' }] } } }), { code: 'invalid_input', message: 'invalid input', fields: 'ttl: too small see docs' });
    assert.equal(hetznerError({ message: 'no error object' }), undefined);
    assert.equal(hetznerError('text'), undefined);
  });

  it('RateLimit-Reset is Unix seconds: the wait from now, never negative; garbled is none', () => {
    const res = (value) => ({ status: 429, headers: value === undefined ? {} : { 'ratelimit-reset': value }, body: '' });
    assert.equal(rateLimitWait(res('1700000030'), 1700000000000), 30000);
    assert.equal(rateLimitWait(res('1699999990'), 1700000000000), 0);
    assert.equal(rateLimitWait(res('soon'), 1700000000000), undefined);
    assert.equal(rateLimitWait(res(undefined), 1700000000000), undefined);
  });

  it('an account on the retired dns.hetzner.com is refused in words; the Cloud endpoint is the default', () => {
    assert.equal(descriptor.account.endpoint, 'https://api.hetzner.cloud/v1');
    const http = { secrets: [], send: () => Promise.reject(new Error('no request expected')) };
    assert.throws(() => descriptor.account.client({ endpoint: 'https://dns.hetzner.com/api/v1', credentials: { apiToken: 'x'.repeat(64) }, settings: {}, http }), {
      code: 'ECONFIG',
      message: 'the old Hetzner DNS API is retired; use a Hetzner Cloud API token with the default endpoint',
    });
    assert.ok(descriptor.account.client({ endpoint: 'https://api.hetzner.cloud/v1', credentials: { apiToken: 'x'.repeat(64) }, settings: {}, http }));
  });

  describe('against the stand-in', function () {
    let server;
    let agent;
    let client;
    const target = (value = '203.0.113.1') => ({ name: 'home.example.com', zone: 'example.com', type: 'A', value });
    const signal = () => new AbortController().signal;
    beforeEach(async () => {
      server = await fakeHetzner.start({ zones: { 'example.com': { id: 77 } } });
      agent = new Agent();
      client = createHetznerClient(server.url, server.token, createApiHttp(() => agent, 'test', [server.token]));
    });
    afterEach(async () => {
      await agent.close();
      await server.close();
    });

    it('reads a missing RRSet as none, and an existing one as its values, id, zone id, TTL and comments', async () => {
      assert.equal(await client.read(target(), signal()), undefined);
      server.seed('example.com', 'home', 'A', [{ value: '198.51.100.1', comment: 'a' }, '198.51.100.2'], 600);
      assert.deepEqual(await client.read(target(), signal()), {
        values: ['198.51.100.1', '198.51.100.2'],
        id: 'home/A',
        zoneId: '77',
        data: { ttl: 600, records: [{ value: '198.51.100.1', comment: 'a' }, { value: '198.51.100.2', comment: '' }] },
      });
    });

    it('finds the zone by name, or says in words that the project has no such zone', async () => {
      assert.equal(await client.zoneId('example.com', signal()), '77');
      await assert.rejects(client.zoneId('example.net', signal()), (err) => err.code === 'ENOTFOUND' && /the zone example\.net is not in the Hetzner Cloud project/.test(err.message) && err.providerCode === 'not_found');
    });

    it('a create answered without the address is EBADRESPONSE, not success', async () => {
      server.answerNext({ status: 201, body: { rrset: { id: 'home/A', name: 'home', type: 'A', ttl: null, records: [{ value: '198.51.100.9', comment: '' }], zone: 77 }, action: { id: 1, status: 'running' } } });
      await assert.rejects(client.create(target(), undefined, signal()), (err) => err.code === 'EBADRESPONSE' && /holds 198\.51\.100\.9/.test(err.message));
    });

    it('a create where the RRSet appeared since the read is uniqueness_error, EPROVIDER in Hetzner\'s words', async () => {
      server.seed('example.com', 'home', 'A', ['198.51.100.1']);
      await assert.rejects(client.create(target(), undefined, signal()), (err) => err.code === 'EPROVIDER' && err.providerCode === 'uniqueness_error' && /already exists/.test(err.message));
    });

    it('an answer that is no RRSet or no action is EBADRESPONSE, with server text masked', async () => {
      server.answerNext({ status: 200, body: `<html>proxy ${server.token}</html>` });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EBADRESPONSE' && !err.message.includes(server.token));
      server.answerNext({ status: 200, body: { rrset: { type: 'AAAA', records: [{ value: '2001:db8::1' }] } } });
      await assert.rejects(client.read(target(), signal()), { code: 'EBADRESPONSE' });
      server.seed('example.com', 'home', 'A', ['198.51.100.1']);
      server.answerNext({ status: 201, body: { ok: true } });
      await assert.rejects(client.setRecords(target(), [{ value: '203.0.113.1' }], signal()), { code: 'EBADRESPONSE' });
    });

    it('rate_limit_exceeded is ETHROTTLED with the wait RateLimit-Reset names; locked, conflict and 5xx are retryable; the correlation id is kept', async () => {
      server.throttle(30);
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'ETHROTTLED' && err.retryable === true && err.retryAfterMs > 28000 && err.retryAfterMs <= 31000 && err.providerCode === 'rate_limit_exceeded' && /^c0ffee/.test(err.requestId));
      server.answerNext({ status: 423, body: { error: { code: 'locked', message: 'another action is running', details: {} } } });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EPROVIDER' && err.retryable === true && /another action is running/.test(err.message));
      server.answerNext({ status: 409, body: { error: { code: 'conflict', message: 'the resource has changed during the request, please retry', details: {} } } });
      await assert.rejects(client.read(target(), signal()), (err) => err.retryable === true);
      server.answerNext({ status: 503, body: 'down' });
      await assert.rejects(client.read(target(), signal()), (err) => err.code === 'EHTTPSTATUS' && err.retryable === true);
    });

    it('set_records and change_ttl send the bodies the reference names and accept a running action', async () => {
      server.seed('example.com', 'home', 'A', ['198.51.100.1'], 3600);
      await client.changeTtl(target(), 120, signal());
      await client.setRecords(target(), [{ value: '203.0.113.5', comment: 'kept' }], signal());
      assert.deepEqual(server.requests.map((r) => [r.path, r.body]), [
        ['/v1/zones/example.com/rrsets/home/A/actions/change_ttl', { ttl: 120 }],
        ['/v1/zones/example.com/rrsets/home/A/actions/set_records', { records: [{ value: '203.0.113.5', comment: 'kept' }] }],
      ]);
      assert.deepEqual(server.rrset('example.com', 'home', 'A'), { zone: 'example.com', name: 'home', type: 'A', ttl: 120, records: [{ value: '203.0.113.5', comment: 'kept' }] });
    });
  });
});
