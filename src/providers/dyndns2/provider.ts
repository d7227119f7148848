/**
 * DynDNS2 on the provider contract (src/providers/contract.ts): built from the
 * node's and the account's settings, checked at once; one `sync` per input;
 * its state (confirmed addresses, blocks, pauses, keep-alive) and what that
 * state says about each host, for the DDNS sidebar.
 */
import type { Dispatcher } from 'undici';
import { describeLedger, emptyLedger, unblockLedger, type Ledger } from '../../core/ledger';
import type { StoredRecord } from '../../core/records';
import { checkNamesPerInput } from '../../core/validate';
import type { Provider } from '../contract';
import { forgetAnswer, hostOf, readDyndns2State } from './host-state';
import { parseHostnames } from './input';
import { resolveSettings, type Dyndns2Settings } from './settings';
import { LONGEST_PAUSE_MS, retryPolicy, runUpdate } from './updater';

export interface Dyndns2ProviderOptions {
  settings: Dyndns2Settings;
  /** the account's keep-alive agent, asked for when the first request goes out */
  dispatcher: () => Dispatcher;
  /** package version for the User-Agent */
  version: string;
}

/**
 * The ledger's rows (src/core/ledger.ts), configured hosts not seen yet first
 * as pending; each row of a host also says when its keep-alive write is due,
 * counted from the host's last write (one stored while the clock was ahead
 * counts as now, as the next run takes it).
 */
export function describeHosts(ledger: Ledger, configured: readonly string[], refreshMs: number, now: number = Date.now()): StoredRecord[] {
  const rows = describeLedger(ledger, configured.map((name) => ({ name })), now);
  if (refreshMs <= 0) return rows;
  return rows.map((row) => {
    const lastWriteAt = hostOf(ledger, row.name)?.lastWriteAt;
    return lastWriteAt === undefined ? row : { ...row, nextKeepAliveAt: Math.min(lastWriteAt, now) + refreshMs };
  });
}

/** Host names that came with an input: capped, since each costs requests. */
function namesOfInput(text: string | undefined): string[] {
  checkNamesPerInput((text ?? '').split(/[\s,]+/).filter((part) => part !== '').length, 'host names');
  return parseHostnames(text);
}

export function createDyndns2Provider(options: Dyndns2ProviderOptions): Provider<Ledger> {
  const cfg = resolveSettings(options.settings);
  const read = (raw: unknown): Ledger => readDyndns2State(raw, LONGEST_PAUSE_MS);
  return {
    kind: 'dyndns2',
    retry: retryPolicy(cfg),
    emptyState: emptyLedger,
    normaliseState: read,
    describe: (ledger, at) => describeHosts(ledger, cfg.hostnames ?? [], cfg.refreshMs, at),
    unblock(ledger, name) {
      // Clear block lifts a pause as it lifts a block, and the answer that paused it: the user says the server is fine again
      const next = unblockLedger(read(ledger), name);
      forgetAnswer(next, name);
      return next;
    },
    async sync(input, state, run) {
      const hostnames = cfg.hostnames ?? namesOfInput(input.names?.hostnames);
      const outcome = await runUpdate(input.force ? { ...cfg, force: true } : cfg, hostnames, input.value, state, options.dispatcher(), options.version, run);
      return { results: outcome.results, state: outcome.state, notes: outcome.notes };
    },
  };
}
