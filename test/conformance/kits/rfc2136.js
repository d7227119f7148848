'use strict';
// Conformance kit: rfc2136-server + rfc2136-update against the scripted RFC 2136 server
// (test/servers/fake-rfc2136.js), which checks TSIG and keeps the RRsets it was sent.
const fakeRfc2136 = require('../../servers/fake-rfc2136');

const ZONE = 'example.test';
const KEY = 'conformance-key';
const SECRET = Buffer.from('conformance TSIG secret, 32 byte').toString('base64');
const WRONG_SECRET = Buffer.from('a wrong TSIG secret of 32 bytes!').toString('base64');

module.exports = {
  kind: 'rfc2136',
  updaterType: 'rfc2136-update',
  accountType: 'rfc2136-server',
  accountProperty: 'server',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a host name outside the zone', updater: { hostnames: 'x.other.test' } },
    { why: 'a TTL of -1', updater: { ttl: -1 } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: 'DNS UPDATE (RFC 2136) has no Retry-After: SERVFAIL and silence are retried with backoff',
    block: true,
    dryRunReads: 'a dry run asks the server what the name holds (a query), and sends no UPDATE',
  },
  async start() {
    const server = await fakeRfc2136.start({ keys: { [KEY]: SECRET } });
    const forms = (secret) => [secret, secret.replace(/=+$/, ''), Buffer.from(secret, 'base64').toString('hex')];
    return {
      account: () => ({ server: server.server, zone: ZONE, keyName: KEY, algorithm: 'hmac-sha256' }),
      credentials: { secret: SECRET },
      refusedCredentials: { secret: WRONG_SECRET },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ hostnames: names.join(','), hostnamesType: 'str', recordType, ttl: 300, dryRun }),
      requests: () => server.requests.length,
      writes: () => server.requests.filter((r) => r.opcode === 'update').length,
      value: (name, type) => server.held(name, type).sort(),
      throttle() {
        throw new Error('rfc2136: no Retry-After');
      },
      secrets: [...forms(SECRET), ...forms(WRONG_SECRET)],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
