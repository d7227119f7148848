/**
 * `dyndns2-update`: the DynDNS2 provider (src/providers/dyndns2) on the shared
 * updater node. Input: an address or {ipv4, ipv6}; output: one message per
 * input with every host's result.
 */
import type { NodeAPI } from 'node-red';
import type { Ledger } from '../core/ledger';
import type { Dyndns2AccountSettings } from '../providers/dyndns2/settings';
import { PACKAGE_VERSION } from './shared/package-info';
import { registerUpdater, type UpdaterDef } from './shared/updater-node';

interface Dyndns2UpdateDef extends UpdaterDef {
  hostnames?: string;
  hostnamesType?: string;
  wildcard?: string;
  mx?: string;
  backmx?: string;
  offline?: string;
  retries?: number | string;
  refresh?: number | string;
}

export = function register(RED: NodeAPI): void {
  registerUpdater<Dyndns2UpdateDef, Ledger, never, Dyndns2AccountSettings & { username: string; password: string }>(RED, {
    type: 'dyndns2-update',
    accountType: 'dyndns2-account',
    typed: ['hostnames'],
    build(def, account, names) {
      // loaded with the first deployed node, not when Node-RED registers the type (undici is large)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createDyndns2Provider } = require('../providers/dyndns2/provider') as typeof import('../providers/dyndns2/provider');
      return createDyndns2Provider({
        settings: {
          ...account.settings,
          ...(names.hostnames !== undefined ? { hostnames: names.hostnames } : {}),
          options: { wildcard: def.wildcard, mx: def.mx, backmx: def.backmx, offline: def.offline },
          retries: def.retries,
          refreshDays: def.refresh,
          dryRun: def.dryRun === true,
        },
        dispatcher: () => account.dispatcher(),
        version: PACKAGE_VERSION,
      });
    },
  });
};
