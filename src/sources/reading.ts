/**
 * One check of `ip-source`, single family or dual stack alike: ask the origins,
 * and compare what they said with what was last emitted. In dual stack a
 * family that fails this once keeps its last address: a blip of one family is
 * no change worth a message (nor a reason to forget the address).
 */
import type { Dispatcher } from 'undici';
import { findAddress, findDualAddress, type DualAddress, type FoundAddress, type Dispatchers } from './lookup';
import type { IpSourceSettings } from './settings';

/** What ip-source emits as msg.payload, and remembers as the last emitted value. */
export type Emitted = string | { ipv4?: string; ipv6?: string };

export interface Reading {
  payload: Emitted;
  /** msg.ip */
  ip: Record<string, unknown>;
  changed: boolean;
  /** the addresses for the status line */
  addresses: string;
  /** dual stack: the family that yielded nothing this time */
  missing?: 'IPv4' | 'IPv6';
  /** what to remember as the last emitted value (dual stack keeps a family that failed once) */
  remember: Emitted;
}

export function sameEmitted(a: Emitted | undefined, b: Emitted | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6;
}

function describeFound(found: FoundAddress, previous: string | undefined, changed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { address: found.address, family: found.family, addresses: found.addresses, origin: found.origin, previous, changed };
  if (found.suffix) Object.assign(out, { prefix: found.prefix, suffix: found.suffix, detected: found.detected });
  return out;
}

function describeDual(dual: DualAddress, before: { ipv4?: string; ipv6?: string }, last: Emitted | undefined, changed: boolean): Record<string, unknown> {
  const errorOf = (e: DualAddress['errors']['ipv4']) => (e ? { code: e.code, message: e.message } : undefined);
  return {
    ipv4: dual.ipv4 ? describeFound(dual.ipv4, before.ipv4, dual.ipv4.address !== before.ipv4) : undefined,
    ipv6: dual.ipv6 ? describeFound(dual.ipv6, before.ipv6, dual.ipv6.address !== before.ipv6) : undefined,
    errors: { ipv4: errorOf(dual.errors.ipv4), ipv6: errorOf(dual.errors.ipv6) },
    previous: last,
    changed,
  };
}

export async function takeReading(
  settings: IpSourceSettings,
  last: Emitted | undefined,
  signal: AbortSignal,
  dispatchers?: Dispatcher | Dispatchers,
): Promise<Reading> {
  if (settings.family !== 'dual') {
    const found = await findAddress(settings.lookup, settings.family, signal, dispatchers);
    const previous = typeof last === 'string' ? last : undefined;
    const changed = !sameEmitted(last, found.address);
    return { payload: found.address, ip: describeFound(found, previous, changed), changed, addresses: found.address, remember: found.address };
  }
  const dual = await findDualAddress(settings.lookup, signal, dispatchers);
  const before = typeof last === 'object' && last ? last : {};
  const fresh: { ipv4?: string; ipv6?: string } = {};
  if (dual.ipv4) fresh.ipv4 = dual.ipv4.address;
  if (dual.ipv6) fresh.ipv6 = dual.ipv6.address;
  const known = { ...before, ...fresh };
  const changed = !sameEmitted(before, known);
  const reading: Reading = {
    payload: fresh,
    ip: describeDual(dual, before, last, changed),
    changed,
    addresses: [fresh.ipv4, fresh.ipv6].filter(Boolean).join(' / '),
    remember: known,
  };
  if (!dual.ipv4) reading.missing = 'IPv4';
  else if (!dual.ipv6) reading.missing = 'IPv6';
  return reading;
}

