'use strict';
// The Cloudflare provider (dist/providers/cloudflare) on its own: settings
// checked at build, Cloudflare's answers read as Cloudflare means them, the
// record workflow driven through a Run against the Cloudflare stand-in, and
// the stored state it keeps and shows.
const assert = require('node:assert/strict');
const path = require('node:path');
const { Agent } = require('undici');
const fakeCloudflare = require('../servers/fake-cloudflare');
const { codeOf } = require('../support/errors');

const dist = path.join(__dirname, '..', '..', 'dist');
const cf = require(path.join(dist, 'providers', 'cloudflare'));
const { Run } = require(path.join(dist, 'core', 'run.js'));

const TOKEN = 'cf-unit-Token-3Nf8sD1kP6qW9xZ2vB5m';
const DAY = 24 * 60 * 60 * 1000;

describe('cloudflare provider: settings checked at build', function () {
  const client = { request: async () => ({ result: [] }) };
  const build = (settings) => () => cf.createCloudflareProvider({ client, settings });
  const cases = [
    [{ zone: 'example.com', hostnames: 'home.example.com' }, 'no error'],
    [{ zone: 'example.com', hostnames: 'home.example.org' }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: 'a.*.example.com' }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: '*.example.com, EXAMPLE.com.' }, 'no error'],
    [{ zone: 'not a zone', hostnames: 'x.example.com' }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: 'home.example.com', ttl: 1 }, 'no error'],
    [{ zone: 'example.com', hostnames: 'home.example.com', ttl: 20 }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: 'home.example.com', ttl: '300' }, 'no error'],
    [{ zone: 'example.com', hostnames: 'home.example.com', ttl: 90000 }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: 'home.example.com', proxied: 'maybe' }, 'ECONFIG'],
    [{ zone: 'example.com', hostnames: 'home.example.com', recordType: 'CNAME' }, 'ECONFIG'],
    [{ hostnames: 'home.example.com' }, 'no error'],
    [{ hostnames: 'localhost' }, 'ECONFIG'],
  ];
  for (const [settings, expected] of cases) {
    it(`${JSON.stringify(settings)} -> ${expected}`, () => assert.equal(codeOf(build(settings)), expected));
  }

  it('an internationalised zone and names are kept in their ASCII form, as Cloudflare stores them', () => {
    assert.equal(cf.normaliseZone('Bücher.example'), 'xn--bcher-kva.example');
    assert.deepEqual(cf.parseHostnames('www.bücher.example', 'xn--bcher-kva.example'), ['www.xn--bcher-kva.example']);
    assert.equal(cf.sameZone('bücher.example', 'XN--BCHER-KVA.example'), true);
    assert.equal(cf.sameZone('bücher.example', 'bucher.example'), false);
  });

  it('API tokens only: a Global API Key and text that is no token are refused', () => {
    assert.equal(cf.checkApiToken(` ${TOKEN}\n`), TOKEN);
    assert.equal(cf.checkApiToken(`Bearer ${TOKEN}`), TOKEN);
    assert.equal(codeOf(() => cf.checkApiToken('0123456789abcdef0123456789abcdef01234')), 'ECONFIG');
    assert.equal(codeOf(() => cf.checkApiToken('two words token that is long')), 'ECONFIG');
    assert.equal(codeOf(() => cf.checkApiToken('')), 'ECONFIG');
    assert.equal(codeOf(() => new cf.CloudflareClient({ apiToken: TOKEN, endpoint: 'ftp://x', dispatcher: () => undefined })), 'ECONFIG');
  });
});

describe('cloudflare provider: answers read as Cloudflare means them', function () {
  const res = (status, headers = {}) => ({ status, headers, body: '' });
  const env = (...errors) => ({ success: false, errors, messages: [], result: null });
  const cases = [
    ['9109 invalid token', res(403), env({ code: 9109, message: 'Invalid access token' }), 'EAUTH', false, true],
    ['1000 invalid API token', res(400), env({ code: 1000, message: 'Invalid API Token' }), 'EAUTH', false, true],
    ['6003/6111 bad header', res(400), env({ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }), 'EAUTH', false, true],
    ['10000 zone not allowed', res(403), env({ code: 10000, message: 'Authentication error' }), 'EFORBIDDEN', false, true],
    ['bare 403', res(403), undefined, 'EFORBIDDEN', false, false],
    ['429 with 971', res(429, { 'retry-after': '7' }), env({ code: 971, message: 'Please wait and consider throttling your request speed' }), 'ETHROTTLED', true, false],
    ['500', res(500), undefined, 'EHTTPSTATUS', true, false],
    ['503 with an envelope', res(503), env({ code: 10013, message: 'Service unavailable' }), 'EHTTPSTATUS', true, false],
    ['81044 record gone', res(404), env({ code: 81044, message: 'Record does not exist.' }), 'ENOTFOUND', false, false],
    ['7003 no route', res(400), env({ code: 7003, message: 'Could not route to /zones/x/dns_records, perhaps your object identifier is invalid?' }, { code: 7000, message: 'No route for that URI' }), 'ENOTFOUND', false, false],
    ['81054 CNAME holds the name', res(400), env({ code: 81054, message: 'A CNAME record with that host already exists.' }), 'ECONFLICT', false, false],
    ['1004 validation', res(400), env({ code: 1004, message: 'DNS Validation Error', error_chain: [{ code: 9005, message: 'Content for A record must be a valid IPv4 address.' }] }), 'EPROVIDER', false, false],
    ['400 without an envelope', res(400), undefined, 'EHTTPSTATUS', false, false],
  ];
  for (const [what, r, envelope, code, retryable, blocks] of cases) {
    it(`${what} -> ${code}${retryable ? ', retried' : ''}${blocks ? ', blocks the node' : ''}`, () => {
      const err = cf.errorFromAnswer('GET /zones', r, envelope, [TOKEN], Date.now());
      assert.equal(err.code, code);
      assert.equal(err.retryable, retryable);
      assert.equal(cf.blocksAccount(err), blocks);
      if (envelope) assert.equal(err.providerCode, String(envelope.errors[0].code));
      else assert.equal(err.providerCode, `HTTP ${r.status}`);
    });
  }

  it('Retry-After travels as retryAfterMs; the chain of a validation error is quoted; the token never', () => {
    const throttled = cf.errorFromAnswer('GET /zones', res(429, { 'retry-after': '7' }), env({ code: 971, message: 'wait' }), [TOKEN], Date.now());
    assert.equal(throttled.retryAfterMs, 7000);
    const invalid = cf.errorFromAnswer('POST /zones/{id}/dns_records', res(400), env({ code: 1004, message: 'DNS Validation Error', error_chain: [{ code: 9005, message: 'Content for A record must be a valid IPv4 address.' }] }), [TOKEN], Date.now());
    assert.match(invalid.message, /DNS Validation Error: Content for A record must be a valid IPv4 address\. \(1004\)/);
    const echo = cf.errorFromAnswer('GET /zones', res(400), env({ code: 6003, message: `bad header Authorization: Bearer ${TOKEN} and ${TOKEN}` }), [TOKEN], Date.now());
    assert.ok(!echo.message.includes(TOKEN), echo.message);
  });
});

describe('cloudflare provider: the record workflow against the stand-in', function () {
  let server;
  let agent;
  let client;
  let clock;
  before(async () => {
    server = await fakeCloudflare.start({ tokens: { [TOKEN]: '*' }, zones: ['example.com'] });
    agent = new Agent();
    client = new cf.CloudflareClient({ endpoint: server.url, apiToken: TOKEN, dispatcher: () => agent });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    server.setOnRequest(null);
    clock = Date.now();
  });

  const provider = (settings = {}) =>
    cf.createCloudflareProvider({
      client,
      now: () => clock,
      settings: { zone: 'example.com', hostnames: 'home.example.com', backoff: { baseMs: 5, capMs: 20 }, ...settings },
    });
  const run = () => new Run({ signal: new AbortController().signal, policy: { retries: 2, backoff: { baseMs: 5, capMs: 20 }, maxWaitMs: 1000 } });
  async function sync(p, value, state = p.emptyState(), names) {
    return p.sync({ value, ...(names ? { names } : {}) }, state, run());
  }

  it('a remembered value is re-verified against the API once a day, not sooner', async () => {
    const p = provider();
    let out = await sync(p, '8.8.8.8');
    assert.equal(out.results[0].status, 'created');
    server.reset();
    clock += DAY - 60_000;
    out = await sync(p, '8.8.8.8', out.state);
    assert.equal(out.results[0].status, 'unchanged');
    assert.equal(server.requests.length, 0);
    // edited in the dashboard meanwhile: noticed at the daily check, and put back
    server.list('home.example.com', 'A')[0].content = '1.1.1.1';
    clock += 120_000;
    out = await sync(p, '8.8.8.8', out.state);
    assert.deepEqual([out.results[0].status, out.results[0].previous], ['updated', '1.1.1.1']);
    assert.deepEqual(server.requests.map((r) => r.kind), ['list', 'patch']);
  });

  it('a create answered 81058 (made meanwhile, e.g. by a retry whose answer was lost) is looked up again', async () => {
    server.setOnRequest((req) => {
      if (req.kind === 'create' && server.list('home.example.com', 'A').length === 0) server.addRecord('example.com', { name: 'home.example.com', content: '8.8.8.8' });
    });
    const out = await sync(provider(), '8.8.8.8');
    assert.equal(out.results[0].status, 'unchanged');
    assert.deepEqual(server.requests.map((r) => r.kind), ['zones', 'list', 'create', 'list']);
  });

  it('a CNAME on the name: ECONFLICT, said plainly, not retried', async () => {
    server.addRecord('example.com', { name: 'home.example.com', type: 'CNAME', content: 'elsewhere.example.net' });
    const out = await sync(provider(), '8.8.8.8');
    assert.deepEqual([out.results[0].status, out.results[0].code, out.results[0].providerCode], ['failed', 'ECONFLICT', '81054']);
    assert.match(out.results[0].message, /CNAME/);
    assert.equal(server.count('create'), 1);
  });

  it('the listing is filtered again by exact name and type, whatever the server lets through', async () => {
    server.addRecord('example.com', { name: 'a.home.example.com', content: '1.1.1.1' });
    server.addRecord('example.com', { name: 'home.example.com', type: 'AAAA', content: '2001:db8::1' });
    // a server (or proxy) that ignores name.exact and type: everything comes back
    server.setOnRequest((req) => {
      if (req.kind === 'list') server.inject({ kind: 'list', status: 200, body: { success: true, errors: [], messages: [], result: [...server.records.values()], result_info: { page: 1, per_page: 100, count: 2, total_count: 2, total_pages: 1 } } });
    });
    const out = await sync(provider({ recordType: 'A' }), '8.8.8.8');
    assert.equal(out.results[0].status, 'created', 'neither a.home.example.com nor the AAAA record is taken for it');
    assert.equal(server.list('a.home.example.com', 'A')[0].content, '1.1.1.1');
  });

  it('many records of one name are read page by page', async () => {
    for (let i = 0; i < 150; i++) server.addRecord('example.com', { name: 'home.example.com', content: `10.0.${Math.floor(i / 250)}.${i % 250}` });
    const out = await sync(provider(), '8.8.8.8');
    assert.equal(out.results[0].code, 'ECONFLICT');
    assert.match(out.results[0].message, /150 A records/);
    assert.deepEqual(server.requests.filter((r) => r.kind === 'list').map((r) => r.query.page), ['1', '2']);
  });

  it('a failure that would meet every record alike stops the run: the rest are not attempted', async () => {
    server.inject({ kind: 'list', status: 500, count: 3, body: 'down' });
    const out = await sync(provider({ hostnames: 'a.example.com,b.example.com,c.example.com' }), '8.8.8.8');
    assert.deepEqual(out.results.map((r) => [r.status, r.code]), [['failed', 'EHTTPSTATUS'], ['failed', 'EHTTPSTATUS'], ['failed', 'EHTTPSTATUS']]);
    assert.match(out.results[1].message, /not attempted/);
    assert.equal(server.count('list'), 3, 'one record tried three times, the others not at all');
  });

  it('what succeeded stays remembered when another record fails; a block and a pause show on the rows they hold, Clear block lifts them per name', async () => {
    server.addRecord('example.com', { name: 'a.example.com', content: '1.1.1.1' });
    server.addRecord('example.com', { name: 'b.example.com', content: '1.1.1.1' });
    server.addRecord('example.com', { name: 'b.example.com', content: '1.0.0.1' });
    const p = provider({ hostnames: 'a.example.com,b.example.com' });
    const out = await sync(p, '8.8.8.8');
    assert.deepEqual(out.results.map((r) => r.status), ['updated', 'failed']);
    assert.equal(out.state.records['a.example.com/A'].value, '8.8.8.8');
    assert.equal(out.state.records['b.example.com/A'].value, undefined, 'the round robin is not remembered as one value');
    const blocked = JSON.parse(JSON.stringify(out.state));
    for (const entry of Object.values(blocked.records)) {
      entry.block = { code: '9109', at: clock };
      entry.pause = { until: clock + 60_000, ms: 60_000, code: '971' };
    }
    const rows = p.describe(blocked, clock);
    assert.ok(rows.length >= 2 && rows.every((r) => r.blockedCode === '9109' && r.waitUntil === clock + 60_000));
    const lifted = p.unblock(blocked, 'b.example.com');
    assert.equal(lifted.records['b.example.com/A'].block, undefined);
    assert.equal(lifted.records['a.example.com/A'].block.code, '9109', 'per name: the other name stays blocked until cleared too');
    assert.equal(p.describe(p.emptyState(), clock).length, 2, 'configured names show as pending rows');
  });

  it('a refused token is kept on every record of the run and holds every type of their names', async () => {
    const refused = new cf.CloudflareClient({ endpoint: server.url, apiToken: 'cf-unit-Revoked-2Zx5cV8bN1mQ4wE7rT0', dispatcher: () => agent });
    const p = cf.createCloudflareProvider({ client: refused, now: () => clock, settings: { zone: 'example.com', hostnames: 'a.example.com,b.example.com', backoff: { baseMs: 5, capMs: 20 } } });
    const out = await sync(p, '8.8.8.8');
    assert.deepEqual(out.results.map((r) => r.code), ['EAUTH', 'EAUTH']);
    assert.deepEqual(Object.keys(out.state.records).filter((k) => out.state.records[k].block).sort(), ['a.example.com/A', 'b.example.com/A']);
    assert.equal(p.describe(out.state, clock).length, 2, 'one row per record the token was refused for');
    server.reset();
    // an AAAA record of a blocked name: held by the block all the same
    const again = await sync(p, '2001:db8::1', out.state);
    assert.deepEqual(again.results.map((r) => r.code), ['EBLOCKED', 'EBLOCKED']);
    assert.equal(server.requests.length, 0, 'blocked: no request');
  });

  it('state from a store is read as far as it is valid', () => {
    const p = provider();
    const ledger = p.normaliseState({
      version: 1,
      records: {
        'home.example.com/A': { name: 'home.example.com', type: 'A', id: 'b'.repeat(32), value: '8.8.8.8', verifiedAt: 7 },
        'x.example.com/A': { name: 'x.example.com', type: 'A', value: 42 },
        '__proto__/A': { name: '__proto__', type: '<A>' },
      },
      memo: { 'zone:example.com': 'a'.repeat(32), 'record:home.example.com/A': 'proxied=on ttl=300' },
    });
    assert.deepEqual(ledger, {
      version: 1,
      records: {
        'home.example.com/A': { name: 'home.example.com', type: 'A', id: 'b'.repeat(32), value: '8.8.8.8', verifiedAt: 7 },
        'x.example.com/A': { name: 'x.example.com', type: 'A' },
      },
      memo: { 'zone:example.com': 'a'.repeat(32), 'record:home.example.com/A': 'proxied=on ttl=300' },
    });
    assert.deepEqual(p.normaliseState('garbage'), p.emptyState());
  });

  it('the shape versions before the ledger stored is read: an upgrade keeps the zone id, the confirmed values, the block and the pause', async () => {
    // as src/providers/cloudflare/state.ts stored it until the ledger (zones, records with recordId, one block and pause per node)
    const old = {
      version: 1,
      zones: { 'example.com': { id: 'a'.repeat(32), seenAt: 5 }, 'bad zone': { id: 'x' }, 'x.org': { id: '<script>' } },
      records: {
        'home.example.com/A': { recordId: 'b'.repeat(32), value: '8.8.8.8', verifiedAt: clock - 60_000, lastWriteAt: 3, proxied: true, ttl: 300 },
        'home.example.com/MX': { recordId: 'c', value: 'x' },
        '__proto__/A': { recordId: 'd', value: '1.1.1.1' },
        'x.example.com/A': { recordId: 'e', value: 42 },
      },
    };
    const p = provider();
    const ledger = p.normaliseState(old);
    assert.deepEqual(ledger, {
      version: 1,
      records: { 'home.example.com/A': { name: 'home.example.com', type: 'A', id: 'b'.repeat(32), value: '8.8.8.8', verifiedAt: clock - 60_000, lastWriteAt: 3 } },
      memo: { 'zone:example.com': 'a'.repeat(32), 'record:home.example.com/A': 'proxied=on ttl=300' },
    });
    // the confirmed value holds: no request, and the remembered proxied flag still says why it cannot be verified
    let out = await sync(p, '8.8.8.8', old);
    assert.deepEqual([out.results[0].status, out.results[0].recordId, out.results[0].unverifiable], ['unchanged', 'b'.repeat(32), 'proxied']);
    assert.equal(server.requests.length, 0);
    // the remembered zone id is used: no zone lookup
    server.addRecord('example.com', { name: 'home.example.com', content: '8.8.8.8' });
    out = await sync(p, '8.8.4.4', { ...old, zones: { 'example.com': { id: server.zoneId('example.com'), seenAt: 5 } } });
    assert.equal(out.results[0].status, 'updated');
    assert.deepEqual(server.requests.map((r) => r.kind), ['list', 'patch']);

    // the node-wide block: every remembered record and every configured name
    const blocked = p.normaliseState({ ...old, block: { code: '9109', at: 3, zone: 'example.com' } });
    assert.deepEqual(Object.values(blocked.records).map((e) => [e.name, e.type, e.block && e.block.code]), [['home.example.com', 'A', '9109']]);
    server.reset();
    out = await sync(p, '8.8.4.4', { ...old, block: { code: '9109', at: 3 } });
    assert.deepEqual([out.results[0].status, out.results[0].code, out.results[0].providerCode], ['skipped', 'EBLOCKED', '9109']);
    assert.equal(server.requests.length, 0);
    // the node-wide pause, stored without its length by older versions: at most a day
    const paused = p.normaliseState({ ...old, pause: { until: clock + 10 * DAY, code: '971' } });
    assert.ok(Object.values(paused.records).every((e) => e.pause && e.pause.code === '971' && e.pause.ms === DAY));
    out = await sync(p, '8.8.4.4', { ...old, pause: { until: clock + 3_600_000, code: '971', ms: 3_600_000 } });
    assert.deepEqual([out.results[0].status, out.results[0].code], ['skipped', 'EWAIT']);
    assert.equal(server.requests.length, 0);
    const rows = p.describe(p.normaliseState({ ...old, pause: { until: clock + 10 * DAY, code: '971' } }), clock);
    assert.ok(rows.every((r) => r.waitUntil === clock + DAY), 'a pause without its length ends within a day');
  });

  it('a 200 that is not a Cloudflare answer is an error, never a success', async () => {
    server.inject({ kind: 'zones', status: 200, body: '<html>captive portal</html>', headers: { 'content-type': 'text/html' } });
    const out = await sync(provider(), '8.8.8.8');
    assert.deepEqual([out.results[0].status, out.results[0].code], ['failed', 'EBADRESPONSE']);
  });
});
