/**
 * What the record workflow remembers between runs, as plain JSON so that any
 * Node-RED context store can hold it. A stored value of another shape (an older
 * version, a hand-edited store) is read as far as it is valid, never trusted.
 */
import { storedTime as time } from '../../core/stored';

export interface AliyunRecordState {
  /** the record's id at Alibaba; a string because ids exceed 2^53 */
  recordId: string;
  /** the value the server was last seen (or made) to hold */
  value: string;
  /** ms since epoch when the server was last seen holding `value` */
  verifiedAt: number;
  /** ms since epoch of our last successful write */
  lastWriteAt?: number;
}

export interface AliyunState {
  version: 1;
  /** keyed by recordKey(): domain, RR, type and line */
  records: Record<string, AliyunRecordState>;
  /** Alibaba Cloud refused the AccessKey pair: no request until the login changes or the block is cleared */
  block?: { code: string; at: number };
}

export function emptyAliyunState(): AliyunState {
  return { version: 1, records: {} };
}

/** `example.com/www/A/default`: one record slot, whatever RecordId currently fills it. */
export function recordKey(domain: string, rr: string, type: string, line: string): string {
  return `${domain.toLowerCase()}/${rr.toLowerCase()}/${type.toUpperCase()}/${line.toLowerCase()}`;
}


function cleanRecord(raw: unknown): AliyunRecordState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const recordId = typeof r.recordId === 'number' && Number.isSafeInteger(r.recordId) ? String(r.recordId) : r.recordId;
  if (typeof recordId !== 'string' || !/^[\w-]{1,64}$/.test(recordId)) return undefined;
  if (typeof r.value !== 'string' || r.value.length === 0 || r.value.length > 1024) return undefined;
  const out: AliyunRecordState = { recordId, value: r.value, verifiedAt: time(r.verifiedAt) ?? 0 };
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  return out;
}

/**
 * More records than one node plausibly manages: when the domain or RR comes from
 * msg, the state would otherwise grow with every name ever sent. The records
 * seen longest ago go first; they are only looked up again if they come back.
 */
export const MAX_REMEMBERED_RECORDS = 5000;

export function pruneAliyunState(state: AliyunState, max = MAX_REMEMBERED_RECORDS): AliyunState {
  const keys = Object.keys(state.records);
  if (keys.length <= max) return state;
  keys.sort((a, b) => state.records[a].verifiedAt - state.records[b].verifiedAt);
  for (const key of keys.slice(0, keys.length - max)) delete state.records[key];
  return state;
}

/** A fresh, valid copy of whatever was stored; the caller's object is never changed. */
export function normaliseAliyunState(raw: unknown): AliyunState {
  const state = emptyAliyunState();
  if (!raw || typeof raw !== 'object') return state;
  const block = (raw as { block?: unknown }).block as Record<string, unknown> | undefined;
  if (block && typeof block === 'object' && typeof block.code === 'string' && /^[\w .:-]{1,64}$/.test(block.code)) {
    state.block = { code: block.code, at: time(block.at) ?? 0 };
  }
  const records = (raw as { records?: unknown }).records;
  if (!records || typeof records !== 'object' || Array.isArray(records)) return state;
  for (const [key, value] of Object.entries(records as Record<string, unknown>)) {
    if (key.length > 600) continue;
    const record = cleanRecord(value);
    if (record) state.records[key] = record;
  }
  return state;
}
