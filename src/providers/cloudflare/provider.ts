/**
 * Cloudflare DNS on the provider contract (src/providers/contract.ts): the
 * node's settings are checked when it is built; one `sync` per input turns the
 * address into record jobs (type `auto`: A for IPv4, AAAA for IPv6, both for
 * `{ipv4, ipv6}`) and brings each configured name to it through the record
 * workflow (sync.ts), every API call an exchange of the run.
 */
import { DdnsError } from '../../core/errors';
import { addressJobs, addressTypeSetting, type AddressTypeSetting } from '../../core/jobs';
import type { StoredRecord } from '../../core/records';
import type { BackoffPolicy } from '../../core/retry';
import { MAX_SERVER_PAUSE_MS, type RetryPolicy } from '../../core/run';
import { numberSetting } from '../../core/validate';
import type { Provider } from '../contract';
import type { CloudflareApi } from './client';
import { normaliseZone, parseHostnames } from './names';
import { emptyCloudflareState, normaliseCloudflareState, pruneCloudflareState, splitRecordKey, type CloudflareState } from './state';
import { CloudflareRun, DEFAULT_TTL, DEFAULT_VERIFY_AFTER_MS, type Call, type Job, type ProxiedSetting } from './sync';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, factor: 2 };
/**
 * Cloudflare blocks every call for five minutes once the global limit is hit
 * (https://developers.cloudflare.com/fundamentals/api/reference/limits/), and
 * says how long in `Retry-After`: a pause up to that long is waited for inside
 * the run (a yellow "retrying" status); a longer one pauses the node instead.
 */
export const MAX_WAIT_MS = 5 * 60_000;

export interface CloudflareSettings {
  /** the zone, e.g. `example.com`; undefined = given with each input */
  zone?: string;
  /** full names, comma separated; undefined = given with each input */
  hostnames?: string;
  /** `auto`, `A` or `AAAA` */
  recordType?: string;
  /** 1 = automatic (default), else 30 to 86400 seconds */
  ttl?: number | string;
  /** `keep` (default), `on`, `off` */
  proxied?: string;
  create?: boolean;
  dryRun?: boolean;
  /** a remembered value is trusted without asking for this long; default a day */
  verifyAfterMs?: number;
  retries?: number;
  backoff?: BackoffPolicy;
}

export interface CloudflareProviderOptions {
  settings: CloudflareSettings;
  /** the account's client */
  client: CloudflareApi;
  now?: () => number;
}

type RecordTypeSetting = AddressTypeSetting;
const recordTypeOf = addressTypeSetting;

function proxiedOf(value: unknown): ProxiedSetting {
  const text = typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : 'keep';
  if (text === 'keep' || text === 'on' || text === 'off') return text;
  throw new DdnsError('ECONFIG', `proxied must be keep, on or off, not ${JSON.stringify(text).slice(0, 20)}`);
}

/** 1 (automatic) or 30..86400: Cloudflare takes 60 and up, Enterprise zones 30 and up (API reference, DNS record `ttl`). */
function ttlOf(value: unknown): number {
  const ttl = numberSetting('ttl', value, { fallback: DEFAULT_TTL, min: 1, max: 86_400 });
  if (ttl !== 1 && ttl < 30) throw new DdnsError('ECONFIG', 'ttl must be 1 (automatic) or 30 to 86400 seconds');
  return ttl;
}

/** What to write: one job per record type, by the one jobs rule (src/core/jobs.ts). */
export function jobsFor(recordType: RecordTypeSetting, payload: unknown): Job[] {
  return addressJobs(recordType, payload);
}

export function createCloudflareProvider(options: CloudflareProviderOptions): Provider<CloudflareState> {
  const s = options.settings;
  if (!options.client || typeof options.client.request !== 'function') throw new DdnsError('ECONFIG', 'no Cloudflare client given');
  const recordType = recordTypeOf(s.recordType);
  const ttl = ttlOf(s.ttl);
  const proxied = proxiedOf(s.proxied);
  const zone = s.zone === undefined ? undefined : normaliseZone(s.zone);
  // names fixed in the node are checked at deploy; with a zone from the message, against the zone when it comes
  const hostnames = s.hostnames === undefined ? undefined : parseHostnames(s.hostnames, zone);
  // the clock is read when it is needed, not captured: a clock put right applies at once
  const now = options.now ?? (() => Date.now());
  const verifyAfterMs = s.verifyAfterMs ?? DEFAULT_VERIFY_AFTER_MS;
  const retry: RetryPolicy = { retries: s.retries ?? DEFAULT_RETRIES, backoff: s.backoff ?? DEFAULT_BACKOFF, maxWaitMs: MAX_WAIT_MS };

  function describe(state: CloudflareState, at: number): StoredRecord[] {
    const rows: StoredRecord[] = [];
    if (zone && hostnames) {
      const type = recordType === 'auto' ? undefined : recordType;
      for (const name of hostnames) rows.push(type ? { name, type } : { name });
    }
    for (const [key, record] of Object.entries(state.records)) {
      const slot = splitRecordKey(key);
      if (!slot) continue;
      const row: StoredRecord = { name: slot.name, type: slot.type, value: record.value };
      if (record.verifiedAt > 0) row.checkedAt = record.verifiedAt;
      if (record.lastWriteAt !== undefined) row.lastWriteAt = record.lastWriteAt;
      rows.push(row);
    }
    // the block and the pause hold for the whole node: every row shows them, and a blocked node with no row gets one
    if (state.block && rows.length === 0) rows.push({ name: state.block.zone ?? zone ?? 'cloudflare' });
    for (const row of rows) {
      if (state.block) {
        row.blockedCode = state.block.code;
        row.blockedAt = state.block.at;
      }
      if (state.pause && state.pause.until > at) {
        // a pause stored before the week's cap: shown as the run will cut it
        row.waitUntil = Math.min(state.pause.until, at + MAX_SERVER_PAUSE_MS);
        row.waitCode = state.pause.code;
      }
    }
    return rows;
  }

  return {
    kind: 'cloudflare',
    retry,
    emptyState: emptyCloudflareState,
    normaliseState: normaliseCloudflareState,
    describe,
    unblock(state) {
      // one block and one pause for the node (the token is the node's): clearing it from any of its rows lifts it
      const next = normaliseCloudflareState(state);
      delete next.block;
      // Clear block lifts a pause as it lifts a block: the user says the server is fine again
      delete next.pause;
      return next;
    },
    async sync(input, state, run) {
      const zoneName = zone ?? normaliseZone(input.names?.zone);
      const names = hostnames && zone ? hostnames : parseHostnames(s.hostnames ?? input.names?.hostnames, zoneName);
      const jobs = jobsFor(recordType, input.value);
      const client = options.client;
      const call: Call = (method, path, opts = {}) => run.exchange((signal) => client.request(method, path, opts, signal));
      const working = normaliseCloudflareState(state);
      const cfRun = new CloudflareRun(call, { zone: zoneName, hostnames: names, jobs, ttl, proxied, create: s.create !== false, dryRun: s.dryRun === true, verifyAfterMs: input.force ? 0 : verifyAfterMs, now }, working);
      await cfRun.run();
      // a dry run wrote nothing, so nothing it learnt is stored: hand back the state as it came
      return { results: cfRun.collect(), state: s.dryRun === true ? normaliseCloudflareState(state) : pruneCloudflareState(working), notes: cfRun.notes };
    },
  };
}
