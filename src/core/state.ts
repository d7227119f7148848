/**
 * Persistent node state (record ids, last values, blocks). It goes through an
 * asynchronous key-value interface so any Node-RED context store works, and it is
 * tagged with a fingerprint of the configuration and credentials: a change to
 * either starts from a clean slate (a fixed password unblocks a host).
 */
import { createHash, scryptSync } from 'node:crypto';

export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

interface Tagged<T> {
  fingerprint: string;
  data: T;
}

/** One-way digest: secrets may go in, nothing readable comes out. */
export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * The same for parts that hold a secret: the digest is stored in node context
 * (a file, Redis), so it is made slow to guess a weak password from. Called
 * once per account node start, never per message.
 */
export function secretFingerprint(...parts: unknown[]): string {
  return scryptSync(JSON.stringify(parts), 'node-red-contrib-ddns/state-fingerprint', 16, { N: 1 << 14, r: 8, p: 1 }).toString('hex');
}

export async function loadState<T>(store: StateStore, key: string, tag: string, empty: () => T): Promise<T> {
  const stored = await store.get<Tagged<T>>(key);
  if (!stored || typeof stored !== 'object' || stored.fingerprint !== tag || stored.data === undefined) return empty();
  return stored.data;
}

export async function saveState<T>(store: StateStore, key: string, tag: string, data: T): Promise<void> {
  const tagged: Tagged<T> = { fingerprint: tag, data };
  await store.set(key, tagged);
}

/** An in-memory store for tests and for nodes used without a context. */
export class MemoryStateStore implements StateStore {
  private readonly values = new Map<string, string>();
  async get<T>(key: string): Promise<T | undefined> {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  async set(key: string, value: unknown): Promise<void> {
    // stored as JSON, as a file or Redis context store would, so tests see the same round trip
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
}
