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
