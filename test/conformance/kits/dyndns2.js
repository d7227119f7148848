'use strict';
// Conformance kit: dyndns2-account + dyndns2-update against the fake DynDNS2 server (test/servers/fake-dyndns2.js).
const fakeDyndns2 = require('../../servers/fake-dyndns2');

const ZONE = 'example.com';
const USERNAME = 'conformance-user';
const PASSWORD = 'conformance-Pa55-Dyn-4e9f';
const WRONG_PASSWORD = 'conformance-Wrong-Dyn-1a2b';

module.exports = {
  kind: 'dyndns2',
  updaterType: 'dyndns2-update',
  accountType: 'dyndns2-account',
  accountProperty: 'account',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a host name with an empty label', updater: { hostnames: 'a..example.com' } },
    { why: 'retries of -2', updater: { retries: -2 } },
  ],
  capabilities: {
    recordType: 'DynDNS2 has no record type setting: the families in the payload say what is updated',
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
  },
  async start() {
    const server = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: [`home.${ZONE}`, `www.${ZONE}`] } } });
    const family = { A: 'ipv4', AAAA: 'ipv6' };
    const forms = (password) => [password, encodeURIComponent(password), Buffer.from(`${USERNAME}:${password}`).toString('base64')];
    return {
      account: () => ({ server: server.url, dualStack: 'combined' }),
      credentials: { username: USERNAME, password: PASSWORD },
      refusedCredentials: { username: USERNAME, password: WRONG_PASSWORD },
      // retries: 1 keeps a transient failure short; refresh 0: no keep-alive write
      updater: ({ names, dryRun = false }) => ({ hostnames: names.join(','), hostnamesType: 'str', retries: 1, refresh: 0, dryRun }),
      requests: () => server.requests.length,
      // every DynDNS2 request is an update
      writes: () => server.requests.length,
      value: (name, type) => {
        const held = server.hosts.get(name.toLowerCase())?.[family[type]];
        return held === undefined ? [] : [held];
      },
      throttle(seconds, count = 1) {
        server.inject({ status: 429, headers: { 'retry-after': String(seconds) }, body: '', count });
      },
      secrets: [...forms(PASSWORD), ...forms(WRONG_PASSWORD)],
      reset() {
        server.reset();
        for (const host of server.hosts.values()) {
          host.ipv4 = undefined;
          host.ipv6 = undefined;
        }
      },
      close: () => server.close(),
    };
  },
};
