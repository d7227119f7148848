'use strict';
// The RFC 2136 provider against a real BIND 9 that this test starts on
// loopback (test/servers/bind9.js): every record is read back over DNS with
// Node's own resolver, and a recording relay in front of named counts the
// messages the provider sent. Skips, saying why, where named is not installed.
const assert = require('node:assert/strict');
const bind9 = require('../servers/bind9');
const { createRfc2136Provider } = require('../../dist/providers/rfc2136');
const { Run } = require('../../dist/core/run');

const SECRET = 'Yml0cy1vZi1hLXRlc3Qta2V5LWZvci1yZmMyMTM2LXRlc3Q=';
const SECRET_512 = Buffer.from('a sha512 test key for the rfc2136 tests, 64 bytes long......!!!!').toString('base64');
const OTHER_SECRET = Buffer.from('other key, granted nothing here').toString('base64');
const TINY_BACKOFF = { baseMs: 1, capMs: 5 };
const DAY = 24 * 60 * 60 * 1000;


/** the block a name's records hold in the stored ledger (src/core/ledger.ts), whichever type holds it */
function blockOf(state, name) {
  const entry = Object.values(state.records).find((e) => e.name === name && e.block);
  return entry ? entry.block.code : undefined;
}

describe('rfc2136 provider against BIND 9', function () {
  if (bind9.skipWithoutBind(this)) return;
  this.timeout(30000);
  let named;
  let relay;

  before(async () => {
    named = await bind9.start({
      ipv6: true,
      keys: [
        { name: 'ddns-key', algorithm: 'hmac-sha256', secret: SECRET },
        { name: 'ddns-512.example.test', algorithm: 'hmac-sha512', secret: SECRET_512 },
        { name: 'other-key', algorithm: 'hmac-sha256', secret: OTHER_SECRET },
      ],
      zones: [
        {
          name: 'example.test',
          records: ['home IN A 192.0.2.1', 'home IN AAAA 2001:db8::1', 'round IN A 192.0.2.10', 'round IN A 192.0.2.11', 'alias IN CNAME home'],
          grant: ['ddns-key', 'ddns-512.example.test'],
        },
        { name: 'second.test', grant: ['ddns-key'] },
        { name: 'refused.test', records: ['home IN A 192.0.2.1'], grant: ['other-key'] },
      ],
    });
    relay = await named.tap();
  });
  after(async () => {
    await named?.stop();
  });

  function provider(settings = {}) {
    return createRfc2136Provider({
      settings: { server: relay.server, keyName: 'ddns-key', secret: SECRET, backoff: TINY_BACKOFF, timeoutMs: 3000, ...settings },
    });
  }

  async function sync(p, value, state, names) {
    const run = new Run({ signal: new AbortController().signal, policy: p.retry });
    const outcome = await p.sync({ value, ...(names ? { names } : {}) }, state ?? p.emptyState(), run);
    return { ...outcome, run };
  }

  const brief = (results) => results.map((r) => [r.name, r.type, r.status, r.value, r.previous, r.code, r.providerCode]);

  /** messages the relay saw while fn ran */
  async function counting(fn) {
    const before = relay.messages.length;
    const value = await fn();
    const seen = relay.messages.slice(before);
    return { value, seen, updates: seen.filter((m) => m.opcode === 5).length, queries: seen.filter((m) => m.opcode === 0).length };
  }

  it('update: replaces the RRset of an existing name; the new address is served', async () => {
    const p = provider({ hostnames: 'home.example.test', zone: 'example.test' });
    const { value: out, updates, queries } = await counting(() => sync(p, '198.51.100.1'));
    assert.deepEqual(brief(out.results), [['home.example.test', 'A', 'updated', '198.51.100.1', '192.0.2.1', undefined, 'NOERROR']]);
    assert.equal(queries, 1, 'one look at what the server held');
    assert.equal(updates, 1);
    assert.deepEqual(await named.records('home.example.test', 'A'), ['198.51.100.1']);
    assert.deepEqual(await named.records('home.example.test', 'AAAA'), ['2001:db8::1'], 'the other type is left alone');
    assert.equal(await named.ttl('home.example.test'), 300, 'TTL 300 by default');
  });

  it('unchanged: no message at all for the same value; after a day one query and no update', async () => {
    const p = provider({ hostnames: 'keep.example.test', zone: 'example.test' });
    const first = await sync(p, '198.51.100.2');
    assert.equal(first.results[0].status, 'created');
    const again = await counting(() => sync(p, '198.51.100.2', first.state));
    assert.equal(again.seen.length, 0, 'nothing sent for a value remembered and seen today');
    assert.equal(again.value.results[0].status, 'unchanged');
    // a day passes (the stored time moves back: TSIG needs the real clock)
    const aged = structuredClone(again.value.state);
    aged.records['keep.example.test/A'].verifiedAt -= DAY + 60_000;
    const daily = await counting(() => sync(p, '198.51.100.2', aged));
    assert.deepEqual([daily.queries, daily.updates], [1, 0], 'a day later: checked with one query, not rewritten');
    assert.equal(daily.value.results[0].status, 'unchanged');
    assert.ok(daily.value.state.records['keep.example.test/A'].verifiedAt > aged.records['keep.example.test/A'].verifiedAt + DAY);
    const changed = await counting(() => sync(p, '198.51.100.3', daily.value.state));
    assert.deepEqual([changed.queries, changed.updates], [0, 1], 'a new value is written straight away');
    assert.deepEqual(brief(changed.value.results), [['keep.example.test', 'A', 'updated', '198.51.100.3', '198.51.100.2', undefined, 'NOERROR']]);
    assert.deepEqual(await named.records('keep.example.test'), ['198.51.100.3']);
  });

  it('unchanged on first sight: the server already holds the value and TTL, nothing is written', async () => {
    const p = provider({ hostnames: 'ns.example.test', zone: 'example.test' });
    const { value: out, updates } = await counting(() => sync(p, '127.0.0.1'));
    assert.equal(updates, 0);
    assert.equal(out.results[0].status, 'unchanged');
    assert.ok(out.state.records['ns.example.test/A'].verifiedAt > 0);
  });

  it('dual stack: A and AAAA of two names in one UPDATE; a round-robin RRset becomes one record', async () => {
    const p = provider({ hostnames: 'dual.example.test, round.example.test', zone: 'example.test', keyName: 'ddns-512.example.test', algorithm: 'hmac-sha512', secret: SECRET_512 });
    const { value: out, updates } = await counting(() => sync(p, { ipv4: '203.0.113.7', ipv6: '2001:db8:7::7' }));
    assert.equal(updates, 1, 'one message per zone');
    assert.deepEqual(brief(out.results), [
      ['dual.example.test', 'A', 'created', '203.0.113.7', undefined, undefined, 'NOERROR'],
      ['dual.example.test', 'AAAA', 'created', '2001:db8:7::7', undefined, undefined, 'NOERROR'],
      ['round.example.test', 'A', 'updated', '203.0.113.7', '192.0.2.10 192.0.2.11', undefined, 'NOERROR'],
      ['round.example.test', 'AAAA', 'created', '2001:db8:7::7', undefined, undefined, 'NOERROR'],
    ]);
    assert.deepEqual(await named.records('dual.example.test', 'A'), ['203.0.113.7']);
    assert.deepEqual(await named.records('dual.example.test', 'AAAA'), ['2001:db8:7::7']);
    assert.deepEqual(await named.records('round.example.test', 'A'), ['203.0.113.7']);
  });

  it('a name that does not exist yet is created', async () => {
    const p = provider({ hostnames: 'brand-new.example.test', zone: 'example.test', ttl: 120 });
    const out = await sync(p, '2001:db8:99::1');
    assert.deepEqual(brief(out.results), [['brand-new.example.test', 'AAAA', 'created', '2001:db8:99::1', undefined, undefined, 'NOERROR']]);
    assert.deepEqual(await named.records('brand-new.example.test', 'AAAA'), ['2001:db8:99::1']);
    assert.equal(await named.ttl('brand-new.example.test', 'AAAA'), 120);
  });

  it('zone discovery: each name\'s zone from its SOA, one UPDATE per zone, remembered', async () => {
    const p = provider({ hostnames: 'a.example.test, b.second.test, c.example.test' });
    const { value: out, updates } = await counting(() => sync(p, '192.0.2.77'));
    assert.deepEqual(out.results.map((r) => r.status), ['created', 'created', 'created']);
    assert.equal(updates, 2);
    assert.deepEqual(['a.example.test', 'b.second.test', 'c.example.test'].map((n) => out.state.memo[`zone:${n}`]), ['example.test', 'second.test', 'example.test']);
    for (const name of ['a.example.test', 'b.second.test', 'c.example.test']) assert.deepEqual(await named.records(name), ['192.0.2.77']);
    // the next change asks nothing: values and zones are remembered
    const next = await counting(() => sync(p, '192.0.2.78', out.state));
    assert.deepEqual([next.queries, next.updates], [0, 2]);
  });

  it('a zone apex is its own zone', async () => {
    const p = provider({ hostnames: 'second.test' });
    const out = await sync(p, '192.0.2.80');
    assert.equal(out.results[0].status, 'created');
    assert.equal(out.state.memo['zone:second.test'], 'second.test');
    assert.deepEqual(await named.records('second.test'), ['192.0.2.80']);
  });

  it('wrong key name: BADKEY blocks every name of the run; later inputs send nothing', async () => {
    const p = provider({ hostnames: 'home.example.test, x.second.test', keyName: 'no-such-key' });
    const first = await counting(() => sync(p, '198.51.100.50'));
    assert.deepEqual(brief(first.value.results), [
      ['home.example.test', 'A', 'failed', '198.51.100.50', undefined, 'EAUTH', 'BADKEY'],
      ['x.second.test', 'A', 'failed', '198.51.100.50', undefined, 'EAUTH', 'BADKEY'],
    ]);
    assert.equal(first.seen.length, 1, 'the first refusal ends the run: no message for the second name');
    assert.match(first.value.results[0].message, /does not know the key "no-such-key"/);
    assert.equal(blockOf(first.value.state, 'x.second.test'), 'BADKEY');
    const later = await counting(() => sync(p, '198.51.100.51', first.value.state));
    assert.equal(later.seen.length, 0);
    assert.deepEqual(later.value.results.map((r) => [r.status, r.code, r.providerCode]), [['skipped', 'EBLOCKED', 'BADKEY'], ['skipped', 'EBLOCKED', 'BADKEY']]);
    assert.deepEqual(await named.records('x.second.test'), []);
  });

  it('a refused key blocks only the names it refused, not one settled from memory before', async () => {
    const p = provider({ hostnames: 'settled.example.test, other.example.test', zone: 'example.test', keyName: 'no-such-key' });
    const remembered = { version: 1, names: { 'settled.example.test': { A: { value: '198.51.100.55', ttl: 300, verifiedAt: Date.now() } } } };
    const out = await sync(p, '198.51.100.55', remembered);
    assert.deepEqual(out.results.map((r) => [r.name, r.status, r.providerCode]), [['settled.example.test', 'unchanged', undefined], ['other.example.test', 'failed', 'BADKEY']]);
    assert.equal(blockOf(out.state, 'settled.example.test'), undefined);
    assert.equal(blockOf(out.state, 'other.example.test'), 'BADKEY');
  });

  it('wrong secret: BADSIG blocks; the sidebar can lift the block', async () => {
    const p = provider({ hostnames: 'home.example.test', zone: 'example.test', secret: OTHER_SECRET });
    const out = await sync(p, '198.51.100.52');
    assert.deepEqual(out.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EAUTH', 'BADSIG']]);
    const rows = p.describe(out.state, Date.now());
    // kept on the record it was refused for; it holds the name's other type as well
    assert.deepEqual(rows.filter((r) => r.blockedCode).map((r) => [r.name, r.type, r.blockedCode]), [['home.example.test', 'A', 'BADSIG']]);
    const v6 = await sync(p, '2001:db8::52', out.state);
    assert.deepEqual(v6.results.map((r) => [r.type, r.status, r.code]), [['AAAA', 'skipped', 'EBLOCKED']]);
    const lifted = p.unblock(out.state, 'home.example.test');
    assert.equal(blockOf(lifted, 'home.example.test'), undefined);
  });

  it('refused by policy: REFUSED blocks the zone\'s names, naming the zone and the update policy; other zones go on', async () => {
    const p = provider({ hostnames: 'home.refused.test, ok.second.test' });
    const out = await sync(p, '198.51.100.60');
    assert.deepEqual(brief(out.results), [
      ['home.refused.test', 'A', 'failed', '198.51.100.60', '192.0.2.1', 'EFORBIDDEN', 'REFUSED'],
      ['ok.second.test', 'A', 'created', '198.51.100.60', undefined, undefined, 'NOERROR'],
    ]);
    assert.match(out.results[0].message, /refused the update of zone refused\.test: .*update policy/);
    assert.equal(blockOf(out.state, 'home.refused.test'), 'REFUSED');
    assert.deepEqual(await named.records('home.refused.test'), ['192.0.2.1']);
  });

  it('a zone the server does not serve: NOTAUTH blocks', async () => {
    const p = provider({ hostnames: 'a.elsewhere.test', zone: 'elsewhere.test' });
    const out = await sync(p, '198.51.100.61');
    assert.deepEqual(out.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EAUTH', 'NOTAUTH']]);
    assert.equal(blockOf(out.state, 'a.elsewhere.test'), 'NOTAUTH');
  });

  it('no zone found for a name: ECONFIG, nothing blocked', async () => {
    const p = provider({ hostnames: 'a.elsewhere.test' });
    const out = await sync(p, '198.51.100.62');
    assert.deepEqual(out.results.map((r) => [r.status, r.code]), [['failed', 'ECONFIG']]);
    assert.match(out.results[0].message, /set the zone/);
    assert.equal(blockOf(out.state, 'a.elsewhere.test'), undefined);
  });

  it('a CNAME at the name: ECONFLICT, nothing written', async () => {
    const p = provider({ hostnames: 'alias.example.test', zone: 'example.test' });
    const { value: out, updates } = await counting(() => sync(p, '198.51.100.63'));
    assert.deepEqual(out.results.map((r) => [r.status, r.code]), [['failed', 'ECONFLICT']]);
    assert.equal(updates, 0);
  });

  it('clock off by an hour: BADTIME is a clock problem, retried with backoff, never a block', async () => {
    const p = provider({ hostnames: 'clock.example.test', zone: 'example.test', retries: 1, clockRetryMs: 2, now: () => Date.now() - 3600_000 });
    const pauses = [];
    const run = new Run({ signal: new AbortController().signal, policy: p.retry, progress: { retrying: (info) => pauses.push(info.delayMs), resumed: () => undefined } });
    const { value: out, seen } = await counting(() => p.sync({ value: '198.51.100.64' }, p.emptyState(), run));
    assert.equal(seen.length, 2, 'tried twice (retries 1)');
    assert.deepEqual(pauses, [2], 'the clock pause, not the backoff');
    assert.deepEqual(out.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EAUTH', 'BADTIME']]);
    assert.match(out.results[0].message, /clocks .* differ by 3600 s \(this machine is behind\).*NTP/);
    assert.equal(blockOf(out.state, 'clock.example.test'), undefined);
  });

  it('many names: a message over 512 bytes goes over TCP, in one UPDATE', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `bulk-${i}.example.test`);
    const p = provider({ hostnames: names.join(','), zone: 'example.test' });
    const { value: out, seen } = await counting(() => sync(p, '192.0.2.123'));
    assert.ok(out.results.every((r) => r.status === 'created'));
    const update = seen.filter((m) => m.opcode === 5);
    assert.deepEqual(update.map((m) => m.transport), ['tcp']);
    assert.ok(update[0].length > 512);
    assert.deepEqual(await named.records('bulk-29.example.test'), ['192.0.2.123']);
  });

  it('over IPv6 to [::1]:port, and over TCP when asked', async () => {
    const p6 = provider({ server: `[::1]:${named.port}`, hostnames: 'v6.example.test', zone: 'example.test' });
    const out = await sync(p6, '192.0.2.66');
    assert.equal(out.results[0].status, 'created');
    const tcp = provider({ hostnames: 'v6.example.test', zone: 'example.test', tcp: true });
    const { value, seen } = await counting(() => sync(tcp, '192.0.2.67'));
    assert.equal(value.results[0].status, 'updated');
    assert.ok(seen.every((m) => m.transport === 'tcp'));
    assert.deepEqual(await named.records('v6.example.test'), ['192.0.2.67']);
  });

  it('dry run: asks, writes nothing, keeps no state', async () => {
    const p = provider({ hostnames: 'home.example.test, dry-new.example.test', zone: 'example.test', dryRun: true });
    const { value: out, updates } = await counting(() => sync(p, '198.51.100.70'));
    assert.equal(updates, 0);
    assert.deepEqual(out.results.map((r) => [r.name, r.status]), [['home.example.test', 'skipped'], ['dry-new.example.test', 'skipped']]);
    assert.match(out.results[1].message, /dry run: would create 198\.51\.100\.70/);
    assert.deepEqual(out.state.records, {});
    assert.deepEqual(await named.records('dry-new.example.test'), []);
  });

  it('host names from the message, checked against the zone before anything is sent', async () => {
    const p = provider({ zone: 'example.test' });
    const { value: out } = await counting(() => sync(p, '192.0.2.90', undefined, { hostnames: 'msg-name.example.test' }));
    assert.equal(out.results[0].status, 'created');
    const before = relay.messages.length;
    await assert.rejects(sync(p, '192.0.2.90', undefined, { hostnames: 'x.other.test' }), (err) => err.code === 'ECONFIG');
    await assert.rejects(sync(p, 'not an address', undefined, { hostnames: 'msg-name.example.test' }), (err) => err.code === 'EBADINPUT');
    assert.equal(relay.messages.length, before);
  });
});
