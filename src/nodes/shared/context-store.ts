/**
 * Node context through its asynchronous API, so any configured context store
 * (memory, localfilesystem, a Redis-backed one shared by several instances)
 * holds the state.
 */
import type { Node } from 'node-red';
import type { StateStore } from '../../core/state';

export function nodeContextStore(node: Node): StateStore {
  const context = node.context();
  return {
    get<T>(key: string): Promise<T | undefined> {
      return new Promise((resolve, reject) => {
        context.get(key, (err: Error, value: unknown) => (err ? reject(err) : resolve(value as T | undefined)));
      });
    },
    set(key: string, value: unknown): Promise<void> {
      return new Promise((resolve, reject) => {
        context.set(key, value, (err: Error) => (err ? reject(err) : resolve()));
      });
    },
  };
}
