'use strict';
// updateHosts against a real DynDNS2 server on loopback: every scenario counts
// the requests the fake server saw. Backoff is tiny; no timing is asserted.
const assert = require('node:assert/strict');
const fake = require('../servers/fake-dyndns2');
const { createHttpAgent } = require('../../dist/core/http');
const { updateHosts } = require('../../dist/providers/dyndns2/updater');
// the host as the stored record ledger says it (src/providers/dyndns2/host-state.ts)
const { hostOf } = require('../../dist/providers/dyndns2/host-state');

const TINY_BACKOFF = { baseMs: 1, capMs: 5 };
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1);
const names = (n) => Array.from({ length: n }, (_, i) => `h${i}.example.com`);

describe('dyndns2 updater (fake server)', function () {
  let server;
  let agent;

  before(async () => {
    server = await fake.start({
      users: {
        user: { password: 'pass', hosts: ['a.example.com', 'b.example.com', 'c.example.com', '*.example.com', ...names(45)] },
      },
    });
    agent = createHttpAgent({ connectTimeoutMs: 2000 });
  });
  after(async () => {
    await agent.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    for (const host of server.hosts.values()) {
      host.ipv4 = undefined;
      host.ipv6 = undefined;
    }
  });

  function run(overrides = {}) {
    const { payload = '192.0.2.1', state, signal, ...settings } = overrides;
    return updateHosts({
      settings: {
        server: server.url,
        username: 'user',
        password: 'pass',
        hostnames: 'a.example.com',
        retries: 0,
        backoff: TINY_BACKOFF,
        now: () => T0,
        timeoutMs: 5000,
        ...settings,
      },
      payload,
      state,
      dispatcher: agent,
      version: '0.1.0',
      signal,
    });
  }
  const statuses = (outcome) => outcome.results.map((r) => r.status);

  describe('writes only what changed', () => {
    it('first update: one request, updated, remembered', async () => {
      const out = await run();
      assert.equal(server.requests.length, 1);
      assert.deepEqual(statuses(out), ['updated']);
      assert.equal(out.results[0].providerCode, 'good');
      assert.equal(out.results[0].type, 'A');
      assert.equal(hostOf(out.state, 'a.example.com').ipv4, '192.0.2.1');
      assert.equal(hostOf(out.state, 'a.example.com').lastWriteAt, T0);
      assert.equal(server.hosts.get('a.example.com').ipv4, '192.0.2.1');
      assert.equal(out.error, undefined);
    });

    it('sends to /nic/update with Basic auth and the User-Agent', async () => {
      await run();
      const [req] = server.requests;
      assert.equal(req.path, '/nic/update');
      assert.equal(req.user, 'user');
      assert.equal(req.userAgent, 'node-red-contrib-ddns - dyndns2-update - 0.1.0');
      assert.equal(req.rawQuery, 'hostname=a.example.com&myip=192.0.2.1');
    });

    it('a known address is not sent again: 0 requests, unchanged', async () => {
      const first = await run();
      server.reset();
      const second = await run({ state: JSON.parse(JSON.stringify(first.state)), now: () => T0 + DAY });
      assert.equal(server.requests.length, 0);
      assert.deepEqual(statuses(second), ['unchanged']);
      assert.equal(second.results[0].previous, '192.0.2.1');
    });

    it('the same address in another spelling is not sent again', async () => {
      const first = await run({ payload: '2001:db8::1' });
      server.reset();
      await run({ payload: '2001:0DB8:0:0:0:0:0:1', state: first.state });
      assert.equal(server.requests.length, 0);
    });

    it('a changed address is sent with its previous value reported', async () => {
      const first = await run();
      server.reset();
      const second = await run({ payload: '192.0.2.2', state: first.state });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(
        second.results.map((r) => [r.status, r.value, r.previous]),
        [['updated', '192.0.2.2', '192.0.2.1']],
      );
    });

    it('nochg: unchanged, but the value is recorded and not sent again', async () => {
      server.hosts.get('a.example.com').ipv4 = '192.0.2.1';
      const first = await run();
      assert.equal(server.requests.length, 1);
      assert.deepEqual(statuses(first), ['unchanged']);
      assert.equal(first.results[0].providerCode, 'nochg');
      assert.equal(hostOf(first.state, 'a.example.com').ipv4, '192.0.2.1');
      server.reset();
      await run({ state: first.state });
      assert.equal(server.requests.length, 0);
    });

    it('45 hosts -> 3 requests of 20, 20 and 5 names', async () => {
      const out = await run({ hostnames: names(45).join(',') });
      assert.deepEqual(
        server.requests.map((r) => r.hostnames.length),
        [20, 20, 5],
      );
      assert.equal(out.results.length, 45);
      assert.ok(out.results.every((r) => r.status === 'updated'));
    });

    it('only the hosts that need a write are sent', async () => {
      const first = await run({ hostnames: 'a.example.com,b.example.com' });
      server.reset();
      const second = await run({ hostnames: 'a.example.com,b.example.com,c.example.com', state: first.state });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(server.requests[0].hostnames, ['c.example.com']);
      assert.deepEqual(statuses(second), ['unchanged', 'unchanged', 'updated']);
    });

    it('wildcard host and options travel as set', async () => {
      await run({ hostnames: '*.example.com', options: { wildcard: 'ON', offline: 'NO' } });
      assert.equal(server.requests[0].rawQuery, 'hostname=*.example.com&myip=192.0.2.1&wildcard=ON&offline=NO');
    });
  });

  describe('refresh', () => {
    const table = [
      { name: 'after 26 days with refresh 25: sent once', age: 26, refreshDays: 25, requests: 1 },
      { name: 'after 24 days with refresh 25: not sent', age: 24, refreshDays: 25, requests: 0 },
      { name: 'default refresh (25 days) applies', age: 30, refreshDays: undefined, requests: 1 },
      { name: 'refresh 0 = never, even after a year', age: 365, refreshDays: 0, requests: 0 },
    ];
    for (const c of table) {
      it(c.name, async () => {
        const state = { version: 1, hosts: { 'a.example.com': { ipv4: '192.0.2.1', lastWriteAt: T0 } } };
        server.hosts.get('a.example.com').ipv4 = '192.0.2.1';
        const settings = { state, now: () => T0 + c.age * DAY };
        if (c.refreshDays !== undefined) settings.refreshDays = c.refreshDays;
        const out = await run(settings);
        assert.equal(server.requests.length, c.requests);
        if (c.requests === 1) {
          // the keep-alive write happened once; the next run is quiet again
          assert.equal(out.results[0].providerCode, 'nochg');
          assert.equal(hostOf(out.state, 'a.example.com').lastWriteAt, T0 + c.age * DAY);
          server.reset();
          await run({ ...settings, state: out.state });
          assert.equal(server.requests.length, 0);
        }
      });
    }

    it('a last write stored while the clock was a year ahead does not postpone the keep-alive by a year', async () => {
      const state = { version: 1, hosts: { 'a.example.com': { ipv4: '192.0.2.1', lastWriteAt: T0 + 365 * DAY } } };
      server.hosts.get('a.example.com').ipv4 = '192.0.2.1';
      let out = await run({ state, refreshDays: 25 });
      assert.equal(server.requests.length, 0, 'not due yet: the write counts as now');
      assert.equal(hostOf(out.state, 'a.example.com').lastWriteAt, T0);
      assert.match(out.notes.join('\n'), /lies in the future \(was the clock ahead\?\)/);
      out = await run({ state: out.state, refreshDays: 25, now: () => T0 + 26 * DAY });
      assert.equal(server.requests.length, 1, 'due 25 days after the clock was put right, not a year later');
    });
  });

  describe('return codes over the wire', () => {
    const table = [
      { body: 'badauth', status: 'failed', code: 'EAUTH', blocked: true },
      { body: '!donator', status: 'failed', code: 'EPROVIDER', blocked: true },
      { body: 'notfqdn', status: 'failed', code: 'EPROVIDER', blocked: true },
      { body: 'nohost', status: 'failed', code: 'EPROVIDER', blocked: true },
      { body: 'numhost', status: 'failed', code: 'EPROVIDER', blocked: true },
      { body: 'abuse', status: 'failed', code: 'EBLOCKED', blocked: true },
      { body: 'badagent', status: 'failed', code: 'EBLOCKED', blocked: true },
      { body: '911', status: 'failed', code: 'EWAIT', waits: true },
      { body: 'dnserr', status: 'failed', code: 'EWAIT', waits: true },
      { body: 'good 192.0.2.1', status: 'updated', providerCode: 'good' },
      { body: 'nochg 192.0.2.1', status: 'unchanged', providerCode: 'nochg' },
    ];
    for (const c of table) {
      it(`"${c.body}" -> ${c.status} (${c.code ?? c.providerCode}) with one request, retries or not`, async () => {
        server.inject({ body: c.body });
        const out = await run({ retries: 3 });
        assert.equal(server.requests.length, 1);
        assert.equal(out.results[0].status, c.status);
        assert.equal(out.results[0].code, c.code);
        if (c.providerCode) assert.equal(out.results[0].providerCode, c.providerCode);
        const host = hostOf(out.state, 'a.example.com');
        if (c.blocked) {
          assert.equal(out.results[0].providerCode, c.body);
          assert.equal(host.blockedCode, c.body);
          assert.equal(host.ipv4, undefined);
        }
        if (c.waits) assert.equal(host.waitUntil, T0 + 30 * 60 * 1000);
        if (c.status !== 'failed') assert.equal(host.ipv4, '192.0.2.1');
      });
    }
  });

  describe('blocks', () => {
    it('after a real badauth the host makes 0 requests, even with a new address and a fresh call', async () => {
      const first = await run({ password: 'wrong' });
      assert.equal(server.requests.length, 1);
      assert.equal(first.results[0].code, 'EAUTH');
      assert.equal(first.error.code, 'EAUTH');
      server.reset();
      const stored = JSON.parse(JSON.stringify(first.state)); // as a context store would hand it back
      const second = await run({ password: 'wrong', payload: '192.0.2.99', state: stored, now: () => T0 + 400 * DAY });
      assert.equal(server.requests.length, 0);
      assert.deepEqual(statuses(second), ['skipped']);
      assert.equal(second.results[0].code, 'EBLOCKED');
      assert.equal(second.results[0].providerCode, 'badauth');
      assert.equal(second.error.code, 'EBLOCKED');
    });

    it('nohost for one host blocks that host only; the other keeps its success', async () => {
      const first = await run({ hostnames: 'a.example.com,unknown.example.com' });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(statuses(first), ['updated', 'failed']);
      assert.equal(hostOf(first.state, 'a.example.com').ipv4, '192.0.2.1');
      assert.equal(hostOf(first.state, 'unknown.example.com').blockedCode, 'nohost');
      server.reset();
      const second = await run({ hostnames: 'a.example.com,unknown.example.com', payload: '192.0.2.2', state: first.state });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(server.requests[0].hostnames, ['a.example.com']);
      assert.deepEqual(statuses(second), ['updated', 'skipped']);
    });

    it('HTTP 401 without a body code blocks like badauth', async () => {
      server.inject({ status: 401, body: '' });
      const first = await run({ retries: 3 });
      assert.equal(server.requests.length, 1);
      assert.equal(first.results[0].code, 'EAUTH');
      assert.equal(hostOf(first.state, 'a.example.com').blockedCode, 'HTTP 401');
      server.reset();
      await run({ state: first.state });
      assert.equal(server.requests.length, 0);
    });

    it('an account-wide badauth stops the run: 45 hosts, 1 request, all blocked', async () => {
      const out = await run({ hostnames: names(45).join(','), password: 'wrong' });
      assert.equal(server.requests.length, 1);
      assert.equal(out.results.length, 45);
      assert.ok(out.results.every((r) => r.status === 'failed' && r.code === 'EAUTH'));
      assert.ok(names(45).every((n) => hostOf(out.state, n).blockedCode === 'badauth'));
    });
  });

  describe('911 wait', () => {
    it('no request for 30 minutes, then one', async () => {
      server.inject({ body: '911' });
      const first = await run();
      assert.equal(server.requests.length, 1);
      server.reset();
      const during = await run({ state: first.state, now: () => T0 + 29 * 60 * 1000 });
      assert.equal(server.requests.length, 0);
      assert.deepEqual(statuses(during), ['skipped']);
      assert.equal(during.results[0].code, 'EWAIT');
      assert.equal(during.results[0].providerCode, '911');
      const after = await run({ state: during.state, now: () => T0 + 31 * 60 * 1000 });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(statuses(after), ['updated']);
      assert.equal(hostOf(after.state, 'a.example.com').waitUntil, undefined);
    });

    it('a single 911 line for several hosts pauses all of them and the later batches', async () => {
      server.inject({ body: '911' });
      const out = await run({ hostnames: names(25).join(',') });
      assert.equal(server.requests.length, 1);
      assert.ok(out.results.every((r) => r.code === 'EWAIT'));
      assert.ok(names(25).every((n) => hostOf(out.state, n).waitUntil === T0 + 30 * 60 * 1000));
    });
  });

  describe('HTTP trouble and retries', () => {
    const table = [
      { name: 'HTTP 500, retries 2: 3 requests, then failed', fault: { status: 500, body: 'oops', count: Infinity }, retries: 2, requests: 3, status: 'failed', code: 'EHTTPSTATUS' },
      { name: 'HTTP 503 twice, retries 3: 3 requests, then updated', fault: { status: 503, body: '', count: 2 }, retries: 3, requests: 3, status: 'updated', providerCode: 'good' },
      { name: 'connection reset once, retries 1: 2 requests, then updated', fault: { reset: true }, retries: 1, requests: 2, status: 'updated', providerCode: 'good' },
      { name: 'connection reset, retries 0: 1 request, failed', fault: { reset: true, count: Infinity }, retries: 0, requests: 1, status: 'failed', code: 'ENETWORK' },
      { name: 'HTTP 404: not retried, counted for a pause if it repeats', fault: { status: 404, body: 'not here', count: Infinity }, retries: 3, requests: 1, status: 'failed', code: 'EHTTPSTATUS', pauses: true },
      { name: 'garbage body: not retried, never success, counted for a pause if it repeats', fault: { body: 'all is fine', count: Infinity }, retries: 3, requests: 1, status: 'failed', code: 'EBADRESPONSE', pauses: true },
      { name: 'HTML body: not retried, never success, counted for a pause if it repeats', fault: { body: '<html><body>good 192.0.2.1</body></html>', type: 'text/html', count: Infinity }, retries: 3, requests: 1, status: 'failed', code: 'EBADRESPONSE', pauses: true },
      // ddclient's nic_dyndns2_update applies a lone result line to every host of the request
      { name: 'one good line for two hosts: both updated', fault: { body: 'good 192.0.2.1' }, hostnames: 'a.example.com,b.example.com', retries: 3, requests: 1, status: 'updated', providerCode: 'good' },
      { name: 'answer with CRLF and trailing blanks: updated', fault: { body: 'good 192.0.2.1\r\ngood 192.0.2.1\r\n\r\n  ' }, hostnames: 'a.example.com,b.example.com', retries: 0, requests: 1, status: 'updated', providerCode: 'good' },
    ];
    for (const c of table) {
      it(c.name, async () => {
        server.inject(c.fault);
        const out = await run({ retries: c.retries, hostnames: c.hostnames || 'a.example.com' });
        assert.equal(server.requests.length, c.requests);
        assert.equal(out.requests, c.requests);
        assert.ok(out.results.every((r) => r.status === c.status && r.code === c.code && r.providerCode === (c.providerCode ?? r.providerCode)), JSON.stringify(out.results));
        if (c.status === 'failed') {
          const host = hostOf(out.state, 'a.example.com');
          assert.equal(host?.ipv4, undefined, 'never remembered as confirmed');
          if (c.pauses) {
            assert.equal(host.unknownCount, 1);
            assert.equal(host.waitUntil, undefined, 'the first time: sent again with the next input');
          } else {
            assert.equal(host, undefined);
          }
          assert.equal(out.error.code, c.code);
        }
      });
    }

    it('a failed request stops the run: 45 hosts, retries 1, HTTP 500 -> 2 requests', async () => {
      server.inject({ status: 500, count: Infinity });
      const out = await run({ hostnames: names(45).join(','), retries: 1 });
      assert.equal(server.requests.length, 2);
      assert.ok(out.results.every((r) => r.status === 'failed' && r.code === 'EHTTPSTATUS'));
    });

    it('hosts of a batch that succeeded keep their state when a later batch fails', async () => {
      const s = await fake.start({
        users: { user: { password: 'pass', hosts: names(25) } },
        onRequest: (record, n) => {
          if (n === 2) s.inject({ status: 500 });
        },
      });
      try {
        const out = await updateHosts({
          settings: { server: s.url, username: 'user', password: 'pass', hostnames: names(25), retries: 0, backoff: TINY_BACKOFF },
          payload: '192.0.2.1',
          dispatcher: agent,
          version: '0.1.0',
        });
        assert.equal(s.requests.length, 2);
        assert.equal(out.results.filter((r) => r.status === 'updated').length, 20);
        assert.equal(out.results.filter((r) => r.status === 'failed').length, 5);
        assert.ok(names(20).every((n) => hostOf(out.state, n).ipv4 === '192.0.2.1'));
        assert.ok(names(25).slice(20).every((n) => hostOf(out.state, n) === undefined));
      } finally {
        await s.close();
      }
    });

    it('a hung server is ended by the timeout', async () => {
      server.inject({ hang: true });
      const out = await run({ timeoutMs: 300 });
      assert.equal(server.requests.length, 1);
      assert.equal(out.results[0].status, 'failed');
      assert.equal(out.results[0].code, 'ETIMEDOUT');
    });

    it('a body slower than the timeout is ended by it', async () => {
      server.inject({ body: 'good 192.0.2.1', slowMs: 5000 });
      const out = await run({ timeoutMs: 300 });
      assert.equal(server.requests.length, 1);
      assert.equal(out.results[0].code, 'ETIMEDOUT');
    });

    it('a slow body within the timeout is read whole', async () => {
      server.inject({ body: 'good 192.0.2.1', slowMs: 50 });
      const out = await run({ timeoutMs: 5000 });
      assert.equal(out.results[0].status, 'updated');
    });

    it('unlimited retries are stopped by abort', async () => {
      const controller = new AbortController();
      const s = await fake.start({
        onRequest: (record, n) => {
          if (n === 4) controller.abort();
        },
      });
      s.inject({ status: 500, count: Infinity });
      try {
        const out = await updateHosts({
          settings: { server: s.url, username: 'user', password: 'pass', hostnames: 'a.example.com', retries: -1, backoff: TINY_BACKOFF },
          payload: '192.0.2.1',
          dispatcher: agent,
          version: '0.1.0',
          signal: controller.signal,
        });
        assert.equal(out.results[0].status, 'failed');
        assert.equal(out.results[0].code, 'EABORTED');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(s.requests.length, 4);
      } finally {
        await s.close();
      }
    });

    it('an already aborted signal sends nothing', async () => {
      const out = await run({ signal: AbortSignal.abort() });
      assert.equal(server.requests.length, 0);
      assert.equal(out.results[0].code, 'EABORTED');
    });
  });

  describe('dual stack', () => {
    const both = { ipv4: '192.0.2.1', ipv6: '2001:db8::1' };
    const table = [
      { mode: 'combined', queries: ['hostname=a.example.com&myip=192.0.2.1,2001:db8::1'] },
      { mode: 'myipv6', queries: ['hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1'] },
      { mode: 'separate', queries: ['hostname=a.example.com&myip=192.0.2.1', 'hostname=a.example.com&myip=2001:db8::1'] },
    ];
    for (const c of table) {
      it(`${c.mode}: ${c.queries.length} request(s), both families updated`, async () => {
        const out = await run({ dualStack: c.mode, payload: both });
        assert.deepEqual(
          server.requests.map((r) => r.rawQuery),
          c.queries,
        );
        assert.deepEqual(
          out.results.map((r) => [r.type, r.status]),
          [
            ['A', 'updated'],
            ['AAAA', 'updated'],
          ],
        );
        assert.equal(server.hosts.get('a.example.com').ipv6, '2001:db8::1');
        server.reset();
        await run({ dualStack: c.mode, payload: both, state: out.state });
        assert.equal(server.requests.length, 0);
      });
    }

    it('separate: a family that did not change is not resent', async () => {
      const first = await run({ dualStack: 'separate', payload: both });
      server.reset();
      const second = await run({ dualStack: 'separate', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::2' }, state: first.state });
      assert.deepEqual(
        server.requests.map((r) => r.rawQuery),
        ['hostname=a.example.com&myip=2001:db8::2'],
      );
      assert.deepEqual(
        second.results.map((r) => [r.type, r.status]),
        [
          ['A', 'unchanged'],
          ['AAAA', 'updated'],
        ],
      );
    });

    it('combined: one request carries both, since a one-family myip would drop the other record', async () => {
      const first = await run({ dualStack: 'combined', payload: both });
      server.reset();
      const second = await run({ dualStack: 'combined', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::2' }, state: first.state });
      assert.deepEqual(
        server.requests.map((r) => r.rawQuery),
        ['hostname=a.example.com&myip=192.0.2.1,2001:db8::2'],
      );
      assert.deepEqual(
        second.results.map((r) => [r.type, r.status]),
        [
          ['A', 'unchanged'],
          ['AAAA', 'updated'],
        ],
      );
    });

    it('myipv6: an IPv6-only input keeps the confirmed IPv4 in the request', async () => {
      const first = await run({ dualStack: 'myipv6', payload: both });
      server.reset();
      const second = await run({ dualStack: 'myipv6', payload: '2001:db8::3', state: first.state });
      assert.deepEqual(
        server.requests.map((r) => r.rawQuery),
        ['hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::3'],
      );
      assert.deepEqual(
        second.results.map((r) => [r.type, r.status]),
        [['AAAA', 'updated']],
      );
      assert.equal(hostOf(second.state, 'a.example.com').ipv4, '192.0.2.1');
    });

    it('separate: nohost on the IPv4 request skips the IPv6 request of that host', async () => {
      server.inject({ body: 'nohost' });
      const out = await run({ dualStack: 'separate', payload: both });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(
        out.results.map((r) => [r.type, r.status, r.code]),
        [
          ['A', 'failed', 'EPROVIDER'],
          ['AAAA', 'skipped', 'EBLOCKED'],
        ],
      );
    });
  });

  describe('answers that cannot be believed', () => {
    const MIN = 60 * 1000;

    // Dyn's return codes: "good 127.0.0.1" when the client does not follow the specification
    it('good 127.0.0.1 for another address: blocked like badagent, the address never confirmed', async () => {
      server.inject({ body: 'good 127.0.0.1' });
      const first = await run({ hostnames: names(25).join(',') });
      assert.equal(server.requests.length, 1, 'account-wide: the second batch is not sent');
      assert.ok(first.results.every((r) => r.status === 'failed' && r.code === 'EBLOCKED' && r.providerCode === 'good 127.0.0.1'));
      assert.ok(names(25).every((n) => hostOf(first.state, n).blockedCode === 'good 127.0.0.1' && hostOf(first.state, n).ipv4 === undefined));
      server.reset();
      const second = await run({ hostnames: names(25).join(','), payload: '192.0.2.2', state: first.state, now: () => T0 + 400 * DAY });
      assert.equal(server.requests.length, 0);
      assert.ok(second.results.every((r) => r.status === 'skipped' && r.code === 'EBLOCKED'));
    });

    it('an echo of another address fails the host with the server\'s words; repeats pause it, longer each time', async () => {
      server.inject({ body: 'good 192.0.2.9', count: 3 });
      const first = await run();
      assert.equal(first.results[0].status, 'failed');
      assert.equal(first.results[0].code, 'EBADRESPONSE');
      assert.equal(first.results[0].providerCode, 'good');
      assert.match(first.results[0].message, /"good 192\.0\.2\.9".*192\.0\.2\.1/);
      let host = hostOf(first.state, 'a.example.com');
      assert.equal(host.ipv4, undefined, 'never remembered as confirmed');
      assert.equal(host.waitUntil, undefined, 'once is no reason to wait');

      const second = await run({ state: first.state, now: () => T0 + 1 * MIN });
      assert.equal(server.requests.length, 2);
      host = hostOf(second.state, 'a.example.com');
      assert.equal(host.unknownCount, 2);
      assert.equal(host.waitUntil, T0 + 6 * MIN, 'the same answer again: 5 minutes');
      assert.equal(host.waitCode, 'good');
      assert.match(second.results[0].message, /2 times in a row/);

      const during = await run({ state: second.state, now: () => T0 + 5 * MIN });
      assert.equal(server.requests.length, 2, 'no request during the pause');
      assert.deepEqual(statuses(during), ['skipped']);
      assert.equal(during.results[0].code, 'EWAIT');

      const third = await run({ state: during.state, now: () => T0 + 7 * MIN });
      assert.equal(server.requests.length, 3);
      assert.equal(hostOf(third.state, 'a.example.com').waitUntil, T0 + 17 * MIN, 'a third time: twice the pause');

      // the fake answers truthfully now: a success forgets the pause and its count
      const good = await run({ state: third.state, now: () => T0 + 18 * MIN });
      assert.deepEqual(statuses(good), ['updated']);
      host = hostOf(good.state, 'a.example.com');
      assert.equal(host.ipv4, '192.0.2.1');
      assert.equal(host.waitUntil, undefined);
      assert.equal(host.unknownCount, undefined);
    });

    it('a different unknown answer starts the count again', async () => {
      server.inject({ body: 'OK', count: 2 });
      const first = await run();
      const second = await run({ state: first.state, now: () => T0 + 1 * MIN });
      assert.equal(hostOf(second.state, 'a.example.com').unknownCount, 2);
      assert.equal(hostOf(second.state, 'a.example.com').waitUntil, T0 + 6 * MIN);
      server.inject({ body: 'success' });
      const third = await run({ state: second.state, now: () => T0 + 20 * MIN });
      assert.equal(server.requests.length, 3);
      assert.equal(third.results[0].providerCode, 'success');
      assert.equal(hostOf(third.state, 'a.example.com').unknownCount, 1);
      assert.equal(hostOf(third.state, 'a.example.com').waitUntil, undefined);
    });

    it('pages that differ only in their text are the same answer', async () => {
      server.inject({ status: 404, body: 'not found at 10:00:01' });
      const first = await run();
      server.inject({ status: 404, body: 'not found at 10:00:02' });
      const second = await run({ state: first.state, now: () => T0 + 1 * MIN });
      assert.equal(hostOf(second.state, 'a.example.com').unknownCount, 2);
      assert.equal(hostOf(second.state, 'a.example.com').waitCode, 'HTTP 404');
    });

    it('combined: an echo whose IPv6 differs fails both records of the host', async () => {
      server.inject({ body: 'good 192.0.2.1,2001:db8::9' });
      const out = await run({ dualStack: 'combined', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } });
      assert.deepEqual(out.results.map((r) => [r.type, r.status, r.code]), [['A', 'failed', 'EBADRESPONSE'], ['AAAA', 'failed', 'EBADRESPONSE']]);
      assert.equal(hostOf(out.state, 'a.example.com').ipv4, undefined);
      assert.equal(hostOf(out.state, 'a.example.com').ipv6, undefined);
    });

    it('a page that is not DynDNS2 holds for the later batches too, without a request; the next time all pause', async () => {
      server.inject({ body: '<html>Service unavailable</html>', count: Infinity });
      const first = await run({ hostnames: names(45).join(',') });
      assert.equal(server.requests.length, 1);
      assert.ok(first.results.every((r) => r.status === 'failed' && r.code === 'EBADRESPONSE'));
      const second = await run({ hostnames: names(45).join(','), state: first.state, now: () => T0 + 60 * 1000 });
      assert.equal(server.requests.length, 2);
      assert.ok(names(45).every((n) => hostOf(second.state, n).waitUntil === T0 + 6 * 60 * 1000));
      await run({ hostnames: names(45).join(','), state: second.state, now: () => T0 + 2 * 60 * 1000 });
      assert.equal(server.requests.length, 2);
    });

    it('OVH\'s badsys (HTTP 200) blocks every host of the account with one request', async () => {
      server.inject({ body: 'badsys' });
      const out = await run({ hostnames: names(25).join(',') });
      assert.equal(server.requests.length, 1);
      assert.ok(out.results.every((r) => r.status === 'failed' && r.code === 'EPROVIDER' && r.providerCode === 'badsys'));
      assert.ok(names(25).every((n) => hostOf(out.state, n).blockedCode === 'badsys'));
    });

    it('!yours and !active block their host only', async () => {
      server.inject({ body: 'good 192.0.2.1\n!yours\n!active' });
      const out = await run({ hostnames: 'a.example.com,b.example.com,c.example.com' });
      assert.deepEqual(out.results.map((r) => [r.status, r.providerCode]), [['updated', 'good'], ['failed', '!yours'], ['failed', '!active']]);
      assert.equal(hostOf(out.state, 'b.example.com').blockedCode, '!yours');
      assert.equal(hostOf(out.state, 'c.example.com').blockedCode, '!active');
    });

    // ddclient's nic_noip_update: w<N><s|m|h> asks for that wait
    it('w90m: no request for that host for 90 minutes', async () => {
      server.inject({ body: 'w90m' });
      const out = await run();
      assert.equal(out.results[0].code, 'EWAIT');
      assert.equal(hostOf(out.state, 'a.example.com').waitUntil, T0 + 90 * 60 * 1000);
      assert.equal(hostOf(out.state, 'a.example.com').waitCode, 'w90m');
    });
  });

  describe('fewer or more answer lines than hosts (as ddclient\'s nic_dyndns2_update)', () => {
    const three = 'a.example.com,b.example.com,c.example.com';

    it('the lines settle their hosts; a host without one failed and is sent again, alone', async () => {
      server.inject({ body: 'good 192.0.2.1\nnochg 192.0.2.1' });
      const first = await run({ hostnames: three });
      assert.deepEqual(first.results.map((r) => [r.name, r.status]), [
        ['a.example.com', 'updated'],
        ['b.example.com', 'unchanged'],
        ['c.example.com', 'failed'],
      ]);
      assert.equal(first.results[2].code, 'EBADRESPONSE');
      assert.equal(hostOf(first.state, 'a.example.com').ipv4, '192.0.2.1');
      assert.equal(hostOf(first.state, 'b.example.com').ipv4, '192.0.2.1');
      assert.equal(hostOf(first.state, 'c.example.com'), undefined, 'nothing known, no pause');
      server.reset();
      const second = await run({ hostnames: three, state: first.state });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(server.requests[0].hostnames, ['c.example.com'], 'a confirmed host is not sent again');
      assert.deepEqual(statuses(second), ['unchanged', 'unchanged', 'updated']);
    });

    it('surplus lines are ignored', async () => {
      server.inject({ body: 'good 192.0.2.1\ngood 192.0.2.1\nWAT\nnohost' });
      const out = await run({ hostnames: 'a.example.com,b.example.com' });
      assert.deepEqual(statuses(out), ['updated', 'updated']);
      assert.equal(out.error, undefined);
    });
  });

  describe('provider presets', () => {
    async function withServer(options, fn) {
      const s = await fake.start({ users: { user: { password: 'pass', hosts: ['a.example.com'] } }, ...options });
      try {
        await fn(s, (over = {}) => {
          const { payload = '192.0.2.1', state, ...settings } = over;
          return updateHosts({
            settings: { server: s.url, username: 'user', password: 'pass', hostnames: 'a.example.com', retries: 0, backoff: TINY_BACKOFF, now: () => T0, ...settings },
            payload,
            state,
            dispatcher: agent,
            version: '0.1.0',
          });
        });
      } finally {
        await s.close();
      }
    }

    // qdm12/ddns-updater's selfhostde provider: HTTP 204, empty body = no change
    it('selfHOST.de: HTTP 204 with no body is nochg, the address confirmed', () =>
      withServer({ noChangeStatus: 204 }, async (s, go) => {
        s.hosts.get('a.example.com').ipv4 = '192.0.2.1';
        const out = await go({ preset: 'selfhost', dualStack: 'separate' });
        assert.equal(s.requests.length, 1);
        assert.deepEqual(out.results.map((r) => [r.status, r.providerCode]), [['unchanged', 'nochg']]);
        assert.equal(hostOf(out.state, 'a.example.com').ipv4, '192.0.2.1');
        assert.equal(out.error, undefined);
      }));

    it('HTTP 204 with no body from a server without that preset is not a success', () =>
      withServer({ noChangeStatus: 204 }, async (s, go) => {
        s.hosts.get('a.example.com').ipv4 = '192.0.2.1';
        const out = await go({ dualStack: 'separate' });
        assert.equal(out.results[0].status, 'failed');
        assert.equal(hostOf(out.state, 'a.example.com').ipv4, undefined);
      }));

    // ddclient's nic_dynu_update: myip=no "prevent server auto-detecting v4"
    it('Dynu: an IPv6-only update sends myip=no, and the A record stays as it was', () =>
      withServer({}, async (s, go) => {
        const out = await go({ preset: 'dynu', dualStack: 'myipv6', payload: '2001:db8::1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=no&myipv6=2001:db8::1');
        assert.deepEqual(out.results.map((r) => [r.type, r.status]), [['AAAA', 'updated']]);
        assert.equal(s.hosts.get('a.example.com').ipv4, undefined, 'not filled from the request\'s source address');
      }));

    it('Dynu: with an IPv4 known, it travels instead of myip=no', () =>
      withServer({}, async (s, go) => {
        const state = { version: 1, hosts: { 'a.example.com': { ipv4: '192.0.2.1', lastWriteAt: T0 } } };
        await go({ preset: 'dynu', dualStack: 'myipv6', payload: '2001:db8::1', state });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1');
      }));

    // ddclient's nic_inwx_update skips an IPv6 update without IPv4 (INWX would set A to 127.0.0.1)
    it('INWX: IPv6 with no IPv4 known is refused as a configuration error, nothing sent', () =>
      withServer({ missingIpv4: 'loopback' }, async (s, go) => {
        const out = await go({ preset: 'inwx', dualStack: 'myipv6', payload: '2001:db8::1' });
        assert.equal(s.requests.length, 0);
        assert.deepEqual(out.results.map((r) => [r.type, r.status, r.code]), [['AAAA', 'failed', 'ECONFIG']]);
        assert.match(out.results[0].message, /127\.0\.0\.1.*IPv6-only account/);
        assert.equal(out.error.code, 'ECONFIG');
        assert.equal(s.hosts.get('a.example.com').ipv4, undefined);
      }));

    it('INWX: with IPv4 and IPv6 both travel in one request', () =>
      withServer({ missingIpv4: 'loopback' }, async (s, go) => {
        const out = await go({ preset: 'inwx', dualStack: 'myipv6', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1');
        assert.deepEqual(statuses(out), ['updated', 'updated']);
      }));

    it('INWX, separate requests: the IPv4 one is sent, the IPv6 one refused', () =>
      withServer({ missingIpv4: 'loopback' }, async (s, go) => {
        const out = await go({ preset: 'inwx', dualStack: 'separate', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } });
        assert.deepEqual(s.requests.map((r) => r.rawQuery), ['hostname=a.example.com&myip=192.0.2.1']);
        assert.deepEqual(out.results.map((r) => [r.type, r.status, r.code]), [['A', 'updated', undefined], ['AAAA', 'failed', 'ECONFIG']]);
      }));

    it('INWX, "IPv6-only account": the IPv6 update is sent alone', () =>
      withServer({ missingIpv4: 'none' }, async (s, go) => {
        const out = await go({ preset: 'inwx', dualStack: 'myipv6', ipv6Only: true, payload: '2001:db8::1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myipv6=2001:db8::1');
        assert.deepEqual(statuses(out), ['updated']);
      }));

    it('a preset id this version does not know brings no quirk and no error', () =>
      withServer({ missingIpv4: 'none' }, async (s, go) => {
        const out = await go({ preset: 'from-a-newer-version', dualStack: 'myipv6', payload: '2001:db8::1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myipv6=2001:db8::1');
        assert.deepEqual(statuses(out), ['updated']);
      }));

    // deSEC (https://desec.readthedocs.io/en/latest/dyndns/update-api.html): a family the request does not
    // name is set from the source address or deleted; qdm12/ddns-updater's desec provider sends "preserve"
    it('deSEC: an IPv6-only update says myipv4=preserve, and the A record stays as it was', () =>
      withServer({ familyParams: 'desec' }, async (s, go) => {
        s.hosts.get('a.example.com').ipv4 = '192.0.2.9';
        const out = await go({ preset: 'desec', dualStack: 'myipv6', payload: '2001:db8::1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myipv6=2001:db8::1&myipv4=preserve');
        assert.deepEqual(out.results.map((r) => [r.type, r.status, r.providerCode]), [['AAAA', 'updated', 'good']]);
        assert.equal(s.hosts.get('a.example.com').ipv4, '192.0.2.9');
        assert.equal(s.hosts.get('a.example.com').ipv6, '2001:db8::1');
      }));

    it('deSEC: an IPv4-only update says myipv6=preserve, and the AAAA record stays', () =>
      withServer({ familyParams: 'desec' }, async (s, go) => {
        s.hosts.get('a.example.com').ipv6 = '2001:db8::9';
        const out = await go({ preset: 'desec', dualStack: 'myipv6', payload: '192.0.2.1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=192.0.2.1&myipv6=preserve');
        assert.deepEqual(statuses(out), ['updated']);
        assert.equal(s.hosts.get('a.example.com').ipv6, '2001:db8::9', 'not deleted');
      }));

    it('deSEC: both families travel together, no preserve', () =>
      withServer({ familyParams: 'desec' }, async (s, go) => {
        const out = await go({ preset: 'desec', dualStack: 'myipv6', payload: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=192.0.2.1&myipv6=2001:db8::1');
        assert.deepEqual(statuses(out), ['updated', 'updated']);
      }));

    it('without the deSEC preset the same server loses the other record: what the quirk prevents', () =>
      withServer({ familyParams: 'desec' }, async (s, go) => {
        Object.assign(s.hosts.get('a.example.com'), { ipv4: '192.0.2.9', ipv6: '2001:db8::9' });
        await go({ dualStack: 'myipv6', payload: '192.0.2.1' });
        assert.equal(s.requests[0].rawQuery, 'hostname=a.example.com&myip=192.0.2.1');
        assert.equal(s.hosts.get('a.example.com').ipv6, undefined, 'deleted: the request came over IPv4');
      }));

    it('deSEC: nohost with HTTP 404 blocks the host', () =>
      withServer({ familyParams: 'desec' }, async (s, go) => {
        const out = await go({ preset: 'desec', dualStack: 'myipv6', hostnames: 'x.example.com' });
        assert.deepEqual(out.results.map((r) => [r.status, r.providerCode]), [['failed', 'nohost']]);
        assert.ok(hostOf(out.state, 'x.example.com').blockedCode, 'blocked');
      }));

    // No-IP: "User-Agent: NameOfUpdateProgram/VersionNumber maintainercontact@domain.com"
    it('the account\'s contact is appended to the User-Agent', () =>
      withServer({}, async (s, go) => {
        await go({ contact: ' admin@example.com ' });
        assert.equal(s.requests[0].userAgent, 'node-red-contrib-ddns - dyndns2-update - 0.1.0 admin@example.com');
      }));

    for (const contact of ['not an address', 'a@b.c\r\nX-Evil: 1', 'admin@example.com extra', 'x'.repeat(300) + '@example.com']) {
      it(`contact ${JSON.stringify(contact.slice(0, 30))}: ECONFIG, nothing sent`, () =>
        withServer({}, async (s, go) => {
          await assert.rejects(go({ contact }), (err) => err.code === 'ECONFIG');
          assert.equal(s.requests.length, 0);
        }));
    }
  });

  describe('refused before any request', () => {
    const payloads = [
      ['an address with CR/LF', '192.0.2.1\r\nHost: evil'],
      ['an object of the wrong shape', { address: '192.0.2.1' }],
      ['a nested object', { ipv4: { v: '192.0.2.1' } }],
      ['a huge string', '1'.repeat(1_000_000)],
      ['an array', ['192.0.2.1']],
      ['a number', 3232235777],
    ];
    for (const [why, payload] of payloads) {
      it(`payload: ${why} -> EBADINPUT, 0 requests`, async () => {
        await assert.rejects(run({ payload }), (err) => err.code === 'EBADINPUT');
        assert.equal(server.requests.length, 0);
      });
    }
    const settings = [
      ['a host name with a bad character', { hostnames: 'a.example.com&myip=6.6.6.6' }],
      ['a host name with CR/LF', { hostnames: 'a.example.com\r\nX: y' }],
      ['a host name over 253 characters', { hostnames: Array.from({ length: 60 }, () => 'abcd').join('.') }],
      ['a server URL with CR/LF inside', { server: 'http://127.0.0.1:1/nic/update\r\nX-Evil: 1' }],
      ['an unknown dual stack mode', { dualStack: 'both' }],
      ['retries below -1', { retries: -2 }],
      ['a bad wildcard', { options: { wildcard: 'yes please' } }],
      ['no password', { password: '' }],
    ];
    for (const [why, override] of settings) {
      it(`settings: ${why} -> ECONFIG, 0 requests`, async () => {
        await assert.rejects(run(override), (err) => err.code === 'ECONFIG');
        assert.equal(server.requests.length, 0);
      });
    }
  });

  describe('dry run and state handling', () => {
    it('dry run sends nothing and leaves the state as it was', async () => {
      const state = { version: 1, hosts: { 'a.example.com': { ipv4: '192.0.2.9', lastWriteAt: T0 } } };
      const out = await run({ dryRun: true, state, hostnames: 'a.example.com,b.example.com' });
      assert.equal(server.requests.length, 0);
      assert.deepEqual(statuses(out), ['skipped', 'skipped']);
      assert.match(out.results[0].message, /dry run/);
      // the state as it came (in the shape stored before the record ledger, read into it)
      assert.deepEqual(hostOf(out.state, 'a.example.com'), { ipv4: '192.0.2.9', lastWriteAt: T0 });
      assert.equal(hostOf(out.state, 'b.example.com'), undefined);
      assert.deepEqual(Object.keys(out.state.records), ['a.example.com/A']);
    });

    it('the hosts shape stored before the record ledger is read: addresses, keep-alive clock, a block, a pause and an answer\'s count kept', async () => {
      // as src/providers/dyndns2/host-state.ts stored it until the ledger
      const old = {
        version: 1,
        hosts: {
          'a.example.com': { ipv4: '192.0.2.9', lastWriteAt: T0 - DAY, blockedCode: 'nohost', blockedAt: 5 },
          'b.example.com': { waitUntil: T0 + 60_000, waitCode: '911', waitMs: 1_800_000, unknownAnswer: 'ab12cd34', unknownCount: 2 },
          'c.example.com': { ipv4: '192.0.2.1', ipv6: '2001:db8::1', lastWriteAt: T0 - DAY },
        },
      };
      const out = await run({ hostnames: 'a.example.com,b.example.com,c.example.com', state: old });
      assert.equal(server.requests.length, 0, 'blocked, paused, and already confirmed: nothing to send');
      assert.deepEqual(out.results.map((r) => [r.name, r.status, r.code]), [['a.example.com', 'skipped', 'EBLOCKED'], ['b.example.com', 'skipped', 'EWAIT'], ['c.example.com', 'unchanged', undefined]]);
      assert.deepEqual(hostOf(out.state, 'a.example.com'), { ipv4: '192.0.2.9', lastWriteAt: T0 - DAY, blockedCode: 'nohost', blockedAt: 5 });
      assert.deepEqual(hostOf(out.state, 'b.example.com'), { waitUntil: T0 + 60_000, waitMs: 1_800_000, waitCode: '911', unknownAnswer: 'ab12cd34', unknownCount: 2 });
      assert.deepEqual(hostOf(out.state, 'c.example.com'), { ipv4: '192.0.2.1', ipv6: '2001:db8::1', lastWriteAt: T0 - DAY });
    });

    it('the caller state object is never modified', async () => {
      const state = { version: 1, hosts: {} };
      const out = await run({ state });
      assert.deepEqual(state, { version: 1, hosts: {} });
      assert.notEqual(out.state, state);
    });

    it('a garbled stored state starts clean instead of failing', async () => {
      const out = await run({ state: { hosts: { 'a.example.com': { ipv4: 'nonsense', blockedCode: 42, waitUntil: 'soon' } } } });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(statuses(out), ['updated']);
    });

    it('the returned state survives a JSON round trip unchanged', async () => {
      server.inject({ body: 'good 192.0.2.1\nnohost\n911' });
      const out = await run({ hostnames: 'a.example.com,b.example.com,c.example.com' });
      assert.deepEqual(JSON.parse(JSON.stringify(out.state)), out.state);
    });
  });
});
