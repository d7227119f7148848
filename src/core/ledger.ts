/**
 * The per-record ledger: what an updater knows about each of its records
 * between runs, in one shape for every provider built on it. Per record (a name
 * and a type): the value the server was last seen to hold and when, the value
 * it was last asked to hold, the last write, a block (the provider refused the
 * login or the name: nothing is sent until the configuration changes or the
 * block is cleared), a pause the server asked for, and the last few changes.
 * A provider keeps beside it only what is its own (record ids, zone ids).
 *
 * Plain JSON, so any Node-RED context store holds it; whatever a store hands
 * back is read as far as it is valid (normaliseLedger), never trusted.
 */
import type { StoredRecord } from './records';
import { boundedFuture, boundedPast } from './run';
import { storedTime as time } from './stored';

export interface LedgerBlock {
  /** the provider's word (`badauth`, `AuthFailure`, `HTTP 401`) */
  code: string;
  at: number;
}

export interface LedgerPause {
  until: number;
  /** its length: a stored `until` further ahead than this came from a clock that was wrong */
  ms: number;
  code: string;
}

export interface LedgerRecord {
  name: string;
  type: string;
  /** the value the server was last seen (or made) to hold */
  value?: string;
  /** the value this node was last asked to write (kept through failures, so it can be written again) */
  wanted?: string;
  /** the provider's id of the record, where it has one */
  id?: string;
  /** when the server was last seen holding `value` */
  verifiedAt?: number;
  lastWriteAt?: number;
  block?: LedgerBlock;
  pause?: LedgerPause;
  /** the last changes this node made, newest last */
  history?: Array<{ at: number; value: string }>;
}

export interface Ledger {
  version: 1;
  /** by ledgerKey(name, type) */
  records: Record<string, LedgerRecord>;
  /** the provider's own remembered facts (zone ids by zone name, ...): short strings only */
  memo: Record<string, string>;
}

/** A server's pause is never longer than this (DynDNS2's w<N> codes and Retry-After alike). */
export const LONGEST_PAUSE_MS = 7 * 24 * 3_600_000;
export const MAX_LEDGER_RECORDS = 2000;
export const MAX_MEMO_ENTRIES = 200;
const MAX_HISTORY = 10;

export function emptyLedger(): Ledger {
  return { version: 1, records: {}, memo: {} };
}

/** `home.example.com/A`: one record slot, whatever record id fills it. */
export function ledgerKey(name: string, type: string): string {
  return `${name.toLowerCase()}/${type.toUpperCase()}`;
}

/** The slot's entry, made when missing. */
export function entryOf(ledger: Ledger, name: string, type: string): LedgerRecord {
  const key = ledgerKey(name, type);
  let entry = ledger.records[key];
  if (!entry) ledger.records[key] = entry = { name: name.toLowerCase(), type: type.toUpperCase() };
  return entry;
}

export function recordWrite(entry: LedgerRecord, value: string, now: number, id?: string): void {
  if (entry.value !== value) entry.history = [...(entry.history ?? []), { at: now, value }].slice(-MAX_HISTORY);
  entry.value = value;
  entry.verifiedAt = now;
  entry.lastWriteAt = now;
  if (id !== undefined) entry.id = id;
  delete entry.block;
  delete entry.pause;
}

export function recordSeen(entry: LedgerRecord, value: string, now: number, id?: string): void {
  entry.value = value;
  entry.verifiedAt = now;
  if (id !== undefined) entry.id = id;
  delete entry.pause;
}

/** What was remembered of a record that is now missing or ambiguous is no longer true; what it is to hold still is. */
export function forgetSeen(entry: LedgerRecord): void {
  delete entry.value;
  delete entry.id;
  delete entry.verifiedAt;
}

/**
 * A refusal of the login (or a pause) that meets every record alike, kept on
 * each of `names` in each of `types` (the records of the run); heldBy() then
 * holds every type of those names, so nothing is sent for them until it is lifted.
 */
export function holdRecords(ledger: Ledger, names: Iterable<string>, types: Iterable<string>, hold: (entry: LedgerRecord) => void): void {
  const kinds = [...new Set(types)];
  for (const name of names) for (const type of kinds) hold(entryOf(ledger, name, type));
}

/**
 * What holds `name` back, whichever of its records (of `types`) keeps it: a
 * refusal met one record of a name and would meet the others alike.
 */
export function heldBy(ledger: Ledger, name: string, types: Iterable<string>, now: number): { block?: LedgerBlock; pause?: LedgerPause } {
  const held: { block?: LedgerBlock; pause?: LedgerPause } = {};
  for (const type of new Set(types)) {
    const entry = ledger.records[ledgerKey(name, type)];
    if (entry?.block && !held.block) held.block = entry.block;
    if (entry?.pause && entry.pause.until > now && (!held.pause || entry.pause.until > held.pause.until)) held.pause = entry.pause;
  }
  return held;
}

/** The server asked for a pause: cut to LONGEST_PAUSE_MS, never shorter than a second. */
export function recordPause(entry: LedgerRecord, askedMs: number, code: string, now: number): LedgerPause {
  const ms = Math.min(Math.max(askedMs, 1000), LONGEST_PAUSE_MS);
  entry.pause = { until: now + ms, ms, code };
  return entry.pause;
}

/**
 * A stored pause further ahead than its own length was stored while the clock
 * was ahead: it ends no later than its length from now. True when it was cut.
 */
export function cutPause(entry: LedgerRecord, now: number): boolean {
  if (!entry.pause) return false;
  const bounded = boundedFuture(entry.pause.until, Math.min(entry.pause.ms, LONGEST_PAUSE_MS), now);
  if (bounded.cut) entry.pause.until = bounded.at;
  return bounded.cut;
}

/** An entry that holds nothing (a record only ever blocked or skipped) is not worth a line in the store. */
export function dropEmptyEntries(ledger: Ledger): Ledger {
  for (const [key, entry] of Object.entries(ledger.records)) {
    if (entry.value === undefined && entry.wanted === undefined && !entry.block && !entry.pause) delete ledger.records[key];
  }
  return ledger;
}

/** The names' blocks and pauses lifted (Clear block on the sidebar): all types of the name. */
export function unblockLedger(ledger: Ledger, name: string): Ledger {
  const next = normaliseLedger(ledger);
  for (const entry of Object.values(next.records)) {
    if (entry.name !== name.toLowerCase()) continue;
    delete entry.block;
    delete entry.pause;
  }
  return dropEmptyEntries(next);
}

/**
 * The records for the DDNS sidebar and the status at deploy: configured ones
 * not seen yet first, as pending rows. Times stored while the clock was ahead
 * are shown as now at the latest.
 */
export function describeLedger(ledger: Ledger, configured: ReadonlyArray<{ name: string; type?: string }>, now: number): StoredRecord[] {
  const rows: StoredRecord[] = [];
  const seen = new Set<string>();
  for (const entry of Object.values(ledger.records)) seen.add(entry.name);
  for (const c of configured) if (!seen.has(c.name.toLowerCase())) rows.push(c.type ? { name: c.name, type: c.type } : { name: c.name });
  for (const entry of Object.values(ledger.records)) {
    const row: StoredRecord = { name: entry.name, type: entry.type };
    if (entry.value !== undefined) row.value = entry.value;
    if (entry.verifiedAt !== undefined) row.checkedAt = boundedPast(entry.verifiedAt, now).at;
    if (entry.lastWriteAt !== undefined) row.lastWriteAt = boundedPast(entry.lastWriteAt, now).at;
    if (entry.block) {
      row.blockedCode = entry.block.code;
      row.blockedAt = entry.block.at;
    }
    if (entry.pause && entry.pause.until > now) {
      row.waitUntil = boundedFuture(entry.pause.until, entry.pause.ms, now).at;
      row.waitCode = entry.pause.code;
    }
    rows.push(row);
  }
  return rows;
}


function shortText(value: unknown, max: number, shape = /^[\x20-\x7e]+$/): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max && shape.test(value) ? value : undefined;
}

const NAME = /^[a-z0-9_*][a-z0-9_.*-]{0,252}$/;
const TYPE = /^[A-Z0-9]{1,10}$/;
const CODE = /^[\w .:/()!-]{1,40}$/;

function cleanEntry(raw: unknown): LedgerRecord | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const name = shortText(r.name, 253, NAME);
  const type = shortText(r.type, 10, TYPE);
  if (!name || !type) return undefined;
  const out: LedgerRecord = { name, type };
  const value = shortText(r.value, 255);
  if (value) out.value = value;
  const wanted = shortText(r.wanted, 255);
  if (wanted) out.wanted = wanted;
  const id = shortText(r.id, 128, /^[\w.:/+=@-]+$/);
  if (id) out.id = id;
  const verifiedAt = time(r.verifiedAt);
  if (verifiedAt !== undefined) out.verifiedAt = verifiedAt;
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  const block = r.block as Record<string, unknown> | undefined;
  const blockCode = block && typeof block === 'object' ? shortText(block.code, 40, CODE) : undefined;
  if (blockCode) out.block = { code: blockCode, at: time(block!.at) ?? 0 };
  const pause = r.pause as Record<string, unknown> | undefined;
  if (pause && typeof pause === 'object' && time(pause.until) !== undefined) {
    const ms = Math.min(time(pause.ms) ?? LONGEST_PAUSE_MS, LONGEST_PAUSE_MS);
    out.pause = { until: time(pause.until)!, ms, code: shortText(pause.code, 40, CODE) ?? 'EWAIT' };
  }
  if (Array.isArray(r.history)) {
    const history = r.history
      .slice(-MAX_HISTORY)
      .map((h) => (h && typeof h === 'object' ? { at: time((h as { at?: unknown }).at), value: shortText((h as { value?: unknown }).value, 255) } : undefined))
      .filter((h): h is { at: number; value: string } => h !== undefined && h.at !== undefined && h.value !== undefined);
    if (history.length > 0) out.history = history;
  }
  return out;
}

/** A fresh, valid copy of whatever was stored; the caller's object is never changed. */
export function normaliseLedger(raw: unknown): Ledger {
  const ledger = emptyLedger();
  if (!raw || typeof raw !== 'object') return ledger;
  const r = raw as Record<string, unknown>;
  if (r.records && typeof r.records === 'object' && !Array.isArray(r.records)) {
    for (const value of Object.values(r.records as Record<string, unknown>).slice(0, MAX_LEDGER_RECORDS)) {
      const entry = cleanEntry(value);
      if (entry) ledger.records[ledgerKey(entry.name, entry.type)] = entry;
    }
  }
  if (r.memo && typeof r.memo === 'object' && !Array.isArray(r.memo)) {
    for (const [key, value] of Object.entries(r.memo as Record<string, unknown>).slice(0, MAX_MEMO_ENTRIES)) {
      const text = shortText(value, 256);
      if (key.length <= 300 && text) ledger.memo[key] = text;
    }
  }
  return ledger;
}

/**
 * A provider's stored state: the ledger, or the shape a version before the
 * ledger stored, told apart by `older` and converted by `convert` into a fresh
 * ledger (so an upgrade keeps what was confirmed, blocked and paused). Either
 * way the result is read as a ledger: whatever the old shape let through is
 * held to the ledger's rules too.
 */
export function readStoredLedger(raw: unknown, older: (stored: Record<string, unknown>) => boolean, convert: (stored: Record<string, unknown>, ledger: Ledger) => void): Ledger {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return emptyLedger();
  const stored = raw as Record<string, unknown>;
  if (!older(stored)) return normaliseLedger(stored);
  const ledger = emptyLedger();
  convert(stored, ledger);
  return normaliseLedger(ledger);
}

/** The entries of a stored object (a map by name), prototype keys left out; none when it is not one. */
export function storedEntries(value: unknown): Array<[string, unknown]> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).filter(([key]) => key !== '__proto__' && key !== 'constructor' && key !== 'prototype');
}

/** The records and memo entries seen longest ago go first when a node has taken more than it can keep. */
export function pruneLedger(ledger: Ledger): Ledger {
  const keys = Object.keys(ledger.records);
  if (keys.length > MAX_LEDGER_RECORDS) {
    keys.sort((a, b) => (ledger.records[a].verifiedAt ?? 0) - (ledger.records[b].verifiedAt ?? 0));
    for (const key of keys.slice(0, keys.length - MAX_LEDGER_RECORDS)) delete ledger.records[key];
  }
  const memo = Object.keys(ledger.memo);
  for (const key of memo.slice(0, Math.max(0, memo.length - MAX_MEMO_ENTRIES))) delete ledger.memo[key];
  return ledger;
}
