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
import { errorWords, reasonText, resultReason, type Translate } from './texts';

/** Failures of the way to the server rather than of one record: the status names the server, not the host. */
const TRANSPORT = new Set(['ENETWORK', 'ETIMEDOUT', 'ETLS', 'ETOOLARGE', 'EHTTPSTATUS']);

/** `dynupdate.no-ip.com` out of `https://dynupdate.no-ip.com/nic/update` (a reason's place); undefined for anything else. */
function serverOf(at: string | undefined): string | undefined {
  const last = at?.split(': ').pop();
  if (!last || !/^[a-z][a-z0-9+.-]*:\/\//i.test(last)) return undefined;
  try {
    return new URL(last).host || undefined;
  } catch {
    return undefined;
  }
}

/** What an updater's msg.payload says of a run ("1 updated, 1 unchanged"), in the runtime's words. */
export function summaryText(t: Translate, results: readonly RecordResult[], dryRun: boolean): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [...counts.entries()].map(([status, count]) => t(`summary.${status}`, { count }));
  const text = parts.join(t('summary.separator')) || t('summary.nothing');
  return dryRun ? t('summary.dry-run', { text }) : text;
}

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

  /** words only: the provider's own answer or the HTTP status may show, the package's codes travel in msg.error */
  retrying(error: DdnsError, until: number): void {
    const detail = error.providerCode ?? (error.statusCode ? `HTTP ${error.statusCode}` : undefined);
    const reason = errorWords(this.t, error.code);
    const time = formatTime(until);
    this.line.show('waiting', detail ? this.t('status.retrying', { time, reason, detail }) : this.t('status.retrying-plain', { time, reason }));
  }

  /**
   * A run, or the whole node, failed: its reason in the status's short form
   * (an error without a catalog key: the words for its code and the
   * provider's own answer). `text`: the status the node worked out for a
   * node that cannot run; the English reason in it is said in the runtime's
   * words here.
   */
  failed(err: DdnsError, text?: string): void {
    if (text !== undefined) {
      const short = err.key ? reasonText(this.t, err, true) : undefined;
      this.line.show('failed', short && text.includes(err.message) ? text.replace(err.message, short) : text);
      return;
    }
    this.line.show('failed', this.reasonOf(err));
  }

  /** A node that cannot run: `kind` says which status (no account, needs a login, invalid settings). */
  unusable(err: DdnsError, kind: 'no-account' | 'needs-login' | 'invalid', forms: (text: string) => string = (text) => text): string {
    return kind === 'no-account' ? this.t('status.no-account') : this.t(`status.${kind}`, { reason: forms(reasonText(this.t, err, true)) });
  }

  private reasonOf(err: DdnsError): string {
    if (err.key && !TRANSPORT.has(err.code)) return reasonText(this.t, err, true);
    // a setting or an input the user can fix: what is wrong, not only that something is ("no hostnames: set it ...")
    if (err.code === 'ECONFIG' || err.code === 'EBADINPUT') return err.message;
    const words = errorWords(this.t, err.code);
    return err.providerCode ? `${words}: ${err.providerCode}` : words;
  }

  beforeFirstRun(): void {
    this.line.show(this.dryRun ? 'dryRun' : 'idle', this.t(this.dryRun ? 'status.dry-run-waiting' : 'status.waiting-address'));
  }

  /**
   * From what the stored state says (at deploy, after a block was cleared):
   * with nothing worth showing, what a node shows before its first run, so a
   * cleared block never stays on the canvas. False when it said nothing more.
   */
  stored(records: readonly StoredRecord[]): boolean {
    if (this.showStored(records)) return true;
    this.beforeFirstRun();
    return false;
  }

  /** What the stored state says, if anything; false (and nothing shown) otherwise. */
  private showStored(records: readonly StoredRecord[]): boolean {
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
      const server = first.code && TRANSPORT.has(first.code) ? serverOf(first.reason?.at) : undefined;
      this.line.show('failed', this.t('status.failed', { reason: this.resultWords(first), name: server ?? first.name + moreOf(failed.length) }));
      return;
    }
    if (this.showStored(records.filter((r) => results.some((x) => x.name === r.name)))) return;
    if (this.dryRun) {
      const planned = results.filter((r) => r.status === 'skipped');
      const text = planned.length > 0 ? this.t('status.dry-run', { values: valuesOf(planned) }) : this.t('status.dry-run-in-sync', { values: valuesOf(results) });
      this.line.show('dryRun', text);
      return;
    }
    const skipped = results.filter((r) => r.status === 'skipped');
    if (skipped.length > 0 && skipped.length === results.length) {
      const first = skipped[0];
      this.line.show('waiting', this.t('status.failed', { reason: this.resultWords(first), name: first.name + moreOf(skipped.length) }));
      return;
    }
    const values = valuesOf(results.filter((r) => r.status !== 'failed'));
    if (results.some((r) => r.status === 'created' || r.status === 'updated')) this.lastGreen = { values, since: now };
    this.green(values, now);
  }

  /** a record's failure in the status's short form: its catalog key, or the words for its code and the provider's answer */
  private resultWords(result: RecordResult): string {
    if (result.reason && !(result.code && TRANSPORT.has(result.code))) return reasonText(this.t, resultReason(result), true);
    const answer = result.providerCode ? `: ${result.providerCode}` : '';
    return `${errorWords(this.t, result.code)}${answer}`;
  }

  private green(values: string, since: number): void {
    if (this.lastGreen?.values !== values) this.lastGreen = { values, since };
    this.line.show('ok', this.t('status.in-sync', { values, time: formatTime(this.lastGreen.since) }));
  }

  clear(): void {
    this.line.clear();
  }
}
