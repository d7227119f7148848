'use strict';
// syncRecords against the fake Alidns server on loopback. Every scenario
// counts what the server saw per action: the point of the workflow is to ask
// and write as little as the facts allow. Backoff is tiny; no timing is asserted.
const assert = require('node:assert/strict');
const fake = require('../servers/fake-alidns');
const { createHttpAgent } = require('../../dist/core/http');
const { AlidnsClient } = require('../../dist/providers/aliyun/client');
const { syncRecords } = require('../../dist/providers/aliyun/sync');

const TINY_BACKOFF = { baseMs: 1, capMs: 5 };
const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1, 12);
const OLD = '192.0.2.1';
const NEW = '198.51.100.7';
// the slot in the record ledger (src/core/ledger.ts); states handed in below are mostly in the shape
// versions before the ledger stored (`domain/rr/type/line` with recordId), which is read and converted
const KEY = 'www.example.com/A';
const OLD_KEY = 'example.com/www/A/default';

/** a ledger entry in the words the old state used, to compare what is remembered */
function remembered(entry) {
  if (!entry || entry.value === undefined) return undefined;
  const out = { recordId: entry.id, value: entry.value, verifiedAt: entry.verifiedAt };
  if (entry.lastWriteAt !== undefined) out.lastWriteAt = entry.lastWriteAt;
  return out;
}

describe('aliyun sync (fake Alidns)', function () {
  let server;
  let agent;

  before(async () => {
    server = await fake.start({
      keys: { testid: 'testsecret', ramuser: 'ramsecret' },
      deny: { ramuser: ['UpdateDomainRecord', 'AddDomainRecord'] },
      domains: ['example.com', 'example.net'],
    });
    agent = createHttpAgent({ connectTimeoutMs: 2000 });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    server.setOnRequest(null);
  });

  function client(overrides = {}) {
    return new AlidnsClient({
      endpoint: server.url,
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      dispatcher: agent,
      timeoutMs: 5000,
      retries: 2,
      backoff: TINY_BACKOFF,
      ...overrides,
    });
  }

  function sync(request = {}, state, { signal, clientOptions, now = T0 } = {}) {
    return syncRecords(client(clientOptions), { domain: 'example.com', rr: 'www', type: 'A', value: NEW, now: () => now, ...request }, state, signal);
  }

  const counts = () => ({ ...server.counts });
  const statuses = (outcome) => outcome.results.map((r) => r.status);
  const writes = () => server.count('UpdateDomainRecord') + server.count('AddDomainRecord');

  describe('the basic cases', () => {
    it('already set on the server: one lookup, unchanged, remembered', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: NEW });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 1 });
      assert.deepEqual(out.results, [
        { name: 'www.example.com', type: 'A', status: 'unchanged', value: NEW, previous: NEW, recordId: id, message: `already ${NEW}` },
      ]);
      assert.deepEqual(remembered(out.state.records[KEY]), { recordId: id, value: NEW, verifiedAt: T0 });
      assert.equal(out.requests, 1);
      assert.equal(out.error, undefined);
    });

    it('remembered and seen within 24 h: no request at all', async () => {
      const state = { version: 1, records: { [KEY]: { name: 'www.example.com', type: 'A', id: '77', value: NEW, wanted: NEW, verifiedAt: T0 - 23 * HOUR, lastWriteAt: T0 - 30 * HOUR } }, memo: {} };
      const out = await sync({}, state);
      assert.equal(server.requests.length, 0);
      assert.equal(out.requests, 0);
      assert.deepEqual(statuses(out), ['unchanged']);
      assert.equal(out.results[0].recordId, '77');
      assert.deepEqual(out.state, state);
    });

    it('remembered but last seen over 24 h ago: looked up again, verifiedAt renewed, lastWriteAt kept', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: NEW });
      const state = { version: 1, records: { [OLD_KEY]: { recordId: id, value: NEW, verifiedAt: T0 - 25 * HOUR, lastWriteAt: T0 - 30 * HOUR } } };
      const out = await sync({}, state);
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 1 });
      assert.deepEqual(remembered(out.state.records[KEY]), { recordId: id, value: NEW, verifiedAt: T0, lastWriteAt: T0 - 30 * HOUR });
    });

    it('changed: one lookup and one UpdateDomainRecord', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 1, UpdateDomainRecord: 1 });
      assert.equal(out.results[0].status, 'updated');
      assert.equal(out.results[0].previous, OLD);
      assert.equal(out.results[0].recordId, id);
      assert.equal(server.findById(id).Value, NEW);
      assert.deepEqual(remembered(out.state.records[KEY]), { recordId: id, value: NEW, verifiedAt: T0, lastWriteAt: T0 });
    });

    it('changed while remembered: the memory does not save the lookup (the server may hold anything)', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const state = { version: 1, records: { [OLD_KEY]: { recordId: id, value: OLD, verifiedAt: T0 - HOUR } } };
      const out = await sync({}, state);
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 1, UpdateDomainRecord: 1 });
      assert.equal(out.results[0].status, 'updated');
    });

    it('missing: AddDomainRecord with the TTL and line asked for', async () => {
      const out = await sync({ ttl: 1200 });
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 1, AddDomainRecord: 1 });
      const [created] = server.list('example.com', 'www');
      assert.equal(created.Value, NEW);
      assert.equal(created.TTL, 1200);
      assert.equal(created.Line, 'default');
      assert.equal(out.results[0].status, 'created');
      assert.equal(out.results[0].recordId, created.RecordId);
      assert.equal(out.results[0].previous, undefined);
      assert.deepEqual(remembered(out.state.records[KEY]), { recordId: created.RecordId, value: NEW, verifiedAt: T0, lastWriteAt: T0 });
    });

    it('missing with create off: ENOTFOUND, nothing written', async () => {
      const out = await sync({ create: false });
      assert.equal(writes(), 0);
      assert.equal(out.results[0].status, 'failed');
      assert.equal(out.results[0].code, 'ENOTFOUND');
      assert.match(out.results[0].message, /creating records is off/);
      assert.equal(out.error.code, 'ENOTFOUND');
    });

    it('a record paused in the console is updated, and the result says it does not resolve', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.findById(id).Status = 'DISABLE';
      const out = await sync();
      assert.equal(out.results[0].status, 'updated');
      assert.match(out.results[0].message, /paused in the console/);
    });

    it('only the TTL differs: updated', async () => {
      server.addRecord('example.com', { RR: 'www', Value: NEW, TTL: 600 });
      const out = await sync({ ttl: 3600 });
      assert.equal(server.count('UpdateDomainRecord'), 1);
      assert.equal(out.results[0].status, 'updated');
      assert.match(out.results[0].message, /TTL 600 -> 3600/);
      assert.equal(server.list('example.com', 'www')[0].TTL, 3600);
    });
  });

  describe('which record: exact RR, case, type, line', () => {
    it('a and b.a are different records: syncing a never touches b.a or ba', async () => {
      const nested = server.addRecord('example.com', { RR: 'b.a', Value: OLD });
      const similar = server.addRecord('example.com', { RR: 'ba', Value: OLD });
      const out = await sync({ rr: 'a' });
      assert.equal(out.results[0].status, 'created');
      assert.equal(server.findById(nested).Value, OLD);
      assert.equal(server.findById(similar).Value, OLD);
    });

    it('the same holds when the whole domain is listed (bulk lookup)', async () => {
      const nested = server.addRecord('example.com', { RR: 'b.a', Value: OLD });
      const out = await sync({ rr: 'a, c, d, e, f' });
      assert.equal(server.count('DescribeDomainRecords'), 1);
      assert.equal(server.count('DescribeSubDomainRecords'), 0);
      assert.deepEqual(statuses(out), ['created', 'created', 'created', 'created', 'created']);
      assert.equal(server.findById(nested).Value, OLD);
    });

    it('RR matching ignores case, and an update sends the record\'s own spelling', async () => {
      server.addRecord('example.com', { RR: 'Www', Value: OLD });
      const out = await sync({ rr: 'WWW' });
      assert.equal(out.results[0].name, 'www.example.com');
      assert.equal(out.results[0].status, 'updated');
      assert.equal(server.requests.find((r) => r.action === 'UpdateDomainRecord').params.RR, 'Www');
    });

    it('a full name typed as RR is cut back to the RR', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: NEW });
      const out = await sync({ rr: 'www.example.com.' });
      assert.equal(out.results[0].recordId, id);
      assert.equal(out.results[0].status, 'unchanged');
    });

    it('records on another line are not ours: a default-line record is created beside them', async () => {
      const telecom = server.addRecord('example.com', { RR: 'www', Value: OLD, Line: 'telecom' });
      const out = await sync();
      assert.equal(out.results[0].status, 'created');
      assert.equal(server.findById(telecom).Value, OLD);
      assert.equal(server.list('example.com', 'www').length, 2);
    });

    it('line telecom updates only the telecom record', async () => {
      const telecom = server.addRecord('example.com', { RR: 'www', Value: OLD, Line: 'telecom' });
      const plain = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const out = await sync({ line: 'telecom' });
      assert.equal(out.results[0].recordId, telecom);
      assert.equal(server.findById(telecom).Value, NEW);
      assert.equal(server.findById(plain).Value, OLD);
      assert.equal(out.state.records[KEY].id, telecom);
    });

    it('records of another type are not ours: A beside AAAA and TXT', async () => {
      server.addRecord('example.com', { RR: 'www', Type: 'AAAA', Value: '2001:db8::1' });
      server.addRecord('example.com', { RR: 'www', Type: 'TXT', Value: 'hello' });
      const out = await sync();
      assert.equal(out.results[0].status, 'created');
      assert.equal(server.list('example.com', 'www', 'A').length, 1);
    });
  });

  describe('names and types', () => {
    const names = [
      ['@', 'example.com'],
      ['*', '*.example.com'],
      ['*.sub', '*.sub.example.com'],
      ['_acme-challenge.www', '_acme-challenge.www.example.com'],
    ];
    for (const [rr, name] of names) {
      it(`RR ${rr} -> ${name}, created with RR ${rr}`, async () => {
        const out = await sync({ rr });
        assert.equal(out.results[0].name, name);
        assert.equal(out.results[0].status, 'created');
        assert.equal(server.list('example.com', rr).length, 1);
        const again = await sync({ rr }, undefined, { now: T0 + 48 * HOUR });
        assert.equal(again.results[0].status, 'unchanged', 'found again by its exact RR');
      });
    }

    it('AAAA: any textual form of the same address is unchanged; the value is written in RFC 5952 form', async () => {
      server.addRecord('example.com', { RR: 'v6', Type: 'AAAA', Value: '2001:0db8:0000:0000:0000:0000:0000:0001' });
      const same = await sync({ rr: 'v6', type: 'AAAA', value: '2001:DB8::1' });
      assert.equal(same.results[0].status, 'unchanged');
      assert.equal(same.results[0].value, '2001:db8::1');
      const changed = await sync({ rr: 'v6', type: 'AAAA', value: '2001:db8:0:0:0:0:0:2' });
      assert.equal(changed.results[0].status, 'updated');
      assert.equal(server.list('example.com', 'v6')[0].Value, '2001:db8::2');
    });

    it('CNAME compares host names without case or trailing dot; TXT exactly; MX with its priority', async () => {
      server.addRecord('example.com', { RR: 'alias', Type: 'CNAME', Value: 'Target.Example.net' });
      assert.equal((await sync({ rr: 'alias', type: 'CNAME', value: 'target.example.net.' })).results[0].status, 'unchanged');
      const txt = await sync({ rr: 'note', type: 'TXT', value: 'v=spf1 include:_spf.example.com ~all' });
      assert.equal(txt.results[0].status, 'created');
      assert.equal(server.list('example.com', 'note')[0].Value, 'v=spf1 include:_spf.example.com ~all');
      const mx = await sync({ rr: '@', type: 'MX', value: 'mail.example.com', priority: 20 });
      assert.equal(mx.results[0].status, 'created');
      assert.equal(server.list('example.com', '@', 'MX')[0].Priority, 20);
    });

    const invalid = [
      ['an IPv6 address for an A record', { value: '2001:db8::1' }, 'EBADINPUT'],
      ['text for an A record', { value: 'not-an-ip' }, 'EBADINPUT'],
      ['an unknown type', { type: 'SRV' }, 'ECONFIG'],
      ['an empty RR list', { rr: ' , ' }, 'ECONFIG'],
      ['an RR with spaces', { rr: 'w w' }, 'ECONFIG'],
      ['a wildcard in the middle', { rr: 'a.*.b' }, 'ECONFIG'],
      ['no domain', { domain: '' }, 'ECONFIG'],
      ['a one-label domain', { domain: 'localhost' }, 'ECONFIG'],
      ['TTL 0', { ttl: 0 }, 'ECONFIG'],
      ['a line with spaces', { line: 'tele com' }, 'ECONFIG'],
    ];
    for (const [what, request, code] of invalid) {
      it(`${what} -> ${code} before any request`, async () => {
        await assert.rejects(sync(request), { code });
        assert.equal(server.requests.length, 0);
      });
    }
  });

  describe('several records on one RR', () => {
    it('round robin without a pin: ECONFLICT naming every RecordId, nothing written', async () => {
      const a = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const b = server.addRecord('example.com', { RR: 'www', Value: '192.0.2.2' });
      const out = await sync();
      assert.equal(writes(), 0);
      assert.equal(out.results[0].status, 'failed');
      assert.equal(out.results[0].code, 'ECONFLICT');
      assert.match(out.results[0].message, new RegExp(`${a}.*${b}|${b}.*${a}`));
      assert.match(out.results[0].message, /set recordId/);
      assert.equal(remembered(out.state.records[KEY]), undefined);
    });

    it('pinned: only that record is updated', async () => {
      const a = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const b = server.addRecord('example.com', { RR: 'www', Value: '192.0.2.2' });
      const out = await sync({ recordId: b });
      assert.equal(out.results[0].status, 'updated');
      assert.equal(out.results[0].recordId, b);
      assert.equal(server.findById(a).Value, OLD);
      assert.equal(server.findById(b).Value, NEW);
    });

    it('a pin that is none of them: ECONFLICT that says so', async () => {
      server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.addRecord('example.com', { RR: 'www', Value: '192.0.2.2' });
      const out = await sync({ recordId: '123' });
      assert.equal(out.results[0].code, 'ECONFLICT');
      assert.match(out.results[0].message, /pinned recordId 123 is not one of them/);
    });

    it('a memory of another record than the pin is not trusted', async () => {
      const a = server.addRecord('example.com', { RR: 'www', Value: NEW });
      const b = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const state = { version: 1, records: { [OLD_KEY]: { recordId: a, value: NEW, verifiedAt: T0 } } };
      const out = await sync({ recordId: b, value: '192.0.2.99' }, state);
      assert.equal(server.count('DescribeSubDomainRecords'), 1);
      assert.equal(out.results[0].recordId, b);
      assert.equal(out.results[0].status, 'updated');
      assert.equal(server.findById(a).Value, NEW);
    });

    it('the pinned record cannot take a value its sibling already holds: ECONFLICT, not a false success', async () => {
      const a = server.addRecord('example.com', { RR: 'www', Value: NEW });
      const b = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const out = await sync({ recordId: b });
      assert.equal(server.count('UpdateDomainRecord'), 1);
      assert.equal(out.results[0].status, 'failed');
      assert.equal(out.results[0].code, 'ECONFLICT');
      assert.match(out.results[0].message, new RegExp(`record ${a} already holds`));
    });
  });

  describe('records changed behind our back', () => {
    it('deleted and re-added in the console: the new RecordId is found and used, no user action', async () => {
      const gone = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const state = { version: 1, records: { [OLD_KEY]: { recordId: gone, value: OLD, verifiedAt: T0 - HOUR } } };
      server.deleteRecord(gone);
      const readded = server.addRecord('example.com', { RR: 'www', Value: OLD });
      const out = await sync({}, state);
      assert.equal(out.results[0].status, 'updated');
      assert.equal(out.results[0].recordId, readded);
      assert.equal(out.state.records[KEY].id, readded);
      assert.equal(out.error, undefined);
    });

    it('deleted between lookup and update: looked up once more, then updated', async () => {
      const first = server.addRecord('example.com', { RR: 'www', Value: OLD });
      let replaced;
      server.setOnRequest((req) => {
        if (req.action === 'UpdateDomainRecord' && !replaced) {
          server.deleteRecord(first);
          replaced = server.addRecord('example.com', { RR: 'www', Value: OLD });
        }
      });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 2, UpdateDomainRecord: 2 });
      assert.equal(out.results[0].status, 'updated');
      assert.equal(out.results[0].recordId, replaced);
      assert.equal(server.findById(replaced).Value, NEW);
    });

    it('deleted between lookup and update, and not re-added: created', async () => {
      const first = server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.setOnRequest((req) => {
        if (req.action === 'UpdateDomainRecord') server.deleteRecord(first);
      });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 2, UpdateDomainRecord: 1, AddDomainRecord: 1 });
      assert.equal(out.results[0].status, 'created');
    });

    it('created by someone else between lookup and add (DomainRecordDuplicate): found, unchanged', async () => {
      server.setOnRequest((req) => {
        if (req.action === 'AddDomainRecord' && server.list('example.com', 'www').length === 0) server.addRecord('example.com', { RR: 'www', Value: NEW });
      });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 2, AddDomainRecord: 1 });
      assert.equal(out.results[0].status, 'unchanged');
      assert.equal(out.results[0].recordId, server.list('example.com', 'www')[0].RecordId);
    });

    it('UpdateDomainRecord answering DomainRecordDuplicate means already set: unchanged', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.inject({ action: 'UpdateDomainRecord', status: 400, code: 'DomainRecordDuplicate', message: 'The DNS record already exists.' });
      const out = await sync();
      assert.equal(out.results[0].status, 'unchanged');
      assert.equal(out.results[0].code, undefined);
      assert.equal(out.state.records[KEY].id, id);
    });
  });

  describe('dry run', () => {
    it('looks up, writes nothing, says what it would do, hands back the state unchanged', async () => {
      server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.addRecord('example.com', { RR: 'same', Value: NEW });
      const state = { version: 1, records: { 'example.net/x/A/default': { recordId: '5', value: OLD, verifiedAt: 1 } } };
      const out = await sync({ rr: 'www, new, same', dryRun: true }, state);
      assert.equal(writes(), 0);
      assert.deepEqual(statuses(out), ['skipped', 'skipped', 'unchanged']);
      assert.deepEqual(out.results.map((r) => r.planned), ['update', 'create', undefined]);
      assert.match(out.results[0].message, new RegExp(`dry run: would update ${OLD} -> ${NEW}`));
      assert.deepEqual(out.state, { version: 1, records: { 'x.example.net/A': { name: 'x.example.net', type: 'A', id: '5', value: OLD, verifiedAt: 1 } }, memo: {} });
      assert.equal(server.list('example.com', 'www')[0].Value, OLD);
    });
  });

  describe('failures: clear, not retried when retrying cannot help, and never losing the others', () => {
    it('one record in conflict does not stop the others, whose state is kept', async () => {
      const a = server.addRecord('example.com', { RR: 'a', Value: OLD });
      server.addRecord('example.com', { RR: 'b', Value: OLD });
      server.addRecord('example.com', { RR: 'b', Value: '192.0.2.2' });
      const out = await sync({ rr: 'a,b,c' });
      assert.deepEqual(statuses(out), ['updated', 'failed', 'created']);
      assert.equal(out.results[1].code, 'ECONFLICT');
      assert.equal(out.error.code, 'ECONFLICT');
      assert.equal(out.state.records['a.example.com/A'].id, a);
      assert.ok(remembered(out.state.records['c.example.com/A']));
      assert.equal(remembered(out.state.records['b.example.com/A']), undefined);
    });

    it('TTL under the edition minimum: a clear error, not retried, and no further writes this run', async () => {
      const out = await sync({ rr: 'a,b', ttl: 60 });
      assert.equal(server.count('AddDomainRecord'), 1);
      assert.deepEqual(statuses(out), ['failed', 'failed']);
      assert.equal(out.results[0].providerCode, 'QuotaExceeded.TTL');
      assert.match(out.results[0].message, /TTL 60 is below the minimum.*raise ttl/);
      assert.match(out.results[1].message, /not attempted/);
      assert.equal(out.results[1].code, 'EPROVIDER');
    });

    it('Forbidden.RAM on the write: EFORBIDDEN naming alidns:UpdateDomainRecord, one attempt', async () => {
      server.addRecord('example.com', { RR: 'a', Value: OLD });
      server.addRecord('example.com', { RR: 'b', Value: OLD });
      const out = await sync({ rr: 'a,b' }, undefined, { clientOptions: { accessKeyId: 'ramuser', accessKeySecret: 'ramsecret' } });
      assert.equal(server.count('UpdateDomainRecord'), 1);
      assert.equal(out.results[0].code, 'EFORBIDDEN');
      assert.match(out.results[0].message, /alidns:UpdateDomainRecord/);
      assert.equal(out.results[1].code, 'EFORBIDDEN');
    });

    it('the domain is not in the account: ENOTFOUND, one request for all RRs', async () => {
      const out = await sync({ domain: 'not-mine.org', rr: 'a,b' });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(out.results.map((r) => [r.name, r.code, r.providerCode]), [
        ['a.not-mine.org', 'ENOTFOUND', 'IncorrectDomainUser'],
        ['b.not-mine.org', 'ENOTFOUND', 'IncorrectDomainUser'],
      ]);
      assert.match(out.error.message, /not-mine\.org is not in this Alibaba Cloud account/);
    });

    it('bad keys: EAUTH after one request, never retried', async () => {
      const out = await sync({ rr: 'a,b' }, undefined, { clientOptions: { accessKeySecret: 'wrong' } });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(out.results.map((r) => r.code), ['EAUTH', 'EAUTH']);
      assert.ok(!JSON.stringify(out).includes('wrong'));
    });

    it('throttling and 5xx are retried with backoff and counted', async () => {
      server.addRecord('example.com', { RR: 'www', Value: OLD });
      server.inject({ type: 'throttle', count: 2, action: 'DescribeSubDomainRecords' });
      server.inject({ type: 'serverError', count: 1, action: 'UpdateDomainRecord' });
      const out = await sync();
      assert.deepEqual(counts(), { DescribeSubDomainRecords: 3, UpdateDomainRecord: 2 });
      assert.equal(out.requests, 5);
      assert.equal(out.results[0].status, 'updated');
    });

    it('throttled past the retries after one record succeeded: that record keeps its result and state', async () => {
      server.addRecord('example.com', { RR: 'a', Value: OLD });
      server.addRecord('example.com', { RR: 'b', Value: OLD });
      let throttled = false;
      server.setOnRequest((req) => {
        // from the first write on, the account is throttled for good
        if (req.action === 'UpdateDomainRecord' && !throttled) {
          throttled = true;
          server.inject({ type: 'throttle', count: Infinity, action: 'DescribeSubDomainRecords' });
        }
      });
      const out = await sync({ rr: 'a,b' });
      assert.deepEqual(statuses(out), ['updated', 'failed']);
      assert.equal(out.results[1].code, 'ETHROTTLED');
      assert.ok(remembered(out.state.records['a.example.com/A']));
      assert.equal(server.count('DescribeSubDomainRecords'), 1 + 3);
    });

    it('a hang ended by the caller\'s signal: EABORTED in the result, not thrown', async () => {
      server.inject({ type: 'hang', count: Infinity });
      const controller = new AbortController();
      server.setOnRequest(() => setImmediate(() => controller.abort()));
      const out = await sync({ rr: 'a,b' }, undefined, { signal: controller.signal, clientOptions: { timeoutMs: 60_000 } });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(out.results.map((r) => r.code), ['EABORTED', 'EABORTED']);
      assert.equal(out.error.code, 'EABORTED');
    });

    it('a hang ended by the deadline: ETIMEDOUT, retried as configured', async () => {
      server.inject({ type: 'hang', count: Infinity });
      const out = await sync({}, undefined, { clientOptions: { timeoutMs: 200, retries: 1 } });
      assert.equal(server.requests.length, 2);
      assert.equal(out.results[0].code, 'ETIMEDOUT');
    });
  });

  describe('state', () => {
    it('other domains\' records in the (old-shape) state are kept; garbage is dropped', async () => {
      server.addRecord('example.com', { RR: 'www', Value: OLD });
      const state = {
        version: 1,
        records: {
          'example.net/www/A/default': { recordId: '9', value: OLD, verifiedAt: 5 },
          'example.com/x/A/default': { recordId: 'has spaces', value: OLD },
          'example.com/y/A/default': 'nonsense',
        },
      };
      const out = await sync({}, state);
      assert.deepEqual(Object.keys(out.state.records).sort(), ['www.example.com/A', 'www.example.net/A']);
      assert.deepEqual(out.state.records['www.example.net/A'], { name: 'www.example.net', type: 'A', id: '9', value: OLD, verifiedAt: 5 });
      assert.ok(state.records['example.com/y/A/default'], 'the caller\'s object is not changed');
    });

    it('garbage instead of a state is an empty state', async () => {
      server.addRecord('example.com', { RR: 'www', Value: NEW });
      for (const garbage of [null, 'x', 42, [], { records: [] }]) {
        const out = await sync({}, garbage);
        assert.equal(out.results[0].status, 'unchanged');
      }
    });

    it('the state survives JSON (a file or Redis context store) and still saves every request', async () => {
      server.addRecord('example.com', { RR: 'www', Value: OLD });
      const first = await sync();
      const stored = JSON.parse(JSON.stringify(first.state));
      server.reset();
      const second = await sync({}, stored, { now: T0 + HOUR });
      assert.equal(server.requests.length, 0);
      assert.equal(second.results[0].status, 'unchanged');
    });
  });

  describe('many records', () => {
    const N = 1000;
    const rrs = Array.from({ length: N }, (_, i) => `host${i}`);

    it(`${N} records: a few list calls (500 a page), writes only for the changed ones, then no request at all`, async () => {
      for (const [i, rr] of rrs.entries()) server.addRecord('example.com', { RR: rr, Value: i % 20 === 0 ? OLD : NEW });
      // noise the listing must not be fooled by: other types, lines, domains, nested names
      for (let i = 0; i < 30; i++) {
        server.addRecord('example.com', { RR: rrs[i], Type: 'AAAA', Value: '2001:db8::1' });
        server.addRecord('example.com', { RR: `x.${rrs[i]}`, Value: OLD });
        server.addRecord('example.com', { RR: rrs[i], Value: OLD, Line: 'unicom' });
        server.addRecord('example.net', { RR: rrs[i], Value: OLD });
      }
      const out = await sync({ rr: rrs });
      assert.equal(server.count('DescribeDomainRecords'), 3, '1090 A records in the zone: three pages of 500');
      assert.equal(server.count('DescribeSubDomainRecords'), 0);
      assert.equal(server.count('UpdateDomainRecord'), N / 20);
      assert.equal(server.count('AddDomainRecord'), 0);
      assert.equal(out.results.length, N);
      assert.equal(out.results.filter((r) => r.status === 'updated').length, N / 20);
      assert.equal(out.results.filter((r) => r.status === 'unchanged').length, N - N / 20);
      assert.equal(Object.keys(out.state.records).length, N);
      assert.equal(out.requests, 3 + N / 20);
      for (const page of server.requests.filter((r) => r.action === 'DescribeDomainRecords')) {
        assert.equal(page.params.PageSize, '500');
        assert.equal(page.params.RRKeyWord, undefined, 'never a keyword search');
      }

      server.reset();
      const again = await sync({ rr: rrs }, out.state, { now: T0 + HOUR });
      assert.equal(server.requests.length, 0);
      assert.ok(again.results.every((r) => r.status === 'unchanged'));
    });

    it('a zone of exactly 500 matching records: one page is enough', async () => {
      for (const rr of rrs.slice(0, 500)) server.addRecord('example.com', { RR: rr, Value: NEW });
      const out = await sync({ rr: rrs.slice(0, 500) });
      assert.equal(server.count('DescribeDomainRecords'), 1);
      assert.ok(out.results.every((r) => r.status === 'unchanged'));
    });

    it('three RRs or fewer: one DescribeSubDomainRecords each, no listing', async () => {
      await sync({ rr: 'a,b,c' });
      assert.equal(server.count('DescribeSubDomainRecords'), 3);
      assert.equal(server.count('DescribeDomainRecords'), 0);
    });
  });
});

describe('aliyun against one fake Alidns: keep-alive refresh, the provider on the ledger', () => {
  const fake = require('../servers/fake-alidns');
  const { AlidnsClient, syncRecords } = require('../../dist/providers/aliyun');
  const { createHttpAgent } = require('../../dist/core/http');
  const DAY = 24 * 60 * 60 * 1000;
  let server;
  let agent;
  let client;
  before(async () => {
    server = await fake.start({ keys: { kid: 'ksecret' }, domains: ['example.com'] });
    agent = createHttpAgent();
    client = new AlidnsClient({ endpoint: server.url, accessKeyId: 'kid', accessKeySecret: 'ksecret', dispatcher: agent, backoff: { baseMs: 1, capMs: 2 } });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });

  it('writes an unchanged value once after refresh days, then not again until they pass again', async () => {
    server.addRecord('example.com', { RR: 'keep', Value: '8.8.8.8' });
    const t0 = Date.UTC(2026, 0, 1);
    const request = { domain: 'example.com', rr: 'keep', type: 'A', value: '8.8.8.8', refreshAfterMs: 25 * DAY };
    // first run: never written by us, so the keep-alive is due at once
    let out = await syncRecords(client, { ...request, now: () => t0 }, undefined);
    assert.equal(server.count('UpdateDomainRecord'), 1);
    assert.equal(out.results[0].status, 'unchanged');
    assert.match(out.results[0].message, /keep-alive/);
    // a day later (re-verified, not rewritten), then 24 days later: nothing written
    server.reset();
    out = await syncRecords(client, { ...request, now: () => t0 + DAY + 1 }, out.state);
    out = await syncRecords(client, { ...request, now: () => t0 + 24 * DAY }, out.state);
    assert.equal(server.count('UpdateDomainRecord'), 0);
    // 25 days after the last write: one more
    out = await syncRecords(client, { ...request, now: () => t0 + 25 * DAY }, out.state);
    assert.equal(server.count('UpdateDomainRecord'), 1);
  });

  it('0 (the default) never writes an unchanged value', async () => {
    server.reset();
    server.addRecord('example.com', { RR: 'nokeep', Value: '8.8.8.8' });
    const out = await syncRecords(client, { domain: 'example.com', rr: 'nokeep', type: 'A', value: '8.8.8.8' }, undefined);
    assert.equal(out.results[0].status, 'unchanged');
    assert.equal(server.count('UpdateDomainRecord'), 0);
  });

  describe('the provider on the record ledger, and the shape stored before it', () => {
    const { createAliyunProvider } = require('../../dist/providers/aliyun');
    const { Run } = require('../../dist/core/run');
    beforeEach(() => {
      server.reset();
      server.clearRecords();
    });
    const provider = (secret = 'ksecret') =>
      createAliyunProvider({
        client: new AlidnsClient({ endpoint: server.url, accessKeyId: 'kid', accessKeySecret: secret, dispatcher: agent, backoff: { baseMs: 1, capMs: 2 } }),
        settings: { domain: 'example.com', rr: 'www,@', recordType: 'auto' },
      });
    const run = () => new Run({ signal: new AbortController().signal, policy: { retries: 1, backoff: { baseMs: 1, capMs: 2 }, maxWaitMs: 100 } });

    // as src/providers/aliyun/state.ts stored it until the ledger: records by domain/rr/type/line, one block per node
    const old = {
      version: 1,
      records: {
        'example.com/www/A/default': { recordId: '77', value: '8.8.8.8', verifiedAt: Date.now() - 60_000, lastWriteAt: 3 },
        'example.com/www/A/telecom': { recordId: '78', value: '1.1.1.1', verifiedAt: 5 },
        'example.com/x/A/default': { recordId: 'has spaces', value: '1.1.1.1' },
      },
    };

    it('an upgrade keeps the confirmed values: no request for a value the old state confirmed', async () => {
      const p = provider();
      const ledger = p.normaliseState(old);
      assert.deepEqual(Object.keys(ledger.records), ['www.example.com/A'], 'another line\'s record is not this node\'s');
      assert.deepEqual([ledger.records['www.example.com/A'].id, ledger.records['www.example.com/A'].lastWriteAt], ['77', 3]);
      const out = await p.sync({ value: '8.8.8.8' }, old, run());
      assert.deepEqual(out.results.map((r) => [r.name, r.status]), [['www.example.com', 'unchanged'], ['example.com', 'created']]);
      assert.equal(out.results[0].recordId, '77');
      assert.equal(server.count('DescribeSubDomainRecords'), 1, 'only the name the old state did not know is looked up');
    });

    it('the old node-wide block is kept on every remembered record and configured name; Clear block lifts it per name', async () => {
      const p = provider();
      const blocked = { ...old, block: { code: 'InvalidAccessKeyId.NotFound', at: 9 } };
      const ledger = p.normaliseState(blocked);
      assert.deepEqual(Object.values(ledger.records).filter((e) => e.block).map((e) => `${e.name}/${e.type}`).sort(), ['example.com/A', 'www.example.com/A']);
      let out = await p.sync({ value: '9.9.9.9' }, blocked, run());
      assert.deepEqual(out.results.map((r) => [r.status, r.code, r.providerCode]), [['skipped', 'EBLOCKED', 'InvalidAccessKeyId.NotFound'], ['skipped', 'EBLOCKED', 'InvalidAccessKeyId.NotFound']]);
      assert.equal(server.requests.length, 0);
      const lifted = p.unblock(out.state, 'www.example.com');
      out = await p.sync({ value: '9.9.9.9' }, lifted, run());
      assert.deepEqual(out.results.map((r) => [r.name, r.status]), [['www.example.com', 'created'], ['example.com', 'skipped']]);
    });

    it('a refused AccessKey pair is kept on every record of the run and holds every type of their names', async () => {
      const p = provider('wrong');
      const out = await p.sync({ value: '8.8.8.8' }, p.emptyState(), run());
      assert.deepEqual(out.results.map((r) => r.code), ['EAUTH', 'EAUTH']);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(Object.values(out.state.records).filter((e) => e.block).map((e) => `${e.name}/${e.type}`).sort(), ['example.com/A', 'www.example.com/A']);
      const rows = p.describe(out.state, Date.now());
      assert.ok(rows.length === 2 && rows.every((r) => r.blockedCode), 'every row shows the block');
      const v6 = await p.sync({ value: '2001:db8::1' }, out.state, run());
      assert.deepEqual(v6.results.map((r) => [r.type, r.code]), [['AAAA', 'EBLOCKED'], ['AAAA', 'EBLOCKED']]);
      assert.equal(server.requests.length, 1, 'held: no request for the other type');
    });
  });
});
