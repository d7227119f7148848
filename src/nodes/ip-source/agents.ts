/**
 * The keep-alive HTTP agents of every ip-source node in this Node-RED, one per
 * address family (an IPv4 lookup must reach a dual-stack service over IPv4),
 * each made when a lookup first needs it and destroyed when the last node
 * holding them closes, as a config node's agent is when its last user goes.
 *
 * One per node held a connection and its buffers per node: 100 nodes asking
 * the same service kept 100 sockets open to it and cost about 9 MB of RSS; now
 * they share one socket per service. A closing node's own request is cut by its
 * signal, so a redeploy still never waits on a slow server.
 */
import type { Agent } from 'undici';
import type { Dispatchers } from '../../sources/lookup';

type Family = 'ipv4' | 'ipv6' | 'any';

let agents: Partial<Record<Family, Agent>> = {};
let holders = 0;

function agentFor(family: Family): Agent {
  let agent = agents[family];
  if (!agent) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHttpAgent } = require('../../core/http') as typeof import('../../core/http');
    agent = createHttpAgent(family === 'ipv4' ? { family: 4 } : family === 'ipv6' ? { family: 6 } : {});
    agents[family] = agent;
  }
  return agent;
}

/** What one node uses: the shared agents, and a release for when it closes. */
export interface AgentHold {
  dispatchers: Dispatchers;
  release(): Promise<void>;
}

export function holdAgents(): AgentHold {
  holders++;
  let released = false;
  return {
    dispatchers: {
      get ipv4() {
        return agentFor('ipv4');
      },
      get ipv6() {
        return agentFor('ipv6');
      },
      get any() {
        return agentFor('any');
      },
    },
    async release() {
      if (released) return;
      released = true;
      if (--holders > 0) return;
      const ending = Object.values(agents);
      agents = {};
      // destroy, not close: a redeploy must not wait for a slow server
      await Promise.all(ending.map((agent) => agent.destroy().catch(() => undefined)));
    },
  };
}
