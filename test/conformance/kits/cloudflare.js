'use strict';
// Conformance kit: cloudflare-account + cloudflare-ddns against the Cloudflare stand-in (test/servers/fake-cloudflare.js).
const fakeCloudflare = require('../../servers/fake-cloudflare');

const ZONE = 'example.com';
const TOKEN = 'cf-conformance-Token-3Jk8wQ2zX5vB9nM1';
const WRONG_TOKEN = 'cf-conformance-Revoked-7Lp4rT6yU0iO2aS8';

module.exports = {
  kind: 'cloudflare',
  updaterType: 'cloudflare-ddns',
  accountType: 'cloudflare-account',
  accountProperty: 'account',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a TTL of 20 (Cloudflare takes 1, or 30 to 86400)', updater: { ttl: 20 } },
    { why: 'a host name with an empty label', updater: { hostnames: 'a..example.com' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run looks the zone and records up to tell "create" from "update"',
  },
  async start() {
    const server = await fakeCloudflare.start({ tokens: { [TOKEN]: '*' }, zones: [ZONE] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { apiToken: TOKEN },
      refusedCredentials: { apiToken: WRONG_TOKEN },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        zone: ZONE,
        hostnames: names.join(','),
        hostnamesType: 'str',
        recordType,
        ttl: 1,
        proxied: 'keep',
        create: true,
        dryRun,
      }),
      requests: () => server.requests.length,
      writes: () => server.count('create') + server.count('patch'),
      value: (name, type) => server.list(name, type).map((r) => r.content).sort(),
      throttle(seconds, count = 1) {
        server.inject({ status: 429, headers: { 'retry-after': String(seconds) }, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }], count });
      },
      secrets: [TOKEN, WRONG_TOKEN, ...[TOKEN, WRONG_TOKEN].map((t) => Buffer.from(t).toString('base64'))],
      reset() {
        server.reset();
        server.clearRecords();
      },
      close: () => server.close(),
    };
  },
};
