/**
 * What every account config node shares (the mqtt-broker model): one keep-alive
 * undici Agent for the updater nodes that use the account, made on first use
 * and trusting the CA of an optional tls-config node (never switching
 * certificate checks off); a limit on concurrent requests per account; and the
 * account's identity, which resets the updaters' state when the login changes.
 *
 * The identity is stored in node context, which `read` users can fetch and which
 * lies unencrypted in the context files, so it must not let anyone test guesses
 * of the password: it is a keyed digest (HMAC) whose key is random per Node-RED
 * instance and lives where context readers cannot reach it: the instance's
 * runtime settings (.config.runtime.json, beside the credential secret), saved
 * the moment it is made, so it holds across restarts. (A key in the account's
 * credentials would only be saved at the next deploy: a restart before that
 * would lose it and the state with it.)
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Node, NodeAPI } from 'node-red';
import type { Dispatcher } from 'undici';
import { toDdnsError, type DdnsError } from '../../core/errors';
import { ConcurrencyLimit } from '../../core/coalesce';
import { maskingForms } from '../../core/redact';

interface TlsConfigNode extends Node {
  addTLSOptions(options: Record<string, unknown>): Record<string, unknown>;
}

const INSTANCE_KEY_SETTING = 'ddnsStateKey';

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
  /** changes when the login changes; says nothing about the login itself */
  readonly identity: string;
  /** why the account cannot be used (no login, a bad endpoint): the updaters show it at deploy */
  readonly problem?: DdnsError;
  /** every form of every secret of the account, longest first (maskingForms), to mask in whatever the nodes emit */
  readonly secrets: readonly string[];
  /** the provider's API client, made once per account (absent when the account cannot be used) */
  readonly client?: Client;
  /** the account's part of the provider settings (server, key name, login, ...), in memory only */
  readonly settings: Settings;
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

let instanceKey: string | undefined;

/** This Node-RED instance's state key: made once, kept in the runtime settings. */
function instanceStateKey(RED: NodeAPI): string {
  if (instanceKey) return instanceKey;
  const settings = RED.settings as unknown as { get?(name: string): unknown; set?(name: string, value: unknown): Promise<void> };
  try {
    const stored = settings.get?.(INSTANCE_KEY_SETTING);
    if (typeof stored === 'string' && /^[0-9a-f]{32,128}$/.test(stored)) return (instanceKey = stored);
  } catch {
    // settings not available (a test runtime): a key for this process only
  }
  instanceKey = randomBytes(32).toString('hex');
  try {
    void settings.set?.(INSTANCE_KEY_SETTING, instanceKey)?.catch(() => undefined);
  } catch {
    // not persisted: state starts clean after a restart, which is safe
  }
  return instanceKey;
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
    identity: loginIdentity(instanceStateKey(RED), options.login),
    secrets,
    settings: Object.freeze({ ...(options.settings ?? {}) }),
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
