/**
 * `ip-source`: glue between Node-RED and the lookup pipeline in src/sources.
 * Triggers (input, interval, interface events) collapse into one check at a time;
 * the result is emitted when it changed (or always), failures go to status and
 * to Catch nodes.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Agent } from 'undici';
import { createHttpAgent } from '../core/http';
import { DdnsError, toDdnsError } from '../core/errors';
import { Coalescer } from '../core/coalesce';
import { fingerprint, loadState, saveState } from '../core/state';
import { addressesFromOrigin, findAddress, findDualAddress, withSuffix, type DualAddress, type FoundAddress } from '../sources/lookup';
import { parseIpSourceConfig, type IpSourceConfig, type IpSourceSettings } from '../sources/settings';
import { watchAddresses, type AddressWatch } from '../sources/watch';
import { StatusReporter } from './shared/status';
import { nodeContextStore } from './shared/context-store';
import { flowError } from './shared/failure';

interface IpSourceDef extends NodeDef, IpSourceConfig {}

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

interface Waiting {
  msg: NodeMessageInFlow;
  send: Send;
  done: Done;
}

interface Trigger {
  reason: 'input' | 'interval' | 'watch' | 'start';
  waiting: Waiting[];
}

type Emitted = string | { ipv4?: string; ipv6?: string };

interface IpSourceState {
  last?: Emitted;
}

const STATE_KEY = 'ipSource';
const WATCH_DEBOUNCE_MS = 150;

function sameEmitted(a: Emitted | undefined, b: Emitted): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b);
}

function describeFound(found: FoundAddress, previous: string | undefined, changed: boolean) {
  const out: Record<string, unknown> = { address: found.address, family: found.family, addresses: found.addresses, origin: found.origin, previous, changed };
  if (found.suffix) Object.assign(out, { prefix: found.prefix, suffix: found.suffix, detected: found.detected });
  return out;
}

export = function register(RED: NodeAPI): void {
  function IpSourceNode(this: Node, def: IpSourceDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusReporter(node);
    const store = nodeContextStore(node);
    const stateTag = fingerprint('ip-source', def.origin, def.family, def.pattern, def.group, def.scope, def.agree, def.bind, def.suffix, def.prefixLength);
    const closing = new AbortController();
    let settings: IpSourceSettings | undefined;
    let configError: DdnsError | undefined;
    try {
      settings = parseIpSourceConfig(def);
    } catch (err) {
      configError = toDdnsError(err);
      status.failed(configError);
      node.error(flowError(configError));
    }
    // keep-alive agents, one per family: an IPv4 lookup must reach a dual-stack service over IPv4
    const agents: Record<'ipv4' | 'ipv6' | 'any', Agent> | undefined = settings
      ? { ipv4: createHttpAgent({ family: 4 }), ipv6: createHttpAgent({ family: 6 }), any: createHttpAgent() }
      : undefined;
    let intervalTimer: NodeJS.Timeout | undefined;
    let startTimer: NodeJS.Timeout | undefined;
    let debounceTimer: NodeJS.Timeout | undefined;
    let watch: AddressWatch | undefined;
    let lastReported = '';

    async function check(trigger: Trigger): Promise<void> {
      const newest = trigger.waiting[trigger.waiting.length - 1];
      // older messages that waited on this check are answered by the newest one
      for (const w of trigger.waiting.slice(0, -1)) w.done();
      if (!settings) {
        const err = flowError(configError!);
        if (newest) newest.done(err);
        return;
      }
      status.working(RED._('ip-source.status.checking'));
      try {
        const state = await loadState<IpSourceState>(store, STATE_KEY, stateTag, () => ({}));
        const msg: NodeMessage = newest ? newest.msg : {};
        let emitted: Emitted;
        let summary: string;
        if (settings.family === 'dual') {
          const dual = await findDualAddress(settings.lookup, closing.signal, agents);
          emitted = {};
          if (dual.ipv4) emitted.ipv4 = dual.ipv4.address;
          if (dual.ipv6) emitted.ipv6 = dual.ipv6.address;
          const before = typeof state.last === 'object' && state.last ? state.last : {};
          // a family that failed this once keeps its last address: a blip is no change worth a message
          const known = { ...before, ...emitted };
          const changed = !sameEmitted(before, known);
          msg.payload = emitted;
          (msg as Record<string, unknown>).ip = describeDual(dual, before, changed);
          summary = [emitted.ipv4, emitted.ipv6].filter(Boolean).join(' / ');
          const missing = !dual.ipv4 ? 'IPv4' : !dual.ipv6 ? 'IPv6' : undefined;
          if (missing) summary += ` (${RED._('ip-source.status.no-family', { family: missing })})`;
          await remember(known);
          finish(newest, msg, changed, summary);
        } else {
          const found = await findAddress(settings.lookup, settings.family, closing.signal, agents);
          emitted = found.address;
          const previous = typeof state.last === 'string' ? state.last : undefined;
          const changed = !sameEmitted(state.last, emitted);
          msg.payload = found.address;
          (msg as Record<string, unknown>).ip = describeFound(found, previous, changed);
          summary = found.address;
          await remember(emitted);
          finish(newest, msg, changed, summary);
        }
        lastReported = '';
      } catch (thrown) {
        const err = toDdnsError(thrown);
        if (closing.signal.aborted) {
          newest?.done();
          return;
        }
        status.failed(err);
        const report = flowError(err);
        if (newest) {
          newest.done(report);
        } else if (`${err.code}:${err.message}` !== lastReported) {
          // a timer failing every few minutes reports once, not on every tick
          lastReported = `${err.code}:${err.message}`;
          node.error(report, { topic: def.name || settings.lookup.origins[0]?.text, payload: undefined, error: undefined } as NodeMessage);
        }
      }
    }

    function describeDual(dual: DualAddress, last: Emitted | undefined, changed: boolean) {
      const prev = typeof last === 'object' && last ? last : {};
      return {
        ipv4: dual.ipv4 ? describeFound(dual.ipv4, prev.ipv4, dual.ipv4.address !== prev.ipv4) : undefined,
        ipv6: dual.ipv6 ? describeFound(dual.ipv6, prev.ipv6, dual.ipv6.address !== prev.ipv6) : undefined,
        errors: {
          ipv4: dual.errors.ipv4 ? { code: dual.errors.ipv4.code, message: dual.errors.ipv4.message } : undefined,
          ipv6: dual.errors.ipv6 ? { code: dual.errors.ipv6.code, message: dual.errors.ipv6.message } : undefined,
        },
        previous: last,
        changed,
      };
    }

    /** Saved before the message leaves, so a restart never re-emits what was already sent. */
    async function remember(last: Emitted): Promise<void> {
      try {
        await saveState(store, STATE_KEY, stateTag, { last } satisfies IpSourceState);
      } catch (err) {
        // the address is still good; only the memory of it is not (a context store outage)
        node.warn(`ip-source: could not save the last address in the context store: ${(err as Error).message}`);
      }
    }

    function finish(newest: Waiting | undefined, msg: NodeMessage, changed: boolean, summary: string): void {
      msg.topic = def.name || settings!.lookup.origins.map((o) => o.text).join(', ');
      const shouldEmit = changed || settings!.emit === 'always';
      if (changed) status.ok(summary);
      else status.ok(`${summary} · ${RED._('ip-source.status.unchanged')}`);
      if (shouldEmit) {
        if (newest) newest.send(msg);
        else node.send(msg);
      }
      newest?.done();
    }

    const checks = new Coalescer<Trigger>(check, (older, newer) => {
      newer.waiting.unshift(...older.waiting);
    });

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      checks.push({ reason: 'input', waiting: [{ msg, send, done }] });
    });

    if (settings) {
      if (settings.intervalMs > 0) {
        intervalTimer = setInterval(() => checks.push({ reason: 'interval', waiting: [] }), settings.intervalMs);
      }
      if (settings.watch) {
        const names = new Set(settings.lookup.origins.filter((o) => o.kind === 'iface').map((o) => (o as { name: string }).name));
        const onlyInterfaces = names.size === settings.lookup.origins.length;
        watch = watchAddresses((name) => {
          if (onlyInterfaces && name !== undefined && !names.has(name)) return;
          // one address change brings several netlink lines (v4, v6, flags): check once
          if (debounceTimer) clearTimeout(debounceTimer);
          debounceTimer = setTimeout(() => checks.push({ reason: 'watch', waiting: [] }), WATCH_DEBOUNCE_MS);
        });
      }
      if (settings.intervalMs > 0 || settings.watch) {
        startTimer = setTimeout(() => checks.push({ reason: 'start', waiting: [] }), 100);
      } else {
        status.idle(RED._('ip-source.status.waiting-input'));
      }
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      closing.abort(new DdnsError('EABORTED', 'node closed'));
      for (const timer of [startTimer, debounceTimer]) if (timer) clearTimeout(timer);
      if (intervalTimer) clearInterval(intervalTimer);
      watch?.close();
      const pending = checks.takePending();
      for (const w of pending?.waiting ?? []) w.done();
      status.clear();
      // destroy, not close: a redeploy must not wait for a slow server
      const closed = Promise.all(Object.values(agents ?? {}).map((agent) => agent.destroy().catch(() => undefined)));
      void Promise.all([closed, checks.whenIdle()]).then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('ip-source', IpSourceNode);

  // "Check now" in the edit dialog: what each origin yields right now for the
  // settings in the form, before anything is deployed. It makes outbound
  // lookups, so it needs write permission.
  RED.httpAdmin.post('/ddns/ip-source/check', RED.auth.needsPermission('ip-source.write'), (req, res) => {
    void checkOrigins(req.body as IpSourceConfig).then(
      (report) => res.json(report),
      (err) => res.status(400).json({ error: { code: toDdnsError(err).code, message: toDdnsError(err).message } }),
    );
  });
};

interface OriginReport {
  origin: string;
  family: 'ipv4' | 'ipv6' | 'any';
  address?: string;
  addresses?: string[];
  error?: { code: string; message: string };
}

async function checkOrigins(config: IpSourceConfig): Promise<OriginReport[]> {
  const settings = parseIpSourceConfig(config ?? {});
  const families = settings.family === 'dual' ? (['ipv4', 'ipv6'] as const) : [settings.family];
  const signal = AbortSignal.timeout(settings.lookup.timeoutMs + 1000);
  const jobs = settings.lookup.origins.flatMap((origin) =>
    families.map(async (family): Promise<OriginReport> => {
      try {
        const found = withSuffix(await addressesFromOrigin(origin, settings.lookup, family, signal), settings.lookup);
        return { origin: origin.text, family, address: found.address, addresses: found.addresses };
      } catch (err) {
        const e = toDdnsError(err);
        return { origin: origin.text, family, error: { code: e.code, message: e.message } };
      }
    }),
  );
  return Promise.all(jobs);
}
