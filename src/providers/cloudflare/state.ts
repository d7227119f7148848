/**
 * What the Cloudflare node remembers between runs: the core record ledger
 * (src/core/ledger.ts), with Cloudflare's own facts in its memo: zone ids by
 * zone name, and each record's proxied flag and TTL (the node's wishes for
 * them are met without a request only when they are known).
 *
 * Versions before the ledger stored their own shape (zones, records by
 * name/type with `recordId`, one block and one pause for the whole node); it
 * is read here once, so an upgrade keeps the confirmed values, the block and
 * the pause. The node-wide block and pause become those of every record the
 * old state knew and of the configured names.
 */
import { entryOf, LONGEST_PAUSE_MS, readStoredLedger, storedEntries, type Ledger } from '../../core/ledger';
import { storedTime as time } from '../../core/stored';

/** A pause stored without its length (by versions before the week's cap) was at most a day. */
const OLD_PAUSE_MS = 24 * 3_600_000;

const zoneMemo = (zone: string): string => `zone:${zone}`;
const factsMemo = (key: string): string => `record:${key}`;

export function rememberedZone(ledger: Ledger, zone: string): string | undefined {
  const id = ledger.memo[zoneMemo(zone)];
  return id !== undefined && ID.test(id) ? id : undefined;
}

export function rememberZone(ledger: Ledger, zone: string, id: string | undefined): void {
  if (id === undefined) delete ledger.memo[zoneMemo(zone)];
  else ledger.memo[zoneMemo(zone)] = id;
}

export interface RecordFacts {
  proxied?: boolean;
  ttl?: number;
}

/** `proxied=on ttl=300`: short enough for the memo, read back strictly. */
export function rememberedFacts(ledger: Ledger, key: string): RecordFacts {
  const facts: RecordFacts = {};
  for (const part of (ledger.memo[factsMemo(key)] ?? '').split(' ')) {
    if (part === 'proxied=on' || part === 'proxied=off') facts.proxied = part === 'proxied=on';
    const ttl = /^ttl=(\d{1,5})$/.exec(part);
    if (ttl && Number(ttl[1]) >= 1 && Number(ttl[1]) <= 86_400) facts.ttl = Number(ttl[1]);
  }
  return facts;
}

export function rememberFacts(ledger: Ledger, key: string, facts: RecordFacts | undefined): void {
  const parts = facts ? [...(facts.proxied !== undefined ? [`proxied=${facts.proxied ? 'on' : 'off'}`] : []), ...(facts.ttl !== undefined ? [`ttl=${facts.ttl}`] : [])] : [];
  if (parts.length === 0) delete ledger.memo[factsMemo(key)];
  else ledger.memo[factsMemo(key)] = parts.join(' ');
}

// Cloudflare ids are 32 hex digits; a little room for other servers' ids, nothing that could carry markup
const ID = /^[\w-]{1,64}$/;
// full names: at least two labels
const NAME = /^[a-z0-9_*-][a-z0-9_.*-]{0,252}$/;
const isName = (text: string): boolean => NAME.test(text) && text.includes('.') && !text.endsWith('.');
const code = (value: unknown): string | undefined => (typeof value === 'string' && /^[\w .-]{1,32}$/.test(value) ? value : undefined);

/** The old shape: records keyed `name/A` whose entries carry `recordId` (a ledger entry carries `name` and `type`), zones, or a block or pause beside no memo. */
function older(stored: Record<string, unknown>): boolean {
  if (stored.zones !== undefined || ((stored.block !== undefined || stored.pause !== undefined) && !('memo' in stored))) return true;
  return storedEntries(stored.records).some(([, e]) => !!e && typeof e === 'object' && 'recordId' in e);
}

/**
 * A fresh, valid ledger from whatever a context store handed back: the ledger
 * itself, or the shape versions before it stored. `configured`: the node's
 * fixed names and types, which an old node-wide block or pause holds too.
 */
export function readCloudflareState(raw: unknown, configured: ReadonlyArray<{ name: string; type: string }>): Ledger {
  return readStoredLedger(raw, older, (stored, ledger) => {
    for (const [name, value] of storedEntries(stored.zones)) {
      const id = value && typeof value === 'object' ? (value as Record<string, unknown>).id : undefined;
      if (isName(name) && typeof id === 'string' && ID.test(id)) rememberZone(ledger, name, id);
    }
    for (const [key, value] of storedEntries(stored.records)) {
      const slash = key.lastIndexOf('/');
      const name = key.slice(0, slash);
      const type = key.slice(slash + 1);
      if (slash <= 0 || (type !== 'A' && type !== 'AAAA') || !isName(name) || !value || typeof value !== 'object') continue;
      const old = value as Record<string, unknown>;
      if (typeof old.recordId !== 'string' || !ID.test(old.recordId) || typeof old.value !== 'string' || old.value.length === 0 || old.value.length > 64) continue;
      const entry = entryOf(ledger, name, type);
      entry.value = old.value;
      entry.id = old.recordId;
      entry.verifiedAt = time(old.verifiedAt) ?? 0;
      const lastWriteAt = time(old.lastWriteAt);
      if (lastWriteAt !== undefined) entry.lastWriteAt = lastWriteAt;
      const ttl = typeof old.ttl === 'number' && Number.isInteger(old.ttl) && old.ttl >= 1 && old.ttl <= 86_400 ? old.ttl : undefined;
      rememberFacts(ledger, key, { ...(typeof old.proxied === 'boolean' ? { proxied: old.proxied } : {}), ...(ttl !== undefined ? { ttl } : {}) });
    }
    // the node-wide block and pause: every record the old node knew, and every configured one
    const held = [...Object.values(ledger.records).map((e) => ({ name: e.name, type: e.type })), ...configured];
    const block = stored.block as Record<string, unknown> | undefined;
    if (block && typeof block === 'object' && code(block.code)) {
      for (const slot of held) entryOf(ledger, slot.name, slot.type).block = { code: code(block.code)!, at: time(block.at) ?? 0 };
    }
    const pause = stored.pause as Record<string, unknown> | undefined;
    if (pause && typeof pause === 'object' && time(pause.until) !== undefined) {
      const ms = Math.min(time(pause.ms) ?? OLD_PAUSE_MS, LONGEST_PAUSE_MS);
      for (const slot of held) entryOf(ledger, slot.name, slot.type).pause = { until: time(pause.until)!, ms, code: code(pause.code) ?? 'HTTP 429' };
    }
  });
}
