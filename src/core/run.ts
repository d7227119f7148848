/**
 * One update run of any provider: its cancellation, its clock, and the one way
 * to talk to a server inside it. Every exchange a provider makes goes through
 * `Run.exchange()`, so retries, backoff, `Retry-After`, the account's request
 * slot, progress reports and "newest input wins" behave the same for every
 * provider, and no provider writes a retry loop of its own.
 *
 * The account's slot is held only while a request is on the wire: a run that
 * waits between attempts lets the other nodes of the account go first, and a
 * server asking for a pause longer than the policy allows ends the run with
 * EWAIT (carrying the pause) instead of holding anything for that long.
 *
 * A server's pause never undercuts the node's own backoff (a `Retry-After: 0`
 * or a date in the past would otherwise retry as fast as the server answers)
 * and never exceeds MAX_SERVER_PAUSE_MS (a garbled header must not park a node
 * for centuries).
 */
import { DdnsError, abortReason, toDdnsError } from './errors';
import { backoffDelay, sleep, DEFAULT_BACKOFF, type BackoffPolicy } from './retry';

export interface RetryPolicy {
  /** retries after the first attempt; -1 = unlimited */
  retries: number;
  backoff: BackoffPolicy;
  /**
   * A server that asks (Retry-After) for a longer pause than this is not waited
   * for inside the run: the exchange fails with EWAIT and `retryAfterMs`, and the
   * provider remembers when to try again.
   */
  maxWaitMs: number;
}

/**
 * The longest pause a server can impose (Retry-After, DynDNS2 `w<N>`): a week.
 * Anything longer is a server garbling something, and a node that waits for it
 * looks dead to its user.
 */
export const MAX_SERVER_PAUSE_MS = 7 * 24 * 3_600_000;

/** A pause a server asked for, as this node keeps it: never negative, never over MAX_SERVER_PAUSE_MS. */
export function serverPauseMs(askedMs: number): number {
  if (!Number.isFinite(askedMs)) return askedMs > 0 ? MAX_SERVER_PAUSE_MS : 0;
  return Math.min(Math.max(0, askedMs), MAX_SERVER_PAUSE_MS);
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, backoff: DEFAULT_BACKOFF, maxWaitMs: DEFAULT_BACKOFF.capMs };

/** What a run tells its node while it is under way. */
export interface RunProgress {
  /** a request is about to go out (a run that needs none says nothing) */
  sending?(): void;
  /** an exchange failed and is tried again at `until` */
  retrying(info: { error: DdnsError; attempt: number; delayMs: number; until: number }): void;
  /** the wait is over: the next attempt is on its way */
  resumed(): void;
  /** the provider accepted a change and waits for it to be applied (Route 53 until INSYNC) */
  pending?(): void;
}

/** Limits concurrent requests per account (a ConcurrencyLimit). */
export interface RequestSlot {
  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface RunOptions {
  /** aborted when the node closes or a newer input displaces a run that only waits */
  signal: AbortSignal;
  policy?: RetryPolicy;
  slot?: RequestSlot;
  progress?: RunProgress;
  now?: () => number;
  /** the provider's own view of which failures are worth another attempt; default `err.retryable` */
  isRetryable?: (err: DdnsError) => boolean;
}

export interface ExchangeOptions {
  /** overrides the provider's judgement for this exchange */
  isRetryable?: (err: DdnsError) => boolean;
}

export class Run {
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** attempts made by this run, retries included */
  attempts = 0;
  private readonly policy: RetryPolicy;
  private readonly slot?: RequestSlot;
  private readonly progress?: RunProgress;
  private readonly isRetryable: (err: DdnsError) => boolean;

  constructor(options: RunOptions) {
    this.signal = options.signal;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    if (options.slot) this.slot = options.slot;
    if (options.progress) this.progress = options.progress;
    this.now = options.now ?? (() => Date.now());
    this.isRetryable = options.isRetryable ?? ((err) => err.retryable);
  }

  /** The provider waits for an accepted change to be applied: the node says "pending". */
  pending(): void {
    this.progress?.pending?.();
  }

  /**
   * One exchange with a server (a request and the reading of its answer): run
   * under the account's slot, tried again while the failure is retryable and the
   * policy allows, with backoff or the pause the server asked for in between.
   */
  async exchange<T>(task: (signal: AbortSignal) => Promise<T>, options: ExchangeOptions = {}): Promise<T> {
    const isRetryable = options.isRetryable ?? this.isRetryable;
    for (let attempt = 0; ; attempt++) {
      if (this.signal.aborted) throw abortReason(this.signal);
      try {
        this.attempts++;
        this.progress?.sending?.();
        return await (this.slot ? this.slot.run(() => task(this.signal), this.signal) : task(this.signal));
      } catch (thrown) {
        if (this.signal.aborted) throw abortReason(this.signal);
        const err = toDdnsError(thrown);
        if (err.code === 'EABORTED' || !isRetryable(err)) throw err;
        const asked = err.retryAfterMs;
        if (asked !== undefined && asked > this.policy.maxWaitMs) throw pauseAsked(err, asked);
        if (this.policy.retries >= 0 && attempt >= this.policy.retries) throw err;
        // the longer of the two: a server saying "0" or a past date gets the node's own pace
        const delayMs = Math.max(asked ?? 0, backoffDelay(attempt + 1, this.policy.backoff));
        this.progress?.retrying({ error: err, attempt: attempt + 1, delayMs, until: this.now() + delayMs });
        await sleep(delayMs, this.signal);
        this.progress?.resumed();
      }
    }
  }
}

function pauseAsked(err: DdnsError, asked: number): DdnsError {
  const ms = serverPauseMs(asked);
  const capped = ms < asked ? `; pausing ${describeDuration(ms)}, the longest this node waits` : '';
  return new DdnsError('EWAIT', `${err.message}; the server asked for a pause of ${describeDuration(asked)}${capped}`, {
    retryable: true,
    retryAfterMs: ms,
    ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}),
    ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
    ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
  });
}

/** `90 s`, `25 min`, `3 h`, `12 d`, `317 years`: for messages, not for parsing. */
export function describeDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`;
  if (s < 2 * 365 * 86400) return `${Math.round(s / 86400)} d`;
  return `${Math.round(s / (365.25 * 86400))} years`;
}

/**
 * A stored time that lies further ahead than the wait it belongs to can only
 * come from a clock that was wrong when it was stored (a board that booted in
 * 2037, an NTP step): cut back to `now + length` so a corrected clock does not
 * keep a host waiting for a year. Returns the time to use and whether it was cut.
 */
export function boundedFuture(at: number, length: number, now: number): { at: number; cut: boolean } {
  if (at - now > length) return { at: now + length, cut: true };
  return { at, cut: false };
}

/** A stored past time that lies in the future (clock was ahead): `now` is the latest it can honestly be. */
export function boundedPast(at: number, now: number): { at: number; cut: boolean } {
  if (at > now) return { at: now, cut: true };
  return { at, cut: false };
}
