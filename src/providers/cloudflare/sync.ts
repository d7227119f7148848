/**
 * The record workflow for one zone: bring the A and/or AAAA records of the
 * configured names to the address, with as few API calls as the facts allow
 * and without touching what the user set on a record.
 *
 * - Remembered with this value (and the node's proxied/TTL wishes) and seen on
 *   the server within a day: no request at all.
 * - The zone id is looked up once by name (`GET /zones?name=`, as ddclient's
 *   nic_cloudflare_update does) and remembered; a remembered id Cloudflare no
 *   longer routes (7003) is looked up again once.
 * - A record is found by exact name and type (`name.exact` and `type` on
 *   `GET /zones/{id}/dns_records`; "Name filters are case-insensitive", List
 *   DNS Records reference), and the answer is filtered again here: a search
 *   (`search=`, or the names qdm12/ddns-updater and others match loosely) could
 *   find another name. It is looked up before every write, so a record deleted
 *   or renamed in the dashboard is never written through a remembered id.
 * - An existing record is changed with PATCH of `content` only, plus `proxied`
 *   or `ttl` when the node sets them, as ddclient's nic_cloudflare_update sends
 *   `{"content": ...}` alone: the proxied flag, TTL, comment and tags the user
 *   set survive (a PUT, which qdm12/ddns-updater and timothymiller/cloudflare-ddns
 *   send, replaces them).
 * - A missing record is created (POST) when `create` is on.
 * - Two or more records of one name and type (round robin) are not ours to
 *   choose between: ECONFLICT listing their ids, nothing written.
 * - A record gone between lookup and write (81044), or one that appeared
 *   meanwhile (81057/81058), is looked up again once.
 * - A refused token (or its right to the zone) blocks every record of the run
 *   and every configured one (the token is the node's); a rate limit longer
 *   than a run waits pauses them alike; either stops the run's other requests.
 *   Clear block in the sidebar lifts them per name.
 */
import { cutPause, entryOf, forgetSeen, heldBy, holdRecords, ledgerKey, recordPause, recordSeen, recordWrite, type Ledger, type LedgerRecord } from '../../core/ledger';
import { serverPauseMs } from '../../core/run';
import { formatTime } from '../../core/time';
import { sameAddress } from '../../core/address';
import { DdnsError, reasonFrom, toDdnsError, type ErrorCode, type ResultReason } from '../../core/errors';
import type { RecordResult } from '../../core/result';
import { ALREADY_EXISTS, NO_ROUTE, RECORD_GONE, blocksAccount, hasCode } from './api-errors';
import type { ApiAnswer, Method, Query } from './client';
import { asciiName, sameZone } from './names';
import { rememberFacts, rememberedFacts, rememberedZone, rememberZone } from './state';

export const DEFAULT_TTL = 1;
export const DEFAULT_VERIFY_AFTER_MS = 24 * 60 * 60 * 1000;
/** records per page asked for (the API's default is 100) */
export const PAGE_SIZE = 100;
/** more pages than this for one name and type is not a DDNS record */
const MAX_PAGES = 10;
/** zones per page: the zones listing takes 5 to 50 */
const ZONE_PAGE_SIZE = 50;

export type ProxiedSetting = 'keep' | 'on' | 'off';

/** One request within the run (an exchange: retried, paced and displaced by the run). */
export type Call = <T>(method: Method, path: string, options?: { query?: Query; body?: unknown }) => Promise<ApiAnswer<T>>;

export interface Job {
  type: 'A' | 'AAAA';
  value: string;
}

export interface SyncSettings {
  /** ASCII, lower case */
  zone: string;
  hostnames: readonly string[];
  jobs: readonly Job[];
  /** 1 = automatic; written on records this node creates, and on existing ones only when not 1 */
  ttl: number;
  proxied: ProxiedSetting;
  create: boolean;
  dryRun: boolean;
  verifyAfterMs: number;
  /** the types of a name that a refusal or a pause kept on one of them holds: the token's refusal meets every type alike */
  holdTypes: readonly string[];
  now: () => number;
}

export interface CloudflareRecordResult extends RecordResult {
  /** dry run: the write that would have been made */
  planned?: 'create' | 'update';
}

/** A record as the API lists it; only what the workflow reads. */
interface ApiRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  proxied?: boolean;
  ttl?: number;
}

interface ApiZone {
  id: string;
  name: string;
  status?: string;
}

const ID = /^[\w-]{1,64}$/;

function asRecord(raw: unknown): ApiRecord | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID.test(r.id) || typeof r.name !== 'string' || typeof r.type !== 'string' || typeof r.content !== 'string') return undefined;
  const out: ApiRecord = { id: r.id, name: r.name, type: r.type, content: r.content };
  if (typeof r.proxied === 'boolean') out.proxied = r.proxied;
  if (typeof r.ttl === 'number' && Number.isInteger(r.ttl)) out.ttl = r.ttl;
  return out;
}

/** Failures that would meet every remaining record the same way: asking again only costs requests. */
const RUN_WIDE = new Set<ErrorCode>(['EAUTH', 'EFORBIDDEN', 'ETHROTTLED', 'EWAIT', 'ETIMEDOUT', 'ENETWORK', 'ETLS', 'EHTTPSTATUS', 'EBADRESPONSE', 'ETOOLARGE', 'EABORTED']);

type Outcome = Omit<CloudflareRecordResult, 'name' | 'type' | 'value'>;

export class CloudflareRun {
  private readonly results = new Map<string, CloudflareRecordResult>();
  private zoneId?: string;
  private zoneLookedUp = false;
  private zoneError?: DdnsError;
  private halt?: DdnsError;
  /** for the node's log: a stored pause cut back after a clock jump */
  readonly notes: string[] = [];

  constructor(
    private readonly call: Call,
    private readonly cfg: SyncSettings,
    private readonly ledger: Ledger,
  ) {}

  private slot(job: Job, name: string): string {
    return ledgerKey(name, job.type);
  }

  private report(job: Job, name: string, outcome: Outcome): void {
    const result: CloudflareRecordResult = { name, type: job.type, value: job.value, ...outcome };
    if (result.previous === undefined) delete result.previous;
    this.results.set(this.slot(job, name), result);
  }

  private remember(job: Job, name: string, record: ApiRecord, value: string, wrote: boolean): void {
    const now = this.cfg.now();
    const entry = entryOf(this.ledger, name, job.type);
    // another record fills the slot now: the last write was to the one before it
    if (entry.id !== record.id) delete entry.lastWriteAt;
    if (wrote) recordWrite(entry, value, now, record.id);
    else recordSeen(entry, value, now, record.id);
    rememberFacts(this.ledger, this.slot(job, name), { ...(record.proxied !== undefined ? { proxied: record.proxied } : {}), ...(record.ttl !== undefined ? { ttl: record.ttl } : {}) });
  }

  /** What was remembered about a slot that is now missing or ambiguous is no longer true. */
  private forget(job: Job, name: string): void {
    const entry = this.ledger.records[this.slot(job, name)];
    if (entry) forgetSeen(entry);
    rememberFacts(this.ledger, this.slot(job, name), undefined);
  }

  /** The token's refusal or the server's pause: kept on every record of the run, it holds each type of their names. */
  private holdAll(hold: (entry: LedgerRecord) => void): void {
    holdRecords(this.ledger, this.cfg.hostnames, this.cfg.jobs.map((job) => job.type), hold);
  }

  private fail(job: Job, name: string, err: DdnsError, message = err.message): void {
    const outcome: Outcome = { status: 'failed', code: err.code, message, ...(message === err.message ? reasonFrom(err) : {}) };
    if (err.providerCode !== undefined) outcome.providerCode = err.providerCode;
    if (err.requestId !== undefined) outcome.requestId = err.requestId;
    this.report(job, name, outcome);
    if (err.code === 'ECONFLICT' || (err.code === 'ENOTFOUND' && err !== this.zoneError)) this.forget(job, name);
  }

  private skip(job: Job, name: string, code: ErrorCode, providerCode: string, message: string, reason: ResultReason): void {
    this.report(job, name, { status: 'skipped', code, providerCode, message, reason });
  }

  // ------------------------------------------------------------------ decisions

  private wantsProxied(): boolean | undefined {
    return this.cfg.proxied === 'keep' ? undefined : this.cfg.proxied === 'on';
  }

  /**
   * The TTL to enforce on an existing record, if any. A proxied record's TTL is
   * Cloudflare's own (automatic, not editable; https://developers.cloudflare.com/dns/proxy-status/),
   * so none is sent for one; the default 1 (automatic) only applies to records
   * this node creates, so a TTL the user set in the dashboard stays.
   */
  private wantsTtl(proxied: boolean | undefined): number | undefined {
    if (this.cfg.ttl === DEFAULT_TTL || proxied === true) return undefined;
    return this.cfg.ttl;
  }

  /** Remembered with this value, the node's wishes met, seen recently: no request needed. */
  private settledFromMemory(job: Job, name: string): boolean {
    const known = this.ledger.records[this.slot(job, name)];
    if (!known || known.value === undefined || known.id === undefined || known.verifiedAt === undefined || !sameAddress(known.value, job.value)) return false;
    const facts = rememberedFacts(this.ledger, this.slot(job, name));
    const proxied = this.wantsProxied();
    if (proxied !== undefined && facts.proxied !== proxied) return false;
    const ttl = this.wantsTtl(proxied ?? facts.proxied);
    if (ttl !== undefined && facts.ttl !== ttl) return false;
    const age = this.cfg.now() - known.verifiedAt;
    if (age < 0 || age >= this.cfg.verifyAfterMs) return false;
    this.report(job, name, {
      status: 'unchanged',
      previous: known.value,
      recordId: known.id,
      message: `already ${known.value} (seen on Cloudflare ${Math.round(age / 60_000)} min ago); no request sent`,
      ...(facts.proxied === true ? { unverifiable: 'proxied' as const } : {}),
    });
    return true;
  }

  // ------------------------------------------------------------------ the run

  async run(): Promise<void> {
    const now = this.cfg.now();
    // stored while the clock was ahead: a pause ends no later than its own length from now
    for (const entry of Object.values(this.ledger.records)) {
      const before = entry.pause?.until;
      if (cutPause(entry, now) && this.notes.length === 0) {
        this.notes.push(`the pause stored until ${formatTime(before!, now)} lay further ahead than its length (was the clock ahead?); it ends at ${formatTime(entry.pause!.until, now)} instead`);
      }
    }
    const pending: Array<[Job, string]> = [];
    for (const job of this.cfg.jobs) {
      for (const name of this.cfg.hostnames) {
        const entry = this.ledger.records[this.slot(job, name)];
        // the value to write again after a failure (a dry run stores nothing)
        if (!this.cfg.dryRun) entryOf(this.ledger, name, job.type).wanted = job.value;
        const held = heldBy(this.ledger, name, [...this.cfg.holdTypes, job.type], now);
        if (held.block) {
          const block = held.block;
          this.skip(job, name, 'EBLOCKED', block.code, `${name}: blocked since Cloudflare refused the API token (${block.code}); nothing is sent until the token changes or the block is cleared in the DDNS sidebar`, { key: 'record.blocked-token', params: { answer: block.code }, at: name });
          continue;
        }
        if (held.pause) {
          const pause = held.pause;
          this.skip(job, name, 'EWAIT', pause.code, `${name}: Cloudflare asked for a pause (${pause.code}); nothing is sent before ${formatTime(pause.until)}`, { key: 'record.paused', params: { answer: pause.code, time: formatTime(pause.until) }, at: name });
          continue;
        }
        if (entry?.pause) delete entry.pause;
        if (!this.settledFromMemory(job, name)) pending.push([job, name]);
      }
    }
    for (const [job, name] of pending) {
      if (this.halt) {
        this.haltedBy(job, name, this.halt);
        continue;
      }
      try {
        await this.withZone((zoneId) => this.syncOne(zoneId, job, name));
      } catch (thrown) {
        this.failed(job, name, toDdnsError(thrown));
      }
    }
  }

  private haltedBy(job: Job, name: string, halt: DdnsError): void {
    this.fail(job, name, halt, `${name}: not attempted; an earlier request of this run failed: ${halt.message}`);
  }

  private failed(job: Job, name: string, err: DdnsError): void {
    const now = this.cfg.now();
    if (err.code === 'EWAIT' && err.retryAfterMs !== undefined) {
      // a longer pause than a run waits: remembered for the node, so no request goes out before it ends
      // (a failure the stored pause explains: the node's status shows it as a pause, not as red)
      const code = err.providerCode ?? (err.statusCode ? `HTTP ${err.statusCode}` : 'EWAIT');
      const ms = serverPauseMs(err.retryAfterMs);
      this.holdAll((entry) => recordPause(entry, ms, code, now));
      this.fail(job, name, err, `${name}: ${err.message}`);
      this.halt = err;
      return;
    }
    if (blocksAccount(err)) this.holdAll((entry) => (entry.block = { code: err.providerCode ?? err.code, at: now }));
    this.fail(job, name, err, err.message.includes(name) ? err.message : `${name}: ${err.message}`);
    if (RUN_WIDE.has(err.code) || err === this.zoneError) this.halt = err;
  }

  // ------------------------------------------------------------------ zone

  /** Runs `task` with the zone's id; a remembered id Cloudflare no longer routes (7003) is looked up again once. */
  private async withZone(task: (zoneId: string) => Promise<void>): Promise<void> {
    const zoneId = await this.zone();
    try {
      await task(zoneId);
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (!hasCode(err, NO_ROUTE) || this.zoneLookedUp) throw err;
      rememberZone(this.ledger, this.cfg.zone, undefined);
      this.zoneId = undefined;
      await task(await this.zone());
    }
  }

  private async zone(): Promise<string> {
    if (this.zoneError) throw this.zoneError;
    if (this.zoneId) return this.zoneId;
    const known = rememberedZone(this.ledger, this.cfg.zone);
    if (known) return (this.zoneId = known);
    this.zoneLookedUp = true;
    try {
      this.zoneId = await this.lookUpZone();
    } catch (thrown) {
      this.zoneError = toDdnsError(thrown);
      throw this.zoneError;
    }
    rememberZone(this.ledger, this.cfg.zone, this.zoneId);
    return this.zoneId;
  }

  private async lookUpZone(): Promise<string> {
    const answer = await this.call<unknown>('GET', '/zones', { query: { name: this.cfg.zone, per_page: ZONE_PAGE_SIZE } });
    if (!Array.isArray(answer.result)) throw new DdnsError('EBADRESPONSE', 'Cloudflare GET /zones: the answer holds no list of zones');
    // the listing's name filter is trusted no more than the record one: only this zone's own name counts
    const zones = (answer.result as unknown[])
      .filter((z): z is ApiZone => !!z && typeof z === 'object' && typeof (z as ApiZone).id === 'string' && ID.test((z as ApiZone).id) && typeof (z as ApiZone).name === 'string')
      .filter((z) => sameZone(z.name, this.cfg.zone));
    const active = zones.filter((z) => z.status === undefined || z.status === 'active');
    const chosen = zones.length === 1 ? zones[0] : active.length === 1 ? active[0] : undefined;
    if (chosen) return chosen.id;
    if (zones.length === 0) {
      throw new DdnsError(
        'ENOTFOUND',
        `the zone ${this.cfg.zone} is not among the zones this API token can see: check its spelling, and that the token's Zone Resources include it`,
      );
    }
    throw new DdnsError('ECONFLICT', `the token sees ${zones.length} zones named ${this.cfg.zone} (ids ${zones.map((z) => z.id).join(', ')}), none of them the one active zone`);
  }

  // ------------------------------------------------------------------ records

  private async list(zoneId: string, job: Job, name: string): Promise<ApiRecord[]> {
    const found: ApiRecord[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.call<unknown>('GET', `/zones/${zoneId}/dns_records`, {
        query: { type: job.type, 'name.exact': name, per_page: PAGE_SIZE, page },
      });
      if (!Array.isArray(answer.result)) throw new DdnsError('EBADRESPONSE', 'Cloudflare GET /zones/{id}/dns_records: the answer holds no list of records');
      const items = answer.result as unknown[];
      for (const raw of items) {
        const record = asRecord(raw);
        // the exact name and type, whatever the server's filter let through
        if (record && record.type === job.type && asciiName(record.name) === name) found.push(record);
      }
      const pages = answer.resultInfo?.total_pages;
      if (items.length < PAGE_SIZE || (typeof pages === 'number' && page >= pages)) return found;
    }
    throw new DdnsError('EBADRESPONSE', `${name}: more than ${MAX_PAGES * PAGE_SIZE} ${job.type} records listed for one name`);
  }

  private async syncOne(zoneId: string, job: Job, name: string): Promise<void> {
    await this.apply(zoneId, job, name, await this.list(zoneId, job, name), true);
  }

  private changesFor(job: Job, record: ApiRecord): { body: Record<string, unknown>; words: string[] } {
    const body: Record<string, unknown> = {};
    const words: string[] = [];
    if (!sameAddress(record.content, job.value)) {
      body.content = job.value;
      words.push(`${record.content} -> ${job.value}`);
    }
    const proxied = this.wantsProxied();
    if (proxied !== undefined && record.proxied !== proxied) {
      body.proxied = proxied;
      words.push(`proxied ${record.proxied ? 'on' : 'off'} -> ${proxied ? 'on' : 'off'}`);
    }
    const ttl = this.wantsTtl(proxied ?? record.proxied);
    if (ttl !== undefined && record.ttl !== ttl) {
      body.ttl = ttl;
      words.push(`TTL ${record.ttl ?? '?'} -> ${ttl}`);
    }
    return { body, words };
  }

  private async apply(zoneId: string, job: Job, name: string, found: ApiRecord[], mayLookAgain: boolean): Promise<void> {
    if (found.length > 1) {
      throw new DdnsError(
        'ECONFLICT',
        `${name}: ${found.length} ${job.type} records (round robin, ids ${found.map((r) => r.id).join(', ')}); delete all but one in the Cloudflare dashboard, this node does not choose between them`,
      );
    }
    const record = found[0];
    if (!record) return this.create(zoneId, job, name, mayLookAgain);
    const { body, words } = this.changesFor(job, record);
    if (words.length === 0) {
      this.remember(job, name, record, job.value, false);
      this.report(job, name, { status: 'unchanged', previous: record.content, recordId: record.id, message: `already ${record.content}`, ...(record.proxied === true ? { unverifiable: 'proxied' as const } : {}) });
      return;
    }
    if (this.cfg.dryRun) {
      this.report(job, name, { status: 'skipped', planned: 'update', previous: record.content, recordId: record.id, message: `dry run: would update ${words.join(', ')}` });
      return;
    }
    let answer: ApiAnswer<unknown>;
    try {
      answer = await this.call<unknown>('PATCH', `/zones/${zoneId}/dns_records/${record.id}`, { body });
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (mayLookAgain && (hasCode(err, RECORD_GONE) || hasCode(err, ALREADY_EXISTS))) {
        return this.apply(zoneId, job, name, await this.list(zoneId, job, name), false);
      }
      throw err;
    }
    const written = asRecord(answer.result);
    if (written && !sameAddress(written.content, job.value)) {
      throw new DdnsError('EBADRESPONSE', `${name}: Cloudflare answered the update with ${written.content.slice(0, 64)}, not ${job.value}`);
    }
    this.remember(job, name, { ...record, ...(written ?? {}), id: record.id }, job.value, true);
    // a proxied record's authoritative answer is Cloudflare's own address: its name servers cannot confirm ours
    const proxied = (written ?? record).proxied === true ? { unverifiable: 'proxied' as const } : {};
    this.report(job, name, { status: 'updated', previous: record.content, recordId: record.id, message: `updated ${words.join(', ')}`, ...proxied });
  }

  private async create(zoneId: string, job: Job, name: string, mayLookAgain: boolean): Promise<void> {
    if (!this.cfg.create) throw new DdnsError('ENOTFOUND', `${name}: no ${job.type} record in the zone ${this.cfg.zone}, and creating records is off`);
    if (this.cfg.dryRun) {
      this.report(job, name, { status: 'skipped', planned: 'create', message: `dry run: would create ${job.type} ${job.value}` });
      return;
    }
    const proxied = this.wantsProxied();
    // without `proxied` Cloudflare creates the record unproxied, as DNS-only records are for a DDNS host
    const body: Record<string, unknown> = { type: job.type, name, content: job.value, ttl: proxied ? DEFAULT_TTL : this.cfg.ttl };
    if (proxied !== undefined) body.proxied = proxied;
    let answer: ApiAnswer<unknown>;
    try {
      answer = await this.call<unknown>('POST', `/zones/${zoneId}/dns_records`, { body });
    } catch (thrown) {
      const err = toDdnsError(thrown);
      // created meanwhile (by a retry whose first answer was lost, or by someone else): find it
      if (mayLookAgain && hasCode(err, ALREADY_EXISTS)) return this.apply(zoneId, job, name, await this.list(zoneId, job, name), false);
      throw err;
    }
    const created = asRecord(answer.result);
    if (!created) throw new DdnsError('EBADRESPONSE', `Cloudflare POST /zones/{id}/dns_records: ${name} was created but no record came back`);
    this.remember(job, name, created, job.value, true);
    this.report(job, name, { status: 'created', recordId: created.id, message: `created ${job.type} ${job.value}`, ...(created.proxied === true ? { unverifiable: 'proxied' as const } : {}) });
  }

  collect(): CloudflareRecordResult[] {
    const out: CloudflareRecordResult[] = [];
    for (const job of this.cfg.jobs) {
      for (const name of this.cfg.hostnames) {
        const result = this.results.get(this.slot(job, name));
        if (result) out.push(result);
      }
    }
    return out;
  }
}
