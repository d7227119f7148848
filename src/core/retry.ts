/**
 * Backoff and retry policy shared by every provider, so "retry with backoff"
 * means the same thing everywhere: exponential growth, full jitter, a cap.
 */
import { DdnsError, abortReason, toDdnsError } from './errors';

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

export interface RetryOptions {
  /** retries after the first attempt; -1 = unlimited */
  retries: number;
  policy?: BackoffPolicy;
  signal?: AbortSignal;
  isRetryable?: (err: DdnsError) => boolean;
  /** told before each wait, e.g. to show "retrying in 8 s" */
  onRetry?: (err: DdnsError, attempt: number, delayMs: number) => void;
  /** a delay the server asked for (Retry-After) overrides the computed one */
  delayFor?: (err: DdnsError, attempt: number) => number | undefined;
}

export async function withRetries<T>(task: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const isRetryable = options.isRetryable ?? ((err: DdnsError) => err.retryable);
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (err.code === 'EABORTED') throw err;
      const unlimited = options.retries < 0;
      if (!isRetryable(err) || (!unlimited && attempt >= options.retries)) throw err;
      const delay = options.delayFor?.(err, attempt + 1) ?? backoffDelay(attempt + 1, options.policy);
      options.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, options.signal);
    }
  }
}
