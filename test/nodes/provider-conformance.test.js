'use strict';
// One conformance suite over every provider (issue 21, point 7): the same checks,
// through a real Node-RED (node-red-node-test-helper), against each provider's
// fake server on loopback. What a provider is, and how its server is driven, is
// in its kit (test/conformance/kits/, interface in test/conformance/README.md);
// the rules checked are DESIGN.md's "All nodes" and "New providers: one shape for
// all". A check a provider truly cannot meet is skipped with the kit's reason in
// its title.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, statusWhere, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const kits = require('../conformance/kits');

const V4 = '8.8.8.8';
const V4_NEXT = '8.8.4.4';
const V6 = '2001:4860:4860::8888';
const V6_NEXT = '2001:4860:4860::8844';
/**
 * Results as comparable rows, in a fixed order (providers order records by name or by type); `created` and
 * `updated` are both `written` (a DynDNS2 server cannot tell them apart).
 */
const rows = (results) =>
  results
    .map((r) => [r.name, r.type, r.status === 'created' || r.status === 'updated' ? 'written' : r.status])
    .sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));

for (const kit of kits) {
  describe(`provider conformance: ${kit.updaterType}`, function () {
    this.timeout(20000);
    // a provider built on a descriptor has one generated node file for both types (dist/nodes/<kind>.js)
    const nodes = kit.nodeFile ? [nodeFile(kit.nodeFile)] : [nodeFile(kit.accountType), nodeFile(kit.updaterType)];
    const HOME = `home.${kit.zone}`;
    const WWW = `www.${kit.zone}`;
    let fake;

    before(async () => {
      fake = await kit.start();
    });
    after(() => fake?.close());
    beforeEach(() => fake.reset());
    afterEach(() => helper.unload());

    /** A check that needs a capability: run, or skipped with the kit's reason in its title. */
    function needs(capabilities, title, fn) {
      const lacking = [].concat(capabilities).map((c) => kit.capabilities[c]).find((has) => has !== true);
      if (lacking === undefined) it(title, fn);
      else it.skip(`${title} (skipped: ${typeof lacking === 'string' ? lacking : 'capability not declared by the kit'})`);
    }

    function flow({ names = [HOME], recordType = 'auto', dryRun = false, updater = {} } = {}) {
      return [
        { id: 'acct', type: kit.accountType, ...fake.account() },
        { id: 'upd', type: kit.updaterType, [kit.accountProperty]: 'acct', wires: [['out']], ...fake.updater({ names, recordType, dryRun }), ...updater },
        { id: 'out', type: 'helper' },
        { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ];
    }
    const load = (options = {}, credentials = fake.credentials) => helper.load(nodes, flow(options), { acct: credentials });

    /** Sends a payload; resolves with the output message (every input gets one) and, for a failure, the Catch's. */
    async function feed(payload, { fails = false } = {}) {
      const out = nextMessage(helper.getNode('out'), 15000);
      const caught = fails ? nextMessage(helper.getNode('caught'), 15000) : undefined;
      helper.getNode('upd').receive({ payload });
      return { msg: await out, caught: await caught };
    }

    async function board() {
      return (await helper.request().get('/ddns/records').expect(200)).body;
    }

    function contextGet(node, key) {
      return new Promise((resolve, reject) => node.context().get(key, (err, value) => (err ? reject(err) : resolve(value))));
    }
    function contextSet(node, key, value) {
      return new Promise((resolve, reject) => node.context().set(key, value, (err) => (err ? reject(err) : resolve())));
    }
    async function contextContents(node) {
      const keys = await new Promise((resolve, reject) => node.context().keys((err, list) => (err ? reject(err) : resolve(list))));
      return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await contextGet(node, key)])));
    }

    /** As Node-RED with a configured context store: a node's context survives a redeploy (record-board.test.js). */
    async function loadWithContextStore(options, credentials = fake.credentials) {
      await helper.load(nodes, flow(options), { acct: credentials });
      helper._settings.contextStorage = { default: { module: 'memory' } };
      try {
        await helper._context.load();
      } finally {
        delete helper._settings.contextStorage;
      }
    }

    // ------------------------------------------------------------ settings

    for (const { why, updater } of kit.invalid) {
      it(`invalid settings are red at deploy, before any input: ${why}`, async () => {
        await load({ updater });
        const status = watchStatus(helper.getNode('upd'), { fromStart: true });
        await waitFor(() => status.current(), 'a status from deploy on');
        assert.equal(status.current().fill, 'red');
        assert.match(status.current().text, /^invalid settings: /);
        assert.equal(fake.requests(), 0);
      });
    }

    // ------------------------------------------------------------ unchanged

    it('an unchanged value makes no request and no new status', async () => {
      await load();
      const first = await feed(V4);
      assert.deepEqual(rows(first.msg.ddns.results), [[HOME, 'A', 'written']]);
      assert.deepEqual(fake.value(HOME, 'A'), [V4]);
      const sent = fake.requests();
      const status = watchStatus(helper.getNode('upd'));
      const again = await feed(V4);
      assert.deepEqual(rows(again.msg.ddns.results), [[HOME, 'A', 'unchanged']]);
      assert.equal(fake.requests(), sent, 'no request for a value the server has');
      assert.equal(status.count, 0, 'the green status stands');
    });

    // ------------------------------------------------------------ the jobs rule

    // The jobs rule (issue 21.2): the record type picks the families from the payload, never refuses a payload that
    // has what it needs. Expected to pass once the jobs rule lands in core (issue 21.2): today aliyun-ddns and
    // cloudflare-ddns refuse {ipv4, ipv6} with type A or AAAA (EBADINPUT) where rfc2136-update writes the one family.
    needs(['recordType'], 'jobs rule: {ipv4, ipv6} with type A writes the A record from ipv4 only', async () => {
      await load({ recordType: 'A' });
      const { msg } = await feed({ ipv4: V4, ipv6: V6 });
      assert.deepEqual(rows(msg.ddns.results), [[HOME, 'A', 'written']], JSON.stringify(msg.ddns));
      assert.deepEqual(fake.value(HOME, 'A'), [V4]);
      assert.deepEqual(fake.value(HOME, 'AAAA'), []);
    });

    // expected to pass once the jobs rule lands in core (issue 21.2), for aliyun-ddns and cloudflare-ddns
    needs(['recordType', 'ipv6'], 'jobs rule: {ipv4, ipv6} with type AAAA writes the AAAA record from ipv6 only', async () => {
      await load({ recordType: 'AAAA' });
      const { msg } = await feed({ ipv4: V4, ipv6: V6 });
      assert.deepEqual(rows(msg.ddns.results), [[HOME, 'AAAA', 'written']], JSON.stringify(msg.ddns));
      assert.deepEqual(fake.value(HOME, 'AAAA'), [V6]);
      assert.deepEqual(fake.value(HOME, 'A'), []);
    });

    needs(['ipv6', 'dualStack'], 'jobs rule: {ipv4, ipv6} with type auto writes both records', async () => {
      await load({ recordType: 'auto' });
      const { msg } = await feed({ ipv4: V4, ipv6: V6 });
      assert.deepEqual(rows(msg.ddns.results), [[HOME, 'A', 'written'], [HOME, 'AAAA', 'written']], JSON.stringify(msg.ddns));
      assert.deepEqual(fake.value(HOME, 'A'), [V4]);
      assert.deepEqual(fake.value(HOME, 'AAAA'), [V6]);
    });

    needs(['recordType', 'ipv6'], 'jobs rule: a family the record type needs but the payload lacks is EBADINPUT, said in words, with no request', async () => {
      for (const [recordType, payload, family] of [['A', { ipv6: V6 }, /IPv4|ipv4/], ['AAAA', { ipv4: V4 }, /IPv6|ipv6/]]) {
        await load({ recordType });
        const status = watchStatus(helper.getNode('upd'));
        const { msg, caught } = await feed(payload, { fails: true });
        assert.equal(caught.error.code, 'EBADINPUT', `type ${recordType}`);
        assert.match(caught.error.message, family, 'the message names the missing family');
        assert.equal(msg.ddns.error.code, 'EBADINPUT');
        assert.equal(status.current().fill, 'red');
        assert.ok(!/EBADINPUT/.test(status.current().text), `the status says it in words: ${status.current().text}`);
        assert.equal(fake.requests(), 0);
        await helper.unload();
      }
    });

    // ------------------------------------------------------------ refused credentials

    needs('block', 'refused credentials block: red, and the next input makes no request', async () => {
      await load({}, fake.refusedCredentials);
      const upd = helper.getNode('upd');
      const red = statusWhere(upd, (s) => s.fill === 'red', 15000);
      const first = await feed(V4, { fails: true });
      assert.equal(first.msg.ddns.results[0].status, 'failed');
      assert.match(first.caught.error.code, /^E(AUTH|FORBIDDEN)$/);
      await red;
      const sent = fake.requests();
      assert.ok(sent > 0, 'the first input was sent');
      const second = await feed(V4_NEXT);
      assert.deepEqual(second.msg.ddns.results.map((r) => [r.status, r.code]), [['skipped', 'EBLOCKED']]);
      assert.equal(fake.requests(), sent, 'blocked: no request');
      assert.deepEqual(fake.value(HOME, 'A'), []);
    });

    // ------------------------------------------------------------ Retry-After

    needs('retryAfter', 'Retry-After: 1 is waited for, yellow in between, then the record is written', async () => {
      fake.throttle(1, 1);
      await load();
      const yellow = statusWhere(helper.getNode('upd'), (s) => s.fill === 'yellow', 15000);
      const { msg } = await feed(V4);
      await yellow;
      assert.deepEqual(rows(msg.ddns.results), [[HOME, 'A', 'written']]);
      assert.deepEqual(fake.value(HOME, 'A'), [V4]);
    });

    needs('retryAfter', 'a long Retry-After pauses the record: yellow, and the next input makes no request', async () => {
      fake.throttle(3600, 1);
      await load();
      const yellow = statusWhere(helper.getNode('upd'), (s) => s.fill === 'yellow', 15000);
      const first = await feed(V4, { fails: true });
      assert.deepEqual(first.msg.ddns.results.map((r) => [r.status, r.code]), [['failed', 'EWAIT']]);
      assert.equal(first.caught.error.code, 'EWAIT');
      await yellow;
      const sent = fake.requests();
      const second = await feed(V4_NEXT);
      assert.deepEqual(second.msg.ddns.results.map((r) => [r.status, r.code]), [['skipped', 'EWAIT']]);
      assert.equal(fake.requests(), sent, 'paused: no request');
      const row = (await board()).records.find((r) => r.nodeId === 'upd' && r.name === HOME);
      assert.ok(row.until > Date.now() + 50 * 60_000, 'the sidebar shows the pause');
    });

    // ------------------------------------------------------------ secrets

    it('no secret in any message, status, log line, sidebar row or context value', async () => {
      const seen = [];
      const watch = () => {
        const upd = helper.getNode('upd');
        for (const event of ['status', 'error', 'warn', 'log', 'debug', 'trace']) {
          upd.on(`call:${event}`, (call) => seen.push(JSON.stringify(call.args), String(call.args[0]?.stack ?? '')));
        }
        helper.getNode('out').on('input', (m) => seen.push(JSON.stringify(m)));
        helper.getNode('caught').on('input', (m) => seen.push(JSON.stringify(m), String(m.error?.stack ?? '')));
      };
      const collect = async () => {
        seen.push(JSON.stringify(await board()));
        seen.push(JSON.stringify(await contextContents(helper.getNode('upd'))));
        seen.push(...helper.log().args.map((a) => JSON.stringify(a)));
      };
      await load({ names: [HOME, WWW] });
      watch();
      const dual = kit.capabilities.dualStack === true && kit.capabilities.ipv6 === true;
      for (const [payload, fails] of [[V4], [V4], [dual ? { ipv4: V4_NEXT, ipv6: V6 } : V4_NEXT], ['not an address', true]]) await feed(payload, { fails });
      await collect();
      await helper.unload();
      // refused credentials: the server's refusal travels through errors, the status and the sidebar
      await load({}, fake.refusedCredentials);
      watch();
      await feed(V4, { fails: true });
      await collect();
      const everything = seen.join('\n');
      assert.ok(seen.length > 20, 'enough was seen to mean something');
      for (const secret of fake.secrets) assert.ok(!everything.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`);
    });

    // ------------------------------------------------------------ state garbage

    it('state garbage under the provider state key is survived: the next value is still written', async () => {
      await loadWithContextStore();
      await feed(V4);
      const envelope = await contextGet(helper.getNode('upd'), kit.kind);
      assert.ok(envelope && typeof envelope.fingerprint === 'string' && envelope.data !== undefined, `state kept under "${kit.kind}"`);
      const garbage = garbageFor(envelope.data);
      for (const [i, data] of garbage.entries()) {
        const value = `8.8.${i + 10}.1`;
        await contextSet(helper.getNode('upd'), kit.kind, { fingerprint: envelope.fingerprint, data });
        // a layout-only change redeploys the node with its context (and so its fingerprint) kept
        await helper.setFlows(flow({ updater: { name: `garbage-${i}` } }), 'full', { acct: fake.credentials });
        await waitFor(() => helper.getNode('upd')?.name === `garbage-${i}`, 'the redeployed node');
        assert.deepEqual(await contextGet(helper.getNode('upd'), kit.kind), { fingerprint: envelope.fingerprint, data }, 'the new node started on the garbage');
        const { msg } = await feed(value);
        const what = `garbage #${i} ${JSON.stringify(data).slice(0, 120)}: ${JSON.stringify(msg.ddns)}`;
        assert.ok(!msg.ddns.error, what);
        assert.ok(msg.ddns.results.length === 1 && ['created', 'updated'].includes(msg.ddns.results[0].status), what);
        assert.deepEqual(fake.value(HOME, 'A'), [value], what);
        assert.equal(helper.getNode('upd').status.lastCall.args[0].fill, 'green', what);
        assert.equal({}.polluted, undefined, 'no prototype was polluted');
      }
    });

    // ------------------------------------------------------------ the sidebar

    it('the sidebar rows list the configured names with type and value after a write', async () => {
      await load({ names: [HOME, WWW], recordType: kit.capabilities.recordType === true ? 'A' : 'auto' });
      await feed(V4);
      const mine = (await board()).records.filter((r) => r.nodeId === 'upd');
      assert.deepEqual(
        mine.map((r) => [r.name, r.type, r.value, r.state]).sort(),
        [
          [HOME, 'A', V4, 'in-sync'],
          [WWW, 'A', V4, 'in-sync'],
        ],
      );
    });

    // ------------------------------------------------------------ dry run

    it('a dry run writes nothing: results skipped, status not yellow', async () => {
      await load({ names: [HOME, WWW], dryRun: true });
      const status = watchStatus(helper.getNode('upd'), { fromStart: true });
      const { msg } = await feed(V4);
      assert.equal(msg.ddns.dryRun, true);
      assert.deepEqual(msg.ddns.results.map((r) => r.status), ['skipped', 'skipped']);
      assert.equal(fake.writes(), 0, 'no write');
      // a kit that reads in a dry run says why (dryRunReads); otherwise nothing at all goes out
      if (typeof kit.capabilities.dryRunReads !== 'string') assert.equal(fake.requests(), 0, 'no request at all');
      assert.deepEqual([fake.value(HOME, 'A'), fake.value(WWW, 'A')], [[], []]);
      await waitFor(() => status.current(), 'a status');
      assert.ok(status.seen.every((s) => s.fill !== 'yellow'), `no yellow: ${JSON.stringify(status.seen)}`);
      assert.notEqual(status.current().fill, 'red');
    });
  });
}

/**
 * Garbage a context store could hand back under the provider's key, with the
 * right fingerprint: not an object, the wrong kind of object, the real state
 * with every leaf of the wrong type, and keys that would pollute a prototype
 * if merged naively.
 */
function garbageFor(real) {
  const confused = (v, depth = 0) => {
    if (depth > 8) return 'too deep';
    if (typeof v === 'string') return 12345;
    if (typeof v === 'number') return 'not a number';
    if (typeof v === 'boolean') return 'yes';
    if (v === null || v === undefined) return { unexpected: [] };
    if (Array.isArray(v)) return { length: 'many', 0: v.map((x) => confused(x, depth + 1)) };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, confused(x, depth + 1)]));
  };
  /** the real state with every object swapped for an array of its values and every array for a string */
  const reshaped = (v, depth = 0) => {
    if (depth > 8 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return 'was a list';
    return Object.values(v).map((x) => reshaped(x, depth + 1));
  };
  return [
    'garbage',
    42,
    null,
    [],
    [1, 'two', { three: 3 }],
    { names: 'x', records: 7, hosts: [], zones: null, version: 99 },
    confused(real),
    reshaped(real),
    JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}'),
  ];
}
