'use strict';
// Conformance kit: ionos-account + ionos-ddns (src/providers/ionos, on the provider
// descriptor) against the IONOS DNS API stand-in (test/servers/fake-ionos.js).
const fakeIonos = require('../../servers/fake-ionos');

const ZONE = 'example.com';
const API_KEY = `${'a1b2c3d4'.repeat(4)}.${'ConformanceSecret_0123-'.repeat(4)}`;
const WRONG = `${'a1b2c3d4'.repeat(4)}.${'RevokedSecretValue_987-'.repeat(4)}`;

module.exports = {
  kind: 'ionos',
  updaterType: 'ionos-ddns',
  accountType: 'ionos-account',
  accountProperty: 'account',
  nodeFile: 'ionos',
  zone: ZONE,
  invalid: [
    { why: 'a TTL of 30 (IONOS takes 60 to 86400)', updater: { ttl: '30' } },
    { why: 'a TTL of 90000, above 86400', updater: { ttl: '90000' } },
    { why: 'a name outside the zone', updater: { hostnames: 'home.example.org' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run looks the zone and the records up to tell "create" from "update" and "already there"',
  },
  async start() {
    const server = await fakeIonos.start({ apiKey: API_KEY, zones: [ZONE] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { apiKey: API_KEY },
      refusedCredentials: { apiKey: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: ZONE, zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, ttl: '', dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value: (name, type) => server.values(name, type),
      throttle: (seconds, count = 1) => server.throttle(seconds, count),
      secrets: [API_KEY, WRONG, API_KEY.split('.')[1], WRONG.split('.')[1]],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
