/**
 * The behaviour both updater nodes share, so they look and fail alike: newest
 * input wins while a request is in flight, state loaded and saved through the
 * async context API, one output message per input with `msg.ddns.results`,
 * one status vocabulary, one error path ending in done(err).
 */
import type { Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DdnsError, toDdnsError } from '../../core/errors';
import { Coalescer } from '../../core/coalesce';
import { loadState, saveState, type StateStore } from '../../core/state';
import type { RecordResult } from '../../core/result';
import { StatusReporter } from './status';
import { flowError, redact } from './failure';

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

export interface UpdaterOptions<S> {
  node: Node;
  store: StateStore;
  stateKey: string;
  /** fingerprint of configuration + credentials; undefined when the node cannot run */
  stateTag: () => string;
  emptyState: () => S;
  /** why the node cannot run (no account, bad configuration), checked per input */
  unusable: () => DdnsError | undefined;
  update: (msg: NodeMessageInFlow, state: S, signal: AbortSignal, status: StatusReporter) => Promise<UpdateOutcome<S>>;
  /** every secret the node knows, scrubbed from anything that leaves it */
  secrets: () => Array<string | undefined>;
  dryRun: boolean;
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

  function scrub(results: RecordResult[]): RecordResult[] {
    const secrets = options.secrets();
    return results.map((r) => (r.message ? { ...r, message: redact(r.message, secrets) } : r));
  }

  async function run(job: Job): Promise<void> {
    const { msg, send, done } = job;
    const problem = options.unusable();
    if (problem) {
      status.failed(problem);
      (msg as Record<string, unknown>).ddns = { results: [], error: flowError(problem, options.secrets()) };
      send(msg);
      done(flowError(problem, options.secrets()));
      return;
    }
    const tag = options.stateTag();
    status.working('updating…');
    let results: RecordResult[] = [];
    try {
      const state = await loadState<S>(options.store, options.stateKey, tag, options.emptyState);
      const outcome = await options.update(msg, state, closing.signal, status);
      results = scrub(outcome.results);
      // saved before anything else so a crash after a write cannot lose what was written
      await saveState(options.store, options.stateKey, tag, outcome.state);
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (closing.signal.aborted) {
        done();
        return;
      }
      const report = flowError(err, options.secrets());
      status.failed(report.message === err.message ? err : `${err.code}: ${report.message}`);
      msg.payload = report.message;
      (msg as Record<string, unknown>).ddns = { results: [], error: { code: report.code, message: report.message } };
      send(msg);
      done(report);
      return;
    }
    msg.payload = summarize(results, options.dryRun);
    (msg as Record<string, unknown>).ddns = { results, dryRun: options.dryRun || undefined };
    statusFor(status, results, options.dryRun);
    send(msg);
    const firstFailure = results.find((r) => r.status === 'failed');
    if (firstFailure) {
      done(
        flowError(
          new DdnsError((firstFailure.code as DdnsError['code']) ?? 'EPROVIDER', `${firstFailure.name}: ${firstFailure.message ?? 'failed'}`, {
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

  const jobs = new Coalescer<Job>(run, (older) => {
    // a newer value arrived before this one was sent: it is answered, not queued
    (older.msg as Record<string, unknown>).ddns = { results: [], superseded: true };
    older.msg.payload = 'superseded by a newer input';
    older.send(older.msg);
    older.done();
  });

  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    jobs.push({ msg, send, done });
  });

  return {
    async close() {
      closing.abort(new DdnsError('EABORTED', 'node closed'));
      const pending = jobs.takePending();
      pending?.done();
      await jobs.whenIdle();
      status.clear();
    },
  };
}
