/** One record's outcome, as every updater reports it in `msg.ddns.results`. */
export type RecordStatus = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface RecordResult {
  /** the record's full name, e.g. `www.example.com` */
  name: string;
  /** A, AAAA, ... where the provider has record types */
  type?: string;
  status: RecordStatus;
  value?: string;
  previous?: string;
  /** error code (ECONFIG, EAUTH, ...) or the provider's return code (good, nochg, badauth) */
  code?: string;
  providerCode?: string;
  requestId?: string;
  recordId?: string;
  message?: string;
}
