'use strict';
// The fake Alidns server is shared by tests and the benchmark: these checks pin
// down that it refuses what Alibaba refuses and answers in Alibaba's shapes, so
// a client passing against it is passing against the real rules.
const assert = require('node:assert/strict');
const { request } = require('undici');
const fake = require('../servers/fake-alidns');
const { createHttpAgent } = require('../../dist/core/http');
const { AlidnsClient } = require('../../dist/providers/aliyun/client');
const { signRequest } = require('../../dist/providers/aliyun/sign');

const HOUR = 60 * 60 * 1000;

describe('fake Alidns server', function () {
  let server;
  let agent;

  before(async () => {
    server = await fake.start();
    agent = createHttpAgent();
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.clearRecords();
    server.setClock(Date.now());
    server.setLatency(0);
  });

  const api = (overrides = {}) =>
    new AlidnsClient({ endpoint: server.url, accessKeyId: 'testid', accessKeySecret: 'testsecret', dispatcher: agent, retries: 0, ...overrides });

  /** Sends a hand-signed request and returns status, headers and parsed body. */
  async function raw(action, params, { timestamp = Date.now(), nonce = `n-${Math.random()}`, secret = 'testsecret', tamper } = {}) {
    const signed = signRequest({ action, params, accessKeyId: 'testid', accessKeySecret: secret, nonce, timestamp });
    const query = tamper ? tamper(signed.query) : signed.query;
    const res = await request(`${server.url}/?${query}`, { dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, body: await res.body.json() };
  }

  it('answers DescribeDomainRecords in Alibaba\'s paging shape, newest first', async () => {
    for (let i = 0; i < 7; i++) server.addRecord('example.com', { RR: `h${i}`, Value: `192.0.2.${i + 1}` });
    const page2 = await api().call('DescribeDomainRecords', { DomainName: 'example.com', PageNumber: 2, PageSize: 3 });
    assert.equal(page2.TotalCount, 7);
    assert.equal(page2.PageNumber, 2);
    assert.equal(page2.PageSize, 3);
    assert.deepEqual(page2.DomainRecords.Record.map((r) => r.RR), ['h3', 'h2', 'h1']);
    const [record] = page2.DomainRecords.Record;
    assert.equal(typeof record.RecordId, 'string');
    assert.deepEqual(Object.keys(record).sort(), ['DomainName', 'Line', 'Locked', 'RR', 'RecordId', 'Status', 'TTL', 'Type', 'Value', 'Weight']);
    assert.match(page2.RequestId, /^[0-9A-F-]{36}$/);
  });

  it('RRKeyWord is a fuzzy search, as on the real server (why the client never uses it)', async () => {
    server.addRecord('example.com', { RR: 'a', Value: '192.0.2.1' });
    server.addRecord('example.com', { RR: 'b.a', Value: '192.0.2.2' });
    server.addRecord('example.com', { RR: 'cat', Value: '192.0.2.3' });
    const found = await api().call('DescribeDomainRecords', { DomainName: 'example.com', RRKeyWord: 'a' });
    assert.equal(found.TotalCount, 3);
  });

  it('DescribeSubDomainRecords is exact', async () => {
    server.addRecord('example.com', { RR: 'a', Value: '192.0.2.1' });
    server.addRecord('example.com', { RR: 'b.a', Value: '192.0.2.2' });
    const found = await api().call('DescribeSubDomainRecords', { SubDomain: 'a.example.com', DomainName: 'example.com' });
    assert.deepEqual(found.DomainRecords.Record.map((r) => r.RR), ['a']);
  });

  it('DescribeDomainRecordInfo, AddDomainRecord, UpdateDomainRecord and DeleteDomainRecord round trip', async () => {
    const c = api();
    const { RecordId } = await c.call('AddDomainRecord', { DomainName: 'example.com', RR: 'x', Type: 'A', Value: '192.0.2.1' });
    assert.equal((await c.call('DescribeDomainRecordInfo', { RecordId })).Value, '192.0.2.1');
    await c.call('UpdateDomainRecord', { RecordId, RR: 'x', Type: 'A', Value: '192.0.2.9', TTL: 1200 });
    const info = await c.call('DescribeDomainRecordInfo', { RecordId });
    assert.deepEqual([info.Value, info.TTL, info.DomainName], ['192.0.2.9', 1200, 'example.com']);
    await assert.rejects(c.call('UpdateDomainRecord', { RecordId, RR: 'x', Type: 'A', Value: '192.0.2.9', TTL: 1200 }), {
      providerCode: 'DomainRecordDuplicate',
    });
    await c.call('DeleteDomainRecord', { RecordId });
    await assert.rejects(c.call('DescribeDomainRecordInfo', { RecordId }), { providerCode: 'DomainRecordNotBelongToUser' });
    assert.deepEqual(server.counts, {
      AddDomainRecord: 1,
      DescribeDomainRecordInfo: 3,
      UpdateDomainRecord: 2,
      DeleteDomainRecord: 1,
    });
  });

  it('refuses a tampered query with SignatureDoesNotMatch and shows its string to sign', async () => {
    const res = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { tamper: (q) => q.replace('example.com', 'example.net') });
    assert.equal(res.status, 400);
    assert.equal(res.body.Code, 'SignatureDoesNotMatch');
    assert.match(res.body.Message, /server string to sign is:GET&%2F&AccessKeyId%3Dtestid/);
    assert.ok(res.body.RequestId);
  });

  it('refuses a replayed nonce, but only once the request was genuine', async () => {
    const bad = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { nonce: 'once', secret: 'wrong' });
    assert.equal(bad.body.Code, 'SignatureDoesNotMatch');
    const first = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { nonce: 'once' });
    assert.equal(first.status, 200);
    const again = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { nonce: 'once' });
    assert.equal(again.body.Code, 'SignatureNonceUsed');
  });

  it('refuses a timestamp more than 15 minutes off its clock, with its own time in the Date header', async () => {
    const serverTime = Date.UTC(2030, 5, 1, 8, 0, 0);
    server.setClock(serverTime);
    const within = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { timestamp: serverTime - 14 * 60 * 1000 });
    assert.equal(within.status, 200);
    const off = await raw('DescribeDomainRecords', { DomainName: 'example.com' }, { timestamp: serverTime - HOUR });
    assert.equal(off.status, 400);
    assert.equal(off.body.Code, 'InvalidTimeStamp.Expired');
    assert.ok(Math.abs(Date.parse(off.headers.date) - serverTime) < 60_000, off.headers.date);
  });

  it('throttles with HTTP 400 Throttling.User, as Alibaba does, only for the actions asked', async () => {
    server.inject({ type: 'throttle', action: 'UpdateDomainRecord' });
    const untouched = await raw('DescribeDomainRecords', { DomainName: 'example.com' });
    assert.equal(untouched.status, 200);
    const throttled = await raw('UpdateDomainRecord', { RecordId: '1' });
    assert.equal(throttled.status, 400);
    assert.equal(throttled.body.Code, 'Throttling.User');
  });

  it('answers after the latency it was given (a deadline shorter than that times out)', async () => {
    server.setLatency(300);
    await assert.rejects(api({ timeoutMs: 50 }).call('DescribeDomainRecords', { DomainName: 'example.com' }), { code: 'ETIMEDOUT' });
    const answer = await api({ timeoutMs: 5000 }).call('DescribeDomainRecords', { DomainName: 'example.com' });
    assert.equal(answer.TotalCount, 0);
  });
});
