/**
 * Where a user's pattern runs: in worker threads, and a thread is terminated
 * when its job outlives the lookup's deadline. A regular expression cannot be
 * interrupted on the thread it runs on, and no check of its shape proves it
 * linear (pattern-safety.ts says why), so this is what keeps a pattern from
 * ever stalling Node-RED's event loop: the loop only waits for a message, and
 * the lookup's timeout bounds the matching too.
 *
 * A small pool, not one thread: with one, a hostile 64 KB answer against an
 * ordinary-looking pattern (`.*"ip":\s*"([^"]+)"`, quadratic) held the thread
 * for 5 to 8 s, and another node's harmless pattern queued behind it until
 * its own lookup timed out (issue 22.6). Here a job that would wait gets a
 * thread of its own, up to MAX_THREADS; only when that many matches run at
 * once does a job queue, and its own deadline still ends it there. A thread
 * whose job is overdue is terminated and a fresh one takes the next job.
 *
 * The built-in scanner and group -2 (the entire text) need no regex run and
 * stay on the calling thread: they are linear.
 *
 * Threads start on demand (about 20 ms each), are unref'd so they never keep
 * the process alive, and end after IDLE_MS without work: an idle Node-RED
 * holds none.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DdnsError, abortReason } from '../core/errors';
import { candidatesFrom, WHOLE_STRING, type AddressPattern, type TextKind } from './address-pattern';
import type { PatternReply, PatternRequest } from './pattern-worker';

/** four nodes' slow patterns can run at once; each thread is a V8 isolate, so the pool stays small */
const MAX_THREADS = 4;
const IDLE_MS = 30_000;

export interface MatchLimits {
  /** cancels the match (node closed, newer input) */
  signal: AbortSignal;
  /** when the lookup's time is up (ms since the epoch) */
  endsAt: number;
  /** the lookup's timeout, for the message */
  timeoutMs: number;
}

interface Job {
  request: PatternRequest;
  limits: MatchLimits;
  resolve: (candidates: string[]) => void;
  reject: (err: DdnsError) => void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

function bytesOf(texts: string[]): number {
  return texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
}

interface Thread {
  worker: Worker;
  job?: Job;
  idleTimer?: NodeJS.Timeout;
}

class PatternPool {
  private readonly threads = new Set<Thread>();
  private readonly queue: Job[] = [];
  private nextId = 1;

  run(texts: string[], kind: TextKind, pattern: AddressPattern & { regex: RegExp }, limits: MatchLimits): Promise<string[]> {
    if (limits.signal.aborted) return Promise.reject(abortReason(limits.signal));
    return new Promise<string[]>((resolve, reject) => {
      const request: PatternRequest = { id: this.nextId++, texts, kind, source: pattern.regex.source, flags: pattern.regex.flags, group: pattern.group };
      const job: Job = { request, limits, resolve, reject };
      const overdue = () =>
        new DdnsError(
          'ETIMEDOUT',
          `matching the pattern against an answer of ${bytesOf(texts)} bytes did not finish within the ${limits.timeoutMs / 1000} s timeout`,
          { retryable: true },
        );
      job.timer = setTimeout(() => this.end(job, overdue()), Math.max(0, limits.endsAt - Date.now()));
      job.onAbort = () => this.end(job, abortReason(limits.signal));
      limits.signal.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Threads running a match and threads waiting for one: for tests and the bench. */
  counts(): { busy: number; idle: number; queued: number } {
    let busy = 0;
    for (const thread of this.threads) if (thread.job) busy++;
    return { busy, idle: this.threads.size - busy, queued: this.queue.length };
  }

  /** Settles a job early: dropped from the queue, or its thread terminated if it is running. */
  private end(job: Job, err: DdnsError): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else {
      const thread = this.threadOf(job);
      if (!thread) return;
      this.retire(thread);
    }
    this.settle(job);
    job.reject(err);
    this.pump();
  }

  private threadOf(job: Job): Thread | undefined {
    for (const thread of this.threads) if (thread.job === job) return thread;
    return undefined;
  }

  private settle(job: Job): void {
    clearTimeout(job.timer);
    if (job.onAbort) job.limits.signal.removeEventListener('abort', job.onAbort);
  }

  /** Hands queued jobs to idle threads, starting threads while the pool has room. */
  private pump(): void {
    while (this.queue.length > 0) {
      const thread = this.idleThread() ?? (this.threads.size < MAX_THREADS ? this.spawn() : undefined);
      if (!thread) return;
      const job = this.queue.shift()!;
      clearTimeout(thread.idleTimer);
      thread.idleTimer = undefined;
      thread.job = job;
      thread.worker.postMessage(job.request);
    }
  }

  private idleThread(): Thread | undefined {
    for (const thread of this.threads) if (!thread.job) return thread;
    return undefined;
  }

  private spawn(): Thread {
    const worker = new Worker(path.join(__dirname, 'pattern-worker.js'));
    worker.unref();
    const thread: Thread = { worker };
    worker.on('message', (reply: PatternReply) => {
      const job = thread.job;
      if (!this.threads.has(thread) || !job || job.request.id !== reply.id) return;
      thread.job = undefined;
      this.settle(job);
      if ('error' in reply) job.reject(new DdnsError('ECONFIG', `pattern failed: ${reply.error}`));
      else job.resolve(reply.candidates);
      this.idle(thread);
      this.pump();
    });
    const lost = (why: string) => {
      if (!this.threads.delete(thread)) return; // terminated on purpose
      const job = thread.job;
      thread.job = undefined;
      clearTimeout(thread.idleTimer);
      if (job) {
        this.settle(job);
        job.reject(new DdnsError('EBADRESPONSE', `matching the pattern failed: ${why}`, { retryable: true }));
      }
      this.pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`the pattern thread exited (${code})`));
    this.threads.add(thread);
    return thread;
  }

  /** A thread without work ends after IDLE_MS unless a job comes first. */
  private idle(thread: Thread): void {
    thread.idleTimer = setTimeout(() => {
      if (!thread.job) this.retire(thread);
    }, IDLE_MS).unref();
  }

  private retire(thread: Thread): void {
    this.threads.delete(thread);
    clearTimeout(thread.idleTimer);
    thread.job = undefined;
    void thread.worker.terminate();
  }
}

const pool = new PatternPool();

/** How many pattern threads run a match, wait idle, and how many jobs wait for one. */
export function patternThreads(): { busy: number; idle: number; queued: number } {
  return pool.counts();
}

/**
 * The candidates `pattern` picks from an origin's answer, within the lookup's
 * deadline: ETIMEDOUT when matching outlives it, the signal's reason when the
 * lookup is cancelled. What needs no thread is answered at once, not through a
 * promise: `await` takes either.
 */
export function matchCandidates(texts: string[], kind: TextKind, pattern: AddressPattern, limits: MatchLimits): string[] | Promise<string[]> {
  if (!pattern.regex || pattern.group === WHOLE_STRING) return candidatesFrom(texts, kind, pattern);
  return pool.run(texts, kind, pattern as AddressPattern & { regex: RegExp }, limits);
}
