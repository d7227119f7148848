/**
 * The behaviour both updater nodes share, so they look and fail alike: newest
 * input wins while a request is in flight, state loaded and saved through the
 * async context API, one output message per input with `msg.ddns.results`,
 * one status vocabulary, one error path ending in done(err). Every node also
 * keeps its place on the DDNS sidebar's record board (its rows at start and
 * after each run, the last changes of each record in node context) and lets
 * the sidebar clear a block in its stored state.
 */
import type { Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DdnsError, toDdnsError } from '../../core/errors';
import { Coalescer } from '../../core/coalesce';
import { loadState, saveState, type StateStore } from '../../core/state';
import type { RecordResult } from '../../core/result';
import { StatusReporter } from './status';
import { flowError, redact } from './failure';
import {
  addChanges,
  normaliseHistory,
  recordBoard,
  recordKey,
  MAX_RECORDS_PER_NODE,
  type BoardError,
  type HistoryBook,
  type LastResult,
  type NodeView,
  type StoredRecord,
} from './record-board';

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

interface Job {
  msg: NodeMessageInFlow;
  send: Send;
  done: Done;
}

export interface UpdateOutcome<S> {
  results: RecordResult[];
  state: S;
}

/** What a run may tell the sidebar while it is under way. */
export interface RunProgress {
  /** a request failed and is tried again after `delayMs` */
  backingOff(code: string, delayMs: number): void;
}

export interface UpdaterOptions<S> {
  node: Node;
  store: StateStore;
  stateKey: string;
  /** fingerprint of configuration + credentials; undefined when the node cannot run */
  stateTag: () => string;
  emptyState: () => S;
  /** why the node cannot run (no account, bad configuration), checked per input */
  unusable: () => DdnsError | undefined;
  update: (msg: NodeMessageInFlow, state: S, signal: AbortSignal, status: StatusReporter, progress: RunProgress) => Promise<UpdateOutcome<S>>;
  /** every secret the node knows, scrubbed from anything that leaves it */
  secrets: () => Array<string | undefined>;
  dryRun: boolean;
  /** what the stored state says about the node's records (the DDNS sidebar's rows between runs) */
  describe?: (state: S) => StoredRecord[];
  /** the stored state with one host's block cleared (the DDNS sidebar's button); absent = nothing to clear */
  unblock?: (state: S, name: string) => S;
}

export interface Updater {
  close(): Promise<void>;
}

function summarize(results: RecordResult[], dryRun: boolean): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [...counts.entries()].map(([status, n]) => `${n} ${status}`);
  return `${dryRun ? 'dry run: ' : ''}${parts.join(', ') || 'nothing to do'}`;
}

function statusFor(status: StatusReporter, results: RecordResult[], dryRun: boolean): void {
  const failed = results.filter((r) => r.status === 'failed');
  const skipped = results.filter((r) => r.status === 'skipped');
  const values = [...new Set(results.map((r) => r.value).filter(Boolean))].join(' ');
  if (failed.length > 0) {
    status.failed(`${failed[0].code ?? 'failed'}: ${failed[0].name}${failed.length > 1 ? ` (+${failed.length - 1})` : ''}`);
  } else if (skipped.some((r) => r.code === 'EBLOCKED' || r.code === 'EAUTH')) {
    // blocked until the user changes something: a failure to see, not a wait
    const blocked = skipped.find((r) => r.code === 'EBLOCKED' || r.code === 'EAUTH')!;
    status.failed(`${blocked.code}: ${blocked.providerCode ?? ''} ${blocked.name}`.replace(/\s+/g, ' '));
  } else if (skipped.length > 0 && skipped.length === results.length) {
    status.waiting(`${skipped[0].code ?? 'skipped'}: ${skipped[0].name}`);
  } else if (dryRun) {
    status.idle(`dry run: ${summarize(results, false)} ${values}`);
  } else {
    const changed = results.filter((r) => r.status === 'created' || r.status === 'updated').length;
    status.ok(changed > 0 ? `${values} · ${changed} changed` : `${values} · in sync`);
  }
}

export function attachUpdater<S>(options: UpdaterOptions<S>): Updater {
  const { node } = options;
  const status = new StatusReporter(node);
  const closing = new AbortController();
  const board = attachBoard(options, closing.signal);

  function scrub(results: RecordResult[]): RecordResult[] {
    const secrets = options.secrets();
    return results.map((r) => (r.message ? { ...r, message: redact(r.message, secrets) } : r));
  }

  function answerSuperseded(msg: NodeMessageInFlow, send: Send, done: Done, results: RecordResult[]): void {
    msg.payload = 'superseded by a newer input';
    (msg as Record<string, unknown>).ddns = { results, superseded: true };
    send(msg);
    done();
  }

  function failWhole(msg: NodeMessageInFlow, send: Send, done: Done, err: DdnsError, results: RecordResult[] = []): void {
    const report = flowError(err, options.secrets());
    board.failed(report);
    status.failed(report.message === err.message ? err : `${err.code}: ${report.message}`);
    msg.payload = report.message;
    (msg as Record<string, unknown>).ddns = { results, error: { code: report.code, message: report.message } };
    send(msg);
    done(report);
  }

  /** The run under way: aborted when newer input arrives while it only waits to retry. */
  let current: { abort: AbortController; retrying: boolean } | undefined;
  const retryAware: RunProgress = {
    backingOff(code, delayMs) {
      if (current) current.retrying = true;
      board.progress.backingOff(code, delayMs);
    },
  };

  async function run(job: Job): Promise<void> {
    const { msg, send, done } = job;
    const runAbort = new AbortController();
    current = { abort: runAbort, retrying: false };
    try {
      await runJob(msg, send, done, AbortSignal.any([closing.signal, runAbort.signal]), runAbort.signal);
    } finally {
      current = undefined;
    }
  }

  async function runJob(msg: NodeMessageInFlow, send: Send, done: Done, signal: AbortSignal, superseded: AbortSignal): Promise<void> {
    const problem = options.unusable();
    if (problem) {
      failWhole(msg, send, done, problem);
      return;
    }
    const tag = options.stateTag();
    status.working('updating…');
    let results: RecordResult[] = [];
    await board.runStarts();
    let outcome: UpdateOutcome<S>;
    try {
      const state = await loadState<S>(options.store, options.stateKey, tag, options.emptyState);
      outcome = await options.update(msg, state, signal, status, retryAware);
      results = scrub(outcome.results);
    } catch (thrown) {
      await board.runEnds();
      if (closing.signal.aborted) return done();
      if (superseded.aborted) return answerSuperseded(msg, send, done, []);
      failWhole(msg, send, done, toDdnsError(thrown));
      return;
    }
    try {
      // blocks the sidebar cleared while this run was under way
      const next = board.withUnblocks(outcome.state);
      // saved even when the node is closing: what was written must not be written again
      await saveState(options.store, options.stateKey, tag, next);
      await board.ran(next, results);
    } catch (thrown) {
      // the writes happened; only remembering them failed: report both, keep the results
      await board.runEnds();
      if (closing.signal.aborted) return done();
      const err = toDdnsError(thrown);
      failWhole(msg, send, done, new DdnsError('EPROVIDER', `the node's state could not be saved (context store): ${err.message}`), results);
      return;
    }
    await board.runEnds();
    // a redeploy aborted the run: the providers report that per record, but it is no failure to tell anyone about
    if (closing.signal.aborted) return done();
    // it was only waiting to retry an older value; the newer input runs next
    if (superseded.aborted) return answerSuperseded(msg, send, done, results);
    msg.payload = summarize(results, options.dryRun);
    (msg as Record<string, unknown>).ddns = { results, dryRun: options.dryRun || undefined };
    statusFor(status, results, options.dryRun);
    send(msg);
    const firstFailure = results.find((r) => r.status === 'failed');
    if (firstFailure) {
      const message = firstFailure.message ?? 'failed';
      done(
        flowError(
          new DdnsError(firstFailure.code ?? 'EPROVIDER', message.includes(firstFailure.name) ? message : `${firstFailure.name}: ${message}`, {
            providerCode: firstFailure.providerCode,
            requestId: firstFailure.requestId,
          }),
          options.secrets(),
        ),
      );
    } else {
      done();
    }
  }

  // a newer value arrived before this one was sent: it is answered, not queued
  const jobs = new Coalescer<Job>(run, (older) => answerSuperseded(older.msg, older.send, older.done, []));

  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    // newest value wins: a run that keeps retrying an older value gives way
    if (current?.retrying) current.abort.abort(new DdnsError('EABORTED', 'superseded by a newer input'));
    jobs.push({ msg, send, done });
  });

  return {
    async close() {
      board.leave();
      closing.abort(new DdnsError('EABORTED', 'node closed'));
      const pending = jobs.takePending();
      pending?.done();
      await jobs.whenIdle();
      status.clear();
    },
  };
}

// ------------------------------------------------------------------ record board

interface BoardLink<S> {
  progress: RunProgress;
  /** waits for a block being cleared right now; from here until runEnds() clears are applied by the run */
  runStarts(): Promise<void>;
  /** the state to save: the run's, with the blocks cleared meanwhile lifted */
  withUnblocks(state: S): S;
  /** after the state is saved: rows, history */
  ran(state: S, results: RecordResult[]): Promise<void>;
  failed(err: { code: string; message: string }): void;
  /** clears the run did not save (asked for too late, or the save failed) are written now */
  runEnds(): Promise<void>;
  leave(): void;
}

/**
 * The node's place on the DDNS sidebar's board. History of changes is kept in
 * node context beside the state (`<stateKey>History`), not tagged with the
 * configuration: a record's past values stay true when the node's settings change.
 */
function attachBoard<S>(options: UpdaterOptions<S>, closed: AbortSignal): BoardLink<S> {
  const { node } = options;
  const historyKey = `${options.stateKey}History`;
  const describe = (state: S): StoredRecord[] => (options.describe ? options.describe(state) : []);
  const lastResults = new Map<string, LastResult>();
  const view: NodeView & { history: HistoryBook } = { stored: [], lastResults, history: {} };
  const seat = recordBoard.join(
    { id: node.id, type: node.type, name: node.name, flowId: node.z, dryRun: options.dryRun },
    options.unblock ? (name) => unblock(name) : undefined,
  );
  const show = () => seat.report(view);

  let running = false;
  let clearing: Promise<unknown> | undefined;
  // asked for while a run was under way; moved to `applied` once lifted in the state that run saves
  const pendingUnblocks = new Set<string>();
  const applied = new Set<string>();
  let reported = false;

  const history: Promise<HistoryBook> = options.store.get<unknown>(historyKey).then(
    (raw) => normaliseHistory(raw),
    () => ({}),
  );

  function isBlocked(stored: readonly StoredRecord[], name: string): boolean {
    return stored.some((s) => s.name === name && Boolean(s.blockedCode));
  }

  function forget(name: string): void {
    // the results from before the block was cleared no longer tell this host's state
    for (const [key, last] of lastResults) if (last.result.name === name) lastResults.delete(key);
  }

  async function unblock(name: string): Promise<'unblocked' | 'not-blocked'> {
    if (running) {
      // the run holds a state loaded with the block; it lifts it before saving
      if (!isBlocked(view.stored, name) && !pendingUnblocks.has(name)) return 'not-blocked';
      pendingUnblocks.add(name);
      return 'unblocked';
    }
    const work = (async () => {
      const tag = options.stateTag();
      const state = await loadState<S>(options.store, options.stateKey, tag, options.emptyState);
      if (!isBlocked(describe(state), name)) return 'not-blocked' as const;
      const next = options.unblock!(state, name);
      await saveState(options.store, options.stateKey, tag, next);
      view.stored = describe(next);
      forget(name);
      node.log(`block of ${name} cleared from the DDNS sidebar`);
      show();
      return 'unblocked' as const;
    })();
    clearing = work;
    try {
      return await work;
    } finally {
      if (clearing === work) clearing = undefined;
    }
  }

  function withUnblocks(state: S): S {
    let next = state;
    if (!options.unblock) return next;
    for (const name of pendingUnblocks) {
      next = options.unblock(next, name);
      applied.add(name);
    }
    pendingUnblocks.clear();
    return next;
  }

  async function saveHistory(book: HistoryBook): Promise<void> {
    try {
      // a copy: the memory store keeps the object it is given
      await options.store.set(historyKey, JSON.parse(JSON.stringify(book)));
    } catch (err) {
      node.warn(`the history of record changes could not be saved: ${redact(toDdnsError(err).message, options.secrets())}`);
    }
  }

  // start: the rows the stored state describes, before any input
  const startProblem = options.unusable();
  if (startProblem) view.error = errorOf(flowError(startProblem, options.secrets()));
  show();
  void Promise.all([loadState<S>(options.store, options.stateKey, options.stateTag(), options.emptyState), history]).then(
    ([state, book]) => {
      view.history = book;
      if (closed.aborted || reported) return;
      view.stored = describe(state);
      show();
    },
    () => {
      // the first run reports what the context store says then
    },
  );

  return {
    progress: {
      backingOff(code, delayMs) {
        view.retrying = { until: Date.now() + delayMs, code };
        show();
      },
    },
    async runStarts() {
      while (clearing) await clearing.catch(() => undefined);
      running = true;
    },
    withUnblocks,
    async ran(state, results) {
      reported = true;
      const at = Date.now();
      view.stored = describe(state);
      const book = await history;
      view.history = book;
      if (!options.dryRun && addChanges(book, results, at)) await saveHistory(book);
      for (const result of results) {
        const key = recordKey(result.name, result.type);
        lastResults.delete(key);
        lastResults.set(key, { result, at, dryRun: options.dryRun });
      }
      while (lastResults.size > MAX_RECORDS_PER_NODE) lastResults.delete(lastResults.keys().next().value as string);
      for (const name of applied) forget(name);
      applied.clear();
      delete view.error;
      delete view.retrying;
      show();
    },
    failed(err) {
      reported = true;
      view.error = errorOf(err);
      delete view.retrying;
      show();
    },
    async runEnds() {
      running = false;
      // asked for after the run saved, or lifted in a state the run could not save: lift them in the stored state now
      const names = [...new Set([...applied, ...pendingUnblocks])];
      applied.clear();
      pendingUnblocks.clear();
      for (const name of names) await unblock(name).catch(() => undefined);
    },
    leave() {
      seat.leave();
    },
  };
}

function errorOf(err: { code: string; message: string }): BoardError {
  return { code: err.code, message: err.message };
}
