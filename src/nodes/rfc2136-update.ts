/**
 * `rfc2136-update`: the RFC 2136 provider (src/providers/rfc2136) on the
 * shared updater node. Input: an address or {ipv4, ipv6}; output: one message
 * per input with every record's result.
 */
import type { NodeAPI } from 'node-red';
import type { Ledger } from '../core/ledger';
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

export = function register(RED: NodeAPI): void {
  registerUpdater<Rfc2136UpdateDef, Ledger, never, { server: string; zone: string; keyName: string; algorithm: string; secret: string }>(RED, {
    type: 'rfc2136-update',
    accountType: 'rfc2136-server',
    // the node's contract names its config node `server`, as the mqtt nodes name theirs `broker`
    accountProperty: 'server',
    typed: ['hostnames'],
    build(def, account, names) {
      // loaded with the first deployed node, not when Node-RED registers the type (main's loading rule)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createRfc2136Provider } = require('../providers/rfc2136/provider') as typeof import('../providers/rfc2136/provider');
      return createRfc2136Provider({
        settings: {
          ...account.settings,
          ...(names.hostnames !== undefined ? { hostnames: names.hostnames } : {}),
          recordType: def.recordType,
          ttl: def.ttl,
          dryRun: def.dryRun === true,
        },
      });
    },
  });
};
