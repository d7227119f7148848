/**
 * The single error path of every node: what a node hands to done() or
 * node.error(), with its own `code` that Node-RED copies to `msg.error.code`
 * for a Catch node, no cause chain (which could carry request details) and no
 * secret. Its words are the reason in the runtime's language (the error's
 * catalog key, or its English message where it has none).
 *
 * It is a String object, not an Error: Node-RED puts an Error on the debug
 * tab as an object to unfold (name, message, code, stack) and a string as one
 * line, the way its core nodes report; a String object is that line and still
 * carries the `code` a Catch node reads (`msg.error.message` is its text).
 */
import { DdnsError, toDdnsError } from '../../core/errors';
import { redactForms } from '../../core/redact';
import type { RecordResult } from '../../core/result';
import { reasonText, resultReason, runtimeTexts, type Translate } from './texts';

/**
 * Typed as the Error that done() and node.error() take; at run time a String
 * object with `message` and `code` (no name, no stack: nothing to unfold).
 */
export interface FlowError extends Error {
  code: string;
  providerCode?: string;
  requestId?: string;
}

/**
 * `forms`: the secrets' masking forms, worked out once (maskingForms; an
 * account's `secrets` are such a list). `t`: the runtime's translator, the
 * process's one unless given.
 */
export function flowError(err: unknown, forms: readonly string[] = [], t: Translate | undefined = runtimeTexts()): FlowError {
  const e = err instanceof DdnsError ? err : toDdnsError(err);
  return oneLine(redactForms(reasonText(t, e), forms), e);
}

/**
 * The error of a run whose record failed: its reason (with the record's name
 * before it) in the runtime's language, its code and the provider's answer.
 */
export function recordFailure(failed: RecordResult, forms: readonly string[] = [], t: Translate | undefined = runtimeTexts()): FlowError {
  const message = failed.message ?? 'failed';
  const english = message.includes(failed.name) ? message : `${failed.name}: ${message}`;
  const reason = failed.reason ? { ...resultReason(failed), message: english, at: failed.reason.at ?? failed.name } : { message: english };
  const err = new DdnsError(failed.code ?? 'EPROVIDER', english, {
    ...(failed.providerCode ? { providerCode: failed.providerCode } : {}),
    ...(failed.requestId ? { requestId: failed.requestId } : {}),
  });
  return oneLine(redactForms(reasonText(t, reason), forms), err);
}

function oneLine(text: string, e: DdnsError): FlowError {
  // eslint-disable-next-line no-new-wrappers -- one line on the debug tab, with a code for Catch (see above)
  const out = new String(text) as String & { message: string; code: string; providerCode?: string; requestId?: string };
  out.message = text;
  out.code = e.code;
  if (e.providerCode) out.providerCode = e.providerCode;
  if (e.requestId) out.requestId = e.requestId;
  return out as unknown as FlowError;
}
