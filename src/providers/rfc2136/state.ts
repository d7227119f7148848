/**
 * What the RFC 2136 updater remembers between runs, as plain JSON so any
 * Node-RED context store can hold it: per name, the value of each record as
 * the server was last seen (or made) to hold it, the zone its SOA placed it in
 * when the zone is discovered, and a block. A stored value of another shape is
 * read as far as it is valid, never trusted.
 */
import { parseAddress } from '../../core/address';
import type { StoredRecord } from '../../core/records';
import type { AddressType } from './wire';
import { storedTime as time } from '../../core/stored';

export interface RecordMemory {
  /** the value the RRset was last seen (or made) to hold, canonical */
  value: string;
  ttl: number;
  /** ms since the epoch the server was last seen holding it */
  verifiedAt: number;
  /** ms since the epoch of our last write */
  lastWriteAt?: number;
}

export interface NameMemory {
  A?: RecordMemory;
  AAAA?: RecordMemory;
  /** the zone the name's SOA lies in, when the server node names none */
  zone?: string;
  /** the answer that blocked the name (BADKEY, BADSIG, NOTAUTH, REFUSED, NOTZONE) */
  blockedCode?: string;
  blockedAt?: number;
}

export interface Rfc2136State {
  version: 1;
  names: Record<string, NameMemory>;
}

export const ADDRESS_TYPES: readonly AddressType[] = ['A', 'AAAA'];
/** names fed through msg.hostnames must not grow the state without bound: the names seen longest ago go */
export const MAX_REMEMBERED_NAMES = 1000;

export function emptyRfc2136State(): Rfc2136State {
  return { version: 1, names: {} };
}


function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

function cleanRecord(raw: unknown, type: AddressType): RecordMemory | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const parsed = typeof r.value === 'string' ? parseAddress(r.value) : undefined;
  if (!parsed || parsed.family !== (type === 'A' ? 4 : 6)) return undefined;
  const ttl = time(r.ttl);
  const verifiedAt = time(r.verifiedAt);
  if (ttl === undefined || !Number.isInteger(ttl) || verifiedAt === undefined) return undefined;
  const out: RecordMemory = { value: parsed.address, ttl, verifiedAt };
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  return out;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A fresh, valid copy; the caller's object is never changed. */
export function normaliseRfc2136State(raw: unknown): Rfc2136State {
  const state = emptyRfc2136State();
  if (!raw || typeof raw !== 'object') return state;
  const names = (raw as { names?: unknown }).names;
  if (!names || typeof names !== 'object' || Array.isArray(names)) return state;
  for (const [name, value] of Object.entries(names as Record<string, unknown>)) {
    if (UNSAFE_KEYS.has(name) || name.length > 253 || !value || typeof value !== 'object') continue;
    const r = value as Record<string, unknown>;
    const memory: NameMemory = {};
    for (const type of ADDRESS_TYPES) {
      const record = cleanRecord(r[type], type);
      if (record) memory[type] = record;
    }
    const zone = text(r.zone, 253);
    if (zone) memory.zone = zone;
    const blockedCode = text(r.blockedCode, 32);
    if (blockedCode) {
      memory.blockedCode = blockedCode;
      memory.blockedAt = time(r.blockedAt) ?? 0;
    }
    state.names[name] = memory;
  }
  return state;
}

function lastSeen(memory: NameMemory): number {
  return Math.max(memory.blockedAt ?? 0, ...ADDRESS_TYPES.map((t) => memory[t]?.verifiedAt ?? 0));
}

export function pruneRfc2136State(state: Rfc2136State, keep: ReadonlySet<string>, max = MAX_REMEMBERED_NAMES): Rfc2136State {
  const names = Object.keys(state.names).filter((n) => !keep.has(n));
  const excess = Object.keys(state.names).length - max;
  if (excess <= 0) return state;
  names.sort((a, b) => lastSeen(state.names[a]) - lastSeen(state.names[b]));
  for (const name of names.slice(0, excess)) delete state.names[name];
  return state;
}

/**
 * The sidebar's rows: one per name for what holds for all its records (a
 * block), one per record the server was seen holding. Configured names not
 * seen yet come as pending rows.
 */
export function describeNames(state: Rfc2136State, configured: readonly string[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const name of new Set([...configured, ...Object.keys(state.names)])) {
    const memory = state.names[name] ?? {};
    const common: StoredRecord = { name };
    if (memory.blockedCode) {
      common.blockedCode = memory.blockedCode;
      common.blockedAt = memory.blockedAt ?? 0;
    }
    out.push(common);
    for (const type of ADDRESS_TYPES) {
      const record = memory[type];
      if (!record) continue;
      const row: StoredRecord = { ...common, type, value: record.value, checkedAt: record.verifiedAt };
      if (record.lastWriteAt !== undefined) row.lastWriteAt = record.lastWriteAt;
      out.push(row);
    }
  }
  return out;
}

export function unblockName(state: Rfc2136State, name: string): Rfc2136State {
  const next = normaliseRfc2136State(state);
  const memory = next.names[name];
  if (memory) {
    delete memory.blockedCode;
    delete memory.blockedAt;
  }
  return next;
}
