/**
 * `iface://NAME` origins: the addresses a local network interface holds. On Linux
 * the IPv6 address flags in /proc/net/if_inet6 let stable addresses win over
 * temporary (privacy), deprecated and tentative ones, so a DNS record does not
 * follow an address that rotates every day or is about to go away.
 */
import { networkInterfaces } from 'node:os';
import { readFile } from 'node:fs/promises';
import { DdnsError } from '../core/errors';
import { parseAddress } from '../core/address';
import type { LookupContext, SourceAnswer } from './types';

// linux/if_addr.h
const IFA_F_TEMPORARY = 0x01;
const IFA_F_DADFAILED = 0x08;
const IFA_F_DEPRECATED = 0x20;
const IFA_F_TENTATIVE = 0x40;

export interface Inet6Flags {
  address: string;
  name: string;
  flags: number;
}

/** Parses /proc/net/if_inet6: `<32 hex address> <ifindex> <prefixlen> <scope> <flags> <name>` per line. */
export function parseIfInet6(text: string): Inet6Flags[] {
  const out: Inet6Flags[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !/^[0-9a-f]{32}$/i.test(fields[0])) continue;
    const hex = fields[0];
    const groups = hex.match(/.{4}/g)!.join(':');
    const parsed = parseAddress(groups);
    if (!parsed) continue;
    out.push({ address: parsed.address, name: fields[5], flags: parseInt(fields[4], 16) });
  }
  return out;
}

/** Lower is better: stable, then temporary, then deprecated, then tentative. */
export function ipv6Preference(flags: number): number {
  if (flags & IFA_F_TENTATIVE) return 3;
  if (flags & IFA_F_DEPRECATED) return 2;
  if (flags & IFA_F_TEMPORARY) return 1;
  return 0;
}

async function readInet6Flags(): Promise<Map<string, number> | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const entries = parseIfInet6(await readFile('/proc/net/if_inet6', 'utf8'));
    return new Map(entries.map((e) => [`${e.name}/${e.address}`, e.flags]));
  } catch {
    return undefined; // no IPv6 in this kernel or container: os.networkInterfaces() is enough
  }
}

/** The interface's addresses, best first; IPv6 that failed duplicate address detection is left out. */
export async function interfaceAddresses(name: string): Promise<string[]> {
  const entries = networkInterfaces()[name];
  if (!entries) {
    const have = Object.keys(networkInterfaces()).join(', ');
    throw new DdnsError('ENOADDR', `network interface "${name}" does not exist (have: ${have})`, { key: 'source.no-interface', params: { name, have } });
  }
  const flags = await readInet6Flags();
  const ranked: Array<{ address: string; rank: number; order: number }> = [];
  entries.forEach((entry, order) => {
    const parsed = parseAddress(entry.address);
    if (!parsed) return;
    let rank = 0;
    if (parsed.family === 6 && flags) {
      const f = flags.get(`${name}/${parsed.address}`) ?? 0;
      if (f & IFA_F_DADFAILED) return;
      rank = ipv6Preference(f);
    }
    ranked.push({ address: parsed.address, rank, order });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return ranked.map((r) => r.address);
}

export async function lookupInterface(name: string, ctx: LookupContext): Promise<SourceAnswer> {
  if (ctx.signal.aborted) throw new DdnsError('EABORTED', 'aborted');
  return { texts: await interfaceAddresses(name), kind: 'addresses' };
}

/**
 * The local address a lookup of `family` leaves from: `bind` itself when it is an
 * address (of that family), else the interface's best address of that family that
 * can be bound without a zone (not link-local).
 */
export async function bindAddressOf(nameOrAddress: string, family: 4 | 6): Promise<string> {
  const literal = parseAddress(nameOrAddress);
  if (literal) {
    if (literal.family !== family) {
      throw new DdnsError('ECONFIG', `bind ${nameOrAddress} is an IPv${literal.family} address, but this lookup is IPv${family}: bind an interface name instead`);
    }
    return nameOrAddress;
  }
  const addresses = await interfaceAddresses(nameOrAddress);
  const match = addresses.find((a) => {
    const parsed = parseAddress(a);
    return parsed?.family === family && parsed.range !== 'linkLocal';
  });
  if (!match) throw new DdnsError('ECONFIG', `bind: interface "${nameOrAddress}" has no IPv${family} address`);
  return match;
}

