'use strict';
const assert = require('node:assert/strict');
const { backoffDelay } = require('../../dist/core/retry');
const { Run } = require('../../dist/core/run');

// the one retry loop: Run.exchange
function withRetries(task, { retries, policy, signal }) {
  const run = new Run({ signal: signal ?? new AbortController().signal, policy: { retries, backoff: policy, maxWaitMs: policy.capMs } });
  return run.exchange(() => task());
}
const { Coalescer, ConcurrencyLimit } = require('../../dist/core/coalesce');
const { DdnsError } = require('../../dist/core/errors');
const { fingerprint, loadState, saveState, MemoryStateStore } = require('../../dist/core/state');

describe('core/retry', () => {
  it('backoff grows exponentially, stays within half-jitter bounds and the cap', () => {
    const policy = { baseMs: 1000, capMs: 8000, factor: 2 };
    assert.equal(backoffDelay(1, policy, () => 0), 500);
    assert.equal(backoffDelay(1, policy, () => 1), 1000);
    assert.equal(backoffDelay(3, policy, () => 1), 4000);
    assert.equal(backoffDelay(10, policy, () => 1), 8000);
    assert.equal(backoffDelay(10, policy, () => 0), 4000);
  });
  it('retries retryable errors up to the limit, not others', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw new DdnsError('ETIMEDOUT', 't', { retryable: true });
      }, { retries: 3, policy: { baseMs: 1, capMs: 2 } }),
      { code: 'ETIMEDOUT' },
    );
    assert.equal(calls, 4);
    calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw new DdnsError('EAUTH', 'no');
      }, { retries: 3, policy: { baseMs: 1, capMs: 2 } }),
      { code: 'EAUTH' },
    );
    assert.equal(calls, 1);
  });
  it('unlimited retries stop when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetries(async () => {
      calls++;
      if (calls === 5) controller.abort();
      throw new DdnsError('ENETWORK', 'down', { retryable: true });
    }, { retries: -1, policy: { baseMs: 1, capMs: 1 }, signal: controller.signal });
    await assert.rejects(run, { code: 'EABORTED' });
    assert.equal(calls, 5);
  });
});

describe('core/coalesce', () => {
  it('runs one job at a time and keeps only the newest waiting input', async () => {
    const ran = [];
    const dropped = [];
    let release;
    const c = new Coalescer(async (item) => {
      ran.push(item);
      if (item === 1) await new Promise((r) => (release = r));
    }, (old) => dropped.push(old));
    c.push(1);
    c.push(2);
    c.push(3);
    c.push(4);
    release();
    await c.whenIdle();
    assert.deepEqual(ran, [1, 4]);
    assert.deepEqual(dropped, [2, 3]);
  });
  it('limits concurrency', async () => {
    const limit = new ConcurrencyLimit(2);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 6 }, () => limit.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
    })));
    assert.equal(peak, 2);
  });
});

describe('core/state', () => {
  it('state is reset when the configuration fingerprint changes', async () => {
    const store = new MemoryStateStore();
    const tagA = fingerprint('cfg', 'secret-a');
    await saveState(store, 'k', tagA, { recordId: '1' });
    assert.deepEqual(await loadState(store, 'k', tagA, () => ({})), { recordId: '1' });
    assert.deepEqual(await loadState(store, 'k', fingerprint('cfg', 'secret-b'), () => ({})), {});
    assert.ok(!tagA.includes('secret'));
  });
});

// issue 22 and DESIGN.md's security rules: "A server's pause (Retry-After, DynDNS2 w<N>) never
// undercuts the node's own backoff and never exceeds 7 days"
describe("core/run: a server's pause", () => {
  const { Run, MAX_SERVER_PAUSE_MS, describeDuration, serverPauseMs } = require('../../dist/core/run');
  const { parseRetryAfter } = require('../../dist/core/http');
  const pastDate = parseRetryAfter(new Date(Date.now() - 3_600_000).toUTCString(), Date.now());
  const busy = (retryAfterMs) => new DdnsError('EHTTPSTATUS', 'server answered HTTP 503', { retryable: true, statusCode: 503, retryAfterMs });

  for (const [what, asked] of [['Retry-After: 0', 0], ['a Retry-After date an hour ago', pastDate], ['a shorter pause than the backoff', 1]]) {
    it(`${what}: the retry waits the node's backoff, not less`, async () => {
      const delays = [];
      const run = new Run({
        signal: new AbortController().signal,
        policy: { retries: 3, backoff: { baseMs: 40, capMs: 1000 }, maxWaitMs: 1000 },
        progress: { retrying: ({ delayMs }) => delays.push(delayMs), resumed() {} },
      });
      let calls = 0;
      await run.exchange(async () => {
        if (++calls <= 3) throw busy(asked);
        return 'ok';
      });
      // half-jitter backoff: retry n waits at least base * 2^(n-1) / 2
      assert.deepEqual(delays.map((d, i) => d >= (40 * 2 ** i) / 2), [true, true, true], `waited ${delays.join(', ')} ms`);
    });
  }

  it('a longer pause than the backoff is the one waited for', async () => {
    const delays = [];
    const run = new Run({ signal: new AbortController().signal, policy: { retries: 1, backoff: { baseMs: 1, capMs: 2 }, maxWaitMs: 1000 }, progress: { retrying: ({ delayMs }) => delays.push(delayMs), resumed() {} } });
    let calls = 0;
    await run.exchange(async () => {
      if (++calls === 1) throw busy(30);
      return 'ok';
    });
    assert.deepEqual(delays, [30]);
  });

  it('a pause of 317 years is held to 7 days, and the message says both', async () => {
    const run = new Run({ signal: new AbortController().signal, policy: { retries: 3, backoff: { baseMs: 1, capMs: 2 }, maxWaitMs: 1000 } });
    const err = await run.exchange(async () => { throw busy(9_999_999_999_000); }).then(() => undefined, (e) => e);
    assert.equal(err.code, 'EWAIT');
    assert.equal(err.retryAfterMs, MAX_SERVER_PAUSE_MS);
    assert.equal(MAX_SERVER_PAUSE_MS, 7 * 24 * 3_600_000);
    assert.match(err.message, /the server asked for a pause of 317 years; pausing 7 d, the longest this node waits$/);
  });

  it('a pause within the week is kept as asked, without the cap in its message', async () => {
    const run = new Run({ signal: new AbortController().signal, policy: { retries: 3, backoff: { baseMs: 1, capMs: 2 }, maxWaitMs: 1000 } });
    const err = await run.exchange(async () => { throw busy(3_600_000); }).then(() => undefined, (e) => e);
    assert.equal(err.retryAfterMs, 3_600_000);
    assert.doesNotMatch(err.message, /longest/);
  });

  it('serverPauseMs: never negative, never over a week, even for garbage', () => {
    assert.deepEqual([-5, 0, 1000, MAX_SERVER_PAUSE_MS + 1, Infinity, NaN].map(serverPauseMs), [0, 0, 1000, MAX_SERVER_PAUSE_MS, MAX_SERVER_PAUSE_MS, 0]);
    assert.equal(describeDuration(7 * 86_400_000), '7 d');
    assert.equal(describeDuration(9_999_999_999_000), '317 years');
  });
});
