/**
 * Node context through its asynchronous API, so any configured context store
 * (memory, localfilesystem, a Redis-backed one shared by several instances)
 * holds the state, with a deadline on every load and save: a store that never
 * answers is reported (ESTATE) and the node goes on, instead of stalling its
 * output or a redeploy.
 */
import type { Node } from 'node-red';
import { DdnsError } from '../../core/errors';
import type { StateStore } from '../../core/state';

export const CONTEXT_DEADLINE_MS = 5_000;

function withDeadline<T>(what: string, ms: number, work: (settle: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new DdnsError('ESTATE', `the context store did not ${what} within ${ms / 1000} s`, { retryable: true }));
    }, ms);
    try {
      work((err, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(new DdnsError('ESTATE', `the context store could not ${what}: ${err.message}`, { retryable: true, cause: err }));
        else resolve(value as T);
      });
    } catch (err) {
      settled = true;
      clearTimeout(timer);
      reject(new DdnsError('ESTATE', `the context store could not ${what}: ${(err as Error).message}`, { retryable: true, cause: err }));
    }
  });
}

export function nodeContextStore(node: Node, deadlineMs = CONTEXT_DEADLINE_MS): StateStore {
  const context = node.context();
  return {
    get<T>(key: string): Promise<T | undefined> {
      return withDeadline<T | undefined>('load the state', deadlineMs, (settle) => context.get(key, (err: Error, value: unknown) => settle(err, value as T)));
    },
    set(key: string, value: unknown): Promise<void> {
      return withDeadline<void>('save the state', deadlineMs, (settle) => context.set(key, value, (err: Error) => settle(err)));
    },
  };
}
