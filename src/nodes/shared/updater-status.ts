/**
 * What an updater's status says, in words: from its stored records at deploy
 * and after a run from the run's results. Blocked and paused records say more
 * than anything else; then a failure; then a dry run; then what is in sync, and
 * since when (a run that changed nothing leaves the status exactly as it was).
 */
import type { DdnsError } from '../../core/errors';
import type { RecordResult } from '../../core/result';
import type { StoredRecord } from '../../core/records';
import { formatTime } from '../../core/time';
import type { StatusLine } from './status';
import { errorWords, type Translate } from './texts';

function valuesOf(items: ReadonlyArray<{ value?: string }>): string {
  return [...new Set(items.map((r) => r.value).filter((v): v is string => Boolean(v)))].join(' ');
}

function moreOf(count: number): string {
  return count > 1 ? ` +${count - 1}` : '';
}

export class UpdaterStatus {
  /** the values in sync and since when: the time moves only when they change */
  private lastGreen?: { values: string; since: number };

  constructor(
    private readonly line: StatusLine,
    private readonly t: Translate,
    private readonly dryRun: boolean,
  ) {}

  working(): void {
    this.line.show('working', this.t('status.updating'));
  }

  retrying(error: DdnsError, until: number): void {
    const detail = error.providerCode ?? (error.statusCode ? `HTTP ${error.statusCode}` : error.code);
    this.line.show('waiting', this.t('status.retrying', { time: formatTime(until), reason: errorWords(this.t, error.code), detail }));
  }

  /** a run, or the whole node, failed: the words for its code and the provider's own answer */
  failed(err: DdnsError, text?: string): void {
    const words = errorWords(this.t, err.code);
    this.line.show('failed', text ?? (err.providerCode ? `${words}: ${err.providerCode}` : words));
  }

  beforeFirstRun(): void {
    this.line.show(this.dryRun ? 'dryRun' : 'idle', this.t(this.dryRun ? 'status.dry-run-waiting' : 'status.waiting-address'));
  }

  /** From what the stored state says; false when it says nothing worth showing. */
  stored(records: readonly StoredRecord[]): boolean {
    const now = Date.now();
    const blocked = records.filter((r) => r.blockedCode);
    if (blocked.length > 0) {
      const names = [...new Set(blocked.map((r) => r.name))];
      this.line.show('failed', this.t('status.blocked', { answer: blocked[0].blockedCode!, name: names[0] + moreOf(names.length) }));
      return true;
    }
    const paused = records.filter((r) => r.waitUntil !== undefined && r.waitUntil > now);
    if (paused.length > 0) {
      const until = Math.max(...paused.map((r) => r.waitUntil!));
      this.line.show('waiting', this.t('status.paused', { time: formatTime(until), answer: paused[0].waitCode ?? '' }));
      return true;
    }
    const known = records.filter((r) => r.value !== undefined);
    if (known.length > 0 && !this.dryRun) {
      // a time stored while the clock was ahead is shown as now, never in the future
      const since = Math.min(Math.max(...known.map((r) => r.lastWriteAt ?? r.checkedAt ?? 0)), now);
      this.green(valuesOf(known), since || now);
      return true;
    }
    return false;
  }

  /** After a run: its results, read against what the stored state now says. */
  ran(results: readonly RecordResult[], records: readonly StoredRecord[]): void {
    const now = Date.now();
    // a failure the stored state explains (a block, a pause the server asked for) is shown as that
    const explained = (name: string) => records.some((r) => r.name === name && (r.blockedCode || (r.waitUntil !== undefined && r.waitUntil > now)));
    const failed = results.filter((r) => r.status === 'failed' && !explained(r.name));
    if (failed.length > 0) {
      const first = failed[0];
      const answer = first.providerCode ? `: ${first.providerCode}` : '';
      this.line.show('failed', this.t('status.failed', { reason: `${errorWords(this.t, first.code)}${answer}`, name: first.name + moreOf(failed.length) }));
      return;
    }
    if (this.stored(records.filter((r) => results.some((x) => x.name === r.name)))) return;
    if (this.dryRun) {
      const planned = results.filter((r) => r.status === 'skipped');
      const text = planned.length > 0 ? this.t('status.dry-run', { values: valuesOf(planned) }) : this.t('status.dry-run-in-sync', { values: valuesOf(results) });
      this.line.show('dryRun', text);
      return;
    }
    const skipped = results.filter((r) => r.status === 'skipped');
    if (skipped.length > 0 && skipped.length === results.length) {
      const first = skipped[0];
      this.line.show('waiting', this.t('status.failed', { reason: errorWords(this.t, first.code), name: first.name + moreOf(skipped.length) }));
      return;
    }
    const values = valuesOf(results.filter((r) => r.status !== 'failed'));
    if (results.some((r) => r.status === 'created' || r.status === 'updated')) this.lastGreen = { values, since: now };
    this.green(values, now);
  }

  private green(values: string, since: number): void {
    if (this.lastGreen?.values !== values) this.lastGreen = { values, since };
    this.line.show('ok', this.t('status.in-sync', { values, time: formatTime(this.lastGreen.since) }));
  }

  clear(): void {
    this.line.clear();
  }
}
