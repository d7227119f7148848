/**
 * `ip-source`: finds this host's current address (src/sources) and passes it
 * on. The node's behaviour is in ip-source/instance.ts, the edit dialog's
 * "Check now" route in ip-source/check-route.ts.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { IpSourceConfig } from './../sources/settings';
import { IpSource } from './ip-source/instance';
import { installCheckRoute } from './ip-source/check-route';
import { installRecordRoutes } from './shared/record-board';

interface IpSourceDef extends NodeDef, IpSourceConfig {}

export = function register(RED: NodeAPI): void {
  function IpSourceNode(this: Node, def: IpSourceDef) {
    RED.nodes.createNode(this, def);
    const source = new IpSource(RED, this, def);
    this.on('close', (_removed: boolean, done: () => void) => {
      void source.close().then(() => done(), () => done());
    });
  }
  RED.nodes.registerType('ip-source', IpSourceNode);
  installCheckRoute(RED);
  // the sidebar shows each ip-source's address, whether or not an updater type registered the routes first
  installRecordRoutes(RED);
};
