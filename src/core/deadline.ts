/**
 * One deadline for one piece of work: a single timer, cleared the moment the
 * work ends. `AbortSignal.timeout()` cannot be cleared, so each one left a
 * timer armed for its whole length after a quick answer (a check every 30 s
 * woke the process twice more, 10 s later), and `AbortSignal.any()` over it
 * kept listeners alive as long. Here the abort reason says which it was:
 * ETIMEDOUT when the time ran out, the parent's reason when it was cancelled.
 */
import { DdnsError } from './errors';

export interface Deadline {
  /** aborted when the time runs out or the parent signal aborts */
  readonly signal: AbortSignal;
  /** the time ran out (rather than the parent being aborted) */
  expired(): boolean;
  /** ends the deadline: call it when the work is done, in a finally */
  clear(): void;
}

export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onParent = () => controller.abort(parent!.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DdnsError('ETIMEDOUT', `no answer within ${ms / 1000} s`, { retryable: true }));
  }, ms);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    expired: () => timedOut,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
