/**
 * What the updater remembers per host between runs, as plain JSON so that any
 * Node-RED context store (file, Redis, ...) can hold it. A stored value that is
 * not of this shape (an older version, a hand-edited store) is read as far as
 * it is valid and the rest ignored, never trusted blindly.
 */
import { parseAddress } from '../../core/address';
import { storedCode, storedTime as time } from '../../core/stored';

export interface HostState {
  /** the last address the server confirmed (good or nochg), per family */
  ipv4?: string;
  ipv6?: string;
  /** ms since epoch of the last accepted write; drives the keep-alive refresh */
  lastWriteAt?: number;
  /** return code that blocked the host (badauth, nohost, HTTP 401, ...) */
  blockedCode?: string;
  blockedAt?: number;
  /** no request before this time (911 / dnserr / an answer that could not be read) */
  waitUntil?: number;
  /** how long the pause that ends at waitUntil is: a waitUntil further ahead came from a clock that was wrong */
  waitMs?: number;
  waitCode?: string;
  /**
   * digest of the last answer that could not be read or believed (secrets masked
   * before hashing), and how many times in a row it came: the pause after it grows
   */
  unknownAnswer?: string;
  unknownCount?: number;
}

export interface Dyndns2State {
  version: 1;
  hosts: Record<string, HostState>;
}

export function emptyState(): Dyndns2State {
  return { version: 1, hosts: {} };
}


function address(value: unknown, family: 4 | 6): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseAddress(value);
  return parsed && parsed.family === family ? parsed.address : undefined;
}

const code = (value: unknown): string | undefined => storedCode(value);

function cleanHost(raw: unknown): HostState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const out: HostState = {};
  const v4 = address(r.ipv4, 4);
  const v6 = address(r.ipv6, 6);
  if (v4) out.ipv4 = v4;
  if (v6) out.ipv6 = v6;
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  const blockedCode = code(r.blockedCode);
  if (blockedCode) {
    out.blockedCode = blockedCode;
    out.blockedAt = time(r.blockedAt) ?? 0;
  }
  const waitUntil = time(r.waitUntil);
  if (waitUntil !== undefined) {
    out.waitUntil = waitUntil;
    const waitCode = code(r.waitCode);
    if (waitCode) out.waitCode = waitCode;
    const waitMs = time(r.waitMs);
    if (waitMs !== undefined) out.waitMs = waitMs;
  }
  const unknownAnswer = typeof r.unknownAnswer === 'string' && /^[0-9a-f]{8,64}$/.test(r.unknownAnswer) ? r.unknownAnswer : undefined;
  const unknownCount = r.unknownCount;
  if (unknownAnswer && typeof unknownCount === 'number' && Number.isInteger(unknownCount) && unknownCount >= 1 && unknownCount <= 1000) {
    out.unknownAnswer = unknownAnswer;
    out.unknownCount = unknownCount;
  }
  return out;
}

/** A fresh, validated copy: the caller's object is never modified. */
export function normaliseState(raw: unknown): Dyndns2State {
  const state = emptyState();
  if (!raw || typeof raw !== 'object') return state;
  const hosts = (raw as { hosts?: unknown }).hosts;
  if (!hosts || typeof hosts !== 'object') return state;
  for (const [name, value] of Object.entries(hosts as Record<string, unknown>)) {
    // names are keys of a plain object: keep prototype keys out
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    const host = cleanHost(value);
    if (host) state.hosts[name] = host;
  }
  return state;
}
