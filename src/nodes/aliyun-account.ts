/**
 * `aliyun-account`: an Alibaba Cloud AccessKey pair (in Node-RED's encrypted
 * credential store) and the DNS endpoint, shared by every `aliyun-ddns` node that
 * uses it. It owns the one keep-alive HTTP agent, the per-account request limit
 * and the one API client (a clock correction learnt by one node serves all).
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError } from '../core/errors';
import type { AliyunAccountNode, AliyunCredentials } from './shared/account-types';
import { attachAccount } from './shared/account';
import { PACKAGE_VERSION } from './shared/package-info';

interface AliyunAccountDef extends NodeDef {
  endpoint?: string;
  tls?: string;
}

// Alidns allows a handful of concurrent calls per account; more only earns Throttling.User
const MAX_CONCURRENT_CALLS = 4;

export = function register(RED: NodeAPI): void {
  function AliyunAccountNode(this: Node<AliyunCredentials>, def: AliyunAccountDef) {
    RED.nodes.createNode(this, def);
    const node = this as unknown as AliyunAccountNode;
    // loaded with the first deployed account, not when Node-RED registers the type (undici is large)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AlidnsClient: Client, DEFAULT_ALIDNS_ENDPOINT } = require('../providers/aliyun/client') as typeof import('../providers/aliyun/client');
    node.endpoint = (def.endpoint || DEFAULT_ALIDNS_ENDPOINT).trim();
    const { accessKeyId, accessKeySecret } = node.credentials ?? {};
    let problem: DdnsError | undefined;
    if (!accessKeyId || !accessKeySecret) problem = new DdnsError('ECONFIG', 'the aliyun-account has no AccessKey ID or secret');
    attachAccount(RED, node, {
      tls: def.tls,
      maxConcurrent: MAX_CONCURRENT_CALLS,
      login: [node.endpoint, accessKeyId, accessKeySecret],
      // the AccessKey ID is no secret by itself, but it names the account: servers that echo it do not get to show it
      secrets: [accessKeySecret, accessKeyId],
      ...(problem ? { problem } : {}),
      client: (dispatcher) =>
        new Client({
          endpoint: node.endpoint,
          accessKeyId: accessKeyId!,
          accessKeySecret: accessKeySecret!,
          dispatcher: dispatcher(),
          userAgent: `node-red-contrib-ddns/${PACKAGE_VERSION}`,
        }),
    });
  }

  RED.nodes.registerType<Node<AliyunCredentials>, AliyunAccountDef, object, AliyunCredentials>('aliyun-account', AliyunAccountNode, {
    credentials: {
      accessKeyId: { type: 'text' },
      accessKeySecret: { type: 'password' },
    },
  });
};
