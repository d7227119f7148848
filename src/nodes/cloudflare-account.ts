/**
 * `cloudflare-account`: a Cloudflare API token (in Node-RED's encrypted
 * credential store) and the API endpoint, shared by every `cloudflare-ddns`
 * node that uses it. It owns the one keep-alive HTTP agent, the per-account
 * request limit and the one API client.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError, toDdnsError } from '../core/errors';
import { attachAccount, type AccountNode } from './shared/account';
import { PACKAGE_VERSION } from './shared/package-info';

interface CloudflareCredentials {
  apiToken?: string;
  stateKey?: string;
}

interface CloudflareAccountDef extends NodeDef {
  endpoint?: string;
  tls?: string;
}

/** What `cloudflare-ddns` finds on its account node (src/nodes/shared/account-types.ts is shared, so the type lives here). */
interface CloudflareAccountNode extends AccountNode<CloudflareCredentials> {
  endpoint: string;
}

// Cloudflare allows 1200 calls per five minutes per user; a few at once is plenty for DNS records
const MAX_CONCURRENT_CALLS = 4;

export = function register(RED: NodeAPI): void {
  function CloudflareAccount(this: Node<CloudflareCredentials>, def: CloudflareAccountDef) {
    RED.nodes.createNode(this, def);
    const node = this as unknown as CloudflareAccountNode;
    // loaded with the first deployed account, not when Node-RED registers the type (undici is large)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CloudflareClient: Client, DEFAULT_CLOUDFLARE_ENDPOINT, checkApiToken } = require('../providers/cloudflare/client') as typeof import('../providers/cloudflare/client');
    node.endpoint = (def.endpoint || DEFAULT_CLOUDFLARE_ENDPOINT).trim();
    const raw = node.credentials?.apiToken;
    let problem: DdnsError | undefined;
    let token: string | undefined;
    try {
      token = checkApiToken(raw);
    } catch (err) {
      problem = toDdnsError(err);
    }
    attachAccount(RED, node, {
      tls: def.tls,
      maxConcurrent: MAX_CONCURRENT_CALLS,
      login: [node.endpoint, token ?? raw],
      secrets: [token, raw],
      ...(problem ? { problem: new DdnsError('ECONFIG', `the cloudflare-account: ${problem.message}`) } : {}),
      client: (dispatcher) =>
        new Client({
          endpoint: node.endpoint,
          apiToken: token!,
          dispatcher,
          userAgent: `node-red-contrib-ddns/${PACKAGE_VERSION}`,
        }),
    });
  }

  RED.nodes.registerType<Node<CloudflareCredentials>, CloudflareAccountDef, object, CloudflareCredentials>('cloudflare-account', CloudflareAccount, {
    credentials: {
      apiToken: { type: 'password' },
    },
  });
};
