/**
 * A node property that may come from the message, flow or global context, or an
 * environment variable (a TypedInput in the editor), evaluated per message.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { DdnsError } from '../../core/errors';

export const PROPERTY_TYPES = ['str', 'env', 'msg', 'flow', 'global'] as const;

export function evaluateText(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  name: string,
  value: string | undefined,
  type: string | undefined,
): Promise<string> {
  const kind = type || 'str';
  if (!(PROPERTY_TYPES as readonly string[]).includes(kind)) {
    return Promise.reject(new DdnsError('ECONFIG', `${name}: unsupported source type ${kind}`));
  }
  if (kind === 'str') return Promise.resolve((value ?? '').trim());
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value ?? '', kind, node, msg, (err: Error | null, result: unknown) => {
      if (err) return reject(new DdnsError('ECONFIG', `${name}: ${err.message}`));
      if (result === undefined || result === null) return resolve('');
      if (typeof result !== 'string' && typeof result !== 'number') {
        return reject(new DdnsError('EBADINPUT', `${name} from ${kind}.${value} is not text`));
      }
      resolve(String(result).trim());
    });
  });
}
