/**
 * `aliyun-ddns`: the Alibaba Cloud DNS provider (src/providers/aliyun) on the
 * shared updater node. Input: a value, or {ipv4, ipv6} (A and AAAA with type
 * auto); output: one message per input with every record's result.
 */
import type { NodeAPI } from 'node-red';
import { DdnsError } from '../core/errors';
import type { Ledger } from '../core/ledger';
import type { AlidnsClient } from '../providers/aliyun';
import { registerUpdater, type UpdaterDef } from './shared/updater-node';

interface AliyunDdnsDef extends UpdaterDef {
  domain?: string;
  domainType?: string;
  rr?: string;
  rrType?: string;
  recordType?: string;
  ttl?: number | string;
  line?: string;
  create?: boolean;
  recordId?: string;
  /** keep-alive in days; 0 = off */
  refresh?: number | string;
}

export = function register(RED: NodeAPI): void {
  registerUpdater<AliyunDdnsDef, Ledger, AlidnsClient>(RED, {
    type: 'aliyun-ddns',
    accountType: 'aliyun-account',
    typed: ['domain', 'rr'],
    build(def, account, names) {
      // loaded with the first deployed node, not when Node-RED registers the type (undici is large)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createAliyunProvider } = require('../providers/aliyun/provider') as typeof import('../providers/aliyun/provider');
      if (!account.client) throw new DdnsError('ECONFIG', 'the aliyun-account has no usable client');
      return createAliyunProvider({
        client: account.client,
        settings: {
          ...(names.domain !== undefined ? { domain: names.domain } : {}),
          ...(names.rr !== undefined ? { rr: names.rr } : {}),
          recordType: def.recordType,
          ttl: def.ttl,
          line: def.line,
          create: def.create !== false,
          recordId: def.recordId,
          refresh: def.refresh,
          dryRun: def.dryRun === true,
        },
      });
    },
  });
};
