/**
 * `rfc2136-server`: a DNS server that takes RFC 2136 updates (BIND, Knot,
 * PowerDNS, Technitium, many routers), its zone and the TSIG key, shared by
 * every `rfc2136-update` node that uses it. The key's secret lives only in
 * Node-RED's encrypted credential store; what the updaters keep in context is
 * reset when any part of the key or the server changes.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DdnsError } from '../core/errors';
import { attachAccount, type AccountNode } from './shared/account';

interface Rfc2136ServerDef extends NodeDef {
  server?: string;
  zone?: string;
  keyName?: string;
  algorithm?: string;
}

interface Rfc2136Credentials {
  secret?: string;
}

/** What `rfc2136-update` reads from its server node (its copy of this shape lives in rfc2136-update.ts). */
interface Rfc2136ServerNode extends AccountNode<Rfc2136Credentials> {
  server: string;
  zone: string;
  keyName: string;
  algorithm: string;
}

export = function register(RED: NodeAPI): void {
  function Rfc2136ServerNode(this: Node<Rfc2136Credentials>, def: Rfc2136ServerDef) {
    RED.nodes.createNode(this, def);
    const node = this as unknown as Rfc2136ServerNode;
    node.server = String(def.server ?? '').trim();
    node.zone = String(def.zone ?? '').trim();
    node.keyName = String(def.keyName ?? '').trim();
    node.algorithm = String(def.algorithm || 'hmac-sha256').trim();
    const secret = node.credentials?.secret;
    attachAccount(RED, node, {
      // updates of one server go one after another: servers serialise them per zone anyway
      maxConcurrent: 1,
      login: [node.server, node.zone, node.keyName, node.algorithm, secret],
      secrets: [secret],
      ...(!node.keyName || !secret ? { problem: new DdnsError('ECONFIG', 'the rfc2136-server has no TSIG key name or secret') } : {}),
      settings: { server: node.server, zone: node.zone, keyName: node.keyName, algorithm: node.algorithm, secret: secret ?? '' },
    });
  }

  RED.nodes.registerType<Node<Rfc2136Credentials>, Rfc2136ServerDef, object, Rfc2136Credentials>('rfc2136-server', Rfc2136ServerNode, {
    credentials: {
      secret: { type: 'password' },
    },
  });
};
