/**
 * RFC 2136 dynamic DNS update signed with TSIG (RFC 8945), natively: no
 * nsupdate, no external binary. No Node-RED import: the node glue passes the
 * settings, the provider does the rest on the contract.
 */
export { createRfc2136Provider, type Rfc2136ProviderOptions } from './provider';
export { resolveSettings, parseServer, jobsFor, DEFAULT_PORT, DEFAULT_TTL, VERIFY_AFTER_MS, type Rfc2136Settings } from './settings';
export { readRfc2136State } from './state';
export { TSIG_ALGORITHMS, DEFAULT_ALGORITHM, FUDGE_SECONDS, signMessage, verifyAnswer, findTsig, decodeSecret, type TsigKey, type TsigAlgorithm } from './tsig';
export { buildUpdate, buildQuery, type Replacement } from './messages';
export { decodeMessage, rcodeName } from './wire';
export { DnsClient } from './client';
