/**
 * The one updater node every provider plugs into (`dyndns2-update`,
 * `aliyun-ddns`, `rfc2136-update`, `cloudflare-ddns`, ...). A provider's node
 * file only says how to build the provider from the node's configuration and its
 * account; everything users see alike lives here:
 * - settings checked at deploy (the provider is built then), and a status from
 *   deploy on: needs a login, invalid settings, waiting for an address, in sync,
 *   dry run, blocked, paused, retrying;
 * - newest input wins: later inputs do not queue, and a run that only waits to
 *   retry gives way to a newer value;
 * - state kept in node context through the async API (with a deadline), in
 *   memory after the first load, written only when it changed, reset when the
 *   configuration or the login changes;
 * - one output message per input with `msg.ddns.results`, one error path
 *   ending in done(err) with `msg.error.code`, every secret masked;
 * - the node's rows on the DDNS sidebar, clearing a block, "update now";
 * - after a deploy or restart, the value it was last asked to write is written
 *   again where the records are not in sync with it (a fixed login, a failure).
 * The runs themselves, their state and cancellation, are the Node-RED-free
 * runner's (src/providers/updater-runner.ts); this file is the glue.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Coalescer } from '../../core/coalesce';
import { DdnsError, toDdnsError, type ErrorCode } from '../../core/errors';
import { redactForms } from '../../core/redact';
import type { RecordResult } from '../../core/result';
import { fingerprint, type StateStore } from '../../core/state';
import { StateCache } from '../../core/state-cache';
import type { Provider } from '../../providers/contract';
import type { RunEnd, UpdaterRunner } from '../../providers/updater-runner';
import type { AccountHandle, AccountNode } from './account';
import { nodeContextStore } from './context-store';
import { flowError, recordFailure } from './failure';
import { installRecordRoutes } from './record-board';
import { StatusLine } from './status';
import { UpdaterStatus, summaryText } from './updater-status';
import { reasonText, sharedTexts, type Translate } from './texts';
import { evaluateText } from './typed-property';
import { UpdaterSeat } from './updater-board';
import { UpdaterVerify } from './updater-verify';

export interface UpdaterDef extends NodeDef {
  account?: string;
  dryRun?: boolean;
}

export interface UpdaterSpec<Def extends UpdaterDef, State, Client = unknown, Settings = Readonly<Record<string, unknown>>> {
  /** the node type, e.g. `dyndns2-update` */
  type: string;
  /** the account config node type, e.g. `dyndns2-account` */
  accountType: string;
  /** the property that holds the account config node's id: `account` unless the node's contract names it otherwise (`server`) */
  accountProperty?: string;
  /**
   * Settings a user may take from the message, flow, global context or the
   * environment (a TypedInput: `<name>` and `<name>Type`). Plain text fixed in
   * the node is known at deploy; empty text means `msg.<name>`.
   */
  typed?: readonly string[];
  /**
   * The provider for this configuration; throws ECONFIG for what it cannot take.
   * `names` holds the typed settings known at deploy; the others come with each input.
   */
  build(def: Def, account: AccountHandle<Client, Settings>, names: Readonly<Record<string, string>>): Provider<State>;
}

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

interface Job {
  msg: NodeMessageInFlow;
  send: Send;
  done: Done;
  /** the settings of a value remembered (healing, Update now): already evaluated */
  names?: Record<string, string>;
  /** Update now: write even what the node believes is in sync */
  force?: boolean;
  /** the name servers served another value: written again, said as a restore */
  restore?: { server: string; served: string[] };
  /** written again after a deploy or restart: says something only when it changed or failed something */
  heal?: boolean;
}

/** Properties that place a node, not configure it: changing them keeps its state. */
const LAYOUT = new Set(['id', 'type', 'z', 'x', 'y', 'g', 'w', 'h', 'name', 'wires', 'info', 'l', 'd', 'credentials', '_users']);
/** a setting taken from a message longer than this is not a list of names */
const MAX_TYPED_TEXT = 64 * 1024;

function configurationOf(def: UpdaterDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(def).sort()) if (!LAYOUT.has(key)) out[key] = (def as unknown as Record<string, unknown>)[key];
  return out;
}


export function registerUpdater<Def extends UpdaterDef, State, Client = unknown, Settings = Readonly<Record<string, unknown>>>(
  RED: NodeAPI,
  spec: UpdaterSpec<Def, State, Client, Settings>,
): void {
  const t = sharedTexts(RED);
  function UpdaterNode(this: Node, def: Def) {
    RED.nodes.createNode(this, def);
    const updater = new UpdaterInstance(RED, this, def, spec as UpdaterSpec<Def, State>, t);
    this.on('close', (_removed: boolean, done: () => void) => {
      void updater.close().then(done, done);
    });
  }
  installRecordRoutes(RED);
  RED.nodes.registerType(spec.type, UpdaterNode);
}

/** What a node is from deploy on: ready to run, or unusable and why (said at deploy and for every input). */
type Setup<State> =
  | { kind: 'ready'; runner: UpdaterRunner<State>; account: AccountHandle; verify?: UpdaterVerify }
  /** `loginMissing`: no account or no usable login yet (an imported example): the status says so, and inputs raise no error */
  | { kind: 'unusable'; error: DdnsError; status: string; loginMissing?: true };

class UpdaterInstance<Def extends UpdaterDef, State> {
  private readonly status: UpdaterStatus;
  private readonly store: StateStore;
  private readonly dryRun: boolean;
  private readonly setup: Setup<State>;
  /** typed settings that come with each input */
  private readonly perInput: string[] = [];
  private readonly secrets: readonly string[];
  private readonly seat: UpdaterSeat;
  private readonly jobs: Coalescer<Job>;
  private readonly line: StatusLine;
  private closing = false;
  /** a verification under way: a newer input or a close ends it */
  private verifying?: AbortController;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly def: Def,
    spec: UpdaterSpec<Def, State>,
    private readonly t: Translate,
  ) {
    this.store = nodeContextStore(node);
    this.dryRun = def.dryRun === true;
    this.line = new StatusLine(node);
    this.status = new UpdaterStatus(this.line, t, this.dryRun);
    const accountId = (def as unknown as Record<string, unknown>)[spec.accountProperty ?? 'account'];
    const accountNode = typeof accountId === 'string' && accountId !== '' ? (RED.nodes.getNode(accountId) as AccountNode | null) : null;
    const account = accountNode?.account;
    this.secrets = account?.secrets ?? [];
    this.setup = this.build(spec, account);
    const stateKey = this.setup.kind === 'ready' ? this.setup.runner.provider.kind : spec.type;
    const ready = this.setup.kind === 'ready' ? this.setup : undefined;
    this.seat = new UpdaterSeat(
      { id: node.id, type: node.type, name: node.name, flowId: node.z, dryRun: this.dryRun },
      this.store,
      stateKey,
      {
        ...(ready?.runner.provider.unblock ? { unblock: (name: string) => this.unblock(ready.runner, name) } : {}),
        rerun: () => this.rerun(),
        warn: (text) => node.warn(this.scrub(text)),
      },
    );
    this.jobs = new Coalescer<Job>(
      (job) => this.runJob(job),
      (older) => this.answerSuperseded(older, []),
    );
    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => this.input({ msg, send, done }));
    this.start();
  }

  // ---------------------------------------------------------------- building

  private build(spec: UpdaterSpec<Def, State>, account: AccountHandle | undefined): Setup<State> {
    if (!account) {
      return { kind: 'unusable', error: new DdnsError('ECONFIG', `no ${spec.accountType} configured`), status: this.t('status.no-account'), loginMissing: true };
    }
    if (account.problem) {
      const status = this.status.unusable(account.problem, 'needs-login', (text) => this.scrub(text));
      return { kind: 'unusable', error: account.problem, status, ...(account.loginMissing ? { loginMissing: true as const } : {}) };
    }
    if (account.placeholder && !this.dryRun) {
      // going live with an example's login: nothing is sent, the status says why
      const error = new DdnsError('ECONFIG', `the ${spec.accountType} still has the example's login: enter your own before turning Dry run off`);
      return { kind: 'unusable', error, status: this.t('status.example-login'), loginMissing: true };
    }
    const fixed: Record<string, string> = {};
    let provider: Provider<State>;
    let checker: import('../../sources/record-check').RecordChecker | undefined;
    try {
      // loaded with the first deployed node: registering the types loads no source code
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RecordChecker, checkSettings } = require('../../sources/record-check') as typeof import('../../sources/record-check');
      // a dry run writes nothing, so there is nothing for the name servers to confirm
      const fallback = (this.RED.settings as unknown as { ddns?: { verify?: unknown } }).ddns?.verify;
      if (!this.dryRun) checker = new RecordChecker(checkSettings(this.def as unknown as Record<string, unknown>, fallback));
      for (const name of spec.typed ?? []) {
        const record = this.def as unknown as Record<string, unknown>;
        const kind = String(record[`${name}Type`] || 'str');
        const value = String(record[name] ?? '').trim();
        if (kind === 'str' && value !== '') fixed[name] = value;
        else if (kind === 'env') fixed[name] = String(this.RED.util.evaluateNodeProperty(value, 'env', this.node, {}) ?? '').trim();
        else this.perInput.push(name);
      }
      provider = spec.build(this.def, account, fixed);
    } catch (thrown) {
      const error = toDdnsError(thrown);
      return { kind: 'unusable', error, status: this.status.unusable(error, 'invalid', (text) => this.scrub(text)) };
    }
    const former = account.formerIdentity;
    const state = new StateCache(
      this.store,
      provider.kind,
      fingerprint(spec.type, account.identity, configurationOf(this.def)),
      (raw) => provider.normaliseState(raw),
      former ? fingerprint(spec.type, former, configurationOf(this.def)) : undefined,
    );
    // loaded with the first deployed node, as the providers are: registering the types loads no provider code
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { UpdaterRunner: Runner } = require('../../providers/updater-runner') as typeof import('../../providers/updater-runner');
    const runner = new Runner(provider, state, {
      slot: account.slot,
      store: this.store,
      // beside the state, untagged: a new login keeps the address it is to write
      wantedKey: `${provider.kind}Wanted`,
      dryRun: this.dryRun,
      hooks: {
        sending: () => this.status.working(),
        retrying: (error, until) => {
          this.status.retrying(error, until);
          this.seat.retrying(until, error.providerCode ?? error.code);
        },
        resumed: () => this.status.working(),
        pending: () => this.line.show('working', this.t('status.pending')),
      },
    });
    return { kind: 'ready', runner, account, ...(checker ? { verify: new UpdaterVerify(checker, this.node, this.line, this.t) } : {}) };
  }

  /** The status and the sidebar from deploy on, before any input; then the remembered value where it is not in sync. */
  private start(): void {
    if (this.setup.kind === 'unusable') {
      this.status.failed(this.setup.error, this.setup.status);
      this.seat.stored([], this.boardError(this.setup.error));
      return;
    }
    const runner = this.setup.runner;
    this.status.beforeFirstRun();
    runner.records().then(
      async (records) => {
        if (this.closing || runner.running) return;
        this.seat.stored(records);
        this.status.stored(records);
        await this.heal(runner);
      },
      (err) => {
        const error = toDdnsError(err);
        this.status.failed(error);
        this.seat.stored([], this.boardError(error));
      },
    );
  }

  /**
   * After a deploy or restart: the value last asked for, run again without a
   * new input. Where the records hold it the provider sends nothing; where
   * they do not (a login fixed, a failure) it is written.
   */
  private async heal(runner: UpdaterRunner<State>): Promise<void> {
    if (this.dryRun) return;
    const wanted = await runner.wanted();
    if (!wanted || this.closing || runner.running || this.jobs.busy) return;
    this.push(wanted.value, wanted.names, { heal: true });
  }

  // ---------------------------------------------------------------- blocks

  private async unblock(runner: UpdaterRunner<State>, name: string): Promise<'unblocked' | 'not-blocked'> {
    const { outcome, records } = await runner.unblock(name);
    if (outcome === 'not-blocked' || !records) return outcome;
    this.seat.forget(name);
    this.seat.stored(records);
    this.status.stored(records);
    this.node.log(`block or pause of ${name} cleared from the DDNS sidebar`);
    return outcome;
  }

  // ---------------------------------------------------------------- inputs

  private input(job: Job): void {
    // a verification of an older value gives way too
    this.verifying?.abort();
    // newest value wins: a run that only waits to retry an older value gives way
    if (this.setup.kind === 'ready') this.setup.runner.supersedeWaiting();
    this.jobs.push(job);
  }

  /** A value the node remembers, as if it came in again: the output goes where the node's output goes. */
  private push(value: unknown, names: Record<string, string>, options: Pick<Job, 'force' | 'heal' | 'restore'>): void {
    const msg = { payload: value, _msgid: this.RED.util.generateId() } as NodeMessageInFlow;
    this.input({
      msg,
      send: (m) => this.node.send(m),
      done: (err) => (err ? this.node.error(err, msg) : undefined),
      names,
      ...options,
    });
  }

  /** Update now: the value last asked for, written even where the node believes it is in sync. */
  private rerun(): boolean {
    if (this.closing || this.setup.kind !== 'ready') return false;
    const wanted = this.setup.runner.wantedNow;
    if (!wanted) return false;
    this.push(wanted.value, wanted.names, { force: true });
    return true;
  }

  private async perInputNames(msg: NodeMessageInFlow): Promise<Record<string, string>> {
    const names: Record<string, string> = {};
    const record = this.def as unknown as Record<string, unknown>;
    for (const name of this.perInput) {
      const kind = String(record[`${name}Type`] || 'str');
      let value = await evaluateText(this.RED, this.node, msg, name, String(record[name] ?? ''), kind);
      if (kind === 'str' && value === '') {
        const given = (msg as Record<string, unknown>)[name];
        value = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
      }
      if (value === '') throw new DdnsError('ECONFIG', `no ${name}: set it in the node or send msg.${name}`, { key: 'config.per-input', params: { name } });
      if (value.length > MAX_TYPED_TEXT) throw new DdnsError('EBADINPUT', `${name} is longer than ${MAX_TYPED_TEXT} characters`);
      names[name] = value;
    }
    return names;
  }

  private async runJob(job: Job): Promise<void> {
    if (this.setup.kind === 'unusable') return this.failWhole(job, this.setup.error, this.setup.status, [], this.setup.loginMissing === true);
    const runner = this.setup.runner;
    let names: Record<string, string>;
    try {
      names = job.names ?? (await this.perInputNames(job.msg));
    } catch (thrown) {
      return this.failWhole(job, toDdnsError(thrown));
    }
    const end = await runner.run({ value: job.msg.payload, names, ...(job.force ? { force: true } : {}) });
    await this.answer(job, end);
  }

  private async answer(job: Job, end: RunEnd): Promise<void> {
    if (end.kind === 'closed') return job.done();
    if (end.kind === 'superseded') return this.answerSuperseded(job, this.scrubbed(end.results));
    if (end.kind === 'failed') return this.failWhole(job, end.error, undefined, this.scrubbed(end.results));
    for (const note of end.notes) this.node.warn(this.scrub(note));
    let results = this.scrubbed(end.results);
    const wrote = results.some((r) => r.status === 'created' || r.status === 'updated');
    // healing that changed nothing (all in sync, or still blocked) leaves the board and the status as the stored state shows them
    if (job.heal && !wrote && !results.some((r) => r.status === 'failed')) return job.done();
    if (job.restore) results = results.map((r) => (r.status === 'updated' || r.status === 'created' ? { ...r, restored: true, message: `changed outside the node (${job.restore!.server} served ${job.restore!.served.join(' ') || 'nothing'}), restored: ${r.message ?? r.value}` } : r));
    const checked = await this.check(results);
    results = checked.results;
    await this.seat.ran(end.records, results, this.dryRun);
    // this run's results for a host whose block was lifted meanwhile no longer tell its state
    for (const name of end.lifted) this.seat.forget(name);
    if (this.closing) return job.done();
    if (!checked.statusShown) this.status.ran(results, end.records);
    if (job.restore && wrote && this.setup.kind === 'ready') this.setup.verify?.restored([...new Set(results.filter((r) => r.restored).map((r) => r.value))].join(' '));
    if (checked.drifted) this.restore(checked.drifted);
    // healing is no input: the status and the sidebar say what it did, and a failure reaches a Catch node
    if (job.heal) return job.done(results.some((r) => r.status === 'failed') ? this.failureOf(results) : undefined);
    const { msg } = job;
    msg.payload = summaryText(this.t, results, this.dryRun);
    (msg as Record<string, unknown>).ddns = { results, ...(this.dryRun ? { dryRun: true } : {}) };
    job.send(msg);
    job.done(results.some((r) => r.status === 'failed') ? this.failureOf(results) : undefined);
  }

  /**
   * The records at their name servers: after a write, until they serve it;
   * with an unchanged value, now and then one server (drift). A newer input or
   * a close ends it.
   */
  private async check(results: RecordResult[]): Promise<{ results: RecordResult[]; statusShown: boolean; drifted?: { server: string; served: string[] } }> {
    const verify = this.setup.kind === 'ready' ? this.setup.verify : undefined;
    if (!verify || this.closing || results.some((r) => r.status === 'failed')) return { results, statusShown: false };
    const controller = new AbortController();
    this.verifying = controller;
    try {
      const after = await verify.afterWrite(results, controller.signal);
      if (after.shown || controller.signal.aborted) return { results: after.results, statusShown: after.shown };
      const still = await verify.unchanged(results, controller.signal);
      return { results, statusShown: still.keepsStatus, ...(still.drifted ? { drifted: still.drifted } : {}) };
    } finally {
      if (this.verifying === controller) this.verifying = undefined;
    }
  }

  /** A record the name servers serve with another value than the node wrote: written again, once. */
  private restore(drifted: { server: string; served: string[] }): void {
    if (this.closing || this.setup.kind !== 'ready') return;
    const wanted = this.setup.runner.wantedNow;
    if (!wanted) return;
    this.node.warn(`a record was changed outside the node (${drifted.server} served ${drifted.served.join(' ') || 'nothing'}): writing it again`);
    this.push(wanted.value, wanted.names, { force: true, restore: drifted });
  }

  /** The first failed record as the error a Catch node sees. */
  private failureOf(results: readonly RecordResult[]): Error {
    return recordFailure(results.find((r) => r.status === 'failed')!, this.secrets, this.t);
  }

  // ---------------------------------------------------------------- answers

  private scrub(text: string): string {
    return redactForms(text, this.secrets);
  }

  private scrubbed(results: RecordResult[]): RecordResult[] {
    return results.map((r) => (r.message ? { ...r, message: this.scrub(r.message) } : r));
  }

  private boardError(err: DdnsError): { code: ErrorCode; message: string } {
    return { code: err.code, message: this.scrub(reasonText(this.t, err)) };
  }

  /**
   * The whole input failed. A node still waiting for its login (an example just
   * imported) says so in its status and in msg.ddns.error, but raises no error:
   * every check of its ip-source would otherwise flood the debug tab (issue 23.5).
   */
  private failWhole(job: Job, err: DdnsError, statusText?: string, results: RecordResult[] = [], quiet = false): void {
    // a bug is logged once with its stack, where the person who can fix it looks
    if (err.code === 'EINTERNAL') this.node.error(this.scrub(String((err.cause as Error | undefined)?.stack ?? err.stack ?? err.message)));
    const report = flowError(err, this.secrets, this.t);
    this.seat.failed({ code: report.code, message: report.message });
    this.status.failed(err, statusText);
    job.msg.payload = report.message;
    (job.msg as Record<string, unknown>).ddns = { results, error: { code: report.code, message: report.message } };
    job.send(job.msg);
    job.done(quiet ? undefined : report);
  }

  private answerSuperseded(job: Job, results: RecordResult[]): void {
    job.msg.payload = 'superseded by a newer input';
    (job.msg as Record<string, unknown>).ddns = { results, superseded: true };
    job.send(job.msg);
    job.done();
  }

  // ---------------------------------------------------------------- close

  async close(): Promise<void> {
    this.closing = true;
    this.verifying?.abort();
    this.seat.leave();
    if (this.setup.kind === 'ready') this.setup.runner.close();
    this.jobs.takePending()?.done();
    await this.jobs.whenIdle();
    this.status.clear();
  }
}
