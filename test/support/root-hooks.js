'use strict';
// Every test fails if it left an unhandled promise rejection or an uncaught
// exception behind: the nodes promise the runtime never sees one.
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

exports.mochaHooks = {
  afterEach() {
    if (unhandled.length > 0) {
      const first = unhandled.splice(0);
      throw new Error(`unhandled rejection(s): ${first.map((r) => (r && r.stack) || String(r)).join('\n')}`);
    }
  },
};
