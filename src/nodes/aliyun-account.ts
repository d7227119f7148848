/**
 * `aliyun-account`: an Alibaba Cloud AccessKey pair (in Node-RED's encrypted
 * credential store) and the DNS endpoint, shared by every `aliyun-ddns` node that
 * uses it. It owns the one keep-alive HTTP agent and the per-account request limit.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { AliyunCredentials, AliyunAccountNode } from './shared/account-types';
import { secretFingerprint } from '../core/state';
import { accountResources } from './shared/account';
import { AlidnsClient } from '../providers/aliyun';
import { DdnsError, toDdnsError } from '../core/errors';
import { PACKAGE_VERSION } from './shared/package-info';

interface AliyunAccountDef extends NodeDef {
  endpoint?: string;
  tls?: string;
}

const DEFAULT_ALIDNS_ENDPOINT = 'https://alidns.aliyuncs.com';
// Alidns allows a handful of concurrent calls per account; more only earns Throttling.User
const MAX_CONCURRENT_CALLS = 4;

export = function register(RED: NodeAPI): void {
  function AliyunAccountNode(this: Node<AliyunCredentials>, def: AliyunAccountDef) {
    RED.nodes.createNode(this, def);
    const node = this as AliyunAccountNode;
    node.endpoint = (def.endpoint || DEFAULT_ALIDNS_ENDPOINT).trim();
    node.resources = accountResources(RED, def.tls, MAX_CONCURRENT_CALLS);
    node.identity = secretFingerprint(node.endpoint, node.credentials?.accessKeyId, node.credentials?.accessKeySecret);
    if (!node.credentials?.accessKeyId || !node.credentials?.accessKeySecret) {
      node.clientError = new DdnsError('ECONFIG', 'the aliyun-account has no AccessKey ID or secret');
    } else {
      try {
        node.client = new AlidnsClient({
          endpoint: node.endpoint,
          accessKeyId: node.credentials.accessKeyId,
          accessKeySecret: node.credentials.accessKeySecret,
          dispatcher: node.resources.agent,
          userAgent: `node-red-contrib-ddns/${PACKAGE_VERSION}`,
        });
      } catch (err) {
        node.clientError = toDdnsError(err);
      }
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      void node.resources.close().then(done, done);
    });
  }

  RED.nodes.registerType<Node<AliyunCredentials>, AliyunAccountDef, object, AliyunCredentials>('aliyun-account', AliyunAccountNode, {
    credentials: {
      accessKeyId: { type: 'text' },
      accessKeySecret: { type: 'password' },
    },
  });
};
