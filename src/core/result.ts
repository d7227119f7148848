/** One record's outcome, as every updater reports it in `msg.ddns.results`. */
import type { ErrorCode, ResultReason } from './errors';

export type RecordStatus = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface RecordResult {
  /** the record's full name, e.g. `www.example.com` */
  name: string;
  /** A, AAAA, ... where the provider has record types */
  type?: string;
  status: RecordStatus;
  value?: string;
  previous?: string;
  /** why the record failed or was skipped, for a Switch node: the package's own codes only */
  code?: ErrorCode;
  /** what the provider answered in its own words (good, nochg, nohost, Throttling.User) */
  providerCode?: string;
  requestId?: string;
  recordId?: string;
  message?: string;
  /** `message` as a catalog key, for the status and the sidebar in the runtime's language */
  reason?: ResultReason;
}
