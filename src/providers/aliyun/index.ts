/**
 * Alibaba Cloud DNS (Alidns API 2015-01-09) logic for the `aliyun-account` /
 * `aliyun-ddns` nodes. No Node-RED import and no Alibaba SDK: the node glue
 * builds one AlidnsClient per account (with the account's undici dispatcher),
 * calls syncRecords per input and stores the returned state in node context.
 */
export {
  AlidnsClient,
  DEFAULT_ALIDNS_ENDPOINT,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type AlidnsApi,
  type AlidnsClientOptions,
  type CallParams,
  type CallStats,
} from './client';
export {
  syncRecords,
  DEFAULT_BULK_THRESHOLD,
  DEFAULT_LINE,
  DEFAULT_TTL,
  DEFAULT_VERIFY_AFTER_MS,
  type AliyunRecordResult,
  type SyncOutcome,
  type SyncRequest,
} from './sync';
export { readAliyunState } from './state';
export { RECORD_TYPES, normaliseRecordType, normaliseValue, sameValue, type RecordType } from './values';
export { fqdn, normaliseDomain, parseRrs } from './names';
export { ALIDNS_API_VERSION, canonicalQuery, formatTimestamp, percentEncode, signParameters, signRequest, stringToSign } from './sign';
export { createAliyunProvider, jobsFor, type AliyunProviderOptions, type AliyunSettings } from './provider';
