/**
 * One updater's runs, whatever its provider, with nothing of Node-RED: the
 * node glue (src/nodes/shared/updater-node.ts) hands it inputs one at a time
 * and shows what it reports. It owns:
 * - the run's cancellation: the node closing, or a newer input displacing a
 *   run that only waits to retry (newest input wins);
 * - the stored state: loaded once, saved when it changed, saved even when the
 *   node is closing (what was written must not be written again);
 * - blocks and pauses cleared from the sidebar, also while a run holds the
 *   state (lifted in what that run saves);
 * - the value the node was last asked to write ("wanted"), kept apart from the
 *   provider's state so that a new login keeps it: after a deploy or restart
 *   it is written again where it is not in sync, and Update now writes it.
 */
import { DdnsError, toDdnsError } from '../core/errors';
import type { StoredRecord } from '../core/records';
import type { RecordResult } from '../core/result';
import { Run, type RequestSlot, type RunProgress } from '../core/run';
import type { StateCache } from '../core/state-cache';
import type { StateStore } from '../core/state';
import type { Provider, SyncInput } from './contract';

export type RunEnd =
  | { kind: 'done'; results: RecordResult[]; records: StoredRecord[]; lifted: string[]; notes: string[] }
  /** nothing was written, or the writes happened but could not be remembered (`results`) */
  | { kind: 'failed'; error: DdnsError; results: RecordResult[] }
  | { kind: 'superseded'; results: RecordResult[] }
  | { kind: 'closed' };

export interface RunnerHooks {
  sending(): void;
  retrying(error: DdnsError, until: number): void;
  resumed(): void;
  pending(): void;
}

/** What the node was last asked to write: the input's value and the names it came with. */
export interface Wanted {
  value: string | { ipv4?: string; ipv6?: string };
  names: Record<string, string>;
  at: number;
}

const MAX_WANTED_TEXT = 4096;

/** A stored wanted value as far as it is one; undefined otherwise. */
export function normaliseWanted(raw: unknown): Wanted | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  let value: Wanted['value'] | undefined;
  if (typeof r.value === 'string' && r.value.length > 0 && r.value.length <= MAX_WANTED_TEXT) value = r.value;
  else if (r.value && typeof r.value === 'object' && !Array.isArray(r.value)) {
    const pair = r.value as Record<string, unknown>;
    const out: { ipv4?: string; ipv6?: string } = {};
    if (typeof pair.ipv4 === 'string' && pair.ipv4.length <= 64) out.ipv4 = pair.ipv4;
    if (typeof pair.ipv6 === 'string' && pair.ipv6.length <= 64) out.ipv6 = pair.ipv6;
    if (out.ipv4 !== undefined || out.ipv6 !== undefined) value = out;
  }
  if (value === undefined) return undefined;
  const names: Record<string, string> = {};
  if (r.names && typeof r.names === 'object' && !Array.isArray(r.names)) {
    for (const [key, text] of Object.entries(r.names as Record<string, unknown>).slice(0, 8)) {
      if (/^\w{1,32}$/.test(key) && typeof text === 'string' && text.length <= MAX_WANTED_TEXT) names[key] = text;
    }
  }
  const at = typeof r.at === 'number' && Number.isFinite(r.at) && r.at >= 0 ? r.at : 0;
  return { value, names, at };
}

/** The input's value as a wanted value, when it is one a provider could have taken. */
export function wantedOf(value: unknown, names: Record<string, string>, at: number): Wanted | undefined {
  return normaliseWanted({ value, names, at });
}

export class UpdaterRunner<State> {
  private readonly closing = new AbortController();
  /** the run under way: displaced by newer input while it only waits to retry */
  private current?: { abort: AbortController; waiting: boolean };
  /** blocks cleared from the sidebar while a run was under way: lifted in the state it saves */
  private readonly pendingUnblocks = new Set<string>();
  private wantedCache?: Wanted | null;

  constructor(
    readonly provider: Provider<State>,
    private readonly state: StateCache<State>,
    private readonly options: { slot?: RequestSlot; hooks: RunnerHooks; store: StateStore; wantedKey: string; dryRun: boolean },
  ) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** What the stored state says about the records, for the status and the sidebar at deploy. */
  async records(): Promise<StoredRecord[]> {
    return this.provider.describe(await this.state.load(), Date.now());
  }

  /** The value last asked for, from memory or the store (undefined when there was none, or the store failed). */
  async wanted(): Promise<Wanted | undefined> {
    if (this.wantedCache === undefined) {
      try {
        this.wantedCache = normaliseWanted(await this.options.store.get<unknown>(this.options.wantedKey)) ?? null;
      } catch {
        return undefined;
      }
    }
    return this.wantedCache ?? undefined;
  }

  /** Known without asking the store: for Update now, which answers at once. */
  get wantedNow(): Wanted | undefined {
    return this.wantedCache ?? undefined;
  }

  private async remember(wanted: Wanted): Promise<void> {
    if (this.options.dryRun) return;
    const before = this.wantedCache;
    this.wantedCache = wanted;
    if (before && JSON.stringify(before.value) === JSON.stringify(wanted.value) && JSON.stringify(before.names) === JSON.stringify(wanted.names)) return;
    // losing it only costs the healing after a restart: the run goes on
    await this.options.store.set(this.options.wantedKey, wanted).catch(() => undefined);
  }

  /** A newer input came: a run that only waits to retry an older value gives way. */
  supersedeWaiting(): void {
    if (this.current?.waiting) this.current.abort.abort(new DdnsError('EABORTED', 'superseded by a newer input'));
  }

  /** One run to bring the records to `input.value`. Never throws. */
  async run(input: SyncInput): Promise<RunEnd> {
    // one controller for both ends of a run: the node closing, a newer input displacing it while it waits
    const abort = new AbortController();
    const onClose = () => abort.abort(this.closing.signal.reason);
    this.closing.signal.addEventListener('abort', onClose, { once: true });
    this.current = { abort, waiting: false };
    try {
      return await this.runOnce(input, abort.signal);
    } finally {
      this.closing.signal.removeEventListener('abort', onClose);
      this.current = undefined;
      if (this.pendingUnblocks.size > 0) {
        // asked for after the run saved, or the run could not save: lift them now
        for (const name of [...this.pendingUnblocks]) {
          this.pendingUnblocks.delete(name);
          await this.unblock(name).catch(() => undefined);
        }
      }
    }
  }

  private async runOnce(input: SyncInput, signal: AbortSignal): Promise<RunEnd> {
    // aborted and not closing: a newer input displaced this run
    const superseded = () => signal.aborted && !this.closing.signal.aborted;
    const provider = this.provider;
    let outcome;
    try {
      const state = await this.state.load();
      const run = new Run({
        signal,
        policy: provider.retry,
        ...(this.options.slot ? { slot: this.options.slot } : {}),
        progress: this.progress(),
        ...(provider.isRetryable ? { isRetryable: (err: DdnsError) => provider.isRetryable!(err) } : {}),
      });
      outcome = await provider.sync(input, provider.normaliseState(state), run);
    } catch (thrown) {
      if (this.closing.signal.aborted) return { kind: 'closed' };
      if (superseded()) return { kind: 'superseded', results: [] };
      return { kind: 'failed', error: toDdnsError(thrown), results: [] };
    }
    // the input was a value the provider took: remembered to heal and for Update now
    const wanted = wantedOf(input.value, { ...(input.names ?? {}) }, Date.now());
    if (wanted) await this.remember(wanted);
    const lifted = [...this.pendingUnblocks];
    let next = outcome.state;
    for (const name of lifted) next = provider.unblock ? provider.unblock(next, name) : next;
    this.pendingUnblocks.clear();
    try {
      await this.state.save(next);
    } catch (thrown) {
      if (this.closing.signal.aborted) return { kind: 'closed' };
      // the writes happened; only remembering them failed: report both, keep the results
      for (const name of lifted) this.pendingUnblocks.add(name);
      return { kind: 'failed', error: toDdnsError(thrown), results: outcome.results };
    }
    const records = provider.describe(next, Date.now());
    if (this.closing.signal.aborted) return { kind: 'closed' };
    if (superseded()) return { kind: 'superseded', results: outcome.results };
    return { kind: 'done', results: outcome.results, records, lifted, notes: outcome.notes ?? [] };
  }

  private progress(): RunProgress {
    const hooks = this.options.hooks;
    return {
      sending: () => hooks.sending(),
      retrying: ({ error, until }) => {
        if (this.current) this.current.waiting = true;
        hooks.retrying(error, until);
      },
      resumed: () => {
        if (this.current) this.current.waiting = false;
        hooks.resumed();
      },
      pending: () => hooks.pending(),
    };
  }

  /** Clears a block or a pause of `name` (the sidebar's button); the records as they then stand. */
  async unblock(name: string): Promise<{ outcome: 'unblocked' | 'not-blocked'; records?: StoredRecord[] }> {
    const provider = this.provider;
    if (!provider.unblock) return { outcome: 'not-blocked' };
    const state = await this.state.load();
    const now = Date.now();
    // a pause the server asked for is lifted as a block is: the user says the cause is gone
    const held = provider.describe(state, now).some((r) => r.name === name && (Boolean(r.blockedCode) || (r.waitUntil !== undefined && r.waitUntil > now)));
    if (!held && !this.pendingUnblocks.has(name)) return { outcome: 'not-blocked' };
    if (this.running) {
      // the run holds the state with the block; it lifts it before saving
      this.pendingUnblocks.add(name);
      return { outcome: 'unblocked' };
    }
    const next = provider.unblock(state, name);
    await this.state.save(next);
    return { outcome: 'unblocked', records: provider.describe(next, Date.now()) };
  }

  close(): void {
    this.closing.abort(new DdnsError('EABORTED', 'node closed'));
  }
}
