/**
 * An updater node's place on the DDNS sidebar's board: the rows its stored
 * state describes, the last result of each record in this process, and the
 * history of changes kept in node context beside the state (`<stateKey>History`),
 * not tagged with the configuration: a record's past values stay true when the
 * node's settings change.
 */
import type { RecordResult } from '../../core/result';
import type { StoredRecord } from '../../core/records';
import type { StateStore } from '../../core/state';
import {
  addChanges,
  normaliseHistory,
  recordBoard,
  recordKey,
  servedByOf,
  MAX_RECORDS_PER_NODE,
  type BoardError,
  type BoardIdentity,
  type HistoryBook,
  type LastResult,
  type NodeView,
  type UnblockOutcome,
} from './record-board';

export interface BoardHooks {
  /** clears a block in the node's stored state (the sidebar's button) */
  unblock?: (name: string) => Promise<Exclude<UnblockOutcome, 'unknown-node' | 'unsupported'>>;
  /** runs the node's last input again (the sidebar's "update now"); false when there was none */
  rerun?: () => boolean;
  /** history could not be saved: the node logs it */
  warn: (text: string) => void;
}

export class UpdaterSeat {
  private readonly lastResults = new Map<string, LastResult>();
  private readonly view: NodeView & { history: HistoryBook } = { stored: [], lastResults: this.lastResults, history: {} };
  private readonly seat: ReturnType<typeof recordBoard.join>;
  private readonly history: Promise<HistoryBook>;
  private readonly historyKey: string;

  constructor(
    identity: BoardIdentity,
    private readonly store: StateStore,
    stateKey: string,
    private readonly hooks: BoardHooks,
  ) {
    this.historyKey = `${stateKey}History`;
    this.seat = recordBoard.join(identity, hooks.unblock, hooks.rerun);
    this.history = store.get<unknown>(this.historyKey).then(
      (raw) => normaliseHistory(raw),
      () => ({}),
    );
    void this.history.then((book) => {
      this.view.history = book;
      this.show();
    });
  }

  private show(): void {
    this.seat.report(this.view);
  }

  /** what the stored state says now (at start, after a run, after a block was cleared) */
  stored(records: readonly StoredRecord[], error?: BoardError): void {
    this.view.stored = records;
    if (error) this.view.error = error;
    else delete this.view.error;
    this.show();
  }

  retrying(until: number, code: string | undefined): void {
    this.view.retrying = { until, ...(code ? { code } : {}) };
    this.show();
  }

  /** results of a run, after its state was saved */
  async ran(records: readonly StoredRecord[], results: readonly RecordResult[], dryRun: boolean): Promise<void> {
    const at = Date.now();
    this.view.stored = records;
    const book = await this.history;
    this.view.history = book;
    if (!dryRun && addChanges(book, results, at)) {
      try {
        // a copy: the memory store keeps the object it is given
        await this.store.set(this.historyKey, JSON.parse(JSON.stringify(book)));
      } catch (err) {
        this.hooks.warn(`the history of record changes could not be saved: ${(err as Error).message}`);
      }
    }
    for (const result of results) {
      const key = recordKey(result.name, result.type);
      const before = this.lastResults.get(key);
      this.lastResults.delete(key);
      const servedBy = servedByOf(result, at, before);
      this.lastResults.set(key, { result, at, dryRun, ...(servedBy ? { servedBy } : {}) });
    }
    while (this.lastResults.size > MAX_RECORDS_PER_NODE) this.lastResults.delete(this.lastResults.keys().next().value as string);
    delete this.view.error;
    delete this.view.retrying;
    this.show();
  }

  failed(err: BoardError): void {
    this.view.error = { code: err.code, message: err.message };
    delete this.view.retrying;
    this.show();
  }

  /** the results from before a block was cleared no longer tell this host's state */
  forget(name: string): void {
    for (const [key, last] of this.lastResults) if (last.result.name === name) this.lastResults.delete(key);
    this.show();
  }

  leave(): void {
    this.seat.leave();
  }
}
