/**
 * What an updater does with the authoritative servers (authoritative.ts):
 * after a write, it waits until they serve the new value; with an unchanged
 * value, it asks one of them now and then whether the record still holds it
 * (drift: a record edited by hand, or by a second client). Every updater gets
 * the same, whatever its provider; questions to name servers never count
 * against a provider's rate limit, and are capped all the same: one server per
 * check, at most every `verifyAfter`.
 */
import { DdnsError } from '../core/errors';
import { numberSetting } from '../core/validate';
import {
  DEFAULT_VERIFY_AFTER_MIN,
  DEFAULT_VERIFY_TIMEOUT_S,
  askServer,
  authoritativeServers,
  parseVerifySetting,
  unreachable,
  verifyRecord,
  type NameServer,
  type NsResolver,
  type Verification,
  type VerifySetting,
} from './authoritative';

export interface CheckSettings {
  verify: VerifySetting;
  timeoutMs: number;
  afterMs: number;
}

/**
 * `verify`, `verifyTimeout` (seconds) and `verifyAfter` (minutes, fractions
 * allowed) as a node stores them. A node without `verify` (an older flow)
 * takes `fallback`: `ddns.verify` from settings.js, else `auto`.
 */
export function checkSettings(def: { verify?: unknown; verifyTimeout?: unknown; verifyAfter?: unknown }, fallback?: unknown): CheckSettings {
  const own = typeof def.verify === 'string' && def.verify.trim() !== '' ? def.verify : undefined;
  return {
    verify: parseVerifySetting(own ?? fallback),
    timeoutMs: numberSetting('verifyTimeout', def.verifyTimeout, { fallback: DEFAULT_VERIFY_TIMEOUT_S, min: 1, max: 3600 }) * 1000,
    afterMs: numberSetting('verifyAfter', def.verifyAfter, { fallback: DEFAULT_VERIFY_AFTER_MIN, min: 0.01, max: 1440, whole: false }) * 60_000,
  };
}

export interface WrittenRecord {
  name: string;
  type: 'A' | 'AAAA';
  value: string;
  /** the provider knows its servers cannot be asked for this one: `proxied` (a proxied Cloudflare record) */
  unverifiable?: 'proxied';
}

/** How a written record stands at the authoritative servers. */
export type Verdict =
  | { kind: 'served'; verified: Verification }
  /** some serve it, `lagging` do not, at the deadline */
  | { kind: 'lagging'; verified: Verification; lagging: string[] }
  /** the provider said success, and no server serves it */
  | { kind: 'not-served'; verified: Verification }
  /** not a failure: why it could not be checked (`proxied`, `unreachable`, `no-zone`) */
  | { kind: 'unverified'; reason: 'proxied' | 'unreachable' | 'no-zone'; verified?: Verification };

/** zones' servers are looked up again after this long */
const SERVERS_FOR_MS = 3_600_000;

export class RecordChecker {
  private readonly zones = new Map<string, { servers: NameServer[]; at: number }>();
  /** when each record (`name/TYPE`) was last asked about for drift */
  private readonly driftAskedAt = new Map<string, number>();
  private turn = 0;

  constructor(
    readonly settings: CheckSettings,
    private readonly resolver?: NsResolver,
  ) {}

  get enabled(): boolean {
    return this.settings.verify.mode !== 'off';
  }

  private async serversFor(name: string, signal: AbortSignal): Promise<NameServer[]> {
    const verify = this.settings.verify;
    if (verify.mode === 'list') return verify.servers;
    const cached = [...this.zones.entries()].find(([zone, entry]) => (name === zone || name.endsWith(`.${zone}`)) && Date.now() - entry.at < SERVERS_FOR_MS);
    if (cached) return cached[1].servers;
    const found = await authoritativeServers(name, signal, this.resolver);
    this.zones.set(found.zone, { servers: found.servers, at: Date.now() });
    return found.servers;
  }

  /** After a write: each record asked at its servers until all serve it or the deadline passes. */
  async afterWrite(record: WrittenRecord, signal: AbortSignal, progress?: (v: Verification) => void): Promise<Verdict> {
    if (record.unverifiable) return { kind: 'unverified', reason: record.unverifiable };
    let servers: NameServer[];
    try {
      servers = await this.serversFor(record.name, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return { kind: 'unverified', reason: (err as DdnsError).code === 'ENOTFOUND' ? 'no-zone' : 'unreachable' };
    }
    const verified = await verifyRecord({
      name: record.name,
      type: record.type,
      value: record.value,
      servers,
      deadlineMs: this.settings.timeoutMs,
      signal,
      ...(this.resolver ? { resolver: this.resolver } : {}),
      ...(progress ? { progress } : {}),
    });
    this.driftAskedAt.set(`${record.name}/${record.type}`, Date.now());
    if (verified.seen === verified.of) return { kind: 'served', verified };
    // offline, split horizon: nobody could be asked, so nothing is known either way
    if (unreachable(verified)) return { kind: 'unverified', reason: 'unreachable', verified };
    if (verified.seen === 0) return { kind: 'not-served', verified };
    return { kind: 'lagging', verified, lagging: verified.servers.filter((s) => !s.serves).map((s) => s.server) };
  }

  /**
   * With an unchanged value: one record whose turn it is, asked at one of its
   * servers, at most every `verifyAfter`. Answers the record when that server
   * serves something else (the record changed behind the node's back), and
   * undefined when all is well, or nothing was due, or nothing could be asked.
   */
  async drift(records: readonly WrittenRecord[], signal: AbortSignal): Promise<{ record: WrittenRecord; server: string; served: string[] } | undefined> {
    const now = Date.now();
    const due = records.filter((r) => !r.unverifiable && now - (this.driftAskedAt.get(`${r.name}/${r.type}`) ?? 0) >= this.settings.afterMs);
    if (due.length === 0) return undefined;
    const record = due[this.turn++ % due.length];
    this.driftAskedAt.set(`${record.name}/${record.type}`, now);
    let servers: NameServer[];
    try {
      servers = await this.serversFor(record.name, signal);
    } catch {
      return undefined;
    }
    if (servers.length === 0) return undefined;
    const server = servers[this.turn % servers.length];
    const view = await askServer(server, record.name, record.type, record.value, signal, undefined, this.resolver);
    // a server that cannot say (a timeout, REFUSED) says nothing about the record
    if (view.serves || view.values === undefined) return undefined;
    return { record, server: view.server, served: view.values };
  }
}
