/**
 * The two nodes of a descriptor-built provider, registered from its descriptor
 * alone: `<kind>-account` (credentials in Node-RED's credential store, the
 * endpoint, an optional tls-config; it owns the keep-alive agent and the API
 * client) and `<kind>-ddns` on the one updater node factory. The file Node-RED
 * loads for a provider is generated at build (scripts/generate-provider-nodes.js)
 * and only calls this, with the few facts registration needs (the
 * credential fields, whether the API is zone based): the descriptor itself,
 * and the provider code with it, is loaded when a node is first deployed.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError, toDdnsError } from '../../core/errors';
import { parseServerUrl } from '../../core/validate';
import type { ProviderDescriptor } from '../../providers/descriptor';
import { attachAccount, type AccountHandle } from './account';
import { PACKAGE_VERSION } from './package-info';
import { registerUpdater, type UpdaterDef } from './updater-node';

interface AccountDef extends NodeDef {
  endpoint?: string;
  tls?: string;
  [setting: string]: unknown;
}

/** What registering the node types needs, before any provider code is loaded. */
export interface ProviderFacts {
  kind: string;
  /** credential name: how Node-RED keeps it */
  credentials: Readonly<Record<string, 'text' | 'password'>>;
  zone: boolean;
}

export function registerProviderNodes(RED: NodeAPI, facts: ProviderFacts, load: () => ProviderDescriptor<unknown>): void {
  const accountType = `${facts.kind}-account`;
  let loaded: ProviderDescriptor<unknown> | undefined;
  const descriptorOf = () => (loaded ??= load());

  function ProviderAccount(this: Node<Record<string, string>>, def: AccountDef) {
    RED.nodes.createNode(this, def);
    const descriptor = descriptorOf();
    const credentialFields = descriptor.account.credentials;
    const credentials: Record<string, string> = {};
    for (const field of credentialFields) {
      const value = (this.credentials as Record<string, unknown> | undefined)?.[field.name];
      credentials[field.name] = typeof value === 'string' ? value.trim() : '';
    }
    const settings: Record<string, unknown> = {};
    for (const field of descriptor.account.settings ?? []) settings[field.name] = def[field.name];
    let problem: DdnsError | undefined;
    let endpoint = '';
    if (descriptor.account.endpoint !== undefined) {
      try {
        endpoint = parseServerUrl('endpoint', (typeof def.endpoint === 'string' && def.endpoint.trim()) || descriptor.account.endpoint, { allowQuery: false }).href.replace(/\/$/, '');
      } catch (err) {
        problem = toDdnsError(err);
      }
    }
    const missing = credentialFields.filter((f) => f.required !== false && credentials[f.name] === '').map((f) => f.name);
    if (!problem && missing.length > 0) problem = new DdnsError('ECONFIG', `the ${accountType} has no ${missing.join(', ')}`);
    const secrets = credentialFields.map((f) => credentials[f.name]).filter((v) => v !== '');
    let http: import('../../providers/http-api').ApiHttp | undefined;
    const handle: AccountHandle = attachAccount(RED, this, {
      tls: def.tls,
      maxConcurrent: descriptor.account.maxConcurrent ?? 2,
      login: [descriptor.kind, endpoint, credentials, settings],
      secrets,
      ...(problem ? { problem } : {}),
      client(dispatcher) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createApiHttp } = require('../../providers/http-api') as typeof import('../../providers/http-api');
        http = createApiHttp(dispatcher, `node-red-contrib-ddns/${PACKAGE_VERSION}`, []);
        return descriptor.account.client({ endpoint, credentials, settings, http });
      },
    });
    // the client masks with every form of the secrets the account worked out
    if (http) (http as { secrets: readonly string[] }).secrets = handle.secrets;
  }

  const credentials: Record<string, { type: 'text' | 'password' }> = {};
  for (const [name, type] of Object.entries(facts.credentials)) credentials[name] = { type };
  RED.nodes.registerType(accountType, ProviderAccount as never, { credentials } as never);

  registerUpdater<UpdaterDef & Record<string, unknown>, unknown>(RED, {
    type: `${facts.kind}-ddns`,
    accountType,
    typed: facts.zone ? ['zone', 'hostnames'] : ['hostnames'],
    build(def, account, names) {
      if (account.client === undefined) throw new DdnsError('ECONFIG', `the ${accountType} has no usable API client`);
      return descriptorOf().updater.provider({
        client: account.client,
        settings: def,
        fixed: {
          ...(names.zone !== undefined ? { zone: names.zone } : {}),
          ...(names.hostnames !== undefined ? { hostnames: names.hostnames } : {}),
        },
        dryRun: def.dryRun === true,
      });
    },
  });
}
