/**
 * One RFC 2136 run: bring each name's A/AAAA RRset to one value, with as few
 * messages as the facts allow.
 *
 * - Remembered with this value and seen on the server within a day: nothing
 *   is sent at all (the aliyun provider's verifyAfterMs rule).
 * - Remembered with another value: the RRset is replaced, no question asked
 *   (the replacement is right whatever it holds).
 * - Not remembered, or not seen for a day: one query for the name and type.
 *   The server already holds exactly this value and TTL: unchanged, nothing
 *   written. A CNAME at the name: ECONFLICT, because the server answers
 *   NOERROR and drops an address beside it (RFC 2136 §3.4.2.2; BIND 9.18 logs
 *   "attempt to add non-CNAME alongside CNAME ignored"). Otherwise it is replaced.
 * - The replacements go out as one UPDATE per zone (the server node's zone, or
 *   the zone the name's SOA lies in, asked once and remembered).
 * - A blocked name sends nothing. An answer that concerns the key (BADKEY,
 *   BADSIG) blocks every name of the run; one that concerns a zone blocks that
 *   zone's names; kept on the run's records of a name (the record ledger,
 *   src/core/ledger.ts), a block holds every type of the name. After a failure that would meet every later exchange the
 *   same way (no answer, SERVFAIL after retries, a clock problem, a bad key)
 *   nothing more is sent in this run.
 * - A dry run asks its questions (they change nothing) and writes nothing.
 */
import { DdnsError, reasonFrom, toDdnsError } from '../../core/errors';
import { entryOf, heldBy, holdRecords, ledgerKey, pruneLedger, recordSeen, recordWrite, type Ledger, type LedgerBlock } from '../../core/ledger';
import type { RecordResult } from '../../core/result';
import type { Run } from '../../core/run';
import type { DnsAnswer, DnsClient } from './client';
import type { Replacement } from './messages';
import { isInZone } from './names';
import { blockedError, queryVerdict, updateVerdict, type Context, type Verdict } from './policy';
import { VERIFY_AFTER_MS, type Job, type ResolvedSettings } from './settings';
import { rememberedZone, rememberZone } from './state';
import { CLASS, TYPE, addressOf, rdataName, type AddressType } from './wire';

type Fields = Omit<RecordResult, 'name' | 'type' | 'value'>;

interface Write {
  name: string;
  job: Job;
  /** what the RRset held before, when known */
  previous?: string;
  /** the RRset was seen empty: this write creates it */
  creates: boolean;
}

/** A failure that ends the run's exchanges: the rest get it without a request. */
interface Halt {
  error: DdnsError;
  /** the key was refused: the rest are blocked too */
  block?: string;
}

function minutesAgo(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 1 ? 'just now' : min < 120 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
}

export class Rfc2136Run {
  private readonly results = new Map<string, RecordResult>();
  /** what the server was seen holding, per `name type`, for the results' `previous` */
  private readonly held = new Map<string, string>();
  /** what the ledger held per `name type` when the run began, for the results' `previous` */
  private readonly before = new Map<string, string>();
  private halt?: Halt;
  /** names this run has settled (failed, blocked, written or unchanged): nothing more for them */
  private readonly done = new Set<string>();

  constructor(
    private readonly cfg: ResolvedSettings,
    private readonly client: DnsClient,
    private readonly run: Run,
    private readonly names: readonly string[],
    private readonly jobs: readonly Job[],
    readonly ledger: Ledger,
    /** the types a name's block holds: the node's record types */
    private readonly holdTypes: readonly string[],
  ) {
    for (const name of names) {
      for (const job of jobs) {
        const value = ledger.records[ledgerKey(name, job.type)]?.value;
        if (value !== undefined) this.before.set(`${name} ${job.type}`, value);
      }
    }
  }

  private get now(): number {
    return this.cfg.now();
  }

  private context(subject: string): Context {
    return { subject, keyName: this.cfg.key.name, algorithm: this.cfg.key.algorithm, clockRetryMs: this.cfg.clockRetryMs };
  }

  /** The name's block, whichever of its records holds it. */
  blockOf(name: string): LedgerBlock | undefined {
    return heldBy(this.ledger, name, [...this.jobs.map((job) => job.type), ...this.holdTypes], this.now).block;
  }

  /** Each record gets one result, the first: a later failure of its name does not undo an earlier `unchanged`. */
  private report(name: string, job: Job, fields: Fields): void {
    if (this.results.has(`${name} ${job.type}`)) return;
    const result: RecordResult = { name, type: job.type, value: job.value, ...fields };
    if (result.previous === undefined) {
      const previous = this.held.get(`${name} ${job.type}`) ?? this.before.get(`${name} ${job.type}`);
      if (previous !== undefined) result.previous = previous;
    }
    this.results.set(`${name} ${job.type}`, result);
  }

  private failName(name: string, error: DdnsError, message = error.message): void {
    for (const job of this.jobs) {
      const fields: Fields = { status: 'failed', code: error.code, message: message.startsWith(name) ? message : `${name}: ${message}`, ...(message === error.message ? reasonFrom(error, name) : {}) };
      if (error.providerCode) fields.providerCode = error.providerCode;
      this.report(name, job, fields);
    }
    this.done.add(name);
  }

  private block(name: string, providerCode: string, error: DdnsError, message?: string): void {
    const at = this.now;
    // kept on the run's records of the name, it holds every type of it (blockOf)
    holdRecords(this.ledger, [name], this.jobs.map((job) => job.type), (entry) => (entry.block = { code: providerCode, at }));
    this.failName(name, error, message);
  }

  /** A verdict that is not `ok`, applied to `names`; a key-wide one ends the run's exchanges. */
  private refuse(names: readonly string[], verdict: Exclude<Verdict, { kind: 'ok' | 'retry' }>): void {
    if (verdict.kind === 'block') {
      for (const name of names) this.block(name, verdict.providerCode, verdict.error);
      if (verdict.scope === 'key') this.halt = { error: verdict.error, block: verdict.providerCode };
      return;
    }
    for (const name of names) this.failName(name, verdict.error);
  }

  /** After a halt: the names still waiting get its outcome without a request. */
  private haltedFor(name: string): boolean {
    if (!this.halt) return false;
    const { error, block } = this.halt;
    if (block) this.block(name, block, error, `${name}: not sent after the server refused the key: ${error.message}`);
    else this.failName(name, error, `${name}: not attempted; an earlier request of this run failed: ${error.message}`);
    return true;
  }

  /** One exchange of the run; retryable verdicts are thrown inside it, so the run retries them with backoff. */
  private async ask(send: (signal: AbortSignal) => Promise<DnsAnswer>, judge: (answer: DnsAnswer) => Verdict): Promise<{ answer: DnsAnswer; verdict: Exclude<Verdict, { kind: 'retry' }> } | { error: DdnsError }> {
    try {
      return await this.run.exchange(async (signal) => {
        const answer = await send(signal);
        const verdict = judge(answer);
        if (verdict.kind === 'retry') throw verdict.error;
        return { answer, verdict };
      });
    } catch (thrown) {
      const error = toDdnsError(thrown);
      // the node closed or a newer input took over: not a failure of the records
      if (error.code === 'EABORTED' || this.run.signal.aborted) throw thrown;
      return { error };
    }
  }

  // ---------------------------------------------------------------- plan

  /** Which records need a look at the server, which a write; the rest are settled from memory. */
  plan(): { check: Map<string, Job[]>; writes: Write[] } {
    const check = new Map<string, Job[]>();
    const writes: Write[] = [];
    for (const name of this.names) {
      const block = this.blockOf(name);
      if (block) {
        const error = blockedError(name, block.code, block.at);
        for (const job of this.jobs) this.report(name, job, { status: 'skipped', code: error.code, providerCode: block.code, message: error.message, ...reasonFrom(error) });
        this.done.add(name);
        continue;
      }
      for (const job of this.jobs) {
        const known = this.ledger.records[ledgerKey(name, job.type)];
        // the value to write again after a failure (a dry run stores nothing)
        if (!this.cfg.dryRun) entryOf(this.ledger, name, job.type).wanted = job.value;
        const age = known?.verifiedAt !== undefined ? this.now - known.verifiedAt : -1;
        if (!this.cfg.force && known?.value !== undefined && known.value === job.value && age >= 0 && age < VERIFY_AFTER_MS) {
          this.report(name, job, { status: 'unchanged', previous: known.value, message: `already ${known.value} (seen on the server ${minutesAgo(age)}); nothing sent` });
        } else if (known?.value !== undefined && known.value !== job.value) {
          writes.push({ name, job, previous: known.value, creates: false });
        } else {
          check.set(name, [...(check.get(name) ?? []), job]);
        }
      }
    }
    return { check, writes };
  }

  // ---------------------------------------------------------------- look

  /** One query per name and type that is not known well enough: unchanged, or a write with what it held. */
  async look(check: ReadonlyMap<string, Job[]>, writes: Write[]): Promise<void> {
    for (const [name, jobs] of check) {
      for (const job of jobs) {
        if (this.done.has(name)) break;
        if (this.haltedFor(name)) break;
        const outcome = await this.ask((signal) => this.client.query(name, TYPE[job.type], signal), (answer) => queryVerdict(answer, this.context(name)));
        if ('error' in outcome) {
          this.failName(name, outcome.error);
          this.halt = { error: outcome.error };
          break;
        }
        const { answer, verdict } = outcome;
        if (verdict.kind === 'block') {
          this.refuse(verdict.scope === 'key' ? this.waitingNames() : [name], verdict);
          break;
        }
        // the server would not say (REFUSED to queries, not authoritative, ...): replace without knowing
        if (verdict.kind === 'fail' || !answer.message.authoritative) {
          writes.push({ name, job, creates: false });
          continue;
        }
        const held = this.heldRecords(answer, name, job.type);
        if (held.alias) {
          const error = new DdnsError('ECONFLICT', `${name} is an alias (CNAME to ${held.alias}); an ${job.type} record cannot be set beside it`, { providerCode: 'CNAME' });
          this.failName(name, error);
          break;
        }
        if (held.values.length === 1 && held.values[0] === job.value && held.ttl === this.cfg.ttl) {
          recordSeen(entryOf(this.ledger, name, job.type), job.value, this.now);
          this.report(name, job, { status: 'unchanged', previous: job.value, message: `the server already has ${job.value}; no update sent` });
          continue;
        }
        const write: Write = { name, job, creates: held.values.length === 0 };
        if (held.values.length > 0) {
          write.previous = held.values.join(' ');
          this.held.set(`${name} ${job.type}`, write.previous);
        }
        writes.push(write);
      }
    }
  }

  /**
   * Names with a record still waiting for its outcome, in configuration order:
   * a refused key blocks these, not a name whose records were all settled
   * (unchanged from memory) before the refusal came.
   */
  private waitingNames(): string[] {
    return this.names.filter((n) => !this.done.has(n) && this.jobs.some((job) => !this.results.has(`${n} ${job.type}`)));
  }

  private heldRecords(answer: DnsAnswer, name: string, type: AddressType): { values: string[]; ttl?: number; alias?: string } {
    const packet = answer.message.raw;
    const values: string[] = [];
    let ttl: number | undefined;
    for (const rr of answer.message.answers) {
      if (rr.name !== name || rr.cls !== CLASS.IN) continue;
      if (rr.type === TYPE.CNAME) return { values: [], alias: rdataName(packet, rr).slice(0, 253) };
      if (rr.type !== TYPE[type]) continue;
      const value = addressOf(packet, rr);
      if (value === undefined) continue;
      values.push(value);
      ttl = ttl === undefined ? rr.ttl : Math.min(ttl, rr.ttl);
    }
    // servers rotate round-robin sets: sorted, the same set reads the same
    values.sort();
    return ttl === undefined ? { values } : { values, ttl };
  }

  // ---------------------------------------------------------------- zones

  /** The zone of each name to write: the server node's, remembered, or found from the name's SOA. */
  async zones(writes: readonly Write[]): Promise<Map<string, string>> {
    const zones = new Map<string, string>();
    for (const name of new Set(writes.map((w) => w.name))) {
      if (this.done.has(name)) continue;
      const remembered = this.cfg.zone ?? rememberedZone(this.ledger, name);
      if (remembered && isInZone(name, remembered)) {
        zones.set(name, remembered);
        continue;
      }
      if (this.haltedFor(name)) continue;
      const zone = await this.discover(name);
      if (zone) {
        zones.set(name, zone);
        if (this.cfg.zone === undefined) rememberZone(this.ledger, name, zone);
      }
    }
    return zones;
  }

  /**
   * The zone of `name` as nsupdate finds it: ask the server for the name's SOA;
   * the SOA record in the answer (the name is a zone apex) or in the authority
   * section (NXDOMAIN or no data: the zone that would hold the name) names it.
   */
  private async discover(name: string): Promise<string | undefined> {
    const outcome = await this.ask((signal) => this.client.query(name, TYPE.SOA, signal), (answer) => queryVerdict(answer, this.context(name)));
    if ('error' in outcome) {
      this.failName(name, outcome.error);
      this.halt = { error: outcome.error };
      return undefined;
    }
    const { answer, verdict } = outcome;
    if (verdict.kind === 'block') {
      this.refuse(verdict.scope === 'key' ? this.waitingNames() : [name], verdict);
      return undefined;
    }
    if (verdict.kind === 'fail') {
      const error = new DdnsError('ECONFIG', `the DNS server would not tell the zone of ${name} (${verdict.providerCode}): set the zone in the rfc2136-server`, { providerCode: verdict.providerCode });
      this.failName(name, error);
      return undefined;
    }
    const packet = answer.message.raw;
    for (const rr of answer.message.answers) {
      if (rr.name !== name || rr.cls !== CLASS.IN) continue;
      if (rr.type === TYPE.SOA) return name;
      if (rr.type === TYPE.CNAME) {
        const error = new DdnsError('ECONFLICT', `${name} is an alias (CNAME to ${rdataName(packet, rr).slice(0, 253)}); no address record can be set beside it`, { providerCode: 'CNAME' });
        this.failName(name, error);
        return undefined;
      }
    }
    const soa = answer.message.authorities.find((rr) => rr.type === TYPE.SOA && rr.cls === CLASS.IN && isInZone(name, rr.name));
    if (soa && answer.message.authoritative) return soa.name;
    const error = new DdnsError('ECONFIG', `the DNS server does not hold a zone for ${name}: check the host name, or set the zone in the rfc2136-server`);
    this.failName(name, error);
    return undefined;
  }

  // ---------------------------------------------------------------- write

  /** One UPDATE per zone with every replacement of that zone; a dry run reports them instead. */
  async write(writes: readonly Write[], zones: ReadonlyMap<string, string>): Promise<void> {
    const byZone = new Map<string, Write[]>();
    for (const w of writes) {
      const zone = zones.get(w.name);
      if (zone === undefined || this.done.has(w.name)) continue;
      byZone.set(zone, [...(byZone.get(zone) ?? []), w]);
    }
    for (const [zone, list] of byZone) {
      const names = [...new Set(list.map((w) => w.name))].filter((n) => !this.done.has(n));
      const pending = list.filter((w) => names.includes(w.name));
      if (pending.length === 0) continue;
      if (this.halt) {
        for (const name of names) this.haltedFor(name);
        continue;
      }
      if (this.cfg.dryRun) {
        for (const w of pending) {
          const fields: Fields = { status: 'skipped', message: `dry run: would ${w.creates ? 'create' : 'set'} ${w.job.value} in zone ${zone}` };
          if (w.previous !== undefined) fields.previous = w.previous;
          this.report(w.name, w.job, fields);
        }
        continue;
      }
      const replacements: Replacement[] = pending.map((w) => ({ name: w.name, type: w.job.type, value: w.job.value, ttl: this.cfg.ttl }));
      const outcome = await this.ask(
        (signal) => this.client.update(zone, replacements, signal),
        (answer) => updateVerdict(answer, this.context(zone), this.cfg.zone !== undefined),
      );
      if ('error' in outcome) {
        for (const name of names) this.failName(name, outcome.error);
        this.halt = { error: outcome.error };
        continue;
      }
      const { verdict } = outcome;
      if (verdict.kind !== 'ok') {
        if (verdict.kind === 'fail' && verdict.providerCode === 'NOTZONE') for (const name of names) rememberZone(this.ledger, name, undefined);
        this.refuse(names, verdict);
        continue;
      }
      for (const w of pending) this.wrote(w, zone);
    }
  }

  private wrote(w: Write, zone: string): void {
    recordWrite(entryOf(this.ledger, w.name, w.job.type), w.job.value, this.now);
    const fields: Fields = {
      status: w.creates ? 'created' : 'updated',
      providerCode: 'NOERROR',
      message: `${w.creates ? 'created with' : 'set to'} ${w.job.value} (zone ${zone}, TTL ${this.cfg.ttl})`,
    };
    if (w.previous !== undefined) fields.previous = w.previous;
    this.report(w.name, w.job, fields);
    this.done.add(w.name);
  }

  outcome(): RecordResult[] {
    const out: RecordResult[] = [];
    for (const name of this.names) {
      for (const job of this.jobs) {
        const result = this.results.get(`${name} ${job.type}`);
        if (result) out.push(result);
      }
    }
    return out;
  }
}

/** Runs one input through plan, look, zones and write; returns the results and the state to keep. */
export async function syncNames(
  cfg: ResolvedSettings,
  client: DnsClient,
  run: Run,
  names: readonly string[],
  jobs: readonly Job[],
  ledger: Ledger,
  holdTypes: readonly string[],
): Promise<{ results: RecordResult[]; state: Ledger }> {
  const update = new Rfc2136Run(cfg, client, run, names, jobs, ledger, holdTypes);
  const { check, writes } = update.plan();
  await update.look(check, writes);
  const zones = await update.zones(writes.filter((w) => !update.blockOf(w.name)));
  await update.write(writes, zones);
  return { results: update.outcome(), state: pruneLedger(update.ledger) };
}
