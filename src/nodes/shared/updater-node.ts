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
 * - the node's rows on the DDNS sidebar, clearing a block, "update now".
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Coalescer } from '../../core/coalesce';
import { DdnsError, toDdnsError, type ErrorCode } from '../../core/errors';
import { redactForms } from '../../core/redact';
import type { RecordResult } from '../../core/result';
import { Run, type RunProgress } from '../../core/run';
import { fingerprint, type StateStore } from '../../core/state';
import type { Provider } from '../../providers/contract';
import type { AccountHandle, AccountNode } from './account';
import { nodeContextStore } from './context-store';
import { flowError } from './failure';
import { installRecordRoutes } from './record-board';
import { StatusLine } from './status';
import { StateCache } from './updater-state';
import { UpdaterStatus } from './updater-status';
import { sharedTexts, type Translate } from './texts';
import { evaluateText } from './typed-property';
import { UpdaterSeat } from './updater-board';

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

function summary(results: readonly RecordResult[], dryRun: boolean): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [...counts.entries()].map(([status, n]) => `${n} ${status}`);
  return `${dryRun ? 'dry run: ' : ''}${parts.join(', ') || 'nothing to do'}`;
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

/** Why a node cannot run, and how its status says so. */
interface Unusable {
  error: DdnsError;
  status: string;
}

class UpdaterInstance<Def extends UpdaterDef, State> {
  private readonly status: UpdaterStatus;
  private readonly closing = new AbortController();
  private readonly store: StateStore;
  private readonly state?: StateCache<State>;
  private readonly dryRun: boolean;
  private readonly account?: AccountHandle;
  private readonly provider?: Provider<State>;
  private readonly unusable?: Unusable;
  /** typed settings that come with each input */
  private readonly perInput: string[] = [];
  private readonly secrets: readonly string[];
  private readonly seat: UpdaterSeat;
  private readonly jobs: Coalescer<Job>;
  /** the run under way: displaced by newer input while it only waits to retry */
  private current?: { abort: AbortController; waiting: boolean };
  private running = false;
  /** blocks cleared from the sidebar while a run was under way: lifted in the state it saves */
  private readonly pendingUnblocks = new Set<string>();
  private lastInput?: NodeMessage;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly def: Def,
    spec: UpdaterSpec<Def, State>,
    private readonly t: Translate,
  ) {
    this.store = nodeContextStore(node);
    this.dryRun = def.dryRun === true;
    this.status = new UpdaterStatus(new StatusLine(node), t, this.dryRun);
    const accountId = (def as unknown as Record<string, unknown>)[spec.accountProperty ?? 'account'];
    const accountNode = typeof accountId === 'string' && accountId !== '' ? (RED.nodes.getNode(accountId) as AccountNode | null) : null;
    this.account = accountNode?.account;
    this.secrets = this.account?.secrets ?? [];
    const built = this.build(spec);
    this.provider = built.provider;
    this.unusable = built.unusable;
    const stateKey = built.provider?.kind ?? spec.type;
    if (built.provider) {
      const provider = built.provider;
      const former = this.account?.formerIdentity;
      this.state = new StateCache(
        this.store,
        stateKey,
        fingerprint(spec.type, this.account?.identity, configurationOf(def)),
        (raw) => provider.normaliseState(raw),
        former ? fingerprint(spec.type, former, configurationOf(def)) : undefined,
      );
    }
    this.seat = new UpdaterSeat(
      { id: node.id, type: node.type, name: node.name, flowId: node.z, dryRun: this.dryRun },
      this.store,
      stateKey,
      {
        ...(this.provider?.unblock ? { unblock: (name: string) => this.unblock(name) } : {}),
        rerun: () => this.rerun(),
        warn: (text) => node.warn(this.scrub(text)),
      },
    );
    this.jobs = new Coalescer<Job>(
      (job) => this.runJob(job),
      (older) => this.answerSuperseded(older, []),
    );
    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => this.input(msg, send, done));
    this.start();
  }

  // ---------------------------------------------------------------- building

  private build(spec: UpdaterSpec<Def, State>): { provider?: Provider<State>; unusable?: Unusable } {
    if (!this.account) {
      const error = new DdnsError('ECONFIG', `no ${spec.accountType} configured`);
      return { unusable: { error, status: this.t('status.no-account') } };
    }
    if (this.account.problem) {
      return { unusable: { error: this.account.problem, status: this.t('status.needs-login', { reason: this.account.problem.message }) } };
    }
    const fixed: Record<string, string> = {};
    try {
      for (const name of spec.typed ?? []) {
        const record = this.def as unknown as Record<string, unknown>;
        const kind = String(record[`${name}Type`] || 'str');
        const value = String(record[name] ?? '').trim();
        if (kind === 'str' && value !== '') fixed[name] = value;
        else if (kind === 'env') fixed[name] = String(this.RED.util.evaluateNodeProperty(value, 'env', this.node, {}) ?? '').trim();
        else this.perInput.push(name);
      }
      return { provider: spec.build(this.def, this.account, fixed) };
    } catch (thrown) {
      const error = toDdnsError(thrown);
      return { unusable: { error, status: this.t('status.invalid', { reason: this.scrub(error.message) }) } };
    }
  }

  /** The status and the sidebar from deploy on, before any input. */
  private start(): void {
    if (this.unusable) {
      this.status.failed(this.unusable.error, this.unusable.status);
      this.seat.stored([], this.boardError(this.unusable.error));
      return;
    }
    this.status.beforeFirstRun();
    this.state!.load().then(
      (state) => {
        if (this.closing.signal.aborted || this.running) return;
        const records = this.provider!.describe(state, Date.now());
        this.seat.stored(records);
        this.status.stored(records);
      },
      (err) => {
        const error = toDdnsError(err);
        this.status.failed(error);
        this.seat.stored([], this.boardError(error));
      },
    );
  }

  // ---------------------------------------------------------------- blocks

  /** The run's state with the blocks cleared meanwhile lifted, and the names lifted. */
  private withUnblocks(state: State): { state: State; lifted: string[] } {
    let next = state;
    const lifted = [...this.pendingUnblocks];
    for (const name of lifted) next = this.provider!.unblock!(next, name);
    this.pendingUnblocks.clear();
    return { state: next, lifted };
  }

  private async unblock(name: string): Promise<'unblocked' | 'not-blocked'> {
    const state = await this.state!.load();
    const now = Date.now();
    // a pause the server asked for is lifted as a block is: the user says the cause is gone
    const held = this.provider!.describe(state, now).some((r) => r.name === name && (Boolean(r.blockedCode) || (r.waitUntil !== undefined && r.waitUntil > now)));
    if (!held && !this.pendingUnblocks.has(name)) return 'not-blocked';
    if (this.running) {
      // the run holds the state with the block; it lifts it before saving
      this.pendingUnblocks.add(name);
      return 'unblocked';
    }
    const next = this.provider!.unblock!(state, name);
    await this.state!.save(next);
    this.seat.forget(name);
    const records = this.provider!.describe(next, Date.now());
    this.seat.stored(records);
    this.status.stored(records);
    this.node.log(`block or pause of ${name} cleared from the DDNS sidebar`);
    return 'unblocked';
  }

  // ---------------------------------------------------------------- inputs

  private input(msg: NodeMessageInFlow, send: Send, done: Done): void {
    this.lastInput = this.RED.util.cloneMessage(msg) as NodeMessage;
    // newest value wins: a run that only waits to retry an older value gives way
    if (this.current?.waiting) this.current.abort.abort(new DdnsError('EABORTED', 'superseded by a newer input'));
    this.jobs.push({ msg, send, done });
  }

  private rerun(): boolean {
    if (!this.lastInput || this.closing.signal.aborted) return false;
    const msg = this.RED.util.cloneMessage(this.lastInput) as NodeMessageInFlow;
    this.input(msg, (m) => this.node.send(m), (err) => (err ? this.node.error(err, msg) : undefined));
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
      if (value === '') throw new DdnsError('ECONFIG', `no ${name}: set it in the node or send msg.${name}`);
      if (value.length > MAX_TYPED_TEXT) throw new DdnsError('EBADINPUT', `${name} is longer than ${MAX_TYPED_TEXT} characters`);
      names[name] = value;
    }
    return names;
  }

  private async runJob(job: Job): Promise<void> {
    // one controller for both ends of a run: the node closing, a newer input displacing it while it waits
    // (AbortSignal.any would keep a combined signal alive until it is garbage collected)
    const abort = new AbortController();
    const onClose = () => abort.abort(this.closing.signal.reason);
    this.closing.signal.addEventListener('abort', onClose, { once: true });
    this.current = { abort, waiting: false };
    this.running = true;
    try {
      await this.runOnce(job, abort.signal);
    } finally {
      this.closing.signal.removeEventListener('abort', onClose);
      this.current = undefined;
      this.running = false;
      if (this.pendingUnblocks.size > 0) {
        // asked for after the run saved, or the run could not save: lift them now
        for (const name of [...this.pendingUnblocks]) {
          this.pendingUnblocks.delete(name);
          await this.unblock(name).catch(() => undefined);
        }
      }
    }
  }

  private async runOnce(job: Job, signal: AbortSignal): Promise<void> {
    // aborted and not closing: a newer input displaced this run
    const superseded = () => signal.aborted && !this.closing.signal.aborted;
    const { msg, done } = job;
    if (this.unusable) return this.failWhole(job, this.unusable.error, this.unusable.status);
    const provider = this.provider!;
    let state: State;
    let outcome;
    try {
      const names = await this.perInputNames(msg);
      state = await this.state!.load();
      const run = new Run({
        signal,
        policy: provider.retry,
        slot: this.account!.slot,
        progress: this.progress(),
        ...(provider.isRetryable ? { isRetryable: (err: DdnsError) => provider.isRetryable!(err) } : {}),
      });
      outcome = await provider.sync({ value: msg.payload, names }, provider.normaliseState(state), run);
    } catch (thrown) {
      if (this.closing.signal.aborted) return done();
      if (superseded()) return this.answerSuperseded(job, []);
      return this.failWhole(job, toDdnsError(thrown));
    }
    for (const note of outcome.notes ?? []) this.node.warn(this.scrub(note));
    const results = outcome.results.map((r) => (r.message ? { ...r, message: this.scrub(r.message) } : r));
    const { state: next, lifted } = this.withUnblocks(outcome.state);
    try {
      // saved even when the node is closing: what was written must not be written again
      await this.state!.save(next);
    } catch (thrown) {
      if (this.closing.signal.aborted) return done();
      // the writes happened; only remembering them failed: report both, keep the results
      for (const name of lifted) this.pendingUnblocks.add(name);
      return this.failWhole(job, toDdnsError(thrown), undefined, results);
    }
    const records = provider.describe(next, Date.now());
    await this.seat.ran(records, results, this.dryRun);
    // this run's results for a host whose block was lifted meanwhile no longer tell its state
    for (const name of lifted) this.seat.forget(name);
    // a redeploy aborted the run: no failure to tell anyone about
    if (this.closing.signal.aborted) return done();
    // it was only waiting to retry an older value; the newer input runs next
    if (superseded()) return this.answerSuperseded(job, results);
    this.status.ran(results, records);
    msg.payload = summary(results, this.dryRun);
    (msg as Record<string, unknown>).ddns = { results, ...(this.dryRun ? { dryRun: true } : {}) };
    job.send(msg);
    const failed = results.find((r) => r.status === 'failed');
    if (!failed) return done();
    const message = failed.message ?? 'failed';
    const err = new DdnsError(failed.code ?? 'EPROVIDER', message.includes(failed.name) ? message : `${failed.name}: ${message}`, {
      ...(failed.providerCode ? { providerCode: failed.providerCode } : {}),
      ...(failed.requestId ? { requestId: failed.requestId } : {}),
    });
    done(flowError(err, this.secrets));
  }

  private progress(): RunProgress {
    return {
      sending: () => this.status.working(),
      retrying: ({ error, until }) => {
        if (this.current) this.current.waiting = true;
        this.status.retrying(error, until);
        this.seat.retrying(until, error.providerCode ?? error.code);
      },
      resumed: () => {
        if (this.current) this.current.waiting = false;
        this.status.working();
      },
    };
  }

  // ---------------------------------------------------------------- answers

  private scrub(text: string): string {
    return redactForms(text, this.secrets);
  }

  private boardError(err: DdnsError): { code: ErrorCode; message: string } {
    return { code: err.code, message: this.scrub(err.message) };
  }

  private failWhole(job: Job, err: DdnsError, statusText?: string, results: RecordResult[] = []): void {
    const report = flowError(err, this.secrets);
    this.seat.failed({ code: report.code, message: report.message });
    this.status.failed(err, statusText);
    job.msg.payload = report.message;
    (job.msg as Record<string, unknown>).ddns = { results, error: { code: report.code, message: report.message } };
    job.send(job.msg);
    job.done(report);
  }

  private answerSuperseded(job: Job, results: RecordResult[]): void {
    job.msg.payload = 'superseded by a newer input';
    (job.msg as Record<string, unknown>).ddns = { results, superseded: true };
    job.send(job.msg);
    job.done();
  }

  // ---------------------------------------------------------------- close

  async close(): Promise<void> {
    this.seat.leave();
    this.closing.abort(new DdnsError('EABORTED', 'node closed'));
    this.jobs.takePending()?.done();
    await this.jobs.whenIdle();
    this.status.clear();
  }
}
