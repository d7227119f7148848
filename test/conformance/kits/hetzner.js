'use strict';
// Conformance kit: hetzner-account + hetzner-ddns (src/providers/hetzner, on the provider
// descriptor) against the Hetzner Cloud API stand-in (test/servers/fake-hetzner.js).
const fakeHetzner = require('../../servers/fake-hetzner');

const ZONE = 'example.com';
const TOKEN = 'conformanceHetznerToken0123456789abcdefghijklmnopqrstuvwxyzABCD';
const WRONG = 'revokedHetznerToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

module.exports = {
  kind: 'hetzner',
  updaterType: 'hetzner-ddns',
  accountType: 'hetzner-account',
  accountProperty: 'account',
  zone: ZONE,
  invalid: [
    { why: 'a TTL of 20 (Hetzner takes 60 and more)', updater: { ttl: 20 } },
    { why: 'a name outside the zone', updater: { hostnames: 'home.example.org' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run reads the RRSet (and the zone, once, when there is none) to tell "create" from "update" and "already there"',
  },
  async start() {
    const server = await fakeHetzner.start({ token: TOKEN, zones: { [ZONE]: {} } });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { apiToken: TOKEN },
      refusedCredentials: { apiToken: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: ZONE, zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value(name, type) {
        const rr = name === ZONE ? '@' : name.slice(0, -(ZONE.length + 1));
        const r = server.rrset(ZONE, rr, type);
        return r ? r.records.map((x) => x.value).sort() : [];
      },
      throttle: (seconds, count = 1) => server.throttle(seconds, count),
      secrets: [TOKEN, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
