/**
 * The one jobs rule every updater keeps: which address records an input asks
 * for. A single address goes to the record of its family (type `auto`) or must
 * match the type set; `{ipv4, ipv6}` writes A from ipv4 with type `A`, AAAA from
 * ipv6 with `AAAA`, and both with `auto`. A family the type asks for that the
 * input lacks is EBADINPUT in words, before any request is built. Providers
 * with other record types (Alidns' CNAME, TXT, MX) take a plain value
 * themselves and use this rule for A and AAAA.
 */
import { DdnsError } from './errors';
import { isAddressPair, parsePayloadAddresses } from './payload';

export type AddressRecordType = 'A' | 'AAAA';
export type AddressTypeSetting = 'auto' | AddressRecordType;

export interface AddressJob {
  type: AddressRecordType;
  /** canonical text: dotted quad, RFC 5952 IPv6 */
  value: string;
}

const SETTINGS: readonly AddressTypeSetting[] = ['auto', 'A', 'AAAA'];

/** The `recordType` setting: empty is `auto`; ECONFIG for anything else than auto, A or AAAA. */
export function addressTypeSetting(value: unknown): AddressTypeSetting {
  const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : 'auto';
  const found = SETTINGS.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!found) {
    const given = JSON.stringify(text).slice(0, 20);
    throw new DdnsError('ECONFIG', `record type must be auto, A or AAAA, not ${given}`, { key: 'config.address-type', params: { given } });
  }
  return found;
}

/** The records `payload` asks for under `recordType`, A before AAAA. */
export function addressJobs(recordType: AddressTypeSetting, payload: unknown): AddressJob[] {
  const addresses = parsePayloadAddresses(payload);
  const jobs: AddressJob[] = [];
  if (addresses.ipv4 !== undefined && recordType !== 'AAAA') jobs.push({ type: 'A', value: addresses.ipv4 });
  if (addresses.ipv6 !== undefined && recordType !== 'A') jobs.push({ type: 'AAAA', value: addresses.ipv6 });
  if (jobs.length === 0) {
    const family = recordType === 'A' ? 'IPv4' : 'IPv6';
    const pair = isAddressPair(payload);
    const other = family === 'IPv4' ? 'IPv6' : 'IPv4';
    const given = pair ? `msg.payload has no ${recordType === 'A' ? 'ipv4' : 'ipv6'}` : `msg.payload is an ${other} address`;
    throw new DdnsError('EBADINPUT', `record type ${recordType} needs an ${family} address; ${given}`, {
      key: pair ? 'input.type-needs-missing' : 'input.type-needs-other',
      params: { type: recordType, family, other, property: recordType === 'A' ? 'ipv4' : 'ipv6' },
    });
  }
  return jobs;
}
