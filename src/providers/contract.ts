/**
 * The one contract every provider implements (DynDNS2, Alibaba Cloud DNS,
 * RFC 2136, Cloudflare, ...). A provider is built from its settings, which it
 * checks at once (ECONFIG: the node shows it at deploy, before any input); it
 * brings its records to a value in `sync`, talking to its server only through
 * `run.exchange()` (so retries, Retry-After, progress and "newest input wins"
 * are the same for all, in src/core/run.ts); and it declares the state it
 * keeps and what that state says about its records (the DDNS sidebar's rows).
 *
 * No Node-RED import here or in any provider: the updater node factory
 * (src/nodes/shared/updater-node.ts) is the only glue, and a new provider adds
 * its own folder, its two node files, editor files and catalogs, and changes
 * nothing shared.
 */
import type { RecordResult } from '../core/result';
import type { StoredRecord } from '../core/records';
import type { DdnsError } from '../core/errors';
import type { Run, RetryPolicy } from '../core/run';

export interface SyncInput {
  /** msg.payload: one value (an address for A/AAAA), or `{ipv4, ipv6}` */
  value: unknown;
  /**
   * Settings the user takes from the message, flow, global context or the
   * environment (TypedInput), evaluated for this input, by setting name
   * (`hostnames`, `domain`, ...). Settings given as plain text were fixed when
   * the provider was built and are not repeated here.
   */
  names?: Readonly<Record<string, string>>;
  /** write even what the node believes is in sync (the sidebar's Update now: the user asked for one request) */
  force?: boolean;
}

export interface SyncOutcome<State> {
  /** one per record and type, in configuration order */
  results: RecordResult[];
  /** to store for the next run: what succeeded stays remembered even when other records failed */
  state: State;
  /** things the node should log once (a stored time cut back after a clock jump, ...) */
  notes?: string[];
}

export interface Provider<State> {
  /** short id: `dyndns2`, `aliyun`, ...; also the node-context key its state is kept under */
  readonly kind: string;
  /** how its exchanges are retried (the node's `retries` setting, backoff, longest pause waited for) */
  readonly retry: RetryPolicy;
  /** which failures another attempt may fix; default: `err.retryable` */
  isRetryable?(err: DdnsError): boolean;

  emptyState(): State;
  /** a fresh, valid copy of whatever a context store handed back; never trusts its shape */
  normaliseState(raw: unknown): State;
  /** the records as the stored state knows them, configured ones not yet seen as pending rows */
  describe(state: State, now: number): StoredRecord[];
  /** the state with `name`'s block lifted; absent when the provider keeps no blocks */
  unblock?(state: State, name: string): State;

  /**
   * Brings the records to `input.value`. Throws only before anything is sent
   * (ECONFIG for per-message settings, EBADINPUT for the value); everything that
   * happens on the wire is reported per record in the results.
   */
  sync(input: SyncInput, state: State, run: Run): Promise<SyncOutcome<State>>;
}
