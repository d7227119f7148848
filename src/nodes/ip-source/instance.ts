/**
 * One deployed `ip-source` node: triggers (input, interval, interface events)
 * collapse into one check at a time; the address is passed on for every input
 * and for the first check after a deploy or restart (an updater further down
 * skips an unchanged address without asking its provider, so passing it on
 * costs nothing and never strands a record), and for the interval and watch
 * only when it changed (or always, with `emit: always`). Failures go to the
 * status and to Catch nodes.
 *
 * An unchanged check costs its request and nothing else: the last address is
 * in memory after the first load, so the context is neither read nor written,
 * and the status (which says since when the address has held) stays as it is.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Coalescer } from '../../core/coalesce';
import { DdnsError, toDdnsError } from '../../core/errors';
import { fingerprint, loadState, saveState, type StateStore } from '../../core/state';
import { formatTime } from '../../core/time';
import type { IpSourceConfig, IpSourceSettings } from '../../sources/settings';
import type { Dispatchers } from '../../sources/lookup';
import type { Emitted } from '../../sources/reading';
import type { AddressWatch } from '../../sources/watch';
import { nodeContextStore } from '../shared/context-store';
import { recordBoard, type SourceSeat } from '../shared/record-board';
import { flowError } from '../shared/failure';
import { StatusLine } from '../shared/status';
import { errorWords, reasonText, sharedTexts, shortText, type Translate } from '../shared/texts';
import { holdAgents, type AgentHold } from './agents';

type Reading = typeof import('../../sources/reading');
let readingModule: Reading | undefined;
/** loaded with the first check, not at registration; kept here so a check does not ask require() again */
function reading(): Reading {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (readingModule ??= require('../../sources/reading') as Reading);
}

/** The first moment of the next local day: a time shown as `14:05:09` today is shown with its date from then on. */
function nextMidnight(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

interface Waiting {
  msg: NodeMessageInFlow;
  send: Send;
  done: Done;
}

type Reason = 'input' | 'interval' | 'watch' | 'start';

interface Trigger {
  reason: Reason;
  waiting: Waiting[];
}

interface IpSourceState {
  last?: Emitted;
  /** when the address last changed: the status says since when it has held */
  since?: number;
}

const STATE_KEY = 'ipSource';
const WATCH_DEBOUNCE_MS = 150;

export class IpSource {
  private readonly status: StatusLine;
  private readonly store: StateStore;
  private readonly stateTag: string;
  private readonly closing = new AbortController();
  private readonly checks: Coalescer<Trigger>;
  private readonly t: Translate;
  private readonly texts: { checking: string; waitingInput: string };
  private settings?: IpSourceSettings;
  private configError?: DdnsError;
  private agents?: AgentHold;
  private memory?: IpSourceState;
  /** no check has passed its address on since this deploy or restart */
  private firstSinceStart = true;
  /** the status shows a good address: the next check needs no "checking…" */
  private healthy = false;
  private lastReported = '';
  /** the green status text and what it was made from: rebuilt only when one of them changes */
  private okText?: { addresses: string; since: number; missing?: string; until: number; text: string };
  private topic?: string;
  private intervalTimer?: NodeJS.Timeout;
  private startTimer?: NodeJS.Timeout;
  private debounceTimer?: NodeJS.Timeout;
  private watch?: AddressWatch;
  /** the address on the DDNS sidebar, above the records */
  private readonly seat: SourceSeat;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly def: IpSourceConfig & { name?: string },
  ) {
    this.status = new StatusLine(node);
    this.seat = recordBoard.joinSource({ id: node.id, name: def.name || String(def.origin ?? '').split(/\r?\n/)[0], flowId: node.z });
    this.store = nodeContextStore(node);
    this.t = sharedTexts(RED);
    this.texts = { checking: RED._('ip-source.status.checking'), waitingInput: RED._('ip-source.status.waiting-input') };
    this.stateTag = fingerprint('ip-source', def.origin, def.family, def.pattern, def.group, def.scope, def.agree, def.bind, def.suffix, def.prefixLength);
    this.checks = new Coalescer<Trigger>(
      (trigger) => this.check(trigger),
      (older, newer) => {
        newer.waiting.unshift(...older.waiting);
        // a check that answers an input passes its address on, whatever collapsed into it
        if (older.reason === 'input') newer.reason = 'input';
      },
    );
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { parseIpSourceConfig } = require('../../sources/settings') as typeof import('../../sources/settings');
      this.settings = parseIpSourceConfig(def);
    } catch (err) {
      this.configError = toDdnsError(err);
      this.status.show('failed', `${this.t('status.invalid', { reason: reasonText(this.t, this.configError, true) })}`);
      node.error(flowError(this.configError));
    }
    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => this.checks.push({ reason: 'input', waiting: [{ msg, send, done }] }));
    if (this.settings) this.start(this.settings);
  }

  private start(settings: IpSourceSettings): void {
    if (settings.intervalMs > 0) {
      this.intervalTimer = setInterval(() => this.checks.push({ reason: 'interval', waiting: [] }), settings.intervalMs);
    }
    if (settings.watch) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { watchAddresses } = require('../../sources/watch') as typeof import('../../sources/watch');
      const names = new Set(settings.lookup.origins.filter((o) => o.kind === 'iface').map((o) => (o as { name: string }).name));
      const onlyInterfaces = names.size === settings.lookup.origins.length;
      this.watch = watchAddresses((name) => {
        if (onlyInterfaces && name !== undefined && !names.has(name)) return;
        // one address change brings several netlink lines (v4, v6, flags): check once
        if (this.debounceTimer) clearTimeout(this.debounceTimer);
        this.debounceTimer = setTimeout(() => this.checks.push({ reason: 'watch', waiting: [] }), WATCH_DEBOUNCE_MS);
      });
    }
    if (settings.intervalMs > 0 || settings.watch) {
      this.startTimer = setTimeout(() => this.checks.push({ reason: 'start', waiting: [] }), 100);
    } else {
      this.status.show('idle', this.texts.waitingInput);
    }
  }

  /** The keep-alive agents this node's HTTP lookups go through, shared with the other ip-source nodes (agents.ts). */
  private dispatchers(): Dispatchers | undefined {
    if (this.agents) return this.agents.dispatchers;
    // a node that closed holds nothing more: its hold would never be released
    if (this.closing.signal.aborted || !this.settings?.lookup.origins.some((o) => o.kind === 'http')) return undefined;
    this.agents = holdAgents();
    return this.agents.dispatchers;
  }

  private async load(): Promise<IpSourceState> {
    if (this.memory) return this.memory;
    try {
      this.memory = await loadState<IpSourceState>(this.store, STATE_KEY, this.stateTag, () => ({}));
    } catch (err) {
      // a failing store is reported, not waited on: the check goes on as if nothing was known
      this.node.warn(toDdnsError(err).message);
      this.memory = {};
    }
    return this.memory;
  }

  /** Saved before the message leaves, so a restart never re-emits what was already sent as new. */
  private async remember(state: IpSourceState): Promise<void> {
    this.memory = state;
    try {
      await saveState(this.store, STATE_KEY, this.stateTag, state);
    } catch (err) {
      // the address is still good; only the memory of it is not (a context store outage)
      this.node.warn(toDdnsError(err).message);
    }
  }

  private async check(trigger: Trigger): Promise<void> {
    const newest = trigger.waiting[trigger.waiting.length - 1];
    // older messages that waited on this check are answered by the newest one
    for (const w of trigger.waiting.slice(0, -1)) w.done();
    const settings = this.settings;
    if (!settings) {
      newest?.done(flowError(this.configError!));
      return;
    }
    if (!this.healthy) this.status.show('working', this.texts.checking);
    try {
      const state = this.memory ?? (await this.load());
      const found = await reading().takeReading(settings, state.last, this.closing.signal, this.dispatchers());
      const now = Date.now();
      if (found.changed || state.since === undefined) await this.remember({ last: found.remember, since: now });
      const since = this.memory?.since ?? now;
      if (found.changed || !this.healthy) this.seat.report({ state: 'ok', addresses: found.addresses, since, checkedAt: now });
      else this.seat.checked(now);
      this.status.show('ok', this.okStatus(found.addresses, since, found.missing, now));
      this.healthy = true;
      this.lastReported = '';
      const passOn = trigger.reason === 'input' || this.firstSinceStart || found.changed || settings.emit === 'always';
      if (passOn) {
        this.firstSinceStart = false;
        const msg: NodeMessage = newest ? newest.msg : {};
        msg.payload = found.payload;
        (msg as Record<string, unknown>).ip = found.ip;
        msg.topic = this.topic ??= this.def.name || settings.lookup.origins.map((o) => o.text).join(', ');
        if (newest) newest.send(msg);
        else this.node.send(msg);
      }
      newest?.done();
    } catch (thrown) {
      const err = toDdnsError(thrown);
      if (this.closing.signal.aborted) {
        newest?.done();
        return;
      }
      if (this.healthy || this.lastReported === '') this.seat.report({ state: 'failed', code: err.code, checkedAt: Date.now(), ...(this.memory?.last ? { addresses: typeof this.memory.last === 'string' ? this.memory.last : [this.memory.last.ipv4, this.memory.last.ipv6].filter(Boolean).join(' / ') } : {}) });
      this.healthy = false;
      // a reason with a catalog key names its cause ("interface eth9 does not exist (have: lo, eth0)"); others say the words for their code
      const own = shortText(this.t, err);
      const reason = err.key ? reasonText(this.t, { message: err.message, key: err.key, ...(err.params ? { params: err.params } : {}) }) : errorWords(this.t, err.code);
      this.status.show('failed', own ?? this.t('status.failed', { reason, name: settings.lookup.origins[0]?.text ?? '' }));
      const report = flowError(err);
      if (newest) {
        newest.done(report);
      } else if (`${err.code}:${err.message}` !== this.lastReported) {
        // a timer failing every few minutes reports once, not on every tick
        this.lastReported = `${err.code}:${err.message}`;
        this.node.error(report, { topic: this.def.name || settings.lookup.origins[0]?.text, payload: undefined, error: undefined } as NodeMessage);
      }
    }
  }

  /**
   * "203.0.113.5 since 14:05:09": translated only when the address, the moment
   * it took hold or the missing family changes, or the day turns (the time then
   * gets its date); an unchanged check reuses the text.
   */
  private okStatus(addresses: string, since: number, missing: string | undefined, now: number): string {
    const last = this.okText;
    if (last && last.addresses === addresses && last.since === since && last.missing === missing && now < last.until) return last.text;
    const gap = missing ? ` (${this.RED._('ip-source.status.no-family', { family: missing })})` : '';
    const text = this.RED._('ip-source.status.since', { addresses, time: formatTime(since, now) }) + gap;
    this.okText = { addresses, since, missing, until: nextMidnight(now), text };
    return text;
  }

  async close(): Promise<void> {
    this.seat.leave();
    this.closing.abort(new DdnsError('EABORTED', 'node closed'));
    for (const timer of [this.startTimer, this.debounceTimer]) if (timer) clearTimeout(timer);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.watch?.close();
    for (const w of this.checks.takePending()?.waiting ?? []) w.done();
    this.status.clear();
    await Promise.all([this.agents?.release(), this.checks.whenIdle()]);
  }
}
