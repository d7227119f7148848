/**
 * Vocabulary shared by the DynDNS2 modules: address families, the dual stack
 * modes a provider may speak, and the optional update parameters.
 */

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** DNS record type that holds each family, for `RecordResult.type`. */
export const RECORD_TYPE: Record<Family, 'A' | 'AAAA'> = { ipv4: 'A', ipv6: 'AAAA' };

/**
 * How a provider takes IPv4 and IPv6 together:
 * - `combined`: `myip=V4,V6` (Dyn's own spec; a one-family request may delete the other record)
 * - `separate`: one request per family, each with `myip=` of that family
 * - `myipv6`: `myip=V4&myipv6=V6` (Dynu, INWX, ...)
 */
export type DualStackMode = 'combined' | 'separate' | 'myipv6';
export const DUAL_STACK_MODES: readonly DualStackMode[] = ['combined', 'separate', 'myipv6'];

export type { Addresses } from '../../core/payload';

/** Optional DynDNS2 parameters as a user or flow may give them; empty = omitted. */
export interface UpdateOptions {
  wildcard?: string | boolean;
  mx?: string;
  backmx?: string | boolean;
  offline?: string | boolean;
}

/** The same, validated and in the spelling the protocol wants. */
export interface ProviderParams {
  wildcard?: 'ON' | 'OFF' | 'NOCHG';
  mx?: string;
  backmx?: 'YES' | 'NO' | 'NOCHG';
  offline?: 'YES' | 'NO';
}
