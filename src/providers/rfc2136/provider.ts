/**
 * RFC 2136 dynamic update on the provider contract (src/providers/contract.ts):
 * built from the server node's and the update node's settings, checked at once;
 * one `sync` per input brings each name's A/AAAA RRset to the value, every
 * message an exchange of the run; its state says what each record held when
 * last seen, for the DDNS sidebar.
 */
import { describeLedger, emptyLedger, unblockLedger, type Ledger } from '../../core/ledger';
import type { Provider } from '../contract';
import { DnsClient } from './client';
import { parseHostnames } from './names';
import { checkNamesInZone, jobsFor, resolveSettings, type Rfc2136Settings } from './settings';
import { readRfc2136State } from './state';
import { syncNames } from './sync';

export interface Rfc2136ProviderOptions {
  settings: Rfc2136Settings;
}

export function createRfc2136Provider(options: Rfc2136ProviderOptions): Provider<Ledger> {
  const cfg = resolveSettings(options.settings);
  const holdTypes = cfg.recordType === 'auto' ? ['A', 'AAAA'] : [cfg.recordType];
  const configured = (cfg.hostnames ?? []).map((name) => (cfg.recordType === 'auto' ? { name } : { name, type: cfg.recordType }));
  const read = (raw: unknown): Ledger => readRfc2136State(raw, { ttl: cfg.ttl, types: holdTypes });
  const client = new DnsClient({
    endpoint: cfg.endpoint,
    key: cfg.key,
    timeoutMs: cfg.timeoutMs,
    now: cfg.now,
    ...(cfg.nextId ? { nextId: cfg.nextId } : {}),
    ...(cfg.tcp ? { tcp: true } : {}),
  });
  return {
    kind: 'rfc2136',
    // the pause after BADTIME is waited for inside the run, like backoff
    retry: { retries: cfg.retries, backoff: cfg.backoff, maxWaitMs: Math.max(cfg.backoff.capMs, cfg.clockRetryMs) },
    emptyState: emptyLedger,
    normaliseState: read,
    describe: (ledger, at) => describeLedger(ledger, configured, at),
    unblock: (ledger, name) => unblockLedger(ledger, name),
    async sync(input, state, run) {
      let names = cfg.hostnames;
      if (!names) {
        names = parseHostnames(input.names?.hostnames);
        checkNamesInZone(names, cfg.zone);
      }
      const jobs = jobsFor(cfg.recordType, input.value);
      const outcome = await syncNames(input.force ? { ...cfg, force: true } : cfg, client, run, names, jobs, read(state), holdTypes);
      // a dry run wrote nothing: what the server holds is as it was, and no answer blocks anything
      return { results: outcome.results, state: cfg.dryRun ? read(state) : outcome.state };
    },
  };
}
