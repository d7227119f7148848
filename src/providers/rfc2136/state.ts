/**
 * What the RFC 2136 updater remembers between runs: the core record ledger
 * (src/core/ledger.ts), with the zone a name's SOA placed it in (when the
 * server node names none) as its own fact in the ledger's memo.
 *
 * Versions before the ledger stored their own shape (per name: A and AAAA
 * with value, TTL and times, the zone, one block for the name); it is read
 * here once, so an upgrade keeps the confirmed values and the blocks (kept on
 * the name's records; a block holds every type of its name).
 */
import { parseAddress } from '../../core/address';
import { entryOf, ledgerKey, readStoredLedger, storedEntries, type Ledger } from '../../core/ledger';
import { storedTime as time } from '../../core/stored';

const zoneMemo = (name: string): string => `zone:${name.toLowerCase()}`;

export function rememberedZone(ledger: Ledger, name: string): string | undefined {
  return ledger.memo[zoneMemo(name)];
}

export function rememberZone(ledger: Ledger, name: string, zone: string | undefined): void {
  if (zone === undefined) delete ledger.memo[zoneMemo(name)];
  else ledger.memo[zoneMemo(name)] = zone;
}

export interface ReadOptions {
  /** the node's TTL: an old record seen with another TTL is looked at again */
  ttl: number;
  /** the node's record types: an old name's block is kept on those the name has records of, else on the first */
  types: readonly string[];
}

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined);

/** The shape stored before the ledger: `names` instead of `records`. */
const older = (stored: Record<string, unknown>): boolean => stored.records === undefined && storedEntries(stored.names).length > 0;

/** A fresh, valid ledger from whatever a context store handed back: the ledger itself, or the shape versions before it stored. */
export function readRfc2136State(raw: unknown, options: ReadOptions): Ledger {
  return readStoredLedger(raw, older, (stored, ledger) => {
    for (const [name, value] of storedEntries(stored.names)) {
      if (name.length > 253 || !value || typeof value !== 'object') continue;
      const old = value as Record<string, unknown>;
      for (const type of ['A', 'AAAA'] as const) {
        const record = old[type] as Record<string, unknown> | undefined;
        const parsed = record && typeof record === 'object' && typeof record.value === 'string' ? parseAddress(record.value) : undefined;
        if (!parsed || parsed.family !== (type === 'A' ? 4 : 6)) continue;
        const entry = entryOf(ledger, name, type);
        entry.value = parsed.address;
        const verifiedAt = time(record!.verifiedAt);
        // seen with another TTL than the node sets: not in sync, asked again
        if (verifiedAt !== undefined && time(record!.ttl) === options.ttl) entry.verifiedAt = verifiedAt;
        const lastWriteAt = time(record!.lastWriteAt);
        if (lastWriteAt !== undefined) entry.lastWriteAt = lastWriteAt;
      }
      const zone = text(old.zone, 253);
      if (zone) rememberZone(ledger, name, zone);
      const blockedCode = text(old.blockedCode, 32);
      if (blockedCode) {
        const known = options.types.filter((type) => ledger.records[ledgerKey(name, type)]);
        for (const type of known.length > 0 ? known : options.types.slice(0, 1)) entryOf(ledger, name, type).block = { code: blockedCode, at: time(old.blockedAt) ?? 0 };
      }
    }
  });
}
