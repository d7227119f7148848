/**
 * Alibaba Cloud DNS on the provider contract (src/providers/contract.ts): the
 * node's settings are checked when it is built; one `sync` per input turns the
 * value into record jobs (type `auto`: A for IPv4, AAAA for IPv6, both for
 * `{ipv4, ipv6}`) and brings each to its value through the record workflow
 * (sync.ts), every API call an exchange of the run.
 */
import { addressJobs } from '../../core/jobs';
import { DdnsError } from '../../core/errors';
import { isAddressPair } from '../../core/payload';
import { describeLedger, emptyLedger, heldBy, holdRecords, unblockLedger, type Ledger } from '../../core/ledger';
import type { RecordResult } from '../../core/result';
import type { RetryPolicy } from '../../core/run';
import { checkNamesPerInput, numberSetting } from '../../core/validate';
import type { Provider } from '../contract';
import { DEFAULT_CLIENT_BACKOFF, DEFAULT_RETRIES, type AlidnsApi, type AlidnsClient } from './client';
import { fqdn, normaliseDomain, parseRrs } from './names';
import { readAliyunState } from './state';
import { DEFAULT_LINE, DEFAULT_TTL, syncRecords } from './sync';
import { normaliseRecordType } from './values';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AliyunSettings {
  /** the zone in the account; undefined = given with each input */
  domain?: string;
  /** `www`, `@`, `*`, comma separated; undefined = given with each input */
  rr?: string;
  /** `auto` or one of A, AAAA, CNAME, TXT, MX */
  recordType?: string;
  ttl?: number | string;
  line?: string;
  create?: boolean;
  recordId?: string;
  /** keep-alive write after this many days without one; 0 = never */
  refresh?: number | string;
  dryRun?: boolean;
}

export interface AliyunProviderOptions {
  settings: AliyunSettings;
  /** the account's client: one per account, so a clock correction learnt by one node serves all */
  client: AlidnsClient;
  now?: () => number;
}

interface Job {
  type: string;
  value: string;
}

const MAX_VALUE_LENGTH = 4096;

/**
 * What to write: one job per record type. Address records follow the one jobs
 * rule (src/core/jobs.ts); CNAME, TXT and MX take the payload as it is.
 */
export function jobsFor(recordType: string, payload: unknown): Job[] {
  if (recordType === 'auto' || recordType === 'A' || recordType === 'AAAA') return addressJobs(recordType, payload);
  if (isAddressPair(payload)) throw new DdnsError('EBADINPUT', `an {ipv4, ipv6} payload is for address records (auto, A, AAAA), not ${recordType}`);
  if (typeof payload !== 'string' || payload.trim() === '' || payload.length > MAX_VALUE_LENGTH) {
    throw new DdnsError('EBADINPUT', `msg.payload must be the ${recordType} record's value`);
  }
  return [{ type: recordType, value: payload }];
}

/** RRs that came with an input: capped, since each costs requests. */
function rrsOfInput(rr: string, domain: string): string[] {
  const rrs = parseRrs(rr, domain);
  checkNamesPerInput(rrs.length, 'host records (RR)');
  return rrs;
}

export function createAliyunProvider(options: AliyunProviderOptions): Provider<Ledger> {
  const s = options.settings;
  const recordType = !s.recordType || s.recordType === 'auto' ? 'auto' : normaliseRecordType(s.recordType);
  const domain = s.domain === undefined ? undefined : normaliseDomain(s.domain);
  const rrs = s.rr === undefined ? undefined : parseRrs(s.rr, domain ?? 'example.com');
  const ttl = numberSetting('ttl', s.ttl, { fallback: DEFAULT_TTL, min: 1, max: 86_400 });
  const line = typeof s.line === 'string' && s.line.trim() !== '' ? s.line.trim() : DEFAULT_LINE;
  if (!/^[\w.-]{1,64}$/.test(line)) throw new DdnsError('ECONFIG', `"${line.slice(0, 64)}" is not a resolution line such as default`);
  const recordId = typeof s.recordId === 'string' ? s.recordId.trim() : '';
  if (recordId !== '' && !/^[\w-]{1,64}$/.test(recordId)) {
    throw new DdnsError('ECONFIG', 'recordId must be the numeric RecordId shown in the Alibaba Cloud console');
  }
  const refreshDays = numberSetting('refresh', s.refresh, { fallback: 0, min: 0, max: 3650, whole: false });
  const dryRun = s.dryRun === true;
  // the clock is read when it is needed, not captured: a clock put right applies at once
  const now = options.now ?? (() => Date.now());
  const retry: RetryPolicy = { retries: DEFAULT_RETRIES, backoff: DEFAULT_CLIENT_BACKOFF, maxWaitMs: DEFAULT_CLIENT_BACKOFF.capMs };
  // the names fixed in the node: shown before their first run, and held by a refused AccessKey pair alike
  const holdTypes = recordType === 'auto' ? ['A', 'AAAA'] : [recordType];
  const configured = domain && rrs ? rrs.map((rr) => (recordType === 'auto' ? { name: fqdn(rr, domain) } : { name: fqdn(rr, domain), type: recordType })) : [];
  // an old node-wide block is kept on each configured name's first type: it holds the others alike
  const configuredSlots = domain && rrs ? rrs.map((rr) => ({ name: fqdn(rr, domain), type: holdTypes[0] })) : [];
  const read = (raw: unknown): Ledger => readAliyunState(raw, { line, configured: configuredSlots });

  return {
    kind: 'aliyun',
    retry,
    emptyState: emptyLedger,
    normaliseState: read,
    describe: (ledger, at) => describeLedger(ledger, configured, at),
    unblock: (ledger, name) => unblockLedger(ledger, name),
    async sync(input, state, run) {
      const zone = domain ?? normaliseDomain(input.names?.domain);
      const names = rrs && domain ? rrs : s.rr !== undefined ? parseRrs(s.rr, zone) : rrsOfInput(input.names?.rr ?? '', zone);
      const jobs = jobsFor(recordType, input.value);
      // every API call of the workflow is an exchange of the run: retried, paced and displaced alike
      const client = options.client;
      const api: AlidnsApi = {
        call: (action, params, _signal, stats) => run.exchange((signal) => client.callOnce(action, params, signal, stats)),
      };
      const results: RecordResult[] = [];
      let current = read(state);
      for (const job of jobs) {
        // a blocked record (a refused AccessKey pair) sends nothing until the login changes or the block is cleared
        const byRr = new Map<string, RecordResult>();
        const open: string[] = [];
        for (const rr of names) {
          const block = heldBy(current, fqdn(rr, zone), [...holdTypes, job.type], now()).block;
          if (!block) {
            open.push(rr);
            continue;
          }
          byRr.set(rr, { name: fqdn(rr, zone), type: job.type, value: job.value, status: 'skipped', code: 'EBLOCKED', providerCode: block.code, message: `${fqdn(rr, zone)}: blocked since Alibaba Cloud refused the AccessKey pair (${block.code}); nothing is sent until the login changes or the block is cleared in the DDNS sidebar` });
        }
        if (open.length === 0) {
          results.push(...names.map((rr) => byRr.get(rr)!));
          continue;
        }
        const outcome = await syncRecords(
          api,
          {
            domain: zone,
            rr: open,
            type: job.type,
            value: job.value,
            ttl,
            line,
            create: s.create !== false,
            ...(recordId !== '' ? { recordId } : {}),
            refreshAfterMs: refreshDays * DAY_MS,
            // Update now: what the node remembers is not trusted, the server is asked
            ...(input.force ? { verifyAfterMs: 0 } : {}),
            dryRun,
            now,
          },
          current,
          run.signal,
        );
        // in the configured order, the blocked ones among them
        const written = new Map(outcome.results.map((r) => [r.name, r]));
        results.push(...names.map((rr) => byRr.get(rr) ?? written.get(fqdn(rr, zone))).filter((r): r is RecordResult => r !== undefined));
        current = outcome.state;
      }
      // a refused AccessKey pair (not a missing right to one domain) meets every record alike: kept on each record
      // of the run, it holds every type of their names until the login changes or the block is cleared
      const refused = results.find((r) => r.status === 'failed' && r.code === 'EAUTH');
      if (refused && !dryRun) {
        const block = { code: refused.providerCode ?? 'EAUTH', at: now() };
        holdRecords(current, names.map((rr) => fqdn(rr, zone)), jobs.map((job) => job.type), (entry) => (entry.block = { ...block }));
      }
      return { results, state: dryRun ? read(state) : current };
    },
  };
}
