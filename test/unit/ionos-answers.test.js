'use strict';
// The IONOS client (dist/providers/ionos/client.js) reading answers, after the OpenAPI spec
// "DNS API" 1.0.2 (developer.hosting.ionos.com/docs/dns): error arrays, the customer zone's
// records filtered on the exact name and type, the API key's prefix.secret shape, and answers
// that are not what IONOS sends, against the stand-in on loopback (test/servers/fake-ionos.js).
const assert = require('node:assert/strict');
const { Agent } = require('undici');
const { createApiHttp } = require('../../dist/providers/http-api');
const { createIonosClient, ionosError, readRecords, sameName } = require('../../dist/providers/ionos/client');
const { checkApiKey } = require('../../dist/providers/ionos/index');
const fakeIonos = require('../servers/fake-ionos');

describe('IONOS client', function () {
  it('reads the first entry of an error array (the spec\'s unauthorized-error), and nothing from other shapes', () => {
    assert.deepEqual(ionosError([{ code: 'UNAUTHORIZED', message: 'The customer is not authorized to do this operation.' }]), { code: 'UNAUTHORIZED', message: 'The customer is not authorized to do this operation.' });
    assert.deepEqual(ionosError([{ code: 'INTERNAL_SERVER_ERROR' }]), { code: 'INTERNAL_SERVER_ERROR' });
    assert.deepEqual(ionosError({ code: 'NOT_AN_ARRAY', message: 'still read' }), { code: 'NOT_AN_ARRAY', message: 'still read' });
    assert.deepEqual(ionosError('text'), {});
    assert.deepEqual(ionosError([]), {});
  });

  it('reads a customer zone\'s records, skipping entries that are not records', () => {
    const zone = { id: 'z', name: 'example.com', type: 'NATIVE', records: [{ id: 'r1', name: 'example.com', rootName: 'example.com', type: 'A', content: '1.1.1.1', changeDate: '2019-12-09T13:04:25.772Z', ttl: 3600, prio: 0, disabled: false }, { id: 7 }, null] };
    assert.deepEqual(readRecords(zone), [{ id: 'r1', name: 'example.com', type: 'A', content: '1.1.1.1', ttl: 3600, prio: 0, disabled: false }]);
    assert.deepEqual(readRecords({ id: 'z', name: 'example.com' }), []);
    assert.equal(readRecords([]), undefined);
    assert.equal(readRecords({ records: 'no' }), undefined);
    assert.ok(sameName('Home.Example.com.', 'home.example.com'));
  });

  it('takes an API key only as prefix.secret, and says so in words', () => {
    const key = `${'0123456789abcdef'.repeat(2)}.${'Abc_def-'.repeat(10)}`;
    assert.equal(checkApiKey(key), key);
    for (const bad of ['', 'onlyasecretwithoutadot', `${'0'.repeat(32)}.`, `.${'a'.repeat(40)}`, `${'0'.repeat(32)}.has space in it`, `a.b.c${'d'.repeat(20)}`]) {
      assert.throws(() => checkApiKey(bad), (err) => err.code === 'ECONFIG' && /an IONOS API key is the public prefix and the secret joined by a dot/.test(err.message), bad);
    }
  });

  describe('against the stand-in', function () {
    let server;
    let agent;
    let client;
    const signal = () => new AbortController().signal;
    beforeEach(async () => {
      server = await fakeIonos.start();
      agent = new Agent();
      client = createIonosClient(server.url, server.apiKey, createApiHttp(() => agent, 'test', [server.apiKey]));
    });
    afterEach(async () => {
      await agent.close();
      await server.close();
    });

    it('keeps only the exact name and type even when the server answers with more', async () => {
      server.setLooseFilter(true);
      const zoneId = server.zoneId('example.com');
      const home = server.seed('example.com', { name: 'home.example.com', type: 'A', content: '198.51.100.1' });
      server.seed('example.com', { name: 'a.home.example.com', type: 'A', content: '198.51.100.2' });
      server.seed('example.com', { name: 'home.example.com', type: 'AAAA', content: '2001:db8::1' });
      const found = await client.records(zoneId, 'home.example.com', 'A', signal());
      assert.deepEqual(found.map((r) => r.id), [home.id]);
    });

    it('an update answered with another address is EBADRESPONSE; a 404 on it is ENOTFOUND with RECORD_NOT_FOUND', async () => {
      const zoneId = server.zoneId('example.com');
      const r = server.seed('example.com', { name: 'home.example.com', type: 'A', content: '198.51.100.1' });
      server.answerNext({ status: 200, body: { ...r, content: '198.51.100.9' } });
      await assert.rejects(client.update(zoneId, r.id, { content: '203.0.113.1', ttl: 3600, prio: 0, disabled: false }, signal()), { code: 'EBADRESPONSE' });
      await assert.rejects(client.update(zoneId, 'gone', { content: '203.0.113.1', ttl: 3600, prio: 0, disabled: false }, signal()), (err) => err.code === 'ENOTFOUND' && err.providerCode === 'RECORD_NOT_FOUND');
    });

    it('an empty 200 to an update (the API before 1.0.1) is success; a zone list that is not a list is EBADRESPONSE', async () => {
      const zoneId = server.zoneId('example.com');
      server.answerNext({ status: 200, body: '' });
      await client.update(zoneId, 'any', { content: '203.0.113.1', ttl: 3600, prio: 0, disabled: false }, signal());
      server.answerNext({ status: 200, body: '{"zones":[]}' });
      await assert.rejects(client.zones(signal()), { code: 'EBADRESPONSE' });
    });

    it('a 5xx is retryable, and server text never carries the key', async () => {
      server.answerNext({ status: 500, body: [{ code: 'INTERNAL_SERVER_ERROR', message: `echo ${server.apiKey}` }] });
      await assert.rejects(client.zones(signal()), (err) => err.code === 'EHTTPSTATUS' && err.retryable === true && !err.message.includes(server.apiKey.split('.')[1]));
    });

    it('create returns the id from the 201 array', async () => {
      const id = await client.create(server.zoneId('example.com'), { name: 'new.example.com', type: 'AAAA', content: '2001:db8::5', ttl: 60, prio: 0, disabled: false }, signal());
      assert.equal(id, server.find('new.example.com', 'AAAA')[0].id);
    });
  });
});
