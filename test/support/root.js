'use strict';

/**
 * Skips the test (or suite, from a before hook) with a printed reason when this
 * process is not root: network namespaces and addresses on `lo` need it. CI
 * runs as root and runs them all; a developer without root sees why they did not.
 */
function requireRoot(context, what) {
  if (typeof process.getuid !== 'function' || process.getuid() === 0) return;
  process.stdout.write(`      skipped, needs root: ${what}\n`);
  context.skip();
}

module.exports = { requireRoot };
