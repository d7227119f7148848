/**
 * One DynDNS2 update run: decide which hosts need a write, send only those
 * (in batches of at most 20), and apply each answer's policy to the hosts'
 * remembered state. No Node-RED import: settings, an undici dispatcher and an
 * AbortSignal come in, results and the new state go out.
 *
 * The rules that keep accounts out of trouble:
 * - an address the server already has is never sent again (repeated `nochg`
 *   gets hosts banned), except for the one keep-alive write `refreshDays` allows;
 * - a blocked host makes no request until its configuration or credentials
 *   change (the caller resets the state then);
 * - after `911`/`dnserr` a host makes no request for 30 minutes;
 * - an answer that cannot be read or believed (an unknown word, an HTML page,
 *   a success echoing another address) is a failure, never remembered as
 *   confirmed; when the same answer comes back the host pauses (5 minutes,
 *   doubling with each repeat), so a server that keeps answering nonsense is
 *   not asked on every input forever;
 * - after an account-wide answer (badauth, 911, ...), a body that is not
 *   DynDNS2 at all, or a failed request, no further request of the same run is
 *   sent: it could only fail the same way.
 */
import { boundedFuture, boundedPast } from '../../core/run';
import { formatTime } from '../../core/time';
import type { Dispatcher } from 'undici';
import { sameAddress } from '../../core/address';
import { DdnsError, reasonFrom, toDdnsError } from '../../core/errors';
import { httpRequest } from '../../core/http';
import type { RecordResult } from '../../core/result';
import { MAX_SERVER_PAUSE_MS, Run, serverPauseMs, type RetryPolicy } from '../../core/run';
import { fingerprint } from '../../core/state';
import { entryOf, pruneLedger, type Ledger } from '../../core/ledger';
import { hostOf, readDyndns2State, storeHost, type HostState } from './host-state';
import { parsePayloadAddresses } from './input';
import { UNKNOWN_ANSWER_BACKOFF, blockedError, interpretResponse, unknownAnswerWaitMs, verdictForHost, waitingError, type Verdict } from './policy';
import { buildHeaders, buildUpdateUrl, planRequests, type HostWrite, type PlannedRequest } from './request';
import { resolveSettings, type Dyndns2Settings, type ResolvedSettings } from './settings';
import { FAMILIES, RECORD_TYPE, type Addresses, type Family } from './types';

export interface UpdateHostsInput {
  settings: Dyndns2Settings;
  /** msg.payload: one address string, or `{ipv4, ipv6}` */
  payload: unknown;
  /** what the previous run returned (from node context); anything else starts clean */
  state?: unknown;
  /** the account's keep-alive agent; the provider owns no connection */
  dispatcher: Dispatcher;
  /** package version for the User-Agent */
  version: string;
  signal?: AbortSignal;
  /** told before each backoff wait, e.g. for a "retrying in 8 s" status */
  onRetry?: (err: DdnsError, attempt: number, delayMs: number) => void;
}

export interface UpdateHostsOutcome {
  /** per host and family, in configuration order, IPv4 before IPv6 */
  results: RecordResult[];
  /** the ledger to store for the next run; hosts that succeeded keep their success even when others failed */
  state: Ledger;
  /** HTTP requests made, retries included */
  requests: number;
  /** the first failure of this run, else the first host skipped because it is blocked */
  error?: DdnsError;
  /** for the node's log: stored times cut back after a clock jump */
  notes: string[];
}

/** What the planning step decided for one host. */
interface HostPlan {
  changed: Family[];
  refresh: boolean;
}

function isRefreshDue(host: HostState, now: number, refreshMs: number): boolean {
  if (refreshMs <= 0) return false;
  if (host.lastWriteAt === undefined) return true;
  return now - host.lastWriteAt >= refreshMs;
}

/**
 * The addresses a host's write carries. In `separate` mode only what changed
 * (or everything on a refresh). In the one-request modes both families always
 * travel together, the missing one taken from what the server last confirmed:
 * Dyn-style servers drop the AAAA record on a `myip=V4`-only update, and INWX
 * clears the family a request leaves out.
 */
function addressesToSend(cfg: RunSettings, input: Addresses, host: HostState, plan: HostPlan): Addresses {
  if (cfg.mode === 'separate') {
    const families = plan.refresh ? FAMILIES.filter((f) => input[f]) : plan.changed;
    const out: Addresses = {};
    for (const f of families) out[f] = input[f];
    return out;
  }
  const out: Addresses = {};
  const v4 = input.ipv4 ?? host.ipv4;
  const v6 = input.ipv6 ?? host.ipv6;
  if (v4) out.ipv4 = v4;
  if (v6) out.ipv6 = v6;
  return out;
}

/** Settings of one run: the host names are known by now. */
type RunSettings = ResolvedSettings & { hostnames: string[] };

/** A pause stored without its length (by an earlier version) is taken to be at most the longest one we impose. */
export const LONGEST_PAUSE_MS = UNKNOWN_ANSWER_BACKOFF.capMs;

/** A new answer (or a success, or Clear block) ends the pause and the count of an earlier one. */
export function forgetPause(host: HostState): void {
  delete host.waitUntil;
  delete host.waitMs;
  delete host.waitCode;
  delete host.unknownAnswer;
  delete host.unknownCount;
}

function ipv6WithoutIpv4Error(name: string, mode: string): DdnsError {
  const how = mode === 'separate' ? 'set the account\'s IPv4 + IPv6 to myipv6 and send {ipv4, ipv6}' : 'send {ipv4, ipv6}';
  return new DdnsError(
    'ECONFIG',
    `${name}: IPv6 not sent: this provider (INWX) needs the IPv4 address in the same request, or it sets the A record to 127.0.0.1; ${how}, or tick "IPv6-only account" if INWX made the account IPv6-only`,
  );
}

class UpdateRun {
  private readonly results = new Map<string, Partial<Record<Family, RecordResult>>>();
  private readonly plans = new Map<string, HostPlan>();
  private readonly before: Record<string, HostState>;
  /** the run's hosts as the ledger knows them; stored back when the run ends */
  private readonly hosts = new Map<string, HostState>();
  private readonly inputFamilies: Family[];
  private firstFailure?: DdnsError;
  private firstBlocked?: DdnsError;
  readonly notes: string[] = [];
  requests = 0;

  constructor(
    private readonly cfg: RunSettings,
    private readonly input: Addresses,
    private readonly ledger: Ledger,
  ) {
    for (const name of cfg.hostnames) {
      const host = hostOf(ledger, name);
      if (host) this.hosts.set(name, host);
    }
    this.before = JSON.parse(JSON.stringify(Object.fromEntries(this.hosts))) as Record<string, HostState>;
    this.inputFamilies = FAMILIES.filter((f) => input[f] !== undefined);
  }

  private host(name: string): HostState {
    let host = this.hosts.get(name);
    if (!host) {
      host = {};
      this.hosts.set(name, host);
    }
    return host;
  }

  private record(name: string, family: Family, result: Omit<RecordResult, 'name' | 'type' | 'value' | 'previous'>): void {
    const full: RecordResult = { name, type: RECORD_TYPE[family], ...result, value: this.input[family] };
    const previous = this.before[name]?.[family];
    if (previous !== undefined) full.previous = previous;
    let entry = this.results.get(name);
    if (!entry) {
      entry = {};
      this.results.set(name, entry);
    }
    entry[family] = full;
  }

  /** `reason`: the catalog key of `message`; by default the error's own, where the message is the error's (after the host) */
  private fail(name: string, families: readonly Family[], error: DdnsError, message = error.message, reason = message === error.message || message === `${name}: ${error.message}` ? reasonFrom(error, name) : {}): void {
    this.firstFailure ??= error;
    for (const f of families) {
      if (this.input[f] === undefined) continue;
      const result: Omit<RecordResult, 'name' | 'type' | 'value' | 'previous'> = { status: 'failed', code: error.code, message, ...reason };
      if (error.providerCode) result.providerCode = error.providerCode;
      this.record(name, f, result);
    }
  }

  /**
   * Times stored while the clock was ahead (a board that booted in 2037, an NTP
   * step) would keep a host waiting, or its keep-alive postponed, for as long as
   * the clock was wrong: a pause that ends further ahead than its own length is
   * cut back to that length, a last write in the future is taken as now.
   */
  private boundTimes(name: string, host: HostState, now: number): void {
    if (host.waitUntil !== undefined) {
      // a length stored by a version that took any pause a server asked for is held to the week as well
      const cut = boundedFuture(host.waitUntil, Math.min(host.waitMs ?? LONGEST_PAUSE_MS, MAX_SERVER_PAUSE_MS), now);
      if (cut.cut) {
        this.notes.push(`${name}: the pause stored until ${formatTime(host.waitUntil, now)} lay further ahead than its length (was the clock ahead?); it ends at ${formatTime(cut.at, now)} instead`);
        host.waitUntil = cut.at;
      }
    }
    if (host.lastWriteAt !== undefined) {
      const cut = boundedPast(host.lastWriteAt, now);
      if (cut.cut) {
        this.notes.push(`${name}: the last write stored at ${formatTime(host.lastWriteAt, now)} lies in the future (was the clock ahead?); taken as now, so the keep-alive is not postponed`);
        host.lastWriteAt = cut.at;
      }
    }
  }

  /** Decides per host; returns the writes that need a request. */
  plan(): HostWrite[] {
    const now = this.cfg.now();
    const writes: HostWrite[] = [];
    for (const name of this.cfg.hostnames) {
      const known = this.hosts.get(name);
      if (known) this.boundTimes(name, known, now);
      const host = known ?? {};
      if (host.blockedCode) {
        const error = blockedError(name, host.blockedCode, host.blockedAt ?? 0);
        this.firstBlocked ??= error;
        for (const f of this.inputFamilies) {
          this.record(name, f, { status: 'skipped', code: error.code, providerCode: host.blockedCode, message: error.message, ...reasonFrom(error) });
        }
        continue;
      }
      if (host.waitUntil !== undefined && now < host.waitUntil) {
        const error = waitingError(name, host.waitCode, host.waitUntil);
        for (const f of this.inputFamilies) {
          const result: Omit<RecordResult, 'name' | 'type' | 'value' | 'previous'> = { status: 'skipped', code: error.code, message: error.message, ...reasonFrom(error) };
          if (host.waitCode) result.providerCode = host.waitCode;
          this.record(name, f, result);
        }
        continue;
      }
      const changed = this.inputFamilies.filter((f) => !sameAddress(host[f], this.input[f]));
      // Update now (force): the user asked for one write of the current address, as a keep-alive is
      const refresh = changed.length === 0 && (this.cfg.force === true || isRefreshDue(host, now, this.cfg.refreshMs));
      const plan: HostPlan = { changed, refresh };
      const send = changed.length > 0 || refresh ? addressesToSend(this.cfg, this.input, host, plan) : {};
      if (this.refusesIpv6(send)) {
        delete send.ipv6;
        if (this.input.ipv6 !== undefined) this.fail(name, ['ipv6'], ipv6WithoutIpv4Error(name, this.cfg.mode));
      }
      for (const f of this.inputFamilies) {
        if (this.results.get(name)?.[f]) continue;
        // a family that is not part of the write is in sync: no request for it
        if (send[f] === undefined) this.record(name, f, { status: 'unchanged', message: 'already set; not sent' });
      }
      if (send.ipv4 === undefined && send.ipv6 === undefined) continue;
      this.plans.set(name, plan);
      writes.push({ host: name, send });
    }
    return writes;
  }

  /**
   * INWX sets the A record to 127.0.0.1 when a request leaves out myip (ddclient's
   * nic_inwx_examples): its nic_inwx_update skips an IPv6 update without IPv4
   * unless IPv4 is disabled, the `ipv6Only` account option here.
   */
  private refusesIpv6(send: Addresses): boolean {
    if (this.cfg.quirks.ipv6Alone !== 'refuse' || this.cfg.ipv6Only || send.ipv6 === undefined) return false;
    return this.cfg.mode === 'separate' || send.ipv4 === undefined;
  }

  dryRun(writes: readonly HostWrite[]): void {
    for (const write of writes) {
      const sent = FAMILIES.filter((f) => write.send[f] !== undefined);
      for (const f of sent) {
        if (this.input[f] !== undefined) this.record(write.host, f, { status: 'skipped', message: `dry run: would send ${this.input[f]}` });
      }
    }
  }

  /** Hosts of a planned request that this run has not blocked or paused in the meantime. */
  private stillSendable(names: readonly string[]): string[] {
    const now = this.cfg.now();
    return names.filter((name) => {
      const host = this.hosts.get(name);
      return !host?.blockedCode && !(host?.waitUntil !== undefined && now < host.waitUntil);
    });
  }

  applyVerdict(name: string, planned: PlannedRequest, verdict: Verdict, sentWithoutRequest = false): void {
    const prefix = sentWithoutRequest ? 'not sent after an answer that holds for the whole account or server; ' : '';
    if (verdict.kind === 'missing') {
      // nothing is known about this host: it keeps its state and is sent again next time
      this.fail(name, planned.families, verdict.error, `${prefix}${verdict.error.message}`);
      return;
    }
    const host = this.host(name);
    const now = this.cfg.now();
    if (verdict.kind === 'success') {
      const plan = this.plans.get(name) ?? { changed: [], refresh: false };
      for (const f of planned.families) host[f] = planned.sent[f];
      host.lastWriteAt = now;
      forgetPause(host);
      const note = verdict.note ? ` (${verdict.note})` : '';
      for (const f of planned.families) {
        if (this.input[f] === undefined) continue;
        const wrote = verdict.providerCode === 'good' && (plan.changed.includes(f) || plan.refresh);
        this.record(name, f, {
          status: wrote ? 'updated' : 'unchanged',
          providerCode: verdict.providerCode,
          message: wrote ? `set to ${planned.sent[f]}${note}` : `server already had ${planned.sent[f]}${note}`,
        });
      }
      return;
    }
    if (verdict.kind === 'unknown') {
      // only a digest is kept: the answer may be server text, and a digest tells a repeat just as well
      const digest = fingerprint('dyndns2-answer', verdict.answer);
      const count = host.unknownAnswer === digest ? (host.unknownCount ?? 0) + 1 : 1;
      forgetPause(host);
      host.unknownAnswer = digest;
      host.unknownCount = count;
      const waitMs = unknownAnswerWaitMs(count);
      let next = '; sent again with the next input, and paused if the same answer comes back';
      if (waitMs > 0) {
        host.waitUntil = now + waitMs;
        host.waitMs = waitMs;
        if (verdict.providerCode) host.waitCode = verdict.providerCode;
        next = `; the same answer ${count} times in a row: no request for this host before ${formatTime(host.waitUntil)}`;
      }
      this.fail(name, planned.families, verdict.error, `${prefix}${verdict.error.message}${next}`);
      return;
    }
    forgetPause(host);
    if (verdict.kind === 'block') {
      host.blockedCode = verdict.providerCode;
      host.blockedAt = now;
    } else {
      const waitMs = serverPauseMs(verdict.waitMs);
      host.waitUntil = now + waitMs;
      host.waitMs = waitMs;
      host.waitCode = verdict.providerCode;
    }
    this.fail(name, planned.families, verdict.error, `${prefix}${verdict.error.message}`);
  }

  /** A pause the server asked for that is longer than a run waits: no request for these hosts until then. */
  private pause(names: readonly string[], families: readonly Family[], error: DdnsError): void {
    const now = this.cfg.now();
    const code = error.providerCode ?? (error.statusCode ? `HTTP ${error.statusCode}` : error.code);
    const waitMs = serverPauseMs(error.retryAfterMs ?? 0);
    for (const name of names) {
      const host = this.host(name);
      forgetPause(host);
      host.waitUntil = now + waitMs;
      host.waitMs = waitMs;
      host.waitCode = code;
      this.fail(name, families, error, `${name}: ${error.message}`);
    }
  }

  async send(planned: readonly PlannedRequest[], dispatcher: Dispatcher, headers: Record<string, string>, run: Run): Promise<void> {
    const { secrets, quirks } = this.cfg;
    let halt: { verdict?: Verdict; error?: DdnsError } | undefined;
    for (const request of planned) {
      const names = this.stillSendable(request.hostnames);
      for (const name of request.hostnames) {
        if (names.includes(name)) continue;
        // blocked or paused by an earlier answer of this run (separate mode sends a host twice)
        const host = this.hosts.get(name)!;
        const error = host.blockedCode ? blockedError(name, host.blockedCode, host.blockedAt ?? 0) : waitingError(name, host.waitCode, host.waitUntil ?? 0);
        for (const f of request.families) {
          if (this.input[f] !== undefined) this.record(name, f, { status: 'skipped', code: error.code, providerCode: error.providerCode, message: error.message, ...reasonFrom(error) });
        }
      }
      if (names.length === 0) continue;
      if (halt) {
        for (const name of names) {
          if (halt.verdict) this.applyVerdict(name, request, verdictForHost(halt.verdict, name), true);
          else if (halt.error) {
            const inner = halt.error.key ? { inner: { key: halt.error.key, ...(halt.error.params ? { params: halt.error.params } : {}), message: halt.error.message } } : {};
            const reason = { reason: { key: 'record.not-sent', params: { reason: halt.error.message }, at: name, ...inner } };
            this.fail(name, request.families, halt.error, `${name}: not sent; an earlier request of this run failed: ${halt.error.message}`, reason);
          }
        }
        continue;
      }
      const url =
        names.length === request.hostnames.length ? request.url : buildUpdateUrl(this.cfg.base, names, this.cfg.mode, request.sent, this.cfg.params, quirks);
      try {
        const verdicts = await run.exchange(async (signal) => {
          this.requests++;
          const res = await httpRequest({ url, headers, dispatcher, signal, timeoutMs: this.cfg.timeoutMs, maxBytes: this.cfg.maxBytes });
          return interpretResponse(res, { hostnames: names, sent: request.sent, secrets, quirks, now: this.cfg.now() });
        });
        names.forEach((name, i) => this.applyVerdict(name, request, verdicts[i]));
        const stop =
          verdicts.find((v) => (v.kind === 'block' || v.kind === 'wait') && v.accountWide) ?? verdicts.find((v) => v.kind === 'unknown' && v.wholeRequest);
        if (stop) halt = { verdict: stop };
      } catch (thrown) {
        const error = toDdnsError(thrown);
        if (error.code === 'EWAIT' && error.retryAfterMs !== undefined) this.pause(names, request.families, error);
        else for (const name of names) this.fail(name, request.families, error, `${name}: ${error.message}`);
        // a failed request (server down, timeout, garbled answer) would fail the same way for the next batch
        halt = { error };
      }
    }
  }

  outcome(): UpdateHostsOutcome {
    const results: RecordResult[] = [];
    for (const name of this.cfg.hostnames) {
      const entry = this.results.get(name);
      if (!entry) continue;
      for (const f of FAMILIES) {
        const result = entry[f];
        if (result) results.push(result);
      }
    }
    const error = this.firstFailure ?? this.firstBlocked;
    for (const name of this.cfg.hostnames) {
      // the value to write again after a failure (a dry run stores nothing)
      if (!this.cfg.dryRun) for (const f of this.inputFamilies) entryOf(this.ledger, name, RECORD_TYPE[f]).wanted = this.input[f]!;
      const host = this.hosts.get(name);
      if (host) storeHost(this.ledger, name, host, this.inputFamilies);
    }
    const out: UpdateHostsOutcome = { results, state: pruneLedger(this.ledger), requests: this.requests, notes: this.notes };
    if (error) out.error = error;
    return out;
  }
}

/** The retry policy of a DynDNS2 run: the node's `retries`, and no pause longer than the backoff cap waited for. */
export function retryPolicy(cfg: ResolvedSettings): RetryPolicy {
  return { retries: cfg.retries, backoff: cfg.backoff, maxWaitMs: cfg.backoff.capMs };
}

/**
 * Runs one update for `hostnames` within `run`. Throws (before any request)
 * only for an EBADINPUT payload; everything that happens on the wire is
 * reported per host in the results, with the state of every host that
 * succeeded kept.
 */
export async function runUpdate(
  cfg: ResolvedSettings,
  hostnames: readonly string[],
  payload: unknown,
  knownState: unknown,
  dispatcher: Dispatcher,
  version: string,
  run: Run,
): Promise<UpdateHostsOutcome> {
  const addresses = parsePayloadAddresses(payload);
  const ledger = readDyndns2State(knownState, LONGEST_PAUSE_MS);
  const update = new UpdateRun({ ...cfg, hostnames: [...hostnames] }, addresses, ledger);
  const writes = update.plan();
  if (cfg.dryRun) {
    update.dryRun(writes);
    // nothing was sent, so nothing the server holds has changed: hand back the state as it was
    return { ...update.outcome(), state: readDyndns2State(knownState, LONGEST_PAUSE_MS) };
  }
  const planned = planRequests(cfg.base, cfg.mode, writes, cfg.params, cfg.quirks);
  const headers = buildHeaders(cfg.username, cfg.password, version, cfg.contact);
  await update.send(planned, dispatcher, headers, run);
  return update.outcome();
}

/**
 * Runs one update on its own (module-level use and tests): the settings are
 * checked first (ECONFIG), then as runUpdate.
 */
export async function updateHosts(input: UpdateHostsInput): Promise<UpdateHostsOutcome> {
  const cfg = resolveSettings(input.settings);
  if (!cfg.hostnames) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  if (!input.dispatcher) throw new DdnsError('ECONFIG', 'no HTTP dispatcher given');
  const run = new Run({
    signal: input.signal ?? new AbortController().signal,
    policy: retryPolicy(cfg),
    now: cfg.now,
    ...(input.onRetry ? { progress: { retrying: ({ error, attempt, delayMs }) => input.onRetry!(error, attempt, delayMs), resumed: () => undefined } } : {}),
  });
  return runUpdate(cfg, cfg.hostnames, input.payload, input.state, input.dispatcher, input.version, run);
}
