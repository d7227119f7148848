/**
 * The rows of the DDNS sidebar, composed from what an updater knows: its
 * stored state (values, blocks, pauses), the last result of each record in
 * this process, and the history of changes kept in node context. One job:
 * turn that into rows; the board (board.ts) keeps and publishes them, the
 * routes (board-routes.ts) serve them.
 *
 * A row's message is said in the runtime's language where the result carries
 * a catalog key; nothing on a row is a secret (names, values, times, provider
 * codes, messages already scrubbed for `msg.ddns.results`).
 */
import type { RecordResult } from '../../core/result';
import { boundedPast } from '../../core/run';
import type { StoredRecord } from '../../core/records';
import { reasonText, resultReason, runtimeTexts } from './texts';

export type { StoredRecord };

/** changes kept per record */
export const HISTORY_LENGTH = 10;
/** records remembered per node: one fed domains through msg.domain must not grow without bound */
export const MAX_RECORDS_PER_NODE = 500;

export type RecordState = 'pending' | 'in-sync' | 'dry-run' | 'backoff' | 'blocked' | 'failed';

/** One change of a record's value, as the sidebar lists it. */
export interface RecordChange {
  at: number;
  value: string;
  previous?: string;
}

/** Changes per record (key from recordKey()), newest first. */
export type HistoryBook = Record<string, RecordChange[]>;

/** One row of the sidebar and of `GET /ddns/records`. */
export interface RecordRow {
  nodeId: string;
  nodeType: string;
  nodeName: string;
  flowId?: string;
  name: string;
  type?: string;
  /** what the record holds as far as the node knows */
  value?: string;
  state: RecordState;
  /** blocked: the provider's code (badauth, nohost, HTTP 401); failed: provider code or error code */
  code?: string;
  message?: string;
  /** backoff: no request before this time */
  until?: number;
  /** blocked: since this time */
  since?: number;
  /** blocked or paused (backoff), and the node can clear it (`POST /ddns/records/:nodeId/unblock`) */
  canUnblock?: boolean;
  lastChangedAt?: number;
  lastCheckedAt?: number;
  nextKeepAliveAt?: number;
  /** in sync, and its value seen at the zone's authoritative name servers: by `seen` of the `of` asked, at `at` (verify) */
  servedBy?: ServedBy;
  /** the last write put back a value changed outside the node (verify's drift check) */
  restored?: boolean;
  /** newest first, at most HISTORY_LENGTH */
  history: RecordChange[];
}

export interface BoardError {
  code: string;
  message: string;
}


/** How many of a record's authoritative name servers served its value, and when they were asked. */
export interface ServedBy {
  seen: number;
  of: number;
  at: number;
}

/** The last result a record had in this process, and when. */
export interface LastResult {
  result: RecordResult;
  at: number;
  dryRun: boolean;
  /**
   * when the name servers last served this value: set by a run that verified
   * it, kept by the runs after it that found the value unchanged (they ask no
   * server, or one for drift, and say nothing of the others)
   */
  servedBy?: ServedBy;
}

/** What a result says of the name servers: verified now, or the same value as the last verified one. */
export function servedByOf(result: RecordResult, at: number, before?: LastResult): ServedBy | undefined {
  if (result.verified) return { seen: result.verified.seen, of: result.verified.of, at };
  if (result.status === 'unchanged' && before?.servedBy && before.result.value === result.value) return before.servedBy;
  return undefined;
}

/** What an updater knows about its records; the board turns it into rows. */
export interface NodeView {
  stored: readonly StoredRecord[];
  lastResults: ReadonlyMap<string, LastResult>;
  history: HistoryBook;
  error?: BoardError;
  retrying?: { until: number; code?: string };
}

export type UnblockOutcome = 'unblocked' | 'not-blocked' | 'unknown-node' | 'unsupported';

export interface BoardIdentity {
  id: string;
  type: string;
  name?: string;
  flowId?: string;
  dryRun: boolean;
  /** the node can clear a block (DynDNS2) */
  canUnblock?: boolean;
}


// ------------------------------------------------------------------ history

/** `A www.example.com`; a name alone for what holds for every type. Names never contain a space. */
export function recordKey(name: string, type?: string): string {
  return type ? `${type} ${name}` : name;
}

function timeOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function textOf(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A fresh, valid copy of a stored history: anything of another shape is dropped, never trusted. */
export function normaliseHistory(raw: unknown): HistoryBook {
  const book: HistoryBook = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return book;
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    if (UNSAFE_KEYS.has(key) || key.length > 600 || !Array.isArray(list)) continue;
    const changes: RecordChange[] = [];
    for (const item of list.slice(0, HISTORY_LENGTH)) {
      if (!item || typeof item !== 'object') continue;
      const r = item as Record<string, unknown>;
      const at = timeOf(r.at);
      const value = textOf(r.value, 1024);
      if (at === undefined || value === undefined) continue;
      const change: RecordChange = { at, value };
      const previous = textOf(r.previous, 1024);
      if (previous !== undefined) change.previous = previous;
      changes.push(change);
    }
    if (changes.length > 0) book[key] = changes;
  }
  return book;
}

function latest(list: readonly RecordChange[] | undefined): number {
  return list && list.length > 0 ? list[0].at : 0;
}

/**
 * Adds one change per record whose value a run actually changed (created, or
 * updated to a different value: a keep-alive write or a TTL fix is no change).
 * Returns whether anything was added. Keeps HISTORY_LENGTH changes per record
 * and MAX_RECORDS_PER_NODE records, dropping those that changed longest ago.
 */
export function addChanges(book: HistoryBook, results: readonly RecordResult[], at: number): boolean {
  let added = false;
  for (const r of results) {
    if (r.status !== 'created' && r.status !== 'updated') continue;
    if (!r.value || r.value === r.previous) continue;
    const key = recordKey(r.name, r.type);
    if (UNSAFE_KEYS.has(key)) continue;
    const change: RecordChange = { at, value: r.value };
    if (r.previous !== undefined) change.previous = r.previous;
    book[key] = [change, ...(book[key] ?? [])].slice(0, HISTORY_LENGTH);
    added = true;
  }
  const keys = Object.keys(book);
  if (keys.length > MAX_RECORDS_PER_NODE) {
    keys.sort((a, b) => latest(book[a]) - latest(book[b]));
    for (const key of keys.slice(0, keys.length - MAX_RECORDS_PER_NODE)) delete book[key];
  }
  return added;
}

// ------------------------------------------------------------------ rows

/** A result's message in the runtime's language where it carries a catalog key, else as it is. */
function messageOf(result: RecordResult): string {
  return result.reason ? reasonText(runtimeTexts(), resultReason(result)) : result.message!;
}

function isSuccess(result: RecordResult): boolean {
  return result.status === 'created' || result.status === 'updated' || result.status === 'unchanged';
}

function typeOrder(type: string | undefined): string {
  // A before AAAA before the rest, a name's untyped row last
  if (type === 'A') return '0';
  if (type === 'AAAA') return '1';
  return type ? `2${type}` : '3';
}

/**
 * A time that has happened (a change, a check, a block) stored while the clock
 * was ahead (an NTP step, a board that booted in 2037): `now` is the latest it
 * can honestly be, so the sidebar never shows a last change in the future.
 */
function notAfter(at: number, now: number): number {
  return boundedPast(at, now).at;
}

/** The rows of one node: stored state and the latest results, merged per record. */
export function composeRows(identity: BoardIdentity, view: NodeView, now: number = Date.now()): RecordRow[] {
  const typed = new Map<string, StoredRecord>();
  const byName = new Map<string, StoredRecord>();
  for (const s of view.stored) {
    if (s.type) typed.set(recordKey(s.name, s.type), { ...typed.get(recordKey(s.name, s.type)), ...s });
    else byName.set(s.name, { ...byName.get(s.name), ...s });
  }
  const slots = new Map<string, { name: string; type?: string }>();
  for (const s of typed.values()) slots.set(recordKey(s.name, s.type), { name: s.name, type: s.type });
  for (const [key, last] of view.lastResults) {
    if (!slots.has(key)) slots.set(key, { name: last.result.name, type: last.result.type });
  }
  const typedNames = new Set([...slots.values()].map((slot) => slot.name));
  for (const s of byName.values()) {
    if (!typedNames.has(s.name)) slots.set(recordKey(s.name), { name: s.name });
  }

  const rows: RecordRow[] = [];
  for (const [key, slot] of slots) {
    const info: StoredRecord = { ...byName.get(slot.name), ...typed.get(key), name: slot.name };
    const last = view.lastResults.get(key);
    const row: RecordRow = {
      nodeId: identity.id,
      nodeType: identity.type,
      nodeName: identity.name ?? '',
      name: slot.name,
      state: 'pending',
      history: (view.history[key] ?? []).map((change) => (change.at > now ? { ...change, at: now } : change)),
    };
    if (identity.flowId) row.flowId = identity.flowId;
    if (slot.type) row.type = slot.type;
    const value = info.value ?? (last ? (isSuccess(last.result) ? last.result.value : last.result.previous) : undefined);
    if (value !== undefined) row.value = value;

    if (info.blockedCode) {
      row.state = 'blocked';
      row.code = info.blockedCode;
      if (info.blockedAt !== undefined) row.since = notAfter(info.blockedAt, now);
      row.canUnblock = identity.canUnblock === true;
      if (last?.result.message) row.message = messageOf(last.result);
    } else if (info.waitUntil !== undefined && info.waitUntil > now) {
      row.state = 'backoff';
      row.until = info.waitUntil;
      // Clear block lifts a pause too
      row.canUnblock = identity.canUnblock === true;
      if (info.waitCode) row.code = info.waitCode;
      if (last?.result.message) row.message = messageOf(last.result);
    } else if (last && last.result.status === 'failed') {
      row.state = 'failed';
      const code = last.result.providerCode ?? last.result.code;
      if (code) row.code = code;
      if (last.result.message) row.message = messageOf(last.result);
    } else if (last && last.result.status === 'skipped') {
      // skipped for a block or a wait that is over now: waiting for the next input
      if (last.dryRun) {
        row.state = 'dry-run';
        if (last.result.message) row.message = messageOf(last.result);
      }
    } else if (last) {
      row.state = 'in-sync';
      if (last.result.code) row.code = last.result.code;
      const served = last.servedBy ?? servedByOf(last.result, last.at);
      if (served) row.servedBy = { ...served, at: notAfter(served.at, now) };
      if (last.result.restored) row.restored = true;
    } else if (info.value !== undefined) {
      row.state = 'in-sync';
    }

    const checked = last?.at ?? info.checkedAt;
    if (checked !== undefined) row.lastCheckedAt = notAfter(checked, now);
    const changed = row.history.length > 0 ? row.history[0].at : info.lastWriteAt;
    if (changed !== undefined) row.lastChangedAt = notAfter(changed, now);
    if (info.nextKeepAliveAt !== undefined) row.nextKeepAliveAt = info.nextKeepAliveAt;
    rows.push(row);
  }
  rows.sort((a, b) => a.name.localeCompare(b.name) || typeOrder(a.type).localeCompare(typeOrder(b.type)));
  return rows;
}
