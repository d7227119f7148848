'use strict';
// Conformance kit: aliyun-account + aliyun-ddns against the fake Alidns (test/servers/fake-alidns.js).
const fakeAlidns = require('../../servers/fake-alidns');

const ZONE = 'example.com';
const KEY_ID = 'LTAI-conformance-key';
const SECRET = 'conformance-Secret-Ali-5d1e';
const WRONG_SECRET = 'conformance-Wrong-Ali-8b7c';

module.exports = {
  kind: 'aliyun',
  updaterType: 'aliyun-ddns',
  accountType: 'aliyun-account',
  accountProperty: 'account',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a TTL of 0', updater: { ttl: 0 } },
    { why: 'a host record with an empty label', updater: { rr: 'a..b' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    // Alibaba's gateway throttles with HTTP 400 Throttling.User and no Retry-After header (fake-alidns.js FAULTS);
    // the client retries that with its own backoff
    retryAfter: 'Alidns sends no Retry-After: throttling is HTTP 400 Throttling.User, retried with backoff',
    // the contract's rule (DESIGN.md "New providers": blocks as the existing updaters); today aliyun-ddns keeps
    // sending a refused AccessKey pair (EAUTH each input, no block): the suite's block check fails on that
    block: true,
    dryRunReads: 'a dry run looks the record up (DescribeSubDomainRecords) to tell "create" from "update"',
  },
  async start() {
    const server = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: [ZONE] });
    const rrOf = (name) => (name === ZONE ? '@' : name.slice(0, -(ZONE.length + 1)));
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { accessKeyId: KEY_ID, accessKeySecret: SECRET },
      refusedCredentials: { accessKeyId: KEY_ID, accessKeySecret: WRONG_SECRET },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        domain: ZONE,
        rr: names.map(rrOf).join(','),
        recordType,
        ttl: 600,
        line: 'default',
        create: true,
        dryRun,
      }),
      requests: () => server.requests.length,
      writes: () => server.count('UpdateDomainRecord') + server.count('AddDomainRecord'),
      value: (name, type) => server.list(ZONE, rrOf(name), type).map((r) => r.Value).sort(),
      throttle() {
        throw new Error('aliyun: no Retry-After');
      },
      secrets: [SECRET, WRONG_SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64')],
      reset() {
        server.reset();
        server.clearRecords();
      },
      close: () => server.close(),
    };
  },
};
