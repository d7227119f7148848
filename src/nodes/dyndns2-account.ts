/**
 * `dyndns2-account`: a DynDNS2 server and its login (in Node-RED's encrypted
 * credential store), shared by every `dyndns2-update` node that uses it. It owns
 * the one keep-alive HTTP agent for that server, and holds the account's part
 * of the provider settings (`accountSettings`: server, dual stack form, preset,
 * contact, IPv6-only) for the update nodes to pass on unchanged.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError } from '../core/errors';
import { DYNDNS2_PRESETS } from '../providers/dyndns2/presets';
import type { Dyndns2AccountNode, Dyndns2Credentials } from './shared/account-types';
import { attachAccount } from './shared/account';

interface Dyndns2AccountDef extends NodeDef {
  server?: string;
  preset?: string;
  dualStack?: string;
  contact?: string;
  ipv6Only?: boolean;
  tls?: string;
}

export = function register(RED: NodeAPI): void {
  function Dyndns2AccountNode(this: Node<Dyndns2Credentials>, def: Dyndns2AccountDef) {
    RED.nodes.createNode(this, def);
    const node = this as unknown as Dyndns2AccountNode;
    node.server = String(def.server ?? '').trim();
    node.dualStack = def.dualStack || 'combined';
    node.preset = typeof def.preset === 'string' ? def.preset : '';
    node.contact = typeof def.contact === 'string' ? def.contact.trim() : '';
    node.ipv6Only = def.ipv6Only === true;
    // checked by the provider when it is built, so a bad contact shows as ECONFIG on the update node
    node.accountSettings = Object.freeze({
      server: node.server,
      dualStack: node.dualStack,
      preset: node.preset,
      contact: node.contact,
      ipv6Only: node.ipv6Only,
    });
    const { username, password } = node.credentials ?? {};
    // A new contact (the User-Agent) or IPv6-only choice changes what is sent, so it lifts blocks
    // such as badagent or "good 127.0.0.1"; they join the identity only when set, so that accounts
    // without them keep the state they had before these options existed. The preset does not:
    // choosing one changes the server too, and its quirks make no earlier answer wrong.
    const extras = node.contact || node.ipv6Only ? [{ contact: node.contact, ipv6Only: node.ipv6Only }] : [];
    attachAccount(RED, node, {
      tls: def.tls,
      // DynDNS2 servers expect one client at a time per account
      maxConcurrent: 1,
      login: [node.server, node.dualStack, username, password, ...extras],
      secrets: [password, username && password ? `${username}:${password}` : undefined],
      ...(!username || !password ? { problem: new DdnsError('ECONFIG', 'the dyndns2-account has no user name or password') } : {}),
      settings: { ...node.accountSettings, username: username ?? '', password: password ?? '' },
    });
  }

  // the editor's provider menu reads the presets from the one list the runtime uses
  RED.httpAdmin.get('/ddns/dyndns2/presets', RED.auth.needsPermission('dyndns2-account.read'), (_req, res) => {
    res.json(DYNDNS2_PRESETS);
  });

  RED.nodes.registerType<Node<Dyndns2Credentials>, Dyndns2AccountDef, object, Dyndns2Credentials>('dyndns2-account', Dyndns2AccountNode, {
    credentials: {
      username: { type: 'text' },
      password: { type: 'password' },
    },
  });
};
