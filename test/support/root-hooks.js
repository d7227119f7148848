'use strict';
// Every test fails if it left an unhandled promise rejection or an uncaught
// exception behind: the nodes promise the runtime never sees one.
const unhandled = [];
// Nothing a test runs may ask the system resolver's servers (not on loopback
// here): c-ares's resolve*() calls go to a closed loopback port and fail at
// once. Name lookups through the hosts file (dns.lookup) are unaffected.
require('node:dns').setServers(['127.0.0.1:1']);
process.on('unhandledRejection', (reason) => unhandled.push(reason));

exports.mochaHooks = {
  afterEach() {
    if (unhandled.length > 0) {
      const first = unhandled.splice(0);
      throw new Error(`unhandled rejection(s): ${first.map((r) => (r && r.stack) || String(r)).join('\n')}`);
    }
  },
};
