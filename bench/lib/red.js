'use strict';
// The Node-RED the bench measures: started from the packed tarball by the same
// helper as the end-to-end tests, logging at `info` as a default install does,
// with a way to collect garbage on demand (SIGWINCH, from settings.js: Node-RED takes SIGUSR2 as a stop) so that
// RSS can be read after a full GC too, and optionally the inspector open for a
// CPU profile of a window of work.
const { startNodeRed } = require('../../test/support/node-red-process');
const { sleep } = require('./proc');

// after the collection the process writes its memoryUsage() to its log: heapUsed then is what is really held
const GC_ON_SIGNAL = [
  "if (typeof global.gc === 'function') process.on('SIGWINCH', () => {",
  '  global.gc();',
  '  global.gc();',
  "  process.stdout.write('BENCH-MEMORY ' + JSON.stringify(process.memoryUsage()) + '\\n');",
  '});',
].join('\n');

async function startBenchRed({ install = true, inspect = false } = {}) {
  const nodeArgs = ['--expose-gc'];
  if (inspect) nodeArgs.push('--inspect=127.0.0.1:0');
  const red = await startNodeRed({
    install,
    nodeArgs,
    preamble: GC_ON_SIGNAL,
    settings: { logging: { console: { level: 'info', metrics: false, audit: false } } },
  });
  /** a full GC in the Node-RED process; resolves to its process.memoryUsage() right after */
  red.collectGarbage = async () => {
    const seen = red.log().split('BENCH-MEMORY ').length;
    red.child.kill('SIGWINCH');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      const parts = red.log().split('BENCH-MEMORY ');
      if (parts.length > seen) return JSON.parse(parts.at(-1).split('\n')[0]);
    }
    throw new Error('the Node-RED process did not report its memory after a GC');
  };
  if (inspect) {
    const match = /Debugger listening on (ws:\/\/\S+)/.exec(red.log());
    if (!match) throw new Error('no inspector address in the Node-RED log');
    red.inspectorUrl = match[1];
  }
  return red;
}

module.exports = { startBenchRed };
