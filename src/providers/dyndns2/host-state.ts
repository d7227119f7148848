/**
 * What the DynDNS2 updater remembers between runs: the core record ledger
 * (src/core/ledger.ts), one entry per host and record type (A holds the IPv4
 * address the server confirmed, AAAA the IPv6 one), and in its memo the one
 * fact that is DynDNS2's own: the digest of the last answer that could not be
 * read, and how many times in a row it came.
 *
 * DynDNS2's rules hold per host (a block or a pause stops every family of the
 * host; the keep-alive counts from the host's last write): a run works on a
 * HostState, the host as the ledger's entries say it, and stores it back.
 *
 * Versions before the ledger stored their own shape (`hosts` by name); it is
 * read here once, so an upgrade keeps the confirmed addresses, the keep-alive
 * clock, blocks and pauses.
 */
import { parseAddress } from '../../core/address';
import { entryOf, ledgerKey, readStoredLedger, storedEntries, type Ledger, type LedgerRecord } from '../../core/ledger';
import { storedCode, storedTime as time } from '../../core/stored';
import { FAMILIES, RECORD_TYPE, type Family } from './types';

/** One host as a run sees it. */
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

/** A pause without a server's word (an answer that said nothing usable) is kept under this code. */
const NO_WORD = 'EWAIT';
const answerMemo = (name: string): string => `answer:${name.toLowerCase()}`;

/** The host as the ledger knows it; undefined when it knows nothing of it. */
export function hostOf(ledger: Ledger, name: string): HostState | undefined {
  const host: HostState = {};
  for (const family of FAMILIES) {
    const entry = ledger.records[ledgerKey(name, RECORD_TYPE[family])];
    if (!entry) continue;
    if (entry.value !== undefined) host[family] = entry.value;
    if (entry.lastWriteAt !== undefined) host.lastWriteAt = Math.max(host.lastWriteAt ?? 0, entry.lastWriteAt);
    if (entry.block && host.blockedCode === undefined) {
      host.blockedCode = entry.block.code;
      host.blockedAt = entry.block.at;
    }
    if (entry.pause && host.waitUntil === undefined) {
      host.waitUntil = entry.pause.until;
      host.waitMs = entry.pause.ms;
      if (entry.pause.code !== NO_WORD) host.waitCode = entry.pause.code;
    }
  }
  const answer = /^([0-9a-f]{8,64}) (\d{1,4})$/.exec(ledger.memo[answerMemo(name)] ?? '');
  if (answer && Number(answer[2]) >= 1 && Number(answer[2]) <= 1000) {
    host.unknownAnswer = answer[1];
    host.unknownCount = Number(answer[2]);
  }
  return Object.keys(host).length > 0 ? host : undefined;
}

/**
 * The host stored back. A host-wide block or pause is kept on every record
 * the host has, and on those of `families` (the families this run was given),
 * so the row that shows it is the record the user writes.
 */
export function storeHost(ledger: Ledger, name: string, host: HostState, families: readonly Family[]): void {
  const entries: LedgerRecord[] = [];
  for (const family of FAMILIES) {
    const type = RECORD_TYPE[family];
    const known = ledger.records[ledgerKey(name, type)];
    const value = host[family];
    if (value === undefined && !known && !families.includes(family)) continue;
    const entry = known ?? entryOf(ledger, name, type);
    entries.push(entry);
    if (value === undefined) {
      delete entry.value;
      delete entry.verifiedAt;
    } else {
      if (entry.value !== value && host.lastWriteAt !== undefined) entry.history = [...(entry.history ?? []), { at: host.lastWriteAt, value }].slice(-10);
      entry.value = value;
    }
    if (host.lastWriteAt !== undefined && value !== undefined) {
      // the server confirms what it holds only when it is written: its last confirmation is the last write
      entry.lastWriteAt = host.lastWriteAt;
      entry.verifiedAt = host.lastWriteAt;
    }
  }
  // a host that is held but was never given a family (an old state's block): its A record shows it
  if (entries.length === 0 && (host.blockedCode !== undefined || host.waitUntil !== undefined)) entries.push(entryOf(ledger, name, 'A'));
  for (const entry of entries) {
    if (host.blockedCode !== undefined) entry.block = { code: host.blockedCode, at: host.blockedAt ?? 0 };
    else delete entry.block;
    if (host.waitUntil !== undefined) entry.pause = { until: host.waitUntil, ms: host.waitMs ?? 0, code: host.waitCode ?? NO_WORD };
    else delete entry.pause;
  }
  if (host.unknownAnswer !== undefined && host.unknownCount !== undefined) ledger.memo[answerMemo(name)] = `${host.unknownAnswer} ${host.unknownCount}`;
  else delete ledger.memo[answerMemo(name)];
}

/** Clear block: the answer that paused the host is forgotten with the pause. */
export function forgetAnswer(ledger: Ledger, name: string): void {
  delete ledger.memo[answerMemo(name)];
}

// ---------------------------------------------------------------- the shape stored before the ledger

function address(value: unknown, family: 4 | 6): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseAddress(value);
  return parsed && parsed.family === family ? parsed.address : undefined;
}

/** An old host entry, read as far as it is valid. */
function oldHost(raw: unknown): HostState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const out: HostState = {};
  const v4 = address(r.ipv4, 4);
  const v6 = address(r.ipv6, 6);
  if (v4) out.ipv4 = v4;
  if (v6) out.ipv6 = v6;
  const lastWriteAt = time(r.lastWriteAt);
  if (lastWriteAt !== undefined) out.lastWriteAt = lastWriteAt;
  const blockedCode = storedCode(r.blockedCode);
  if (blockedCode) {
    out.blockedCode = blockedCode;
    out.blockedAt = time(r.blockedAt) ?? 0;
  }
  const waitUntil = time(r.waitUntil);
  if (waitUntil !== undefined) {
    out.waitUntil = waitUntil;
    const waitCode = storedCode(r.waitCode);
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

/** The shape stored before the ledger: `hosts` instead of `records`. */
const older = (stored: Record<string, unknown>): boolean => stored.records === undefined && storedEntries(stored.hosts).length > 0;

/**
 * A fresh, valid ledger from whatever a context store handed back: the ledger
 * itself, or the `hosts` shape versions before it stored. `longestPauseMs`:
 * the length taken for an old pause stored without one.
 */
export function readDyndns2State(raw: unknown, longestPauseMs: number): Ledger {
  return readStoredLedger(raw, older, (stored, ledger) => {
    for (const [name, value] of storedEntries(stored.hosts)) {
      const host = oldHost(value);
      if (!host) continue;
      if (host.waitUntil !== undefined && host.waitMs === undefined) host.waitMs = longestPauseMs;
      storeHost(ledger, name, host, []);
    }
  });
}
