'use strict';
// Conformance kit: duckdns-account + duckdns-ddns (src/providers/duckdns, on the provider
// descriptor) against the DuckDNS stand-in (test/servers/fake-duckdns.js).
const fakeDuckdns = require('../../servers/fake-duckdns');

const TOKEN = 'c0ffee00-1234-4abc-9def-0123456789ab';
const WRONG = 'dead0000-1234-4abc-9def-0123456789ab';

module.exports = {
  kind: 'duckdns',
  updaterType: 'duckdns-ddns',
  accountType: 'duckdns-account',
  accountProperty: 'account',
  zone: 'duckdns.org',
  invalid: [
    { why: 'a name outside duckdns.org', updater: { hostnames: 'home.example.com' } },
    { why: 'a record type of MX', updater: { recordType: 'MX' } },
  ],
  capabilities: { recordType: true, ipv6: true, dualStack: true, retryAfter: true, block: true },
  async start() {
    const server = await fakeDuckdns.start({ token: TOKEN, domains: ['home', 'www'] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { token: TOKEN },
      refusedCredentials: { token: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ hostnames: names.join(','), hostnamesType: 'str', recordType, dryRun }),
      requests: () => server.count(),
      writes: () => server.requests.filter((r) => r.path === '/update').length,
      value(name, type) {
        const record = server.records.get(name.replace(/\.duckdns\.org$/, '')) ?? {};
        const value = type === 'A' ? record.ipv4 : record.ipv6;
        return value ? [value] : [];
      },
      throttle(seconds, count = 1) {
        for (let i = 0; i < count; i++) server.answerNext({ status: 429, headers: { 'retry-after': String(seconds) }, body: 'slow down' });
      },
      secrets: [TOKEN, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
