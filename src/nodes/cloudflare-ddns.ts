/**
 * `cloudflare-ddns`: the Cloudflare DNS provider (src/providers/cloudflare) on
 * the shared updater node. Input: an address, or {ipv4, ipv6} (A and AAAA with
 * type auto); output: one message per input with every record's result.
 */
import type { NodeAPI } from 'node-red';
import { DdnsError } from '../core/errors';
import type { Ledger } from '../core/ledger';
import type { CloudflareClient } from '../providers/cloudflare';
import { registerUpdater, type UpdaterDef } from './shared/updater-node';

interface CloudflareDdnsDef extends UpdaterDef {
  zone?: string;
  zoneType?: string;
  hostnames?: string;
  hostnamesType?: string;
  recordType?: string;
  ttl?: number | string;
  proxied?: string;
  create?: boolean;
}

export = function register(RED: NodeAPI): void {
  registerUpdater<CloudflareDdnsDef, Ledger, CloudflareClient>(RED, {
    type: 'cloudflare-ddns',
    accountType: 'cloudflare-account',
    typed: ['zone', 'hostnames'],
    build(def, account, names) {
      // loaded with the first deployed node, not when Node-RED registers the type (undici is large)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createCloudflareProvider } = require('../providers/cloudflare/provider') as typeof import('../providers/cloudflare/provider');
      if (!account.client) throw new DdnsError('ECONFIG', 'the cloudflare-account has no usable API client');
      return createCloudflareProvider({
        client: account.client,
        settings: {
          ...(names.zone !== undefined ? { zone: names.zone } : {}),
          ...(names.hostnames !== undefined ? { hostnames: names.hostnames } : {}),
          recordType: def.recordType,
          ttl: def.ttl,
          proxied: def.proxied,
          create: def.create !== false,
          dryRun: def.dryRun === true,
        },
      });
    },
  });
};
