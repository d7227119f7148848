'use strict';
// Conformance kit: namecheap-account + namecheap-ddns (src/providers/namecheap, on the provider
// descriptor) against the Namecheap Dynamic DNS stand-in (test/servers/fake-namecheap.js).
const fakeNamecheap = require('../../servers/fake-namecheap');

const ZONE = 'example.com';
const PASSWORD = '5f2b9c0e7a4d4e1b8c3a6f9d0e2b4c7a';
const WRONG = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const IPV4_ONLY = "Namecheap's Dynamic DNS writes A records only (no IPv6 parameter); the updater offers auto (= A) and A";

module.exports = {
  kind: 'namecheap',
  updaterType: 'namecheap-ddns',
  accountType: 'namecheap-account',
  accountProperty: 'account',
  nodeFile: 'namecheap',
  zone: ZONE,
  invalid: [
    { why: 'a record type of AAAA (IPv4 only)', updater: { recordType: 'AAAA' } },
    { why: 'a host with a character no DNS name has', updater: { hostnames: 'ho$t' } },
    { why: 'a wildcard that is not the leftmost label', updater: { hostnames: 'home.*' } },
  ],
  // recordType: auto and A are offered (the AAAA checks are skipped by ipv6)
  capabilities: { recordType: true, ipv6: IPV4_ONLY, dualStack: IPV4_ONLY, retryAfter: true, block: true },
  async start() {
    const server = await fakeNamecheap.start({ domain: ZONE, password: PASSWORD, hosts: ['@', 'home', 'www'] });
    const hostOf = (name) => (name === ZONE ? '@' : name.slice(0, -(ZONE.length + 1)));
    return {
      account: () => ({ endpoint: server.url, domain: ZONE }),
      credentials: { password: PASSWORD },
      refusedCredentials: { password: WRONG },
      // hosts as Namecheap names them: home.example.com is `home`
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({ hostnames: names.map(hostOf).join(', '), hostnamesType: 'str', recordType, dryRun }),
      requests: () => server.count(),
      writes: () => server.requests.filter((r) => r.path === '/update').length,
      value(name, type) {
        const held = type === 'A' ? server.records.get(hostOf(name)) : '';
        return held ? [held] : [];
      },
      throttle(seconds, count = 1) {
        for (let i = 0; i < count; i++) server.answerNext({ status: 429, headers: { 'retry-after': String(seconds) }, body: 'Too many requests' });
      },
      secrets: [PASSWORD, WRONG],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
