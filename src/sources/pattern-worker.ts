/**
 * The thread a user's pattern runs in (see pattern-runner.ts): it only ever
 * matches, so the runner can terminate it at a deadline without losing anything.
 */
import { parentPort } from 'node:worker_threads';
import { candidatesFrom, type TextKind } from './address-pattern';

export interface PatternRequest {
  id: number;
  texts: string[];
  kind: TextKind;
  source: string;
  flags: string;
  group: number;
}

export type PatternReply = { id: number; candidates: string[] } | { id: number; error: string };

parentPort?.on('message', (request: PatternRequest) => {
  let reply: PatternReply;
  try {
    const pattern = { regex: new RegExp(request.source, request.flags), group: request.group };
    reply = { id: request.id, candidates: candidatesFrom(request.texts, request.kind, pattern) };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
