'use strict';
// The Cloudflare stand-in (test/servers/fake-cloudflare.js) checked against the
// official `cloudflare` TypeScript SDK (a dev dependency only; the package uses
// none at run time): the SDK's own calls for listing zones, listing, creating
// and editing (PATCH) records must work against it, so the shapes the package's
// client is tested with are the ones Cloudflare's SDK reads.
const assert = require('node:assert/strict');
const { default: Cloudflare, APIError } = require('cloudflare');
const fakeCloudflare = require('../servers/fake-cloudflare');

const TOKEN = 'sdk-test-token-5f0c9a1e7d3b2c4a6e8f';

describe('fake Cloudflare API against the official SDK', function () {
  let server;
  let cf;
  before(async () => {
    server = await fakeCloudflare.start({ tokens: { [TOKEN]: ['example.com'] }, zones: ['example.com', 'other.org'] });
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });

  it('zones.list by name finds the zone the token may see, and only that', async () => {
    const zones = [];
    for await (const zone of cf.zones.list({ name: 'example.com' })) zones.push(zone);
    assert.deepEqual(zones.map((z) => [z.id, z.name, z.status]), [[server.zoneId('example.com'), 'example.com', 'active']]);
    const hidden = [];
    for await (const zone of cf.zones.list({ name: 'other.org' })) hidden.push(zone);
    assert.deepEqual(hidden, [], 'a zone outside the token is not listed');
    assert.equal(server.requests[0].authorization, `Bearer ${TOKEN}`);
  });

  it('dns.records.list with name.exact and type pages through result_info', async () => {
    const zoneId = server.zoneId('example.com');
    for (let i = 0; i < 7; i++) server.addRecord('example.com', { name: 'rr.example.com', type: 'A', content: `8.8.8.${i + 1}` });
    server.addRecord('example.com', { name: 'a.rr.example.com', type: 'A', content: '8.8.4.4' });
    server.addRecord('example.com', { name: 'rr.example.com', type: 'AAAA', content: '2001:db8::1' });
    const seen = [];
    for await (const record of cf.dns.records.list({ zone_id: zoneId, type: 'A', name: { exact: 'RR.example.com' }, per_page: 3 })) seen.push(record);
    assert.equal(seen.length, 7, 'every page, only the exact name and type');
    assert.ok(seen.every((r) => r.name === 'rr.example.com' && r.type === 'A'));
    const first = server.requests[0];
    assert.equal(first.query['name.exact'], 'RR.example.com', 'the SDK sends name.exact as the package does');
    const page = await cf.dns.records.list({ zone_id: zoneId, type: 'A', name: { exact: 'rr.example.com' }, per_page: 3 });
    assert.deepEqual(page.result_info, { page: 1, per_page: 3, count: 3, total_count: 7, total_pages: 3 });
  });

  it('dns.records.create and dns.records.edit (PATCH) change only what they send', async () => {
    const zoneId = server.zoneId('example.com');
    const created = await cf.dns.records.create({ zone_id: zoneId, type: 'A', name: 'home.example.com', content: '8.8.8.8', ttl: 300, proxied: true, comment: 'mine', tags: ['owner:me'] });
    assert.match(created.id, /^[0-9a-f]{32}$/);
    assert.equal(created.content, '8.8.8.8');
    const edited = await cf.dns.records.edit(created.id, { zone_id: zoneId, type: 'A', name: 'home.example.com', content: '8.8.4.4' });
    assert.equal(server.requests.at(-1).method, 'PATCH');
    assert.deepEqual([edited.content, edited.proxied, edited.ttl, edited.comment, edited.tags], ['8.8.4.4', true, 300, 'mine', ['owner:me']]);
  });

  it('errors reach the SDK as Cloudflare sends them', async () => {
    const zoneId = server.zoneId('example.com');
    await assert.rejects(cf.dns.records.edit('0'.repeat(32), { zone_id: zoneId, type: 'A', name: 'x.example.com', content: '8.8.8.8' }), (err) => {
      assert.ok(err instanceof APIError);
      assert.equal(err.status, 404);
      assert.equal(err.errors[0].code, 81044);
      return true;
    });
    const bad = new Cloudflare({ apiToken: 'not-a-token-of-this-account-00000', baseURL: server.url, maxRetries: 0 });
    await assert.rejects(bad.zones.list({ name: 'example.com' }), (err) => err.status === 403 && err.errors[0].code === 9109);
    await assert.rejects(cf.dns.records.list({ zone_id: server.zoneId('other.org') }), (err) => err.status === 403 && err.errors[0].code === 10000);
    await assert.rejects(cf.dns.records.create({ zone_id: zoneId, type: 'A', name: 'home.example.com', content: 'not-an-ip', ttl: 1 }), (err) => err.status === 400 && err.errors[0].code === 1004);
  });
});
