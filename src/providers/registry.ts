/**
 * Every provider the package offers. A provider built on a descriptor
 * (src/providers/descriptor.ts) is one line in PROVIDER_KINDS: its folder
 * src/providers/<kind>/ exports `descriptor`, and its node files, editor files
 * and catalogs are generated at build (scripts/generate-provider-nodes.js).
 * test/unit/provider-registry.test.js fails when package.json's node list, the
 * installed-package test or the docs drift from this list.
 *
 * A descriptor is loaded when its first node is deployed, not when Node-RED
 * registers the types: the generated node file carries the few facts
 * registration needs.
 *
 * The first four providers have node files of their own (they came before the
 * descriptors) and are listed by their node types.
 */
import type { ProviderDescriptor } from './descriptor';

export const PROVIDER_KINDS = ['duckdns', 'huaweicloud', 'porkbun', 'desec', 'dnspod', 'route53', 'gandi', 'hetzner', 'ionos', 'cloudns', 'namecheap', 'http'] as const;

export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The providers with hand-written node files: kind, account (or server) type, updater type. */
export const HAND_WRITTEN = [
  { kind: 'aliyun', account: 'aliyun-account', updater: 'aliyun-ddns' },
  { kind: 'dyndns2', account: 'dyndns2-account', updater: 'dyndns2-update' },
  { kind: 'cloudflare', account: 'cloudflare-account', updater: 'cloudflare-ddns' },
  { kind: 'rfc2136', account: 'rfc2136-server', updater: 'rfc2136-update' },
] as const;

export function providerDescriptor(kind: string): ProviderDescriptor<unknown> {
  if (!(PROVIDER_KINDS as readonly string[]).includes(kind)) throw new Error(`no provider ${kind}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`./${kind}`) as { descriptor: ProviderDescriptor<unknown> }).descriptor;
}
