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
  /** the record asked at its zone's authoritative name servers after the write (verify) */
  verified?: { seen: number; of: number; servers: Array<{ server: string; serves: boolean; values?: string[]; error?: string }> };
  /** why the provider knows the name servers cannot confirm this record: `proxied` (a proxied Cloudflare record) */
  unverifiable?: 'proxied';
  /** written again because the name servers served another value: the record was changed outside the node */
  restored?: boolean;
  /** `message` as a catalog key, for the status and the sidebar in the runtime's language */
  reason?: ResultReason;
}
