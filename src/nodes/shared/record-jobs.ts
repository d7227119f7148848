/**
 * What an aliyun-ddns input asks for: one record type and value per job. Type
 * `auto` takes A or AAAA from the address family, and {ipv4, ipv6} (ip-source's
 * dual stack output) becomes an A and an AAAA job.
 */
import { DdnsError } from '../../core/errors';
import { parseAddress } from '../../core/address';

export interface Job {
  type: string;
  value: string;
}

const MAX_VALUE_LENGTH = 4096;

/** What to write: one job per record type. `auto` takes A/AAAA from the address family. */
export function jobsFor(recordType: string, payload: unknown): Job[] {
  const type = recordType || 'auto';
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload) && !Buffer.isBuffer(payload)) {
    if (type !== 'auto') throw new DdnsError('EBADINPUT', `an {ipv4, ipv6} payload needs type auto, not ${type}`);
    const { ipv4, ipv6 } = payload as { ipv4?: unknown; ipv6?: unknown };
    const jobs: Job[] = [];
    for (const [value, family, rrType] of [[ipv4, 4, 'A'], [ipv6, 6, 'AAAA']] as const) {
      if (value === undefined || value === null || value === '') continue;
      const parsed = typeof value === 'string' ? parseAddress(value) : undefined;
      if (!parsed || parsed.family !== family) throw new DdnsError('EBADINPUT', `payload.${family === 4 ? 'ipv4' : 'ipv6'} is not an IPv${family} address`);
      jobs.push({ type: rrType, value: parsed.address });
    }
    if (jobs.length === 0) throw new DdnsError('EBADINPUT', 'payload {ipv4, ipv6} holds no address');
    return jobs;
  }
  if (typeof payload !== 'string' || payload.trim() === '' || payload.length > MAX_VALUE_LENGTH) {
    throw new DdnsError('EBADINPUT', 'msg.payload must be the record value (an address for A/AAAA) or {ipv4, ipv6}');
  }
  if (type === 'auto') {
    const parsed = parseAddress(payload);
    if (!parsed) throw new DdnsError('EBADINPUT', 'type auto needs an IPv4 or IPv6 address in msg.payload');
    return [{ type: parsed.family === 4 ? 'A' : 'AAAA', value: parsed.address }];
  }
  return [{ type, value: payload }];
}
