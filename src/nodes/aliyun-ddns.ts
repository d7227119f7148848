/**
 * `aliyun-ddns`: glue between Node-RED and the Alidns record workflow in
 * src/providers/aliyun. Input: a value, or {ipv4, ipv6} (A and AAAA with type
 * auto); output: one message per input with every record's result; record ids
 * and values in node context, reset when the configuration or the keys change.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { DdnsError } from '../core/errors';
import { fingerprint } from '../core/state';
import type { RecordResult } from '../core/result';
import { emptyAliyunState, syncRecords, type AliyunState } from '../providers/aliyun';
import type { AliyunAccountNode } from './shared/account-types';
import { nodeContextStore } from './shared/context-store';
import { attachUpdater } from './shared/updater';
import { jobsFor } from './shared/record-jobs';
import { installRecordRoutes } from './shared/record-board';
import { describeAliyun } from './shared/record-views';
import { evaluateText } from './shared/typed-property';

interface AliyunDdnsDef extends NodeDef {
  account?: string;
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
  dryRun?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function refreshDays(value: number | string | undefined): number {
  const days = value === undefined || value === '' ? 0 : Number(value);
  if (!Number.isFinite(days) || days < 0 || days > 3650) throw new DdnsError('ECONFIG', 'refresh must be 0 (off) or a number of days up to 3650');
  return days;
}

function fromMsg(configured: string, msg: NodeMessageInFlow, key: 'domain' | 'rr'): string {
  const own = configured.trim();
  if (own) return own;
  const given = (msg as Record<string, unknown>)[key];
  if (typeof given === 'string' && given.trim()) return given.trim();
  throw new DdnsError('ECONFIG', `no ${key}: set it in the node or send msg.${key}`);
}

export = function register(RED: NodeAPI): void {
  function AliyunDdnsNode(this: Node, def: AliyunDdnsDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = def.account ? (RED.nodes.getNode(def.account) as AliyunAccountNode | null) : null;

    const updater = attachUpdater<AliyunState>({
      node,
      store: nodeContextStore(node),
      stateKey: 'aliyun',
      stateTag: () =>
        fingerprint('aliyun-ddns', account?.identity, def.domain, def.domainType, def.rr, def.rrType, def.recordType, def.ttl, def.line, def.recordId, def.create),
      emptyState: emptyAliyunState,
      dryRun: def.dryRun === true,
      unusable: () => {
        if (!account) return new DdnsError('ECONFIG', 'no aliyun-account configured');
        return account.clientError;
      },
      secrets: () => [account?.credentials?.accessKeySecret],
      describe: (state) => describeAliyun(state, { domain: def.domain, rr: def.rr, recordType: def.recordType }),
      update: async (msg, state, signal) => {
        const domain = fromMsg(await evaluateText(RED, node, msg, 'domain', def.domain, def.domainType), msg, 'domain');
        const rr = fromMsg(await evaluateText(RED, node, msg, 'rr', def.rr, def.rrType), msg, 'rr');
        const jobs = jobsFor(def.recordType ?? 'auto', msg.payload);
        const results: RecordResult[] = [];
        let current: AliyunState = state;
        for (const job of jobs) {
          const outcome = await account!.resources.limit.run(
            () =>
              syncRecords(
                account!.client!,
                {
                  domain,
                  rr,
                  type: job.type,
                  value: job.value,
                  ttl: def.ttl === undefined || def.ttl === '' ? undefined : Number(def.ttl),
                  line: def.line,
                  create: def.create !== false,
                  recordId: def.recordId,
                  refreshAfterMs: refreshDays(def.refresh) * DAY_MS,
                  dryRun: def.dryRun === true,
                },
                current,
                signal,
              ),
            signal,
          );
          results.push(...outcome.results);
          current = outcome.state;
        }
        return { results, state: current };
      },
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      void updater.close().then(done, done);
    });
  }

  installRecordRoutes(RED);
  RED.nodes.registerType('aliyun-ddns', AliyunDdnsNode);
};
