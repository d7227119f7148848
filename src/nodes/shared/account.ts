/**
 * What every account config node shares (the mqtt-broker model): one keep-alive
 * undici Agent for the updater nodes that use the account, made on first use
 * and trusting the CA of an optional tls-config node (never switching
 * certificate checks off); a limit on concurrent requests per account; and the
 * account's identity, which resets the updaters' state when the login changes.
 *
 * The identity is stored in node context, which `read` users can fetch and which
 * lies unencrypted in the context files (or a Redis shared by several
 * instances), so it must not let anyone test guesses of the password: it is a
 * keyed digest (HMAC). Its key is one that every Node-RED instance running the
 * same project files already shares and that no context reader can fetch, so
 * instances on one shared context store agree on the state (a confirmed address
 * is not sent again, a blocked host stays blocked) (DESIGN.md, security rules):
 * - `ddns.stateKey` in settings.js, for clusters that set it (it wins);
 * - else Node-RED's credential secret (`credentialSecret` in settings.js, or the
 *   one the runtime generated into .config.runtime.json), which instances must
 *   share anyway to read the same flows_cred.json;
 * each through an HMAC with this package's own label, so the secret itself is
 * never used as a key. Only where there is neither (`credentialSecret: false`)
 * the key is random per instance, kept in the runtime settings beside where the
 * credential secret would be, saved the moment it is made.
  */
import { createHmac, randomBytes } from 'node:crypto';
import type { Node, NodeAPI } from 'node-red';
import type { Dispatcher } from 'undici';
import { toDdnsError, type DdnsError } from '../../core/errors';
import { ConcurrencyLimit } from '../../core/coalesce';
import { isPlaceholderLogin } from '../../core/placeholder';
import { maskingForms } from '../../core/redact';

interface TlsConfigNode extends Node {
  addTLSOptions(options: Record<string, unknown>): Record<string, unknown>;
}

/** the runtime setting that holds the per-instance key, where no shared secret exists */
const INSTANCE_KEY_SETTING = 'ddnsStateKey';
/** what the shared secrets are derived through: a key of its own, never the secret itself */
const STATE_KEY_LABEL = 'node-red-contrib-ddns/state-key/v1';

/**
 * What an updater node gets from its account config node, typed by the
 * provider's client and the account's part of its settings, so no updater
 * looks its account node up again or casts it.
 */
export interface AccountHandle<Client = unknown, Settings = Readonly<Record<string, unknown>>> {
  /** the account's keep-alive HTTP dispatcher, made when first asked for */
  dispatcher(): Dispatcher;
  /** concurrent requests per account */
  readonly slot: ConcurrencyLimit;
  /** changes when the login changes; says nothing about the login itself; the same on instances that share project files */
  readonly identity: string;
  /** the identity an earlier version gave the same login on this instance: state tagged with it is taken over */
  readonly formerIdentity?: string;
  /** why the account cannot be used (no login, a bad endpoint): the updaters show it at deploy */
  readonly problem?: DdnsError;
  /** every form of every secret of the account, longest first (maskingForms), to mask in whatever the nodes emit */
  readonly secrets: readonly string[];
  /** the provider's API client, made once per account (absent when the account cannot be used) */
  readonly client?: Client;
  /** the account's part of the provider settings (server, key name, login, ...), in memory only */
  readonly settings: Settings;
  /** the login is still an example's placeholder: nothing but a dry run may use it */
  readonly placeholder?: true;
  /** no secret is set at all (an account just imported with an example): the nodes wait for one quietly */
  readonly loginMissing?: true;
}

export interface AccountNode<Credentials extends object = object> extends Node<Credentials> {
  account: AccountHandle;
}

export interface AccountOptions {
  /** id of a tls-config node for a private CA or client certificate */
  tls?: string;
  maxConcurrent: number;
  /** everything that makes up the login (server, user, password, key, ...): the identity follows it */
  login: ReadonlyArray<unknown>;
  /** the secrets among them, masked in every text the nodes emit */
  secrets: ReadonlyArray<string | undefined>;
  problem?: DdnsError;
  /** the account's part of the provider settings, handed to every updater as it is */
  settings?: Readonly<Record<string, unknown>>;
  /** makes the provider's client once the account's agent exists; a throw becomes the account's problem */
  client?: (dispatcher: () => Dispatcher) => unknown;
}

/** How this package reads Node-RED's settings: properties of settings.js, and `get` for the runtime's own. */
export interface SettingsView {
  ddns?: unknown;
  credentialSecret?: unknown;
  get?(name: string): unknown;
  set?(name: string, value: unknown): Promise<void>;
}

function setting(settings: SettingsView, name: string): unknown {
  try {
    const direct = (settings as Record<string, unknown>)[name];
    return direct !== undefined ? direct : settings.get?.(name);
  } catch {
    // not available (a test runtime, or settings not loaded yet)
    return undefined;
  }
}

/**
 * The secret the state key is derived from, with where it came from: the
 * explicit `ddns.stateKey`, else the credential secret of settings.js, else the
 * one the runtime generated; undefined when encryption is off and none is set.
 */
export function sharedStateSecret(settings: SettingsView): { secret: string; source: 'stateKey' | 'credentialSecret' } | undefined {
  const ddns = setting(settings, 'ddns');
  const stateKey = ddns && typeof ddns === 'object' ? (ddns as { stateKey?: unknown }).stateKey : undefined;
  if (typeof stateKey === 'string' && stateKey !== '') return { secret: stateKey, source: 'stateKey' };
  const user = setting(settings, 'credentialSecret');
  // false: the user turned credential encryption off, and the runtime drops its generated secret
  if (user === false) return undefined;
  if (typeof user === 'string' && user !== '') return { secret: user, source: 'credentialSecret' };
  const generated = setting(settings, '_credentialSecret');
  if (typeof generated === 'string' && generated !== '') return { secret: generated, source: 'credentialSecret' };
  return undefined;
}

/** A key of this package's own from a shared secret: the same on every instance that has the secret. */
export function deriveStateKey(secret: string): string {
  return createHmac('sha256', secret).update(STATE_KEY_LABEL).digest('hex');
}

let instanceKey: string | undefined;

/** This Node-RED instance's own key, where no secret is shared: made once, kept in the runtime settings. */
function perInstanceKey(settings: SettingsView): string {
  if (instanceKey) return instanceKey;
  const stored = storedInstanceKey(settings);
  if (stored) return (instanceKey = stored);
  instanceKey = randomBytes(32).toString('hex');
  try {
    void settings.set?.(INSTANCE_KEY_SETTING, instanceKey)?.catch(() => undefined);
  } catch {
    // not persisted: state starts clean after a restart, which is safe
  }
  return instanceKey;
}

function storedInstanceKey(settings: SettingsView): string | undefined {
  const stored = setting(settings, INSTANCE_KEY_SETTING);
  return typeof stored === 'string' && /^[0-9a-f]{32,128}$/.test(stored) ? stored : undefined;
}

/**
 * The key of the account identities of this instance, and the key an earlier
 * version used here (random per instance, in the runtime settings) when one is
 * stored and differs: state tagged with it is taken over once, so an upgrade
 * neither resends confirmed addresses nor forgets blocks.
 */
export function stateKeys(settings: SettingsView): { key: string; former?: string } {
  const shared = sharedStateSecret(settings);
  if (!shared) return { key: perInstanceKey(settings) };
  const key = deriveStateKey(shared.secret);
  const former = storedInstanceKey(settings);
  return former && former !== key ? { key, former } : { key };
}

/** A keyed digest of the login: equal for the same login, unguessable without the key. */
export function loginIdentity(key: string, login: ReadonlyArray<unknown>): string {
  return createHmac('sha256', key).update(JSON.stringify(login)).digest('hex').slice(0, 32);
}

function tlsOptions(RED: NodeAPI, tlsNodeId: string | undefined): Record<string, string | Buffer> | undefined {
  const tlsNode = tlsNodeId ? (RED.nodes.getNode(tlsNodeId) as TlsConfigNode | null) : null;
  if (!tlsNode || typeof tlsNode.addTLSOptions !== 'function') return undefined;
  const tls = tlsNode.addTLSOptions({});
  // trust and client identity only: verification stays on whatever tls-config says
  const out: Record<string, string | Buffer> = {};
  for (const key of ['ca', 'cert', 'key', 'passphrase', 'servername']) {
    const value = tls[key];
    if (typeof value === 'string' || Buffer.isBuffer(value)) out[key] = value;
  }
  return out;
}

/**
 * Sets `node.account` up and closes it with the node. undici is loaded only
 * when a request is first made, so a Node-RED whose flows use no account pays
 * nothing for it.
 */
export function attachAccount(RED: NodeAPI, node: Node, options: AccountOptions): AccountHandle {
  let agent: import('undici').Agent | undefined;
  const secrets = maskingForms(options.secrets);
  const keys = stateKeys(RED.settings as unknown as SettingsView);
  const handle: AccountHandle = {
    dispatcher() {
      if (!agent) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createHttpAgent } = require('../../core/http') as typeof import('../../core/http');
        agent = createHttpAgent({ connections: options.maxConcurrent, tls: tlsOptions(RED, options.tls) });
      }
      return agent;
    },
    slot: new ConcurrencyLimit(options.maxConcurrent),
    identity: loginIdentity(keys.key, options.login),
    ...(keys.former ? { formerIdentity: loginIdentity(keys.former, options.login) } : {}),
    secrets,
    settings: Object.freeze({ ...(options.settings ?? {}) }),
    ...(options.secrets.every((v) => v === undefined || v === '') ? { loginMissing: true as const } : {}),
    ...(isPlaceholderLogin([...options.secrets, ...options.login.filter((v): v is string => typeof v === 'string')]) ? { placeholder: true as const } : {}),
    ...(options.problem ? { problem: options.problem } : {}),
  };
  if (!options.problem && options.client) {
    try {
      (handle as { client?: unknown }).client = options.client(() => handle.dispatcher());
    } catch (err) {
      (handle as { problem?: DdnsError }).problem = toDdnsError(err);
    }
  }
  (node as AccountNode).account = handle;
  node.on('close', (_removed: boolean, done: () => void) => {
    // destroy, not close: a redeploy never waits on the network
    const closing = agent ? agent.destroy().catch(() => undefined) : Promise.resolve();
    void closing.then(() => done(), () => done());
  });
  return handle;
}
