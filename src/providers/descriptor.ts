/**
 * What a provider module exports: one typed descriptor that holds everything
 * the package needs to offer it as a pair of nodes, `<kind>-account` (a config
 * node with the credentials) and `<kind>-ddns` (the updater): its settings with
 * their labels and help in en-US and zh-CN, how to build its API client from
 * the account, and how to build its provider (src/providers/contract.ts) from
 * the updater's settings. The node glue (src/nodes/shared/provider-nodes.ts),
 * the editor files (generated at build by scripts/generate-provider-nodes.js)
 * and the conformance suite are all read from it: a new provider adds its
 * folder and one registry line, and edits nothing shared.
 *
 * No Node-RED import, and nothing heavy at load: a descriptor is read when
 * Node-RED registers the node types, its client only when an account is deployed.
 */
import type { AddressTypeSetting } from '../core/jobs';
import type { Provider } from './contract';
import type { ApiHttp } from './http-api';

/** A text in both languages the package speaks. */
export interface Texts {
  'en-US': string;
  'zh-CN': string;
}

export type FieldKind = 'text' | 'password' | 'number' | 'select' | 'checkbox' | 'textarea';

/** One setting or credential, as the editor shows it and the runtime reads it. */
export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: Texts;
  /** a sentence or two for the node's help */
  help: Texts;
  placeholder?: string;
  default?: string | number | boolean;
  options?: ReadonlyArray<{ value: string; label: Texts }>;
  /** the dialog refuses an empty value */
  required?: boolean;
  /** the editor's check, the same rule the runtime applies (resources/ddns-rules.js, generated from src/core) */
  rule?: 'zone' | 'hostnames' | 'hosts' | 'url' | 'number' | 'pattern';
  min?: number;
  max?: number;
  /** shown under "More settings" */
  more?: boolean;
  /** a TypedInput: text, env, msg, flow or global */
  typed?: boolean;
}

/** What the account node hands the descriptor's client factory. */
export interface AccountInput {
  /** the endpoint URL, checked (scheme, no credentials), without a trailing slash */
  endpoint: string;
  /** the credentials, trimmed; '' when not set */
  credentials: Readonly<Record<string, string>>;
  /** the account's other settings as stored */
  settings: Readonly<Record<string, unknown>>;
  /** the one HTTP path, through the account's keep-alive agent */
  http: ApiHttp;
}

/** What the updater node hands the descriptor's provider factory. */
export interface UpdaterInput<Client> {
  client: Client;
  /** the updater's settings as stored (recordType, ttl, dryRun and the descriptor's own) */
  settings: Readonly<Record<string, unknown>>;
  /** zone and hostnames when fixed in the node (plain text or env); absent = they come with each input */
  fixed: Readonly<{ zone?: string; hostnames?: string }>;
  dryRun: boolean;
}

export interface ProviderDescriptor<Client = unknown> {
  /** `dnspod`: the node types are `dnspod-account` and `dnspod-ddns`, the docs page docs/providers/dnspod.md */
  kind: string;
  /** the service's own name, `Tencent Cloud DNSPod` */
  title: string;
  /** the palette colour */
  color: string;
  /** one or two sentences at the top of both nodes' help */
  summary: Texts;
  account: {
    /** the default endpoint; undefined = the account has no endpoint (the generic HTTP updater) */
    endpoint?: string;
    credentials: readonly FieldSpec[];
    settings?: readonly FieldSpec[];
    /** requests at once per account */
    maxConcurrent?: number;
    /** checks the credentials and builds the client; throws ECONFIG in words (shown at deploy) */
    client(input: AccountInput): Client;
  };
  updater: {
    /** the API works by zone: a `zone` setting, hostnames inside it */
    zone: boolean;
    /**
     * the zone may also be given as the service's own id, matching this pattern
     * (a RegExp source, case-insensitive; route53's hosted zone id `Z…`): the
     * dialog takes a zone name or such an id
     */
    zoneIdPattern?: string;
    /** the record types offered; default auto, A, AAAA */
    recordTypes?: readonly AddressTypeSetting[];
    /**
     * a TTL setting and its range; absent = the service sets the TTL. `values`:
     * the service takes only these (ClouDNS), the dialog offers them as a choice
     */
    ttl?: { min: number; max: number; values?: readonly number[] };
    hostnames?: {
      label?: Texts;
      help?: Texts;
      placeholder?: string;
      /** the dialog's check: full names (default), or hosts relative to a domain with `@` for the domain itself (namecheap) */
      rule?: 'hostnames' | 'hosts';
    };
    settings?: readonly FieldSpec[];
    provider(input: UpdaterInput<Client>): Provider<unknown>;
  };
}

/** Identity for the type checker: a descriptor literal keeps its client type. */
export function defineProvider<Client>(descriptor: ProviderDescriptor<Client>): ProviderDescriptor<Client> {
  return descriptor;
}
