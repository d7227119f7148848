/**
 * What the Alibaba Cloud DNS node remembers between runs: the core record
 * ledger (src/core/ledger.ts), a record's RecordId in its entry's `id`. The
 * resolution line is the node's own setting (a changed setting starts a new
 * state), so the ledger's name and type are the slot.
 *
 * Versions before the ledger stored their own shape (records keyed
 * `domain/rr/type/line` with `recordId`, one block for the whole node); it is
 * read here once, so an upgrade keeps the confirmed values and the block. The
 * node-wide block becomes that of every record the old state knew and of the
 * configured names.
 */
import { entryOf, readStoredLedger, storedEntries, type Ledger } from '../../core/ledger';
import { storedTime as time } from '../../core/stored';
import { fqdn } from './names';

export interface ReadOptions {
  /** the node's resolution line: records the old state kept for another line are not this node's */
  line: string;
  /** the names and types an old node-wide block holds besides the records it knew */
  configured?: ReadonlyArray<{ name: string; type: string }>;
}

const ID = /^[\w-]{1,64}$/;

/** The old shape: entries with `recordId` under `domain/rr/type/line` keys, or a block beside records without a memo. */
function older(stored: Record<string, unknown>): boolean {
  if (stored.block !== undefined && !('memo' in stored)) return true;
  return storedEntries(stored.records).some(([, e]) => !!e && typeof e === 'object' && 'recordId' in e);
}

/** A fresh, valid ledger from whatever a context store handed back: the ledger itself, or the shape versions before it stored. */
export function readAliyunState(raw: unknown, options: ReadOptions): Ledger {
  return readStoredLedger(raw, older, (stored, ledger) => {
    for (const [key, value] of storedEntries(stored.records)) {
      const [domain, rr, type, line, ...rest] = key.split('/');
      if (rest.length > 0 || !domain || !rr || !type || line !== options.line.toLowerCase() || !value || typeof value !== 'object') continue;
      const old = value as Record<string, unknown>;
      // ids stored as numbers by early versions: only those a number holds exactly
      const id = typeof old.recordId === 'number' && Number.isSafeInteger(old.recordId) ? String(old.recordId) : old.recordId;
      if (typeof id !== 'string' || !ID.test(id) || typeof old.value !== 'string' || old.value.length === 0) continue;
      const entry = entryOf(ledger, fqdn(rr, domain), type);
      entry.value = old.value;
      entry.id = id;
      entry.verifiedAt = time(old.verifiedAt) ?? 0;
      const lastWriteAt = time(old.lastWriteAt);
      if (lastWriteAt !== undefined) entry.lastWriteAt = lastWriteAt;
    }
    const block = stored.block as Record<string, unknown> | undefined;
    if (block && typeof block === 'object' && typeof block.code === 'string' && /^[\w .:-]{1,40}$/.test(block.code)) {
      const held = [...Object.values(ledger.records).map((e) => ({ name: e.name, type: e.type })), ...(options.configured ?? [])];
      for (const slot of held) entryOf(ledger, slot.name, slot.type).block = { code: block.code, at: time(block.at) ?? 0 };
    }
  });
}
