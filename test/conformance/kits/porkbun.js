'use strict';
// Conformance kit: porkbun-account + porkbun-ddns (src/providers/porkbun, on the provider
// descriptor) against the Porkbun API v3 stand-in (test/servers/fake-porkbun.js).
const fakePorkbun = require('../../servers/fake-porkbun');

const API_KEY = `pk1_${'0123456789abcdef'.repeat(4)}`;
const SECRET = `sk1_${'fedcba9876543210'.repeat(4)}`;
const WRONG = `sk1_${'dead0000beef1111'.repeat(4)}`;

module.exports = {
  kind: 'porkbun',
  updaterType: 'porkbun-ddns',
  accountType: 'porkbun-account',
  accountProperty: 'account',
  nodeFiles: ['porkbun'],
  zone: 'example.com',
  invalid: [
    { why: "a TTL of 300 (Porkbun's minimum is 600)", updater: { ttl: 300 } },
    { why: 'a name outside the zone', updater: { hostnames: 'home.example.org' } },
    { why: 'a record type of MX', updater: { recordType: 'MX' } },
  ],
  capabilities: { recordType: true, ipv6: true, dualStack: true, retryAfter: true, block: true, dryRunReads: 'a dry run reads each record (retrieveByNameType) to say whether it would create or update it' },
  async start() {
    const server = await fakePorkbun.start({ apiKey: API_KEY, secretApiKey: SECRET, domains: { 'example.com': true } });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { apiKey: API_KEY, secretApiKey: SECRET },
      refusedCredentials: { apiKey: API_KEY, secretApiKey: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ zone: 'example.com', zoneType: 'str', hostnames: names.join(','), hostnamesType: 'str', recordType, ttl: '', dryRun }),
      requests: () => server.count(),
      writes: () => server.writes(),
      value: (name, type) => server.values(name, type),
      throttle(seconds, count = 1) {
        for (let i = 0; i < count; i++) {
          server.answerNext({ status: 429, headers: { 'retry-after': String(seconds) }, body: JSON.stringify({ status: 'ERROR', message: 'Too many requests.' }) });
        }
      },
      secrets: [API_KEY, SECRET, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
