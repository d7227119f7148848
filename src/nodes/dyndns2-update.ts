/**
 * `dyndns2-update`: glue between Node-RED and the DynDNS2 provider in
 * src/providers/dyndns2. Input: an address or {ipv4, ipv6}; output: one message
 * per input with every host's result; state (confirmed addresses, blocks, waits)
 * in node context, reset when the configuration or the account changes.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError } from '../core/errors';
import { fingerprint } from '../core/state';
import { emptyState, updateHosts, type Dyndns2State } from '../providers/dyndns2';
import type { Dyndns2AccountNode } from './shared/account-types';
import { nodeContextStore } from './shared/context-store';
import { PACKAGE_VERSION } from './shared/package-info';
import { attachUpdater } from './shared/updater';
import { installRecordRoutes } from './shared/record-board';
import { describeDyndns2, unblockDyndns2Host } from './shared/record-views';
import { evaluateText } from './shared/typed-property';

interface Dyndns2UpdateDef extends NodeDef {
  account?: string;
  hostnames?: string;
  hostnamesType?: string;
  wildcard?: string;
  mx?: string;
  backmx?: string;
  offline?: string;
  retries?: number | string;
  refresh?: number | string;
  dryRun?: boolean;
}

export = function register(RED: NodeAPI): void {
  function Dyndns2UpdateNode(this: Node, def: Dyndns2UpdateDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = def.account ? (RED.nodes.getNode(def.account) as Dyndns2AccountNode | null) : null;
    const options = { wildcard: def.wildcard, mx: def.mx, backmx: def.backmx, offline: def.offline };

    const updater = attachUpdater<Dyndns2State>({
      node,
      store: nodeContextStore(node),
      stateKey: 'dyndns2',
      // blocks hold until the hosts, options, server or login change; a restart does not clear them
      stateTag: () => fingerprint('dyndns2-update', account?.identity, def.hostnames, def.hostnamesType, options),
      emptyState,
      dryRun: def.dryRun === true,
      unusable: () => {
        if (!account) return new DdnsError('ECONFIG', 'no dyndns2-account configured');
        if (!account.credentials?.username || !account.credentials?.password) {
          return new DdnsError('ECONFIG', 'the dyndns2-account has no user name or password');
        }
        return undefined;
      },
      secrets: () => [account?.credentials?.password],
      describe: (state) => describeDyndns2(state, def.hostnames, def.refresh),
      unblock: unblockDyndns2Host,
      update: async (msg, state, signal, status, progress) => {
        const hostnames = await evaluateText(RED, node, msg, 'hostnames', def.hostnames, def.hostnamesType);
        const outcome = await account!.resources.limit.run(
          () =>
            updateHosts({
              settings: {
                server: account!.server,
                username: account!.credentials.username!,
                password: account!.credentials.password!,
                dualStack: account!.dualStack,
                hostnames,
                options,
                retries: def.retries,
                refreshDays: def.refresh,
                dryRun: def.dryRun === true,
              },
              payload: msg.payload,
              state,
              dispatcher: account!.resources.agent,
              version: PACKAGE_VERSION,
              signal,
              onRetry: (err, attempt, delayMs) => {
                status.waiting(`${err.code}: retry ${attempt} in ${Math.ceil(delayMs / 1000)} s`);
                progress.backingOff(err.code, delayMs);
              },
            }),
          signal,
        );
        return { results: outcome.results, state: outcome.state };
      },
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      void updater.close().then(done, done);
    });
  }

  installRecordRoutes(RED);
  RED.nodes.registerType('dyndns2-update', Dyndns2UpdateNode);
};
