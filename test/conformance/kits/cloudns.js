'use strict';
// Conformance kit: cloudns-account + cloudns-ddns (src/providers/cloudns, on the provider
// descriptor) against the ClouDNS HTTP API stand-in (test/servers/fake-cloudns.js).
const fakeCloudns = require('../../servers/fake-cloudns');

const AUTH_ID = '31337';
const PASSWORD = 'c1ouDNS-conformance-Pa55';
const WRONG = 'c1ouDNS-wrong-Pa55-0000';

module.exports = {
  kind: 'cloudns',
  updaterType: 'cloudns-ddns',
  accountType: 'cloudns-account',
  accountProperty: 'account',
  nodeFiles: ['cloudns'],
  zone: 'example.com',
  invalid: [
    { why: 'a TTL of 600 (not one of the TTLs ClouDNS offers)', updater: { ttl: 600 } },
    { why: 'a name outside the zone', updater: { hostnames: 'home.example.org' } },
    { why: 'a record type of MX', updater: { recordType: 'MX' } },
  ],
  capabilities: { recordType: true, ipv6: true, dualStack: true, retryAfter: true, block: true, dryRunReads: 'a dry run reads each record (records.json) to say whether it would create or update it' },
  async start() {
    const server = await fakeCloudns.start({ authId: AUTH_ID, password: PASSWORD, zones: { 'example.com': true } });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { authId: AUTH_ID, authPassword: PASSWORD },
      refusedCredentials: { authId: AUTH_ID, authPassword: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: 'example.com', zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, ttl: '', dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value: (name, type) => server.values(name, type),
      // ClouDNS itself throttles in the body with HTTP 200 and no Retry-After; a proxy in front
      // of it (or a future ClouDNS) answering 429 with Retry-After is what this check can test
      throttle(seconds, count = 1) {
        for (let i = 0; i < count; i++) {
          server.answerNext({ status: 429, headers: { 'retry-after': String(seconds) }, body: JSON.stringify({ status: 'Failed', statusDescription: 'Too many requests.' }) });
        }
      },
      secrets: [PASSWORD, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
