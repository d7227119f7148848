/**
 * DynDNS2 on the provider contract (src/providers/contract.ts): built from the
 * node's and the account's settings, checked at once; one `sync` per input;
 * its state (confirmed addresses, blocks, pauses, keep-alive) and what that
 * state says about each host, for the DDNS sidebar.
 */
import type { Dispatcher } from 'undici';
import type { StoredRecord } from '../../core/records';
import { MAX_SERVER_PAUSE_MS } from '../../core/run';
import { checkNamesPerInput } from '../../core/validate';
import type { Provider } from '../contract';
import { emptyState, normaliseState, type Dyndns2State } from './host-state';
import { parseHostnames } from './input';
import { resolveSettings, type Dyndns2Settings } from './settings';
import { forgetPause, retryPolicy, runUpdate } from './updater';

export interface Dyndns2ProviderOptions {
  settings: Dyndns2Settings;
  /** the account's keep-alive agent, asked for when the first request goes out */
  dispatcher: () => Dispatcher;
  /** package version for the User-Agent */
  version: string;
}

/**
 * One host-wide entry per host (its block, pause and keep-alive hold for every
 * family) and one A/AAAA entry per address the server confirmed. Configured
 * hosts not seen yet come first, as pending.
 */
export function describeHosts(state: Dyndns2State, configured: readonly string[], refreshMs: number, now: number = Date.now()): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const name of new Set([...configured, ...Object.keys(state.hosts)])) {
    const host = state.hosts[name] ?? {};
    const common: StoredRecord = { name };
    if (host.lastWriteAt !== undefined) {
      // a last write stored while the clock was ahead is taken as now, as the next run takes it
      const lastWriteAt = Math.min(host.lastWriteAt, now);
      common.lastWriteAt = lastWriteAt;
      common.checkedAt = lastWriteAt;
      if (refreshMs > 0) common.nextKeepAliveAt = lastWriteAt + refreshMs;
    }
    if (host.blockedCode) {
      common.blockedCode = host.blockedCode;
      common.blockedAt = host.blockedAt ?? 0;
    }
    if (host.waitUntil !== undefined) {
      // a pause stored before the week's cap: shown as the next run will cut it
      common.waitUntil = Math.min(host.waitUntil, now + MAX_SERVER_PAUSE_MS);
      if (host.waitCode) common.waitCode = host.waitCode;
    }
    out.push(common);
    if (host.ipv4) out.push({ ...common, type: 'A', value: host.ipv4 });
    if (host.ipv6) out.push({ ...common, type: 'AAAA', value: host.ipv6 });
  }
  return out;
}

/** Host names that came with an input: capped, since each costs requests. */
function namesOfInput(text: string | undefined): string[] {
  checkNamesPerInput((text ?? '').split(/[\s,]+/).filter((part) => part !== '').length, 'host names');
  return parseHostnames(text);
}

export function createDyndns2Provider(options: Dyndns2ProviderOptions): Provider<Dyndns2State> {
  const cfg = resolveSettings(options.settings);
  return {
    kind: 'dyndns2',
    retry: retryPolicy(cfg),
    emptyState,
    normaliseState,
    describe: (state, at) => describeHosts(state, cfg.hostnames ?? [], cfg.refreshMs, at),
    unblock(state, name) {
      const next = normaliseState(state);
      const host = next.hosts[name];
      if (host) {
        delete host.blockedCode;
        delete host.blockedAt;
        // Clear block lifts a pause as it lifts a block: the user says the server is fine again
        forgetPause(host);
      }
      return next;
    },
    async sync(input, state, run) {
      const hostnames = cfg.hostnames ?? namesOfInput(input.names?.hostnames);
      const outcome = await runUpdate(input.force ? { ...cfg, force: true } : cfg, hostnames, input.value, state, options.dispatcher(), options.version, run);
      return { results: outcome.results, state: outcome.state, notes: outcome.notes };
    },
  };
}
