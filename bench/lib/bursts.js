'use strict';
// Per-check CPU as `npm run bench` measures it: bursts of 100 triggers spaced
// like a busy flow's (one every 30 ms), each burst's CPU read from /proc before
// the first trigger and 0.5 s after the last; a burst of the work under test is
// paired with an adjacent burst of bare triggers, and the pair's difference per
// trigger is the work's cost. The median of 5 pairs is reported. Bare and work
// alternate which goes first, so a drift of the machine's load cancels.
const { cpu, median, sleep } = require('./proc');

const BURST = 100;
const SPACING_MS = 30;
const SETTLE_MS = 500;
const PAIRS = Number(process.env.BENCH_PAIRS) || 5;

/**
 * One burst: `trigger(i)` is awaited and the next starts on a fixed schedule.
 * `observe()` reads counters of the run (requests seen by a server, comms
 * messages) before and after, so a burst reports them along with CPU.
 */
async function burst(pid, trigger, observe = () => ({})) {
  const before = { cpu: cpu(pid), seen: observe() };
  const start = performance.now();
  for (let i = 0; i < BURST; i++) {
    await trigger(i);
    await sleep(Math.max(0, start + (i + 1) * SPACING_MS - performance.now()));
  }
  await sleep(SETTLE_MS);
  const after = { cpu: cpu(pid), seen: observe() };
  const seen = {};
  for (const key of Object.keys(after.seen)) seen[key] = after.seen[key] - (before.seen[key] ?? 0);
  return { statNs: after.cpu.stat - before.cpu.stat, schedNs: after.cpu.sched - before.cpu.sched, seen };
}

/** ms per trigger of `work` beyond `bare`: the median over PAIRS pairs, both clocks, and what each pair saw. */
async function pairedCost(pid, bare, work, observe) {
  const pairs = [];
  for (let p = 0; p < PAIRS; p++) {
    let b;
    let w;
    if (p % 2 === 0) {
      b = await burst(pid, bare, observe);
      w = await burst(pid, work, observe);
    } else {
      w = await burst(pid, work, observe);
      b = await burst(pid, bare, observe);
    }
    pairs.push({ bare: b, work: w });
  }
  const perTrigger = (pick) => median(pairs.map((x) => (pick(x.work) - pick(x.bare)) / BURST / 1e6));
  return {
    ms: perTrigger((x) => x.statNs),
    msSched: perTrigger((x) => x.schedNs),
    bareMs: median(pairs.map((x) => x.bare.schedNs / BURST / 1e6)),
    pairs,
  };
}

module.exports = { burst, pairedCost, BURST, SPACING_MS, PAIRS };
