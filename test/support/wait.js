'use strict';

/** Polls until predicate() is truthy (and returns it), or fails naming what it waited for. */
async function waitFor(predicate, what, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await predicate();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

module.exports = { waitFor };
