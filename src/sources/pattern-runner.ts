/**
 * Where a user's pattern runs: in a worker thread, one job at a time, and the
 * thread is terminated when a job outlives its lookup's deadline. A regular
 * expression cannot be interrupted on the thread it runs on, and no check of
 * its shape proves it linear (pattern-safety.ts says why), so this is what
 * keeps a pattern from ever stalling Node-RED's event loop: the loop only
 * waits for a message, and the lookup's timeout bounds the matching too.
 *
 * The built-in scanner and group -2 (the entire text) need no regex run and
 * stay on the calling thread: they are linear.
 *
 * One worker serves the whole process, started on first use (about 20 ms),
 * unref'd so it never keeps the process alive, and ended after a minute idle.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DdnsError, abortReason } from '../core/errors';
import { candidatesFrom, WHOLE_STRING, type AddressPattern, type TextKind } from './address-pattern';
import type { PatternReply, PatternRequest } from './pattern-worker';

const IDLE_MS = 60_000;

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

class PatternThread {
  private worker?: Worker;
  private running?: Job;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;

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

  /** Settles a job early: dropped from the queue, or its thread terminated if it is running. */
  private end(job: Job, err: DdnsError): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (this.running === job) {
      this.running = undefined;
      const worker = this.worker;
      this.worker = undefined;
      void worker?.terminate();
    } else return;
    this.settle(job);
    job.reject(err);
    this.pump();
  }

  private settle(job: Job): void {
    clearTimeout(job.timer);
    if (job.onAbort) job.limits.signal.removeEventListener('abort', job.onAbort);
  }

  private pump(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) {
      this.idleTimer ??= setTimeout(() => this.stop(), IDLE_MS).unref();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.running = job;
    this.thread().postMessage(job.request);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, 'pattern-worker.js'));
    worker.unref();
    worker.on('message', (reply: PatternReply) => {
      const job = this.running;
      if (worker !== this.worker || !job || job.request.id !== reply.id) return;
      this.running = undefined;
      this.settle(job);
      if ('error' in reply) job.reject(new DdnsError('ECONFIG', `pattern failed: ${reply.error}`));
      else job.resolve(reply.candidates);
      this.pump();
    });
    const lost = (why: string) => {
      if (worker !== this.worker) return; // terminated on purpose
      this.worker = undefined;
      const job = this.running;
      this.running = undefined;
      if (job) {
        this.settle(job);
        job.reject(new DdnsError('EBADRESPONSE', `matching the pattern failed: ${why}`, { retryable: true }));
      }
      this.pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`the pattern thread exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    this.idleTimer = undefined;
    if (this.running || this.queue.length > 0) return;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

const thread = new PatternThread();

/**
 * The candidates `pattern` picks from an origin's answer, within the lookup's
 * deadline: ETIMEDOUT when matching outlives it, the signal's reason when the
 * lookup is cancelled. What needs no thread is answered at once, not through a
 * promise: `await` takes either.
 */
export function matchCandidates(texts: string[], kind: TextKind, pattern: AddressPattern, limits: MatchLimits): string[] | Promise<string[]> {
  if (!pattern.regex || pattern.group === WHOLE_STRING) return candidatesFrom(texts, kind, pattern);
  return thread.run(texts, kind, pattern as AddressPattern & { regex: RegExp }, limits);
}
