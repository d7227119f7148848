/**
 * The single error path of every node: a clean Error whose own `code` Node-RED
 * copies to `msg.error.code` for a Catch node, with no cause chain (which could
 * carry request details) and no secret.
 */
import { DdnsError, toDdnsError } from '../../core/errors';
import { redactSecrets } from '../../core/redact';

export interface FlowError extends Error {
  code: string;
  providerCode?: string;
  requestId?: string;
}

export function flowError(err: unknown, secrets: ReadonlyArray<string | undefined> = []): FlowError {
  const e = err instanceof DdnsError ? err : toDdnsError(err);
  const out = new Error(redact(e.message, secrets)) as FlowError;
  out.name = 'DdnsError';
  out.code = e.code;
  if (e.providerCode) out.providerCode = e.providerCode;
  if (e.requestId) out.requestId = e.requestId;
  out.stack = `${out.name}: ${out.message}`;
  return out;
}

/** Belt and braces: even if a server echoed a secret back, it never leaves the node (every form, whole words only). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  return redactSecrets(text, secrets);
}
