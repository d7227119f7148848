/**
 * `ddns-sidebar`: a Node-RED plugin (package.json `node-red.plugins`). Its editor
 * half (ddns-sidebar.html beside this file) adds the DDNS tab to the sidebar; this
 * runtime half makes sure the admin routes it reads exist even before the first
 * updater node type is registered. The routes and the record board live in
 * shared/record-board.ts.
 */
import type { NodeAPI } from 'node-red';
import { installRecordRoutes } from './shared/record-board';

export = function register(RED: NodeAPI): void {
  RED.plugins.registerPlugin('ddns-sidebar', {
    type: 'ddns-sidebar',
    onadd() {
      installRecordRoutes(RED);
    },
  });
};
