'use strict';
// Conformance kit: http-account + http-ddns (src/providers/http, the generic updater on
// the provider descriptor) against a stand-in DDNS service (test/servers/fake-http-ddns.js),
// with the token in the URL's query, so that its URL-encoded form is among what must
// never leave a node.
const fakeHttpDdns = require('../../servers/fake-http-ddns');

const TOKEN = 'conf/Token+abc=123_xyzQ';
const WRONG = 'revoked/Token+def=456_uvw';

module.exports = {
  kind: 'http',
  updaterType: 'http-ddns',
  accountType: 'http-account',
  accountProperty: 'account',
  zone: 'example.com',
  invalid: [
    { why: 'an unknown placeholder in the URL', updater: { url: 'http://127.0.0.1:9/update?h={host}' } },
    { why: 'a body with GET', updater: { method: 'GET', body: 'ip={ip}' } },
    { why: 'a user name in the URL', updater: { url: 'http://{user}@127.0.0.1:9/update' } },
  ],
  capabilities: { recordType: true, ipv6: true, dualStack: true, retryAfter: true, block: true },
  async start() {
    const server = await fakeHttpDdns.start({ token: TOKEN });
    return {
      account: () => ({}),
      credentials: { token: TOKEN },
      refusedCredentials: { token: WRONG },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        hostnames: names.join(','),
        hostnamesType: 'str',
        recordType,
        dryRun,
        method: 'GET',
        url: `${server.url}/update?hostname={hostname}&ip={ip}&token={token}`,
        success: '^good ',
      }),
      requests: () => server.count(),
      writes: () => server.requests.filter((r) => r.path === '/update').length,
      value(name, type) {
        const value = server.records.get(`${name}/${type}`);
        return value ? [value] : [];
      },
      throttle(seconds, count = 1) {
        for (let i = 0; i < count; i++) server.answerNext({ status: 429, headers: { 'retry-after': String(seconds) }, body: 'slow down' });
      },
      secrets: [TOKEN, WRONG, encodeURIComponent(TOKEN), encodeURIComponent(WRONG)],
      reset: () => server.reset(),
      close: () => server.close(),
    };
  },
};
