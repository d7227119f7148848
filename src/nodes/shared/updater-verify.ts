/**
 * An updater's records checked where the world reads them (issue: verify at
 * the zone's authoritative servers), as the node shows it: after a write the
 * status is blue "verifying" until every name server serves the value, then
 * green "in sync: ADDR, served by 2 of 2 name servers"; yellow naming a
 * server that still lags at the deadline, red when the provider said yes and
 * no server serves it, each with an error a Catch node sees; "not verified"
 * and why for a proxied Cloudflare record or unreachable servers (no
 * failure). With an unchanged value one server is asked now and then (drift):
 * a record changed behind the node's back is written again.
 *
 * The DNS work is in src/sources/record-check.ts; this file only decides what
 * the node says and does with its verdicts.
 */
import type { Node } from 'node-red';
import { DdnsError } from '../../core/errors';
import type { RecordResult } from '../../core/result';
import type { RecordChecker, Verdict, WrittenRecord } from '../../sources/record-check';
import type { StatusLine } from './status';
import type { Translate } from './texts';

type AddressResult = RecordResult & { type: 'A' | 'AAAA'; value: string };

function isAddressRecord(r: RecordResult): r is AddressResult {
  return (r.type === 'A' || r.type === 'AAAA') && typeof r.value === 'string';
}

function written(r: RecordResult): WrittenRecord {
  return { name: r.name, type: r.type as 'A' | 'AAAA', value: r.value!, ...(r.unverifiable ? { unverifiable: r.unverifiable } : {}) };
}

export interface VerifyOutcome {
  /** the results, each written one with `verified` */
  results: RecordResult[];
  /** the status said it all: the plain "in sync" must not replace it */
  shown: boolean;
}

export class UpdaterVerify {
  /** the last verified status text, kept while the values stay as they were verified */
  private lastShown?: { values: string; text: string };

  constructor(
    private readonly checker: RecordChecker,
    private readonly node: Node,
    private readonly line: StatusLine,
    private readonly t: Translate,
  ) {}

  private reasonWords(reason: 'proxied' | 'unreachable' | 'no-zone'): string {
    return this.t(`verify.${reason}`);
  }

  /**
   * After a run that wrote records: waits for the name servers (within
   * verifyTimeout), adds `verified` to the results and sets the status. Aborted
   * by `signal` (the node closing, a newer input): then it says nothing.
   */
  async afterWrite(results: RecordResult[], signal: AbortSignal): Promise<VerifyOutcome> {
    const writes = results.filter((r) => (r.status === 'created' || r.status === 'updated') && isAddressRecord(r));
    if (!this.checker.enabled || writes.length === 0) return { results, shown: false };
    const values = [...new Set(writes.map((r) => r.value!))].join(' ');
    const progress = new Map<string, { seen: number; of: number }>();
    const show = () => {
      const seen = Math.min(...[...progress.values()].map((p) => p.seen));
      const of = Math.max(...[...progress.values()].map((p) => p.of));
      this.line.show('working', this.t('verify.verifying', { values, seen, of }));
    };
    const verdicts = await Promise.all(
      writes.map((r) =>
        this.checker.afterWrite(written(r), signal, (view) => {
          progress.set(`${r.name}/${r.type}`, { seen: view.seen, of: view.of });
          show();
        }),
      ),
    );
    if (signal.aborted) return { results, shown: false };
    const byKey = new Map<string, Verdict>();
    writes.forEach((r, i) => byKey.set(`${r.name}/${r.type}`, verdicts[i]));
    const out = results.map((r) => {
      const verdict = byKey.get(`${r.name}/${r.type}`);
      return verdict && 'verified' in verdict && verdict.verified ? { ...r, verified: verdict.verified } : r;
    });
    this.tell(verdicts, writes, values);
    return { results: out, shown: true };
  }

  private tell(verdicts: Verdict[], writes: RecordResult[], values: string): void {
    const notServed = verdicts.findIndex((v) => v.kind === 'not-served');
    if (notServed >= 0) {
      this.lastShown = undefined;
      this.line.show('failed', this.t('verify.not-served', { values }));
      const r = writes[notServed];
      this.node.error(new DdnsError('ENOTSERVED', `${r.name}: the provider accepted ${r.value} but none of its name servers serves it`), { payload: r.value, ddns: { results: writes } });
      return;
    }
    const lagging = verdicts.find((v): v is Extract<Verdict, { kind: 'lagging' }> => v.kind === 'lagging');
    if (lagging) {
      this.lastShown = undefined;
      const { seen, of } = lagging.verified;
      this.line.show('waiting', this.t('verify.lagging', { server: lagging.lagging[0], values, seen, of }));
      this.node.error(new DdnsError('ENOTSERVED', `${lagging.lagging.join(', ')} did not serve ${values} within the verify timeout (${seen} of ${of} name servers do)`), { payload: values, ddns: { results: writes } });
      return;
    }
    const unverified = verdicts.find((v): v is Extract<Verdict, { kind: 'unverified' }> => v.kind === 'unverified');
    const text = unverified
      ? this.t('verify.unverified', { values, reason: this.reasonWords(unverified.reason) })
      : this.t('verify.served', {
          values,
          seen: Math.min(...verdicts.map((v) => (v.kind === 'served' ? v.verified.seen : 0))),
          of: Math.max(...verdicts.map((v) => (v.kind === 'served' ? v.verified.of : 0))),
        });
    this.line.show('ok', text);
    this.lastShown = { values, text };
  }

  /**
   * With a run that wrote nothing: the status keeps saying "served by" while
   * the values are the ones verified (no new status message), and one name
   * server is asked whether the record still holds its value, at most every
   * verifyAfter. Answers the results to write again when it does not.
   */
  async unchanged(results: RecordResult[], signal: AbortSignal): Promise<{ keepsStatus: boolean; drifted?: { name: string; type: string; server: string; served: string[] } }> {
    const inSync = results.filter((r) => r.status === 'unchanged' && isAddressRecord(r));
    const values = [...new Set(inSync.map((r) => r.value!))].join(' ');
    const keepsStatus = inSync.length === results.length && this.lastShown?.values === values;
    if (keepsStatus) this.line.show('ok', this.lastShown!.text);
    if (!this.checker.enabled || inSync.length === 0 || inSync.length !== results.length) return { keepsStatus };
    const drift = await this.checker.drift(inSync.map(written), signal).catch(() => undefined);
    if (!drift || signal.aborted) return { keepsStatus };
    return { keepsStatus, drifted: { name: drift.record.name, type: drift.record.type, server: drift.server, served: drift.served } };
  }

  /** A restore written: the status says the record had changed outside the node. */
  restored(values: string): void {
    this.lastShown = undefined;
    this.line.show('ok', this.t('verify.restored', { values }));
  }
}
