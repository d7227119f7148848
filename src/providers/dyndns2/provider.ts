/**
 * DynDNS2 on the provider contract (src/providers/contract.ts): built from the
 * node's and the account's settings, checked at once; one `sync` per input;
 * its state (confirmed addresses, blocks, pauses, keep-alive) and what that
 * state says about each host, for the DDNS sidebar.
 */
import type { Dispatcher } from 'undici';
import type { StoredRecord } from '../../core/records';
import { checkNamesPerInput } from '../../core/validate';
import type { Provider } from '../contract';
import { emptyState, normaliseState, type Dyndns2State } from './host-state';
import { parseHostnames } from './input';
import { resolveSettings, type Dyndns2Settings } from './settings';
import { retryPolicy, runUpdate } from './updater';

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
export function describeHosts(state: Dyndns2State, configured: readonly string[], refreshMs: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const name of new Set([...configured, ...Object.keys(state.hosts)])) {
    const host = state.hosts[name] ?? {};
    const common: StoredRecord = { name };
    if (host.lastWriteAt !== undefined) {
      common.lastWriteAt = host.lastWriteAt;
      common.checkedAt = host.lastWriteAt;
      if (refreshMs > 0) common.nextKeepAliveAt = host.lastWriteAt + refreshMs;
    }
    if (host.blockedCode) {
      common.blockedCode = host.blockedCode;
      common.blockedAt = host.blockedAt ?? 0;
    }
    if (host.waitUntil !== undefined) {
      common.waitUntil = host.waitUntil;
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
    describe: (state) => describeHosts(state, cfg.hostnames ?? [], cfg.refreshMs),
    unblock(state, name) {
      const next = normaliseState(state);
      const host = next.hosts[name];
      if (host) {
        delete host.blockedCode;
        delete host.blockedAt;
      }
      return next;
    },
    async sync(input, state, run) {
      const hostnames = cfg.hostnames ?? namesOfInput(input.names?.hostnames);
      const outcome = await runUpdate(cfg, hostnames, input.value, state, options.dispatcher(), options.version, run);
      return { results: outcome.results, state: outcome.state, notes: outcome.notes };
    },
  };
}
