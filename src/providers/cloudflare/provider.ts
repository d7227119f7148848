/**
 * Cloudflare DNS on the provider contract (src/providers/contract.ts): the
 * node's settings are checked when it is built; one `sync` per input turns the
 * address into record jobs (type `auto`: A for IPv4, AAAA for IPv6, both for
 * `{ipv4, ipv6}`) and brings each configured name to it through the record
 * workflow (sync.ts), every API call an exchange of the run.
 */
import { DdnsError } from '../../core/errors';
import { addressJobs, addressTypeSetting, type AddressTypeSetting } from '../../core/jobs';
import { describeLedger, emptyLedger, pruneLedger, unblockLedger, type Ledger } from '../../core/ledger';
import type { BackoffPolicy } from '../../core/retry';
import type { RetryPolicy } from '../../core/run';
import { numberSetting } from '../../core/validate';
import type { Provider } from '../contract';
import type { CloudflareApi } from './client';
import { normaliseZone, parseHostnames } from './names';
import { readCloudflareState } from './state';
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

export function createCloudflareProvider(options: CloudflareProviderOptions): Provider<Ledger> {
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

  // the names fixed in the node: shown before their first run, and held by the token's refusal alike
  const holdTypes = recordType === 'auto' ? ['A', 'AAAA'] : [recordType];
  const configured = zone && hostnames ? hostnames.map((name) => (recordType === 'auto' ? { name } : { name, type: recordType })) : [];
  // an old node-wide block or pause is kept on each configured name's first type: it holds the others alike
  const configuredSlots = zone && hostnames ? hostnames.map((name) => ({ name, type: holdTypes[0] })) : [];
  const read = (raw: unknown): Ledger => readCloudflareState(raw, configuredSlots);

  return {
    kind: 'cloudflare',
    retry,
    emptyState: emptyLedger,
    normaliseState: read,
    describe: (ledger, at) => describeLedger(ledger, configured, at),
    // Clear block lifts a pause as it lifts a block: the user says the server is fine again
    unblock: (ledger, name) => unblockLedger(ledger, name),
    async sync(input, state, run) {
      const zoneName = zone ?? normaliseZone(input.names?.zone);
      const names = hostnames && zone ? hostnames : parseHostnames(s.hostnames ?? input.names?.hostnames, zoneName);
      const jobs = jobsFor(recordType, input.value);
      const client = options.client;
      const call: Call = (method, path, opts = {}) => run.exchange((signal) => client.request(method, path, opts, signal));
      const working = read(state);
      const cfRun = new CloudflareRun(call, { zone: zoneName, hostnames: names, jobs, ttl, proxied, create: s.create !== false, dryRun: s.dryRun === true, verifyAfterMs: input.force ? 0 : verifyAfterMs, holdTypes, now }, working);
      await cfRun.run();
      // a dry run wrote nothing, so nothing it learnt is stored: hand back the state as it came
      return { results: cfRun.collect(), state: s.dryRun === true ? read(state) : pruneLedger(working), notes: cfRun.notes };
    },
  };
}
