/**
 * What the Cloudflare node remembers between runs, as plain JSON so that any
 * Node-RED context store can hold it: zone ids by zone name, each record's id
 * and value, and the node-wide block (a refused token) and pause (a rate limit
 * longer than a run waits). A stored value of another shape is read as far as
 * it is valid, never trusted.
 */
import { storedTime as time } from '../../core/stored';

export interface ZoneState {
  id: string;
  /** ms since epoch when the id was looked up */
  seenAt: number;
}

export interface RecordState {
  recordId: string;
  /** the value the record was last seen (or made) to hold */
  value: string;
  /** ms since epoch when the server was last seen holding `value` */
  verifiedAt: number;
  lastWriteAt?: number;
  proxied?: boolean;
  ttl?: number;
}

export interface CloudflareState {
  version: 1;
  /** by zone name (ASCII) */
  zones: Record<string, ZoneState>;
  /** by recordKey(): name and type */
  records: Record<string, RecordState>;
  /** the token (or its right to the zone) was refused: no request until the token changes or the block is cleared */
  block?: { code: string; at: number; zone?: string };
  /** Cloudflare asked for a longer pause than a run waits: no request before `until` */
  pause?: { until: number; code: string; /** the pause's length: a stored `until` further ahead came from a wrong clock */ ms?: number };
}

export function emptyCloudflareState(): CloudflareState {
  return { version: 1, zones: {}, records: {} };
}

/** `home.example.com/A`: one record slot, whatever record id currently fills it. */
export function recordKey(name: string, type: string): string {
  return `${name.toLowerCase()}/${type.toUpperCase()}`;
}

export function splitRecordKey(key: string): { name: string; type: string } | undefined {
  const slash = key.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const type = key.slice(slash + 1);
  return type === 'A' || type === 'AAAA' ? { name: key.slice(0, slash), type } : undefined;
}


// Cloudflare ids are 32 hex digits; a little room for other servers' ids, nothing that could carry markup
const ID = /^[\w-]{1,64}$/;
// full names: at least two labels
const NAME = /^[a-z0-9_*-][a-z0-9_.*-]{0,252}$/;
const isName = (text: string): boolean => NAME.test(text) && text.includes('.') && !text.endsWith('.');

function code(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w .-]{1,32}$/.test(value) ? value : undefined;
}

function cleanRecord(raw: unknown): RecordState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.recordId !== 'string' || !ID.test(r.recordId)) return undefined;
  if (typeof r.value !== 'string' || r.value.length === 0 || r.value.length > 64) return undefined;
  const out: RecordState = { recordId: r.recordId, value: r.value, verifiedAt: time(r.verifiedAt) ?? 0 };
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  if (typeof r.proxied === 'boolean') out.proxied = r.proxied;
  if (typeof r.ttl === 'number' && Number.isInteger(r.ttl) && r.ttl >= 1 && r.ttl <= 86_400) out.ttl = r.ttl;
  return out;
}

/**
 * More records than one node plausibly manages (names taken from messages):
 * the records seen longest ago go first; they are only looked up again if
 * they come back.
 */
export const MAX_REMEMBERED_RECORDS = 2000;
export const MAX_REMEMBERED_ZONES = 200;

export function pruneCloudflareState(state: CloudflareState): CloudflareState {
  const records = Object.keys(state.records);
  if (records.length > MAX_REMEMBERED_RECORDS) {
    records.sort((a, b) => state.records[a].verifiedAt - state.records[b].verifiedAt);
    for (const key of records.slice(0, records.length - MAX_REMEMBERED_RECORDS)) delete state.records[key];
  }
  const zones = Object.keys(state.zones);
  if (zones.length > MAX_REMEMBERED_ZONES) {
    zones.sort((a, b) => state.zones[a].seenAt - state.zones[b].seenAt);
    for (const key of zones.slice(0, zones.length - MAX_REMEMBERED_ZONES)) delete state.zones[key];
  }
  return state;
}

/** A fresh, valid copy of whatever was stored; the caller's object is never changed. */
export function normaliseCloudflareState(raw: unknown): CloudflareState {
  const state = emptyCloudflareState();
  if (!raw || typeof raw !== 'object') return state;
  const r = raw as Record<string, unknown>;
  if (r.zones && typeof r.zones === 'object' && !Array.isArray(r.zones)) {
    for (const [name, value] of Object.entries(r.zones as Record<string, unknown>)) {
      if (!isName(name) || !value || typeof value !== 'object') continue;
      const zone = value as Record<string, unknown>;
      if (typeof zone.id === 'string' && ID.test(zone.id)) state.zones[name] = { id: zone.id, seenAt: time(zone.seenAt) ?? 0 };
    }
  }
  if (r.records && typeof r.records === 'object' && !Array.isArray(r.records)) {
    for (const [key, value] of Object.entries(r.records as Record<string, unknown>)) {
      const slot = splitRecordKey(key);
      if (!slot || !isName(slot.name)) continue;
      const record = cleanRecord(value);
      if (record) state.records[key] = record;
    }
  }
  const block = r.block as Record<string, unknown> | undefined;
  if (block && typeof block === 'object' && code(block.code)) {
    state.block = { code: code(block.code)!, at: time(block.at) ?? 0 };
    if (typeof block.zone === 'string' && isName(block.zone)) state.block.zone = block.zone;
  }
  const pause = r.pause as Record<string, unknown> | undefined;
  if (pause && typeof pause === 'object' && time(pause.until) !== undefined) {
    state.pause = { until: time(pause.until)!, code: code(pause.code) ?? 'HTTP 429' };
    const ms = time(pause.ms);
    if (ms !== undefined) state.pause.ms = ms;
  }
  return state;
}
