'use strict';
// Conformance kit: gandi-account + gandi-ddns (src/providers/gandi, on the provider
// descriptor) against the Gandi LiveDNS stand-in (test/servers/fake-gandi.js).
const fakeGandi = require('../../servers/fake-gandi');

const ZONE = 'example.com';
// personal access tokens as issued so far: 40 hex digits
const TOKEN = '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d';
const WRONG = 'deadbeefdeadbeefdeadbeefdeadbeef00000000';

module.exports = {
  kind: 'gandi',
  updaterType: 'gandi-ddns',
  accountType: 'gandi-account',
  accountProperty: 'account',
  nodeFiles: ['gandi'],
  zone: ZONE,
  invalid: [
    { why: "a TTL of 60 (LiveDNS takes 300 to 2592000)", updater: { ttl: 60 } },
    { why: 'a TTL of 2592001, above LiveDNS\'s maximum', updater: { ttl: 2592001 } },
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
    const server = await fakeGandi.start({ token: TOKEN, domains: [ZONE] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { token: TOKEN },
      refusedCredentials: { token: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: ZONE, zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, ttl: '', dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value(name, type) {
        const rrsetName = name === ZONE ? '@' : name.slice(0, -(ZONE.length + 1));
        const r = server.rrset(ZONE, rrsetName, type);
        return r ? [...r.values].sort() : [];
      },
      throttle: (seconds, count = 1) => server.throttle(seconds, count),
      secrets: [TOKEN, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
