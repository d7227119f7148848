/**
 * The record workflow for one domain: bring every configured RR of one type
 * and line to one value, with as few API calls as the facts allow.
 *
 * - Remembered with this value and seen on the server within `verifyAfterMs`
 *   (24 h): nothing is asked at all.
 * - Otherwise the records are looked up (exact RR, type and line; one query per
 *   RR for a few, one paged listing of the domain for many) and then:
 *   same value and TTL = unchanged; different = UpdateDomainRecord; missing =
 *   AddDomainRecord (or ENOTFOUND when `create` is off); several = ECONFLICT
 *   unless `recordId` pins one.
 * - A record deleted (and perhaps re-added) in the console between lookup and
 *   write is looked up again once; the remembered RecordId is only a memory,
 *   never trusted over what the server says.
 * - One record failing keeps every other record's result and state. Failures
 *   that would hit every record the same way (credentials, permissions,
 *   throttling, network, domain not in the account) stop the run's remaining
 *   requests.
 */
import { entryOf, forgetSeen, ledgerKey, pruneLedger, recordSeen, recordWrite, type Ledger } from '../../core/ledger';
import { numberSetting } from '../../core/validate';
import { DdnsError, reasonFrom, toDdnsError, type ErrorCode } from '../../core/errors';
import type { RecordResult } from '../../core/result';
import { DUPLICATE_RECORD_CODE, isDomainGone, isRecordGone, stopsDomain } from './api-errors';
import type { AlidnsApi, CallStats } from './client';
import { fqdn, normaliseDomain, parseRrs } from './names';
import { findSubdomainRecords, listDomainRecords, type ApiRecord, type DomainListing, type RecordFilter } from './records';
import { readAliyunState } from './state';
import { normaliseRecordType, normaliseValue, sameValue, type RecordType } from './values';

export const DEFAULT_TTL = 600;
export const DEFAULT_LINE = 'default';
export const DEFAULT_MX_PRIORITY = 10;
export const DEFAULT_VERIFY_AFTER_MS = 24 * 60 * 60 * 1000;
/** above this many RRs to look up, one listing of the domain is cheaper than one query each */
export const DEFAULT_BULK_THRESHOLD = 3;

export interface SyncRequest {
  /** the zone in the account, e.g. `example.com` */
  domain: string;
  /** `www`, `@`, `*`, `*.sub`; comma separated or a list */
  rr: string | readonly string[];
  /** A, AAAA, CNAME, TXT or MX (the caller resolves `auto`) */
  type: RecordType | string;
  value: string;
  /** seconds; default 600 */
  ttl?: number;
  /** resolution line; default `default` */
  line?: string;
  /** MX preference; default 10 */
  priority?: number;
  /** add missing records; default true */
  create?: boolean;
  /** the RecordId to use when several records share RR, type and line */
  recordId?: string;
  /** look up, never write; report what would happen */
  dryRun?: boolean;
  /** a remembered value is trusted without asking for this long; default 24 h */
  verifyAfterMs?: number;
  /** keep-alive: after this long without a write the value is written once anyway; 0 = never (default) */
  refreshAfterMs?: number;
  /** more RRs than this to look up: list the domain instead of one query each; default 3 */
  bulkThreshold?: number;
  /** clock, injectable for tests */
  now?: () => number;
}

export interface AliyunRecordResult extends RecordResult {
  /** dry run: the write that would have been made */
  planned?: 'create' | 'update';
}

export interface SyncOutcome {
  /** one per configured RR, in configuration order */
  results: AliyunRecordResult[];
  /** the ledger to store for the next run; records of other domains are kept as they were */
  state: Ledger;
  /** HTTP requests made, retries included */
  requests: number;
  /** the first failure of this run */
  error?: DdnsError;
}

interface Settings {
  domain: string;
  rrs: string[];
  type: RecordType;
  value: string;
  ttl: number;
  line: string;
  priority?: number;
  create: boolean;
  pin?: string;
  dryRun: boolean;
  verifyAfterMs: number;
  refreshAfterMs: number;
  bulkThreshold: number;
  now: () => number;
}


function resolveSettings(request: SyncRequest): Settings {
  if (!request || typeof request !== 'object') throw new DdnsError('ECONFIG', 'no record settings given');
  const domain = normaliseDomain(request.domain);
  const type = normaliseRecordType(request.type);
  const line = typeof request.line === 'string' && request.line.trim() !== '' ? request.line.trim() : DEFAULT_LINE;
  if (!/^[\w.-]{1,64}$/.test(line)) throw new DdnsError('ECONFIG', `"${line.slice(0, 64)}" is not a resolution line such as default`);
  const pin = request.recordId === undefined || request.recordId === null ? '' : String(request.recordId).trim();
  if (pin !== '' && !/^[\w-]{1,64}$/.test(pin)) {
    throw new DdnsError('ECONFIG', 'recordId must be the numeric RecordId shown in the Alibaba Cloud console');
  }
  const settings: Settings = {
    domain,
    rrs: parseRrs(request.rr, domain),
    type,
    value: normaliseValue(type, request.value),
    ttl: numberSetting('ttl', request.ttl, { fallback: DEFAULT_TTL, min: 1, max: 86_400 }),
    line,
    create: request.create !== false,
    dryRun: request.dryRun === true,
    verifyAfterMs: numberSetting('verifyAfterMs', request.verifyAfterMs, { fallback: DEFAULT_VERIFY_AFTER_MS, min: 0, max: Number.MAX_SAFE_INTEGER }),
    refreshAfterMs: numberSetting('refreshAfterMs', request.refreshAfterMs, { fallback: 0, min: 0, max: Number.MAX_SAFE_INTEGER, whole: false }),
    bulkThreshold: numberSetting('bulkThreshold', request.bulkThreshold, { fallback: DEFAULT_BULK_THRESHOLD, min: 0, max: 1_000_000 }),
    now: request.now ?? (() => Date.now()),
  };
  if (type === 'MX') settings.priority = numberSetting('priority', request.priority, { fallback: DEFAULT_MX_PRIORITY, min: 1, max: 50 });
  if (pin !== '') settings.pin = pin;
  return settings;
}

/** Failures that would meet every remaining record the same way: asking again only costs requests. */
const RUN_WIDE_CODES = new Set<ErrorCode>([
  'EAUTH',
  'EFORBIDDEN',
  'ETHROTTLED',
  'ETIMEDOUT',
  'ENETWORK',
  'ETLS',
  'EHTTPSTATUS',
  'EBADRESPONSE',
  'ETOOLARGE',
  'EABORTED',
]);

function stopsRun(err: DdnsError): boolean {
  return RUN_WIDE_CODES.has(err.code) || stopsDomain(err);
}

type Outcome = Omit<AliyunRecordResult, 'name' | 'type' | 'value'>;

class SyncRun {
  private readonly results = new Map<string, AliyunRecordResult>();
  private readonly stats: CallStats = { requests: 0 };
  private readonly filter: RecordFilter;
  private firstError?: DdnsError;
  private halt?: DdnsError;

  constructor(
    private readonly api: AlidnsApi,
    private readonly cfg: Settings,
    private readonly ledger: Ledger,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.filter = { domain: cfg.domain, type: cfg.type, line: cfg.line };
  }

  private key(rr: string): string {
    return ledgerKey(fqdn(rr, this.cfg.domain), this.cfg.type);
  }

  private known(rr: string): ReturnType<typeof entryOf> | undefined {
    return this.ledger.records[this.key(rr)];
  }

  private report(rr: string, outcome: Outcome): void {
    const result: AliyunRecordResult = { name: fqdn(rr, this.cfg.domain), type: this.cfg.type, value: this.cfg.value, ...outcome };
    if (result.previous === undefined) delete result.previous;
    this.results.set(rr, result);
  }

  private remember(rr: string, recordId: string, value: string, wrote: boolean): void {
    const now = this.cfg.now();
    const entry = entryOf(this.ledger, fqdn(rr, this.cfg.domain), this.cfg.type);
    // another record fills the slot now: the last write was to the one before it
    if (entry.id !== recordId) delete entry.lastWriteAt;
    if (wrote) recordWrite(entry, value, now, recordId);
    else recordSeen(entry, value, now, recordId);
  }

  private fail(rr: string, err: DdnsError, message = err.message): void {
    this.firstError ??= err;
    const outcome: Outcome = { status: 'failed', code: err.code, message, ...(message === err.message ? reasonFrom(err) : {}) };
    if (err.providerCode !== undefined) outcome.providerCode = err.providerCode;
    if (err.requestId !== undefined) outcome.requestId = err.requestId;
    this.report(rr, outcome);
    // what we remembered about a slot that is now missing or ambiguous is no longer true
    const entry = this.known(rr);
    if (entry && (err.code === 'ECONFLICT' || (err.code === 'ENOTFOUND' && !isDomainGone(err)))) forgetSeen(entry);
  }

  /** The keep-alive write is due: `refresh` days have passed since the last write (or there never was one). */
  private refreshDue(rr: string): boolean {
    if (this.cfg.refreshAfterMs <= 0) return false;
    // a last write stored while the clock was ahead counts as now: it must not postpone the keep-alive for as long
    const now = this.cfg.now();
    const lastWrite = Math.min(this.known(rr)?.lastWriteAt ?? 0, now);
    return now - lastWrite >= this.cfg.refreshAfterMs;
  }

  /** Remembered with this value, seen recently, and (when pinned) the pinned record: no request needed. */
  private settledFromMemory(rr: string): boolean {
    const known = this.known(rr);
    if (!known || known.value === undefined || known.id === undefined || known.verifiedAt === undefined || !sameValue(this.cfg.type, known.value, this.cfg.value)) return false;
    if (this.refreshDue(rr)) return false;
    if (this.cfg.pin !== undefined && known.id !== this.cfg.pin) return false;
    const age = this.cfg.now() - known.verifiedAt;
    if (age < 0 || age >= this.cfg.verifyAfterMs) return false;
    this.report(rr, {
      status: 'unchanged',
      previous: known.value,
      recordId: known.id,
      message: `already ${known.value} (seen on the server ${Math.round(age / 60_000)} min ago); no request sent`,
    });
    return true;
  }

  async run(): Promise<void> {
    // the value to write again after a failure (a dry run stores nothing)
    if (!this.cfg.dryRun) for (const rr of this.cfg.rrs) entryOf(this.ledger, fqdn(rr, this.cfg.domain), this.cfg.type).wanted = this.cfg.value;
    const pending = this.cfg.rrs.filter((rr) => !this.settledFromMemory(rr));
    if (pending.length === 0) return;
    let listed: DomainListing | undefined;
    if (pending.length > this.cfg.bulkThreshold) {
      try {
        listed = await listDomainRecords(this.api, this.filter, this.signal, this.stats);
      } catch (thrown) {
        const err = toDdnsError(thrown);
        for (const rr of pending) this.fail(rr, err);
        return;
      }
    }
    for (const rr of pending) {
      if (this.halt) {
        this.fail(rr, this.halt, `${fqdn(rr, this.cfg.domain)}: not attempted; an earlier request of this run failed: ${this.halt.message}`);
        continue;
      }
      try {
        const found = listed ? listed.recordsFor(rr) : await this.lookup(rr);
        await this.apply(rr, found, true);
      } catch (thrown) {
        const err = toDdnsError(thrown);
        this.fail(rr, err);
        if (stopsRun(err)) this.halt = err;
      }
    }
  }

  private lookup(rr: string): Promise<ApiRecord[]> {
    return findSubdomainRecords(this.api, rr, this.filter, this.signal, this.stats);
  }

  /** The one record to write, undefined when there is none, ECONFLICT when the choice is not ours to make. */
  private choose(rr: string, found: ApiRecord[]): ApiRecord | undefined {
    if (found.length <= 1) return found[0];
    const pinned = this.cfg.pin === undefined ? undefined : found.find((record) => record.RecordId === this.cfg.pin);
    if (pinned) return pinned;
    const ids = found.map((record) => record.RecordId).join(', ');
    const pinNote = this.cfg.pin === undefined ? 'set recordId to the one to keep updated' : `the pinned recordId ${this.cfg.pin} is not one of them`;
    throw new DdnsError(
      'ECONFLICT',
      `${fqdn(rr, this.cfg.domain)}: ${found.length} ${this.cfg.type} records on line ${this.cfg.line} (RecordId ${ids}); ${pinNote}`,
    );
  }

  /** A record paused in the console keeps its value but does not resolve; say so rather than report a plain success. */
  private pausedNote(record: ApiRecord): string {
    const paused = record.Status !== undefined && record.Status.toUpperCase() === 'DISABLE';
    return paused ? ' (the record is paused in the console and does not resolve)' : '';
  }

  private upToDate(record: ApiRecord): boolean {
    if (!sameValue(this.cfg.type, record.Value, this.cfg.value)) return false;
    if (record.TTL !== undefined && record.TTL !== this.cfg.ttl) return false;
    return this.cfg.priority === undefined || record.Priority === undefined || record.Priority === this.cfg.priority;
  }

  private writeParams(): Record<string, string | number> {
    const params: Record<string, string | number> = { Type: this.cfg.type, Value: this.cfg.value, TTL: this.cfg.ttl, Line: this.cfg.line };
    if (this.cfg.priority !== undefined) params.Priority = this.cfg.priority;
    return params;
  }

  private async apply(rr: string, found: ApiRecord[], mayLookAgain: boolean): Promise<void> {
    const record = this.choose(rr, found);
    if (!record) return this.create(rr, mayLookAgain);
    const keepAlive = this.refreshDue(rr);
    if (this.upToDate(record) && !keepAlive) {
      this.remember(rr, record.RecordId, this.cfg.value, false);
      const message = `already ${record.Value}${this.pausedNote(record)}`;
      this.report(rr, { status: 'unchanged', previous: record.Value, recordId: record.RecordId, message });
      return;
    }
    const sameAlready = this.upToDate(record);
    const change = sameAlready
      ? `keep-alive write of ${this.cfg.value}`
      : sameValue(this.cfg.type, record.Value, this.cfg.value)
        ? `TTL ${record.TTL ?? '?'} -> ${this.cfg.ttl}`
        : `${record.Value} -> ${this.cfg.value}`;
    if (this.cfg.dryRun) {
      const message = `dry run: would update ${change}`;
      this.report(rr, { status: 'skipped', planned: 'update', previous: record.Value, recordId: record.RecordId, message });
      return;
    }
    try {
      // the record's own RR spelling, so that an update never renames it
      await this.api.call('UpdateDomainRecord', { RecordId: record.RecordId, RR: record.RR, ...this.writeParams() }, this.signal, this.stats);
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (err.providerCode === DUPLICATE_RECORD_CODE) {
        // usually: the record already holds exactly this (a retried write, a change meanwhile), which is
        // success; but when a sibling of the pinned record holds the value, the pinned one cannot get it
        const twin = found.find((other) => other !== record && sameValue(this.cfg.type, other.Value, this.cfg.value));
        if (twin) {
          throw new DdnsError(
            'ECONFLICT',
            `${fqdn(rr, this.cfg.domain)}: record ${twin.RecordId} already holds ${twin.Value}, so record ${record.RecordId} cannot; ` +
              `delete one of them or pin ${twin.RecordId}`,
            { providerCode: err.providerCode, ...(err.requestId ? { requestId: err.requestId } : {}) },
          );
        }
        // a keep-alive write of the same value is answered this way: the record is confirmed, the clock restarts
        this.remember(rr, record.RecordId, this.cfg.value, keepAlive);
        const note = keepAlive ? 'keep-alive write: already set (DomainRecordDuplicate)' : 'already set (DomainRecordDuplicate)';
        this.report(rr, { status: 'unchanged', previous: record.Value, recordId: record.RecordId, message: note });
        return;
      }
      if (isRecordGone(err) && mayLookAgain) return this.apply(rr, await this.lookup(rr), false);
      throw err;
    }
    this.remember(rr, record.RecordId, this.cfg.value, true);
    const status = sameAlready ? 'unchanged' : 'updated';
    this.report(rr, { status, previous: record.Value, recordId: record.RecordId, message: `${sameAlready ? '' : 'updated '}${change}${this.pausedNote(record)}` });
  }

  private async create(rr: string, mayLookAgain: boolean): Promise<void> {
    const name = fqdn(rr, this.cfg.domain);
    if (!this.cfg.create) {
      throw new DdnsError('ENOTFOUND', `${name}: no ${this.cfg.type} record on line ${this.cfg.line}, and creating records is off`);
    }
    if (this.cfg.dryRun) {
      this.report(rr, { status: 'skipped', planned: 'create', message: `dry run: would create ${this.cfg.type} ${this.cfg.value}` });
      return;
    }
    let answer: { RecordId?: unknown };
    try {
      answer = await this.api.call<{ RecordId?: unknown }>(
        'AddDomainRecord',
        { DomainName: this.cfg.domain, RR: rr, ...this.writeParams() },
        this.signal,
        this.stats,
      );
    } catch (thrown) {
      const err = toDdnsError(thrown);
      // created meanwhile (by a retry whose first answer was lost, or by someone else): find it
      if (err.providerCode === DUPLICATE_RECORD_CODE && mayLookAgain) return this.apply(rr, await this.lookup(rr), false);
      throw err;
    }
    const recordId = typeof answer?.RecordId === 'string' || typeof answer?.RecordId === 'number' ? String(answer.RecordId) : '';
    if (recordId === '') throw new DdnsError('EBADRESPONSE', `Alibaba Cloud DNS AddDomainRecord: ${name} was created but no RecordId came back`);
    this.remember(rr, recordId, this.cfg.value, true);
    this.report(rr, { status: 'created', recordId, message: `created ${this.cfg.type} ${this.cfg.value}` });
  }

  outcome(state: Ledger): SyncOutcome {
    const results = this.cfg.rrs.map((rr) => this.results.get(rr)).filter((r): r is AliyunRecordResult => r !== undefined);
    const out: SyncOutcome = { results, state, requests: this.stats.requests };
    if (this.firstError) out.error = this.firstError;
    return out;
  }
}

/**
 * Syncs the configured RRs of one domain. Throws (before any request) only for
 * ECONFIG settings and an EBADINPUT value; everything that happens on the wire
 * is reported per record, with the state of every record that succeeded kept.
 */
export async function syncRecords(api: AlidnsApi, request: SyncRequest, knownState: unknown, signal?: AbortSignal): Promise<SyncOutcome> {
  if (!api || typeof api.call !== 'function') throw new DdnsError('ECONFIG', 'no Alidns client given');
  const cfg = resolveSettings(request);
  const ledger = readAliyunState(knownState, { line: cfg.line });
  const run = new SyncRun(api, cfg, ledger, signal);
  await run.run();
  // a dry run wrote nothing, so nothing it learnt is stored: hand back the state as it came
  return run.outcome(cfg.dryRun ? readAliyunState(knownState, { line: cfg.line }) : pruneLedger(ledger));
}
