/**
 * `rfc2136-update`: the RFC 2136 provider (src/providers/rfc2136) on the
 * shared updater node. Input: an address or {ipv4, ipv6}; output: one message
 * per input with every record's result.
 */
import type { Node, NodeAPI } from 'node-red';
import type { Rfc2136State } from '../providers/rfc2136/state';
import type { AccountNode } from './shared/account';
import { registerUpdater, type UpdaterDef } from './shared/updater-node';

interface Rfc2136UpdateDef extends UpdaterDef {
  /** the rfc2136-server config node */
  server?: string;
  hostnames?: string;
  hostnamesType?: string;
  recordType?: string;
  ttl?: number | string;
}

/** The `rfc2136-server` node as src/nodes/rfc2136-server.ts sets it up. */
interface Rfc2136ServerNode extends AccountNode<{ secret?: string }> {
  server: string;
  zone: string;
  keyName: string;
  algorithm: string;
}

type Constructor = (this: Node, def: Rfc2136UpdateDef) => void;

/**
 * The updater factory finds a node's config node under `account`; this node's
 * contract (DESIGN.md, issue 16) names it `server`, as the mqtt nodes name
 * theirs `broker`. The factory is handed a view of RED whose registerType
 * wraps the node's constructor so the configuration it sees has `account` set
 * from `server`: nothing shared changes, and a flow stores `server` only.
 */
function serverAsAccount(RED: NodeAPI): NodeAPI {
  const nodes = Object.create(RED.nodes) as NodeAPI['nodes'];
  const registerType = (type: string, constructor: Constructor, options?: object): void => {
    function Rfc2136UpdateNode(this: Node, def: Rfc2136UpdateDef) {
      // a copy with every own property, the runtime's hidden ones (_flow, _alias) included; the flow's object stays as it is
      const seen = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as Rfc2136UpdateDef;
      seen.account = def.server ?? def.account;
      constructor.call(this, seen);
    }
    (RED.nodes.registerType as unknown as (type: string, constructor: Constructor, options?: object) => void)(type, Rfc2136UpdateNode, options);
  };
  nodes.registerType = registerType as unknown as NodeAPI['nodes']['registerType'];
  return Object.assign(Object.create(RED) as NodeAPI, { nodes });
}

export = function register(RED: NodeAPI): void {
  registerUpdater<Rfc2136UpdateDef, Rfc2136State>(serverAsAccount(RED), {
    type: 'rfc2136-update',
    accountType: 'rfc2136-server',
    typed: ['hostnames'],
    build(def, _account, names) {
      // loaded with the first deployed node, not when Node-RED registers the type (main's loading rule)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createRfc2136Provider } = require('../providers/rfc2136/provider') as typeof import('../providers/rfc2136/provider');
      const server = RED.nodes.getNode(def.server ?? def.account!) as Rfc2136ServerNode;
      return createRfc2136Provider({
        settings: {
          server: server.server,
          zone: server.zone,
          keyName: server.keyName,
          algorithm: server.algorithm,
          secret: server.credentials.secret ?? '',
          ...(names.hostnames !== undefined ? { hostnames: names.hostnames } : {}),
          recordType: def.recordType,
          ttl: def.ttl,
          dryRun: def.dryRun === true,
        },
      });
    },
  });
};
