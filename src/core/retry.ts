/**
 * Backoff and retry policy shared by every provider, so "retry with backoff"
 * means the same thing everywhere: exponential growth, half jitter, a cap.
 * The one retry loop is Run.exchange (src/core/run.ts).
 */
import { abortReason } from './errors';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 10 * 60_000, factor: 2 };

/** Delay before retry number `attempt` (1 = first retry): half fixed, half random, never over the cap. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = policy.baseMs * Math.pow(policy.factor ?? 2, Math.max(0, attempt - 1));
  const ceiling = Math.min(policy.capMs, exp);
  // half-jitter keeps retries spread out while guaranteeing some minimum spacing
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(done, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    }
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
