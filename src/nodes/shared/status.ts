/**
 * One status vocabulary for every node, so the editor reads the same everywhere:
 * blue dot = working, yellow ring = waiting (a retry, a pause the provider asked
 * for), green dot = in sync, grey ring = nothing to report yet, grey dot = dry
 * run, red ring = failed or blocked. A status that would look exactly like the
 * one shown is not sent again: an unchanged check costs no message to the editor.
 */
import type { Node } from 'node-red';

export type StatusKind = 'working' | 'waiting' | 'ok' | 'idle' | 'dryRun' | 'failed';

const LOOK: Record<StatusKind, { fill: 'blue' | 'yellow' | 'green' | 'grey' | 'red'; shape: 'dot' | 'ring' }> = {
  working: { fill: 'blue', shape: 'dot' },
  waiting: { fill: 'yellow', shape: 'ring' },
  ok: { fill: 'green', shape: 'dot' },
  idle: { fill: 'grey', shape: 'ring' },
  dryRun: { fill: 'grey', shape: 'dot' },
  failed: { fill: 'red', shape: 'ring' },
};

const MAX_TEXT = 64;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

export class StatusLine {
  private shown = '';
  /** what show() was last given, so the same words again cost one comparison */
  private given?: { kind: StatusKind; text: string };

  constructor(private readonly node: Node) {}

  show(kind: StatusKind, text: string): void {
    if (this.given?.kind === kind && this.given.text === text) return;
    this.given = { kind, text };
    const clipped = clip(text);
    const line = `${kind}\n${clipped}`;
    if (line === this.shown) return;
    this.shown = line;
    this.node.status({ ...LOOK[kind], text: clipped });
  }

  clear(): void {
    this.shown = '';
    this.given = undefined;
    this.node.status({});
  }
}
