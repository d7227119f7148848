/**
 * What both account config nodes share: one keep-alive undici Agent for every
 * updater node that uses the account (trusting the CA of an optional tls-config
 * node, never switching certificate checks off), a limit on concurrent requests
 * per account, and a fingerprint of the credentials so node state resets when
 * they change.
 */
import type { Node, NodeAPI } from 'node-red';
import type { Agent } from 'undici';
import { createHttpAgent, type HttpAgentOptions } from '../../core/http';
import { ConcurrencyLimit } from '../../core/coalesce';

interface TlsConfigNode extends Node {
  addTLSOptions(options: Record<string, unknown>): Record<string, unknown>;
}

export interface AccountResources {
  agent: Agent;
  limit: ConcurrencyLimit;
  /** settles when the agent is gone; close() never waits on the network */
  close(): Promise<void>;
}

export function accountResources(RED: NodeAPI, tlsNodeId: string | undefined, maxConcurrent: number): AccountResources {
  const options: HttpAgentOptions = { connections: maxConcurrent };
  const tlsNode = tlsNodeId ? (RED.nodes.getNode(tlsNodeId) as TlsConfigNode | null) : null;
  if (tlsNode && typeof tlsNode.addTLSOptions === 'function') {
    const tls = tlsNode.addTLSOptions({});
    // trust and client identity only: verification stays on whatever tls-config says
    options.tls = {
      ca: tls.ca as string | undefined,
      cert: tls.cert as string | undefined,
      key: tls.key as string | undefined,
      passphrase: tls.passphrase as string | undefined,
      servername: tls.servername as string | undefined,
    };
  }
  const agent = createHttpAgent(options);
  return {
    agent,
    limit: new ConcurrencyLimit(maxConcurrent),
    close: () => agent.destroy().catch(() => undefined),
  };
}
