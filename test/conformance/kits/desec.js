'use strict';
// Conformance kit: desec-account + desec-ddns (src/providers/desec, on the provider
// descriptor) against the deSEC stand-in (test/servers/fake-desec.js).
const fakeDesec = require('../../servers/fake-desec');

const ZONE = 'example.com';
const TOKEN = 'conformanceTokenAbc_123-xyzQ';
const WRONG = 'revokedTokenDef_456-uvwRstuv';

module.exports = {
  kind: 'desec',
  updaterType: 'desec-ddns',
  accountType: 'desec-account',
  accountProperty: 'account',
  nodeFiles: ['desec'],
  zone: ZONE,
  invalid: [
    { why: 'a TTL of 20 (deSEC takes the domain\'s minimum up to 86400)', updater: { ttl: 20 } },
    { why: 'a TTL of 90000, above deSEC\'s maximum of 86400', updater: { ttl: 90000 } },
    { why: 'a name outside the zone', updater: { hostnames: 'home.example.org' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run reads the RRset to tell "create" from "update" and "already there"',
  },
  async start() {
    const server = await fakeDesec.start({ token: TOKEN, domains: { [ZONE]: { minimum_ttl: 3600 } } });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { token: TOKEN },
      refusedCredentials: { token: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: ZONE, zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value(name, type) {
        const subname = name === ZONE ? '' : name.slice(0, -(ZONE.length + 1));
        const r = server.rrset(ZONE, subname, type);
        return r ? [...r.records].sort() : [];
      },
      throttle: (seconds, count = 1) => server.throttle(seconds, count),
      secrets: [TOKEN, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
