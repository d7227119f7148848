/**
 * One status vocabulary for every node, so the editor reads the same everywhere:
 * blue dot = working, yellow ring = waiting (backoff, wait asked by provider),
 * green dot = in sync, grey ring = nothing to report, red ring = failed.
 */
import type { Node } from 'node-red';
import type { DdnsError } from '../../core/errors';

const MAX_TEXT = 60;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** hh:mm:ss local time: short enough for a status line, enough to see it is fresh. */
export function clock(date: Date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}

export class StatusReporter {
  constructor(private readonly node: Node) {}

  working(text: string): void {
    this.node.status({ fill: 'blue', shape: 'dot', text: clip(text) });
  }

  waiting(text: string): void {
    this.node.status({ fill: 'yellow', shape: 'ring', text: clip(text) });
  }

  ok(text: string, at: Date = new Date()): void {
    this.node.status({ fill: 'green', shape: 'dot', text: clip(`${text} (${clock(at)})`) });
  }

  idle(text: string): void {
    this.node.status({ fill: 'grey', shape: 'ring', text: clip(text) });
  }

  failed(err: DdnsError | string): void {
    const text = typeof err === 'string' ? err : `${err.code}: ${err.providerCode ? err.providerCode + ' ' : ''}${err.message}`;
    this.node.status({ fill: 'red', shape: 'ring', text: clip(text) });
  }

  clear(): void {
    this.node.status({});
  }
}
