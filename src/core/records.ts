/**
 * What a provider's stored state says about its records, in one shape for all
 * providers: the DDNS sidebar shows these rows between runs, and the updater
 * node's status at deploy is read from them.
 */

/**
 * One record, or without `type` every record of one name (a DynDNS2 host's
 * block holds for A and AAAA alike).
 */
export interface StoredRecord {
  name: string;
  type?: string;
  value?: string;
  /** when the server was last seen (or made) to hold `value` */
  checkedAt?: number;
  lastWriteAt?: number;
  nextKeepAliveAt?: number;
  /** the provider's answer that blocked the record until the configuration or login changes */
  blockedCode?: string;
  blockedAt?: number;
  /** no request before this time (the provider asked for a pause) */
  waitUntil?: number;
  waitCode?: string;
}
