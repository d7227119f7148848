/**
 * The record workflow every provider built on the ledger shares: a provider
 * says how to read a record and how to write it (`RecordApi`); this module
 * does everything users see alike, once:
 * - the jobs rule (src/core/jobs.ts) turns the input into records to write;
 * - a record the ledger knows to hold the value, seen within `trustMs`, makes
 *   no request (for update-only services, which cannot read, it is trusted
 *   until the value changes or the user asks for an update);
 * - a blocked record (the provider refused the login or the name) sends
 *   nothing until the configuration changes or the block is cleared; a record
 *   the server paused sends nothing before the pause ends (at most 7 days);
 * - a dry run reads but never writes, and stores nothing it learnt;
 * - one failure that would meet every other record alike (refused login,
 *   throttling, the server unreachable) stops the run's other requests;
 * - every exchange goes through the run (retries, Retry-After, newest input
 *   wins), and each record gets one result in `msg.ddns.results`.
 */
import { sameAddress } from '../core/address';
import { DdnsError, reasonFrom, toDdnsError, type ErrorCode } from '../core/errors';
import { addressJobs, type AddressJob, type AddressTypeSetting } from '../core/jobs';
import {
  describeLedger,
  dropEmptyEntries,
  emptyLedger,
  entryOf,
  heldBy,
  normaliseLedger,
  pruneLedger,
  recordPause,
  recordSeen,
  recordWrite,
  unblockLedger,
  type Ledger,
} from '../core/ledger';
import type { RecordResult } from '../core/result';
import type { Run, RetryPolicy } from '../core/run';
import { formatTime } from '../core/time';
import { DEFAULT_RETRY_POLICY } from '../core/run';
import type { Provider, SyncInput } from './contract';

/** One record to bring to a value. */
export interface RecordTarget {
  /** full name, ASCII, lower case */
  name: string;
  /** the zone it lives in, for zone-based APIs */
  zone?: string;
  type: AddressJob['type'];
  value: string;
}

/** A record as the provider's API holds it now. */
export interface CurrentRecord {
  /** the values of the record set (more than one: round robin) */
  values: string[];
  id?: string;
  /** whatever the provider needs to write it back with its other fields kept */
  data?: unknown;
}

export interface RecordContext {
  /** one exchange with the server, through the run: retried, paced and displaced alike */
  exchange<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** the provider's remembered facts (zone ids, ...), saved with the ledger */
  memo: Record<string, string>;
  /** the TTL the node sets; undefined = the provider's default, or the record's own */
  ttl?: number;
  now(): number;
  /** an accepted change waits to be applied (Route 53 until INSYNC): the status says "pending" */
  pending(): void;
}

export interface RecordApi {
  /**
   * The record as it is now; undefined when there is none. Left out by
   * update-only services (DuckDNS, Namecheap, a URL to call): their writes
   * follow the ledger alone.
   */
  read?(target: RecordTarget, ctx: RecordContext): Promise<CurrentRecord | undefined>;
  /**
   * Writes the value: changes `current` (keeping its other fields) or creates
   * the record when `current` is undefined. Returns the record's id when known.
   */
  write(target: RecordTarget, current: CurrentRecord | undefined, ctx: RecordContext): Promise<{ id?: string } | void>;
}

export interface RecordProviderOptions {
  kind: string;
  api: RecordApi;
  recordType: AddressTypeSetting;
  /** the records' names for an input: fixed ones, or from the input's typed settings */
  targets(input: SyncInput): Array<{ name: string; zone?: string }>;
  /** configured names, shown on the sidebar before their first run */
  configured?: Array<{ name: string; zone?: string }>;
  ttl?: number;
  /** false: a missing record is ENOTFOUND instead of being created */
  create?: boolean;
  dryRun?: boolean;
  retry?: RetryPolicy;
  /** a value the ledger holds is trusted this long without reading the record again; default a day */
  trustMs?: number;
  /** which failures block the records until the login changes; default EAUTH and EFORBIDDEN */
  blocks?(err: DdnsError): boolean;
  isRetryable?(err: DdnsError): boolean;
  now?: () => number;
}

export const DEFAULT_TRUST_MS = 24 * 3_600_000;

/** Failures that would meet every remaining record the same way: asking again only costs requests. */
const RUN_WIDE = new Set<ErrorCode>(['EAUTH', 'EFORBIDDEN', 'ETHROTTLED', 'EWAIT', 'ETIMEDOUT', 'ENETWORK', 'ETLS', 'EHTTPSTATUS', 'EBADRESPONSE', 'ETOOLARGE', 'EABORTED', 'EINTERNAL']);

const defaultBlocks = (err: DdnsError): boolean => err.code === 'EAUTH' || err.code === 'EFORBIDDEN';

export function createRecordProvider(options: RecordProviderOptions): Provider<Ledger> {
  const now = options.now ?? (() => Date.now());
  const blocks = options.blocks ?? defaultBlocks;
  const trustMs = options.trustMs ?? DEFAULT_TRUST_MS;
  const types = options.recordType === 'auto' ? [undefined] : [options.recordType];
  const configured = (options.configured ?? []).flatMap((c) => types.map((type) => (type ? { name: c.name, type } : { name: c.name })));

  async function sync(input: SyncInput, stored: Ledger, run: Run) {
    const jobs = addressJobs(options.recordType, input.value);
    const names = options.targets(input);
    const ledger = normaliseLedger(stored);
    const results: RecordResult[] = [];
    const notes: string[] = [];
    const ctx: RecordContext = {
      exchange: (task) => run.exchange(task),
      memo: ledger.memo,
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
      now,
      pending: () => run.pending(),
    };
    let halt: DdnsError | undefined;
    for (const job of jobs) {
      for (const where of names) {
        const target: RecordTarget = { name: where.name, type: job.type, value: job.value, ...(where.zone ? { zone: where.zone } : {}) };
        const entry = entryOf(ledger, target.name, target.type);
        const base = { name: target.name, type: target.type, value: target.value };
        if (!options.dryRun) entry.wanted = target.value;
        // a block or pause on any type of the name holds the name, as for every provider (core/ledger.ts heldBy)
        const held = heldBy(ledger, target.name, ['A', 'AAAA'], now());
        if (held.block) {
          results.push({ ...base, status: 'skipped', code: 'EBLOCKED', providerCode: held.block.code, message: `${target.name}: blocked since the provider refused it (${held.block.code}); nothing is sent until the login or the settings change, or the block is cleared in the DDNS sidebar`, reason: { key: 'record.blocked', params: { answer: held.block.code }, at: target.name } });
          continue;
        }
        if (held.pause) {
          results.push({ ...base, status: 'skipped', code: 'EWAIT', providerCode: held.pause.code, message: `${target.name}: the provider asked for a pause (${held.pause.code}); nothing is sent before ${formatTime(held.pause.until)}`, reason: { key: 'record.paused', params: { answer: held.pause.code, time: formatTime(held.pause.until) }, at: target.name } });
          continue;
        }
        if (halt) {
          results.push({ ...base, status: 'failed', code: halt.code, ...(halt.providerCode ? { providerCode: halt.providerCode } : {}), message: `${target.name}: not attempted; an earlier request of this run failed: ${halt.message}`, reason: { key: 'record.not-attempted', params: { reason: halt.message }, at: target.name, ...(halt.key ? { inner: { key: halt.key, ...(halt.params ? { params: halt.params } : {}), message: halt.message } } : {}) } });
          if (halt.code === 'EWAIT' && halt.retryAfterMs !== undefined) recordPause(entry, halt.retryAfterMs, answerCode(halt), now());
          if (blocks(halt)) entry.block = { code: answerCode(halt), at: now() };
          continue;
        }
        const trusted = entry.value !== undefined && sameAddress(entry.value, target.value) && entry.verifiedAt !== undefined && (!options.api.read || now() - entry.verifiedAt < trustMs) && now() >= entry.verifiedAt;
        if (trusted && input.force !== true) {
          results.push({ ...base, status: 'unchanged', previous: entry.value, ...(entry.id ? { recordId: entry.id } : {}), message: `already ${entry.value}; no request sent` });
          continue;
        }
        try {
          results.push(await syncOne(target, entry, ctx));
        } catch (thrown) {
          const err = toDdnsError(thrown);
          if (err.code === 'EABORTED') throw err;
          // a bug: said once, with where it happened, for whoever can fix it
          if (err.code === 'EINTERNAL') notes.push(`internal error (a bug) at ${target.name}: ${String((err.cause as Error | undefined)?.stack ?? err.stack).slice(0, 2000)}`);
          results.push({ ...base, status: 'failed', code: err.code, ...(err.providerCode ? { providerCode: err.providerCode } : {}), ...(err.requestId ? { requestId: err.requestId } : {}), message: err.message.includes(target.name) ? err.message : `${target.name}: ${err.message}`, ...reasonFrom(err, target.name) });
          if (err.code === 'EWAIT' && err.retryAfterMs !== undefined) recordPause(entry, err.retryAfterMs, answerCode(err), now());
          if (blocks(err)) entry.block = { code: answerCode(err), at: now() };
          if (err.code === 'ECONFLICT' || err.code === 'ENOTFOUND') delete entry.id;
          if (RUN_WIDE.has(err.code) || blocks(err)) halt = err;
        }
      }
    }
    // a dry run wrote nothing, so nothing it learnt is stored
    return { results, notes, state: options.dryRun ? normaliseLedger(stored) : pruneLedger(dropEmptyEntries(ledger)) };
  }

  async function syncOne(target: RecordTarget, entry: ReturnType<typeof entryOf>, ctx: RecordContext): Promise<RecordResult> {
    const base = { name: target.name, type: target.type, value: target.value };
    let current: CurrentRecord | undefined;
    if (options.api.read) {
      current = await options.api.read(target, ctx);
      // forced (Update now), the ledger is not trusted and the server is asked; what it already holds is not written again
      const holds = current !== undefined && current.values.length === 1 && sameAddress(current.values[0], target.value);
      if (holds) {
        recordSeen(entry, target.value, now(), current!.id);
        return { ...base, status: 'unchanged', previous: current!.values[0], ...(current!.id ? { recordId: current!.id } : {}), message: `already ${current!.values[0]}` };
      }
      if (!current && options.create === false) {
        throw new DdnsError('ENOTFOUND', `${target.name}: no ${target.type} record${target.zone ? ` in the zone ${target.zone}` : ''}, and creating records is off`);
      }
    }
    const previous = current ? current.values.join(' ') : entry.value;
    const planned = options.api.read && !current ? 'create' : 'update';
    if (options.dryRun) {
      return { ...base, status: 'skipped', ...(previous ? { previous } : {}), message: `dry run: would ${planned} ${target.type} ${target.value}` };
    }
    const written = await options.api.write(target, current, ctx);
    const id = (written && written.id) || current?.id;
    recordWrite(entry, target.value, now(), id);
    const status = planned === 'create' ? 'created' : 'updated';
    return { ...base, status, ...(previous ? { previous } : {}), ...(id ? { recordId: id } : {}), message: `${status} ${target.type} ${previous ? `${previous} -> ` : ''}${target.value}` };
  }

  return {
    kind: options.kind,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    ...(options.isRetryable ? { isRetryable: options.isRetryable } : {}),
    emptyState: emptyLedger,
    normaliseState: normaliseLedger,
    describe: (ledger, at) => describeLedger(ledger, configured, at),
    unblock: (ledger, name) => unblockLedger(ledger, name),
    sync,
  };
}

/** The provider's word a block or pause is kept under: its own code, else the HTTP status, else ours. */
function answerCode(err: DdnsError): string {
  return err.providerCode ?? (err.statusCode ? `HTTP ${err.statusCode}` : err.code);
}
