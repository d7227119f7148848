'use strict';
// AlidnsClient against the fake Alidns server on loopback: what each kind of
// error answer becomes, what is retried and how often (counted on the server),
// the one-time clock and nonce corrections, deadlines and aborts. Backoff is
// tiny; no timing is asserted.
const assert = require('node:assert/strict');
const util = require('node:util');
const fake = require('../servers/fake-alidns');
const { createHttpAgent } = require('../../dist/core/http');
const { AlidnsClient } = require('../../dist/providers/aliyun/client');

const TINY_BACKOFF = { baseMs: 1, capMs: 5 };
const SECRET = 'testsecret';
const HOUR = 60 * 60 * 1000;

async function waitFor(condition) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'condition never became true');
}

function assertNoSecret(err, secret = SECRET) {
  for (const text of [err.message, JSON.stringify(err.toJSON ? err.toJSON() : err), String(err.stack), util.inspect(err)]) {
    assert.ok(!text.includes(secret), `secret leaked into: ${text.slice(0, 200)}`);
  }
}

describe('aliyun client (fake Alidns)', function () {
  let server;
  let agent;

  before(async () => {
    server = await fake.start({
      keys: { testid: SECRET, disabledid: 'disabledsecret', ramuser: 'ramsecret' },
      inactiveKeys: ['disabledid'],
      deny: { ramuser: ['UpdateDomainRecord', 'AddDomainRecord'] },
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
    server.setClock(Date.now());
  });

  function client(overrides = {}) {
    return new AlidnsClient({
      endpoint: server.url,
      accessKeyId: 'testid',
      accessKeySecret: SECRET,
      dispatcher: agent,
      timeoutMs: 5000,
      retries: 2,
      backoff: TINY_BACKOFF,
      ...overrides,
    });
  }

  describe('calls', () => {
    it('signs a call, returns the parsed JSON, one request', async () => {
      const id = server.addRecord('example.com', { RR: 'www', Type: 'A', Value: '192.0.2.1' });
      const answer = await client().call('DescribeSubDomainRecords', { SubDomain: 'www.example.com', DomainName: 'example.com' });
      assert.equal(answer.TotalCount, 1);
      assert.equal(answer.DomainRecords.Record[0].RecordId, id);
      assert.equal(server.requests.length, 1);
      const [req] = server.requests;
      assert.equal(req.status, 200);
      assert.equal(req.params.Format, 'JSON');
      assert.equal(req.params.Version, '2015-01-09');
      assert.equal(req.userAgent, 'node-red-contrib-ddns');
      assert.match(req.params.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('every request has a fresh nonce', async () => {
      const c = client();
      for (let i = 0; i < 5; i++) await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.equal(new Set(server.requests.map((r) => r.params.SignatureNonce)).size, 5);
    });

    it('a RecordId too big for a JavaScript number survives as a string', async () => {
      server.inject({ status: 200, body: '{"RequestId":"R","RecordId":1234567890123456789}' });
      const answer = await client().call('AddDomainRecord', {});
      assert.equal(answer.RecordId, '1234567890123456789');
    });

    it('counts requests per caller in stats', async () => {
      const stats = { requests: 0 };
      server.inject({ type: 'throttle' });
      await client().call('DescribeDomainRecords', { DomainName: 'example.com' }, undefined, stats);
      assert.equal(stats.requests, 2);
    });
  });

  describe('settings are checked before anything is sent', () => {
    const bad = [
      ['no AccessKey ID', { accessKeyId: '' }, /AccessKey ID/],
      ['no secret', { accessKeySecret: undefined }, /AccessKey secret/],
      ['secret with inner spaces', { accessKeySecret: 'a b c' }, /AccessKey secret/],
      ['not a URL', { endpoint: 'http://exa mple' }, /endpoint/],
      ['ftp endpoint', { endpoint: 'ftp://example.com' }, /http/],
      ['credentials in the endpoint', { endpoint: 'https://u:p@alidns.aliyuncs.com' }, /user name/],
      ['no dispatcher', { dispatcher: undefined }, /dispatcher/],
      ['negative retries', { retries: -2 }, /retries/],
    ];
    for (const [what, overrides, message] of bad) {
      it(`${what} -> ECONFIG`, () => {
        assert.throws(() => client(overrides), (err) => {
          assert.equal(err.code, 'ECONFIG');
          assert.match(err.message, message);
          assertNoSecret(err, 'a b c');
          return true;
        });
      });
    }
    it('the default endpoint is Alibaba\'s', () => {
      assert.equal(new AlidnsClient({ accessKeyId: 'a', accessKeySecret: 'b', dispatcher: agent }).endpoint, 'https://alidns.aliyuncs.com/');
    });
    it('the secret is not visible on the client object', () => {
      const c = client();
      assert.ok(!util.inspect(c, { depth: 5, showHidden: true }).includes(SECRET));
      assert.ok(!JSON.stringify(c).includes(SECRET));
    });
  });

  describe('error answers', () => {
    // [what, client overrides, setup(server), action, params, expected {code, providerCode, retryable, status}, requests, message]
    const table = [
      ['wrong secret', { accessKeySecret: 'wrongsecret' }, null, 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EAUTH', providerCode: 'SignatureDoesNotMatch', retryable: false, statusCode: 400 }, 1, /secret does not match/],
      ['unknown AccessKey ID', { accessKeyId: 'nobody' }, null, 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EAUTH', providerCode: 'InvalidAccessKeyId.NotFound', retryable: false, statusCode: 404 }, 1, /does not exist/],
      ['disabled AccessKey', { accessKeyId: 'disabledid', accessKeySecret: 'disabledsecret' }, null, 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EAUTH', providerCode: 'InvalidAccessKeyId.Inactive', retryable: false }, 1, /disabled/],
      ['RAM policy refuses the action', { accessKeyId: 'ramuser', accessKeySecret: 'ramsecret' }, null, 'UpdateDomainRecord',
        { RecordId: '1', RR: 'www', Type: 'A', Value: '192.0.2.1' },
        { code: 'EFORBIDDEN', providerCode: 'Forbidden.RAM', retryable: false, statusCode: 403 }, 1, /alidns:UpdateDomainRecord/],
      ['injected Forbidden.RAM', {}, (s) => s.inject('forbidden'), 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EFORBIDDEN', providerCode: 'Forbidden.RAM' }, 1, /alidns:DescribeDomainRecords/],
      ['TTL under the edition minimum', {}, null, 'AddDomainRecord', { DomainName: 'example.com', RR: 'www', Type: 'A', Value: '192.0.2.1', TTL: 60 },
        { code: 'EPROVIDER', providerCode: 'QuotaExceeded.TTL', retryable: false }, 1, /TTL 60 is below the minimum.*raise ttl/],
      ['injected TTL quota', {}, (s) => s.inject('ttlQuota'), 'UpdateDomainRecord', { RecordId: '1', TTL: 1 },
        { code: 'EPROVIDER', providerCode: 'QuotaExceeded.TTL' }, 1, /TTL 1 is below/],
      ['domain not in the account', {}, null, 'DescribeDomainRecords', { DomainName: 'other.org' },
        { code: 'ENOTFOUND', providerCode: 'IncorrectDomainUser', retryable: false }, 1, /domain other\.org is not in this Alibaba Cloud account/],
      ['injected IncorrectDomainUser', {}, (s) => s.inject('incorrectDomainUser'), 'DescribeSubDomainRecords', { SubDomain: 'a.example.com', DomainName: 'example.com' },
        { code: 'ENOTFOUND', providerCode: 'IncorrectDomainUser' }, 1, /example\.com is not in/],
      ['record id unknown', {}, null, 'UpdateDomainRecord', { RecordId: '42', RR: 'www', Type: 'A', Value: '192.0.2.1' },
        { code: 'ENOTFOUND', providerCode: 'DomainRecordNotBelongToUser', retryable: false }, 1, /record 42 does not exist/],
      ['record already exactly so', {}, (s) => s.addRecord('example.com', { RR: 'www', Value: '192.0.2.1' }), 'AddDomainRecord',
        { DomainName: 'example.com', RR: 'www', Type: 'A', Value: '192.0.2.1' },
        { code: 'EPROVIDER', providerCode: 'DomainRecordDuplicate', retryable: false }, 1, /DomainRecordDuplicate/],
      ['throttled on every try', {}, (s) => s.inject({ type: 'throttle', count: Infinity }), 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'ETHROTTLED', providerCode: 'Throttling.User', retryable: true, statusCode: 400 }, 3, /rate limit/],
      ['server error on every try', {}, (s) => s.inject({ type: 'serverError', count: Infinity }), 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EHTTPSTATUS', providerCode: 'InternalError', retryable: true, statusCode: 500 }, 3, /server error HTTP 500/],
      ['a proxy\'s HTML 502 on every try', {}, (s) => s.inject({ type: 'badGateway', count: Infinity }), 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EHTTPSTATUS', retryable: true, statusCode: 502 }, 3, /HTTP 502/],
      ['a 200 that is not JSON', {}, (s) => s.inject({ status: 200, body: '<html>captive portal</html>' }), 'DescribeDomainRecords', { DomainName: 'example.com' },
        { code: 'EBADRESPONSE', retryable: false }, 1, /not JSON/],
      ['an unknown refusal', {}, (s) => s.inject({ status: 400, code: 'InvalidRR.Format', message: 'The RR is odd.' }), 'AddDomainRecord', {},
        { code: 'EPROVIDER', providerCode: 'InvalidRR.Format', retryable: false }, 1, /InvalidRR\.Format.*The RR is odd/],
      ['a server message quoting the secret', {}, (s) => s.inject({ status: 400, code: 'Odd', message: `echo ${SECRET} back` }), 'AddDomainRecord', {},
        { code: 'EPROVIDER', providerCode: 'Odd' }, 1, /echo \*\*\* back/],
    ];
    for (const [what, overrides, setup, action, params, expected, requests, message] of table) {
      it(`${what} -> ${expected.code}${expected.providerCode ? ` (${expected.providerCode})` : ''}, ${requests} request(s)`, async () => {
        if (setup) setup(server);
        const before = server.requests.length;
        const retried = [];
        const c = client({ ...overrides, onRetry: (err, attempt) => retried.push([err.code, attempt]) });
        await assert.rejects(c.call(action, params), (err) => {
          for (const [key, value] of Object.entries(expected)) assert.equal(err[key], value, `${key}`);
          assert.match(err.message, message);
          if (err.providerCode && expected.statusCode !== 502) assert.match(err.requestId, /^[0-9A-F-]{36}$/);
          assertNoSecret(err);
          assertNoSecret(err, overrides.accessKeySecret || SECRET);
          return true;
        });
        assert.equal(server.requests.length - before, requests);
        assert.equal(retried.length, requests - 1);
      });
    }
  });

  describe('retries', () => {
    const transient = [
      ['Throttling.User (HTTP 400)', 'throttle'],
      ['Throttling', 'throttleApi'],
      ['HTTP 500 InternalError', 'serverError'],
      ['HTTP 503 ServiceUnavailable', 'unavailable'],
      ['connection reset', 'reset'],
    ];
    for (const [what, type] of transient) {
      it(`${what} twice, then success: three requests`, async () => {
        server.inject({ type, count: 2 });
        const retried = [];
        const answer = await client({ onRetry: (err, attempt) => retried.push([err.code, attempt]) }).call('DescribeDomainRecords', {
          DomainName: 'example.com',
        });
        assert.equal(answer.TotalCount, 0);
        assert.equal(server.count('DescribeDomainRecords'), 3);
        assert.deepEqual(retried.map(([, attempt]) => attempt), [1, 2]);
      });
    }

    it('retries: 0 sends exactly once', async () => {
      server.inject({ type: 'throttle', count: Infinity });
      await assert.rejects(client({ retries: 0 }).call('DescribeDomainRecords', { DomainName: 'example.com' }), { code: 'ETHROTTLED' });
      assert.equal(server.requests.length, 1);
    });
  });

  describe('clock skew', () => {
    it('a server clock 2 h ahead: corrected from its Date header once, then kept', async () => {
      server.setClock(Date.now() + 2 * HOUR);
      const c = client({ retries: 0 });
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.deepEqual(server.requests.map((r) => r.code ?? r.status), ['InvalidTimeStamp.Expired', 200]);
      assert.ok(Math.abs(c.clockOffsetMs - 2 * HOUR) < 60_000, `offset ${c.clockOffsetMs}`);
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.equal(server.requests.length, 3, 'the next call is right the first time');
    });

    it('a server clock behind ours is corrected too', async () => {
      server.setClock(Date.now() - 3 * HOUR);
      const c = client({ retries: 0 });
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.equal(server.requests.length, 2);
      assert.ok(c.clockOffsetMs < -2 * HOUR);
    });

    it('corrected only once per call: a second refusal is an error, not a loop', async () => {
      server.inject({ status: 400, code: 'InvalidTimeStamp.Expired', message: 'Specified time stamp or date value is expired.', count: 5 });
      await assert.rejects(client({ retries: 3 }).call('DescribeDomainRecords', { DomainName: 'example.com' }), (err) => {
        assert.equal(err.code, 'EPROVIDER');
        assert.equal(err.providerCode, 'InvalidTimeStamp.Expired');
        assert.match(err.message, /clock/);
        return true;
      });
      assert.equal(server.requests.length, 2);
    });
  });

  describe('nonce reuse', () => {
    it('SignatureNonceUsed: sent again once with a new nonce', async () => {
      const nonces = ['same', 'same', 'fresh-1', 'fresh-2'];
      const c = client({ retries: 0, nonce: () => nonces.shift() });
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.deepEqual(server.requests.map((r) => r.params.SignatureNonce), ['same', 'same', 'fresh-1']);
      assert.deepEqual(server.requests.map((r) => r.code ?? r.status), [200, 'SignatureNonceUsed', 200]);
    });

    it('a nonce source that keeps repeating fails after one replacement', async () => {
      const c = client({ retries: 3, nonce: () => 'always' });
      await c.call('DescribeDomainRecords', { DomainName: 'example.com' });
      await assert.rejects(c.call('DescribeDomainRecords', { DomainName: 'example.com' }), { code: 'EPROVIDER', providerCode: 'SignatureNonceUsed' });
      assert.equal(server.requests.length, 3);
    });
  });

  describe('deadlines and aborts', () => {
    it('a server that never answers: ETIMEDOUT after the deadline, not retried with retries 0', async () => {
      server.inject({ type: 'hang' });
      await assert.rejects(client({ timeoutMs: 300, retries: 0 }).call('DescribeDomainRecords', { DomainName: 'example.com' }), {
        code: 'ETIMEDOUT',
        retryable: true,
      });
      assert.equal(server.requests.length, 1);
    });

    it('a hang is retried like any timeout', async () => {
      server.inject({ type: 'hang' });
      const answer = await client({ timeoutMs: 300, retries: 1 }).call('DescribeDomainRecords', { DomainName: 'example.com' });
      assert.equal(answer.TotalCount, 0);
      assert.equal(server.requests.length, 2);
    });

    it('the caller\'s signal ends a hanging request: EABORTED, no retry', async () => {
      server.inject({ type: 'hang', count: Infinity });
      const controller = new AbortController();
      const pending = client({ timeoutMs: 60_000, retries: 5 }).call('DescribeDomainRecords', { DomainName: 'example.com' }, controller.signal);
      await waitFor(() => server.requests.length === 1);
      controller.abort();
      await assert.rejects(pending, { code: 'EABORTED' });
      assert.equal(server.requests.length, 1);
    });

    it('an already aborted signal sends nothing', async () => {
      await assert.rejects(client().call('DescribeDomainRecords', { DomainName: 'example.com' }, AbortSignal.abort()), { code: 'EABORTED' });
      assert.equal(server.requests.length, 0);
    });

    it('an abort during backoff stops the retries', async () => {
      server.inject({ type: 'throttle', count: Infinity });
      const controller = new AbortController();
      const c = client({ retries: 10, backoff: { baseMs: 60_000, capMs: 60_000 }, onRetry: () => controller.abort() });
      await assert.rejects(c.call('DescribeDomainRecords', { DomainName: 'example.com' }, controller.signal), { code: 'EABORTED' });
      assert.equal(server.requests.length, 1);
    });
  });
});
