/**
 * The single error path of every node: a clean Error whose own `code` Node-RED
 * copies to `msg.error.code` for a Catch node, with no cause chain (which could
 * carry request details) and no secret.
 */
import { DdnsError, toDdnsError } from '../../core/errors';
import { redactForms } from '../../core/redact';

export interface FlowError extends Error {
  code: string;
  providerCode?: string;
  requestId?: string;
}

/**
 * `forms`: the secrets' masking forms, worked out once (maskingForms; an
 * account's `secrets` are such a list).
 */
export function flowError(err: unknown, forms: readonly string[] = []): FlowError {
  const e = err instanceof DdnsError ? err : toDdnsError(err);
  const out = new Error(redactForms(e.message, forms)) as FlowError;
  out.name = 'DdnsError';
  out.code = e.code;
  if (e.providerCode) out.providerCode = e.providerCode;
  if (e.requestId) out.requestId = e.requestId;
  out.stack = `${out.name}: ${out.message}`;
  return out;
}
